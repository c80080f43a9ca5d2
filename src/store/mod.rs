//! The Redis layer: RQ's key layout, its encodings, and the atomic job transitions.
//!
//! Everything above (worker, scheduler, admin commands) reaches Redis through
//! [`Store`]; nothing here knows about them or about the hooks file.
//!
//! # Layout
//! - [`keys`]: every key name, and the prefixes handed to Lua.
//! - [`job`], [`payload`], [`timestamp`]: the job hash and RQ's byte formats.
//! - [`frappe`]: Frappe's job shape (execute_job payload, site ids) on top of RQ's.
//! - [`connect`]: URL to connections, the single place connections are made.
//! - [`scripts`] + `lua/`: multi-key transitions as Lua scripts.
//! - [`enqueue`], [`query`]: writing jobs and reading them back.
//! - [`lifecycle`]: claim, heartbeat, finish and recovery, as a worker drives a job.
//! - [`schedule`]: the scheduler's lease, slots, ledger and delayed jobs.
//! - [`manage`]: operator changes: requeue, purge, cancel, stop.

pub mod acl;
pub mod connect;
pub mod enqueue;
pub mod frappe;
pub mod job;
pub mod keys;
pub mod lifecycle;
pub mod manage;
pub mod payload;
pub mod pickle_depth;
pub mod query;
pub mod schedule;
pub mod scripts;
pub mod timestamp;

pub use connect::Endpoint;
pub use enqueue::Enqueued;
pub use job::{JobHash, JobStatus, NewJob};
pub use payload::Serializer;
pub use query::RqWorkerVersion;

/// Errors from the Redis layer.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("invalid Redis URL `{url}`: {reason}")]
    BadUrl { url: String, reason: String },
    #[error("{0}")]
    Tls(String),
    #[error("{0}")]
    Permissions(String),
    #[error("cannot reach Redis at {url}: {}", failure(source))]
    Unreachable {
        url: String,
        #[source]
        source: redis::RedisError,
    },
    #[error(
        "Redis at {url} refused user `{user}` ({source}); check the user and password: in the Redis URL, Frappe's rq_username and rq_password (with use_rq_auth) in common_site_config.json, or `bench worker -u USER -p PASSWORD`"
    )]
    Refused {
        url: String,
        user: String,
        #[source]
        source: redis::RedisError,
    },
    #[error("Redis command failed: {}", failure(.0))]
    Redis(#[from] redis::RedisError),
    #[error(transparent)]
    Payload(#[from] payload::PayloadError),
    #[error("unexpected reply from Redis: {0}")]
    Protocol(String),
    #[error(
        "a worker named `{0}` is already running; choose another --name, or wait a minute if it just died"
    )]
    NameTaken(String),
}

/// A Redis error as an operator reads it: a refused permission is explained.
fn failure(e: &redis::RedisError) -> String {
    if matches!(
        e.kind(),
        redis::ErrorKind::Server(redis::ServerErrorKind::NoPerm)
    ) || e.to_string().contains("NOPERM")
    {
        acl::explain(&e.to_string())
    } else if e.code() == Some("NOAUTH") {
        format!(
            "{}; this Redis asks for a password: give it in the Redis URL (redis://user:password@host), as Frappe's rq_username and rq_password (with use_rq_auth) in common_site_config.json, or with `bench worker -u USER -p PASSWORD`",
            e.to_string().trim_end_matches('.')
        )
    } else {
        e.to_string()
    }
}

impl StoreError {
    /// Whether retrying later may help: the server is away, not the request wrong.
    pub fn is_transient(&self) -> bool {
        match self {
            StoreError::Unreachable { .. } => true,
            StoreError::Redis(e) => connect::is_transient(e),
            _ => false,
        }
    }
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// The Python RQ layout a store writes; see [`crate::config::RqVersion`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// RQ 1.x (Frappe 15): started jobs filed under their plain id, no executions.
    Rq1,
    /// RQ 2.x: started jobs filed as `<id>:<execution id>`, with execution records.
    Rq2,
}

impl Layout {
    pub fn number(self) -> u8 {
        match self {
            Layout::Rq1 => 1,
            Layout::Rq2 => 2,
        }
    }
}

/// A handle on one Redis database holding RQ data. Cheap to clone.
#[derive(Clone)]
pub struct Store {
    endpoint: Endpoint,
    conn: connect::Conn,
    layout: Layout,
    /// Why this layout, for `bench doctor`.
    layout_reason: std::sync::Arc<str>,
    /// This bench's scheduler keys.
    sched: std::sync::Arc<keys::SchedulerKeys>,
}

impl Store {
    /// Connects to the Redis at `url`.
    ///
    /// # Errors
    /// A bad URL, or a server that does not answer.
    pub async fn open(url: &str) -> Result<Store> {
        Store::open_with(url, &crate::config::RedisOptions::default()).await
    }

    /// Like [`Store::open`], with TLS files, sentinel credentials and replica
    /// acknowledgements.
    pub async fn open_with(url: &str, options: &crate::config::RedisOptions) -> Result<Store> {
        Store::open_endpoint(Endpoint::parse_with(url, options)?).await
    }

    /// Connects to a parsed endpoint; opening the same one again after a failure keeps
    /// what its sentinels said meanwhile.
    ///
    /// # Errors
    /// Redis unreachable.
    pub async fn open_endpoint(endpoint: Endpoint) -> Result<Store> {
        let conn = endpoint.manager().await?;
        Ok(Store {
            endpoint,
            conn,
            layout: Layout::Rq2,
            layout_reason: "RQ 2.x is the default".into(),
            sched: std::sync::Arc::new(keys::SchedulerKeys::legacy()),
        })
    }

    /// The same Redis, with the scheduler state of the bench `bench_id`.
    pub fn for_bench(mut self, bench_id: Option<&str>) -> Store {
        self.sched = std::sync::Arc::new(keys::SchedulerKeys::of(bench_id));
        self
    }

    /// This bench's scheduler keys.
    pub fn scheduler_keys(&self) -> &keys::SchedulerKeys {
        &self.sched
    }

    /// The same Redis, written in `layout`, for the reason given.
    pub fn with_layout(mut self, layout: Layout, reason: &str) -> Store {
        self.layout = layout;
        self.layout_reason = reason.into();
        self
    }

    pub fn layout(&self) -> Layout {
        self.layout
    }

    /// Why this store writes its layout.
    pub fn layout_reason(&self) -> &str {
        &self.layout_reason
    }

    fn scripts(&self) -> &'static scripts::Scripts {
        scripts::scripts(self.layout)
    }

    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    /// The shared connection; clones multiplex over one socket.
    pub fn conn(&self) -> connect::Conn {
        self.conn.clone()
    }

    /// The shared connection, for writes that must survive a failover: each call waits
    /// for `[redis] min_replicas_ack` replicas.
    pub fn acked_conn(&self) -> connect::Conn {
        self.conn.acked(&self.endpoint)
    }
}
