//! Opening connections: the one place a Redis URL becomes a client.
//!
//! A `redis+sentinel://` URL names sentinels instead of a server. The master they name
//! is looked up at open and again whenever a command fails the way a dead or demoted
//! master fails (connection refused or dropped, timeout, READONLY): the command's error
//! still reaches the caller, whose retry then goes to the promoted replica. Callers hold
//! a [`Conn`] either way and never see the difference.
//!
//! `[redis] min_replicas_ack` makes the writes that must survive a failover (enqueue,
//! the end of a job) wait for replicas: the script call and a `WAIT` travel in one
//! pipeline on one connection, so they cost one round trip and `WAIT` covers exactly
//! that write. Too few acknowledgements is an error the caller retries or reports.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use redis::aio::{
    ConnectionLike, ConnectionManager, ConnectionManagerConfig, MultiplexedConnection, PubSub,
};
use redis::sentinel::{SentinelClient, SentinelClientBuilder, SentinelServerType};
use redis::{
    AsyncConnectionConfig, Client, ClientTlsConfig, Cmd, ConnectionAddr, IntoConnectionInfo,
    Pipeline, RedisError, RedisFuture, RedisResult, TlsCertificates, TlsMode, Value,
};

use super::StoreError;
use crate::config::RedisOptions;
pub use crate::config::redact_url as redact;
use crate::config::sentinel::{self, SentinelUrl};

/// How long an ordinary command may take before bench calls the server unresponsive.
/// Bulk scripts are chunked to stay far below it.
const RESPONSE_TIMEOUT: Duration = Duration::from_secs(30);
const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a write waits for `min_replicas_ack` replicas before it counts as failed.
const ACK_TIMEOUT_MS: u64 = 2000;
/// The sentinels are asked again at most this often, however many commands fail.
const LOOKUP_EVERY: Duration = Duration::from_millis(200);

/// Whether a Redis error is the kind that passes: the server is away, restarting,
/// loading, or no longer the master. Such a command is retried; nothing is wrong with it.
pub fn is_transient(e: &RedisError) -> bool {
    e.is_io_error()
        || e.is_connection_dropped()
        || e.is_connection_refusal()
        || e.is_timeout()
        || matches!(
            e.kind(),
            redis::ErrorKind::Server(
                redis::ServerErrorKind::BusyLoading
                    | redis::ServerErrorKind::TryAgain
                    | redis::ServerErrorKind::ReadOnly
                    | redis::ServerErrorKind::MasterDown
            )
        )
}

/// A parsed Redis URL plus the client built from it.
#[derive(Clone)]
pub struct Endpoint {
    target: Target,
    shown: String,
    acks: u32,
}

#[derive(Clone)]
enum Target {
    Direct(Box<Client>),
    Sentinel(Arc<Failover>),
}

/// The master as the sentinels last named it.
struct Failover {
    sentinels: tokio::sync::Mutex<SentinelClient>,
    /// The master last found, with the generation it was found in.
    master: Mutex<Option<(u64, Client)>>,
    /// Bumped each time the sentinels name a different master, so connections to the
    /// old one are replaced.
    generation: AtomicU64,
    last_lookup: Mutex<Option<Instant>>,
    db: i64,
}

impl Failover {
    fn current(&self) -> Option<(u64, Client)> {
        self.master
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Asks the sentinels for the master, unless another task just did. `force` asks
    /// even when a master is known (a command to it failed).
    async fn lookup(&self, force: bool) -> RedisResult<(u64, Client)> {
        let seen = self.generation.load(Ordering::SeqCst);
        let mut sentinels = self.sentinels.lock().await;
        if let Some(cur) = self.current() {
            let recent = self
                .last_lookup
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .is_some_and(|t| t.elapsed() < LOOKUP_EVERY);
            if !force || recent || cur.0 != seen {
                return Ok(cur);
            }
        }
        let found = sentinels.async_get_client().await;
        *self.last_lookup.lock().unwrap_or_else(|p| p.into_inner()) = Some(Instant::now());
        let client = found?;
        let mut master = self.master.lock().unwrap_or_else(|p| p.into_inner());
        let same = master.as_ref().is_some_and(|(_, c)| {
            c.get_connection_info().addr() == client.get_connection_info().addr()
        });
        if !same {
            let generation = self.generation.fetch_add(1, Ordering::SeqCst) + 1;
            *master = Some((generation, client));
        }
        Ok(master.clone().expect("set above"))
    }

    /// A client for the master, looking it up again first when `fresh`.
    async fn client(&self, fresh: bool) -> RedisResult<Client> {
        match self.current() {
            Some((_, c)) if !fresh => Ok(c),
            _ => self.lookup(true).await.map(|(_, c)| c),
        }
    }
}

fn manager_config() -> ConnectionManagerConfig {
    ConnectionManagerConfig::new()
        .set_response_timeout(Some(RESPONSE_TIMEOUT))
        .set_connection_timeout(Some(CONNECT_TIMEOUT))
        .set_number_of_retries(2)
        .set_max_delay(Duration::from_secs(2))
}

impl Endpoint {
    /// Parses `redis://`, `rediss://`, `unix://` and `redis+sentinel://` URLs with
    /// `user:password@` and a database.
    ///
    /// # Errors
    /// [`StoreError::BadUrl`] naming the URL (password hidden) and what is wrong.
    pub fn parse(url: &str) -> Result<Endpoint, StoreError> {
        Endpoint::parse_with(url, &RedisOptions::default())
    }

    /// Like [`Endpoint::parse`], with TLS files (`ca_file` trusted instead of the
    /// system's roots, `cert_file` and `key_file` presented), sentinel credentials and
    /// replica acknowledgements from `options`.
    ///
    /// # Errors
    /// [`StoreError::BadUrl`]; [`StoreError::Tls`] naming a file that cannot be read
    /// or TLS files with a URL that is not `rediss://`.
    pub fn parse_with(url: &str, options: &RedisOptions) -> Result<Endpoint, StoreError> {
        let shown = redact(url);
        let bad = |reason: String| StoreError::BadUrl {
            url: shown.clone(),
            reason,
        };
        let tls_url = url.starts_with("rediss://") || url.starts_with("rediss+sentinel://");
        if tls_url {
            // rustls needs a process-wide crypto provider; installing twice is harmless.
            let _ = rustls::crypto::ring::default_provider().install_default();
        }
        if options.tls_is_set() && !tls_url {
            return Err(StoreError::Tls(format!(
                "[redis] ca_file or cert_file is set, but {shown} is not a rediss:// URL; use rediss:// to connect over TLS"
            )));
        }
        let certificates = if options.tls_is_set() {
            Some(certificates(options)?)
        } else {
            None
        };
        let target = if sentinel::is_sentinel(url) {
            let parsed = sentinel::parse(url).map_err(bad)?;
            let db = parsed.db;
            let client =
                sentinel_client(&parsed, options, certificates).map_err(|e| bad(e.to_string()))?;
            Target::Sentinel(Arc::new(Failover {
                sentinels: tokio::sync::Mutex::new(client),
                master: Mutex::new(None),
                generation: AtomicU64::new(0),
                last_lookup: Mutex::new(None),
                db,
            }))
        } else {
            let info = url.into_connection_info().map_err(|e| bad(e.to_string()))?;
            // No CLIENT SETINFO on connect: one command fewer for a restricted ACL user
            // to need, and one Redis 7.0 does not know.
            let settings = info.redis_settings().clone().set_skip_set_lib_name();
            let info = info.set_redis_settings(settings);
            let client = match certificates {
                Some(c) => Client::build_with_tls(info, c),
                None => Client::open(info),
            }
            .map_err(|e| bad(e.to_string()))?;
            Target::Direct(Box::new(client))
        };
        Ok(Endpoint {
            target,
            shown,
            acks: options.min_replicas_ack,
        })
    }

    /// The URL with any password replaced by `***`, for messages and logs.
    pub fn shown(&self) -> &str {
        &self.shown
    }

    /// Whether the master is found through sentinels.
    pub fn is_sentinel(&self) -> bool {
        matches!(self.target, Target::Sentinel(_))
    }

    /// The master the sentinels last named, as `host:port`.
    pub fn master(&self) -> Option<String> {
        match &self.target {
            Target::Direct(_) => None,
            Target::Sentinel(f) => f
                .current()
                .map(|(_, c)| c.get_connection_info().addr().to_string()),
        }
    }

    /// How many replicas each acknowledged write waits for.
    pub fn replica_acks(&self) -> u32 {
        self.acks
    }

    /// A self-healing shared connection for ordinary commands.
    pub async fn manager(&self) -> Result<Conn, StoreError> {
        match &self.target {
            Target::Direct(client) => {
                ConnectionManager::new_with_config((**client).clone(), manager_config())
                    .await
                    .map(|m| Conn {
                        inner: Inner::Direct(m),
                        acks: 0,
                    })
                    .map_err(|e| self.unreachable(e))
            }
            Target::Sentinel(failover) => {
                let (generation, client) = failover
                    .lookup(false)
                    .await
                    .map_err(|e| self.unreachable(e))?;
                let manager = ConnectionManager::new_with_config(client, manager_config())
                    .await
                    .map_err(|e| self.unreachable(e))?;
                Ok(Conn {
                    inner: Inner::Routed(Arc::new(Routed {
                        failover: failover.clone(),
                        manager: RwLock::new((generation, manager)),
                    })),
                    acks: 0,
                })
            }
        }
    }

    /// A connection of its own for a blocking command (BLMOVE), which would stall
    /// every other command queued behind it on a shared connection.
    pub async fn dedicated(&self) -> Result<MultiplexedConnection, StoreError> {
        let cfg = AsyncConnectionConfig::new()
            .set_response_timeout(None)
            .set_connection_timeout(Some(CONNECT_TIMEOUT));
        self.client()
            .await?
            .get_multiplexed_async_connection_with_config(&cfg)
            .await
            .map_err(|e| self.unreachable(e))
    }

    /// A pub/sub connection (worker commands from `rq`'s `send_*_command`).
    pub async fn pubsub(&self) -> Result<PubSub, StoreError> {
        self.client()
            .await?
            .get_async_pubsub()
            .await
            .map_err(|e| self.unreachable(e))
    }

    /// The server to open a connection of its own to. Such connections are opened
    /// again after an error, so behind sentinels the master is looked up afresh.
    async fn client(&self) -> Result<Client, StoreError> {
        match &self.target {
            Target::Direct(c) => Ok((**c).clone()),
            Target::Sentinel(f) => f.client(true).await.map_err(|e| self.unreachable(e)),
        }
    }

    /// Turns a connection failure into an error that says where and what to check.
    pub fn unreachable(&self, e: redis::RedisError) -> StoreError {
        StoreError::Unreachable {
            url: self.shown.clone(),
            source: e,
        }
    }
}

fn certificates(options: &RedisOptions) -> Result<TlsCertificates, StoreError> {
    let read = |p: &std::path::Path| {
        std::fs::read(p).map_err(|e| StoreError::Tls(format!("cannot read {}: {e}", p.display())))
    };
    let client_tls = match (&options.cert_file, &options.key_file) {
        (Some(c), Some(k)) => Some(ClientTlsConfig {
            client_cert: read(c)?,
            client_key: read(k)?,
        }),
        _ => None,
    };
    let root_cert = options.ca_file.as_deref().map(read).transpose()?;
    Ok(TlsCertificates {
        client_tls,
        root_cert,
    })
}

fn sentinel_client(
    url: &SentinelUrl,
    options: &RedisOptions,
    certificates: Option<TlsCertificates>,
) -> RedisResult<SentinelClient> {
    let nodes = url.nodes.iter().map(|(host, port)| {
        if url.tls {
            ConnectionAddr::TcpTls {
                host: host.clone(),
                port: *port,
                insecure: false,
                tls_params: None,
            }
        } else {
            ConnectionAddr::Tcp(host.clone(), *port)
        }
    });
    let mut b = SentinelClientBuilder::new(nodes, &url.master, SentinelServerType::Master)?
        .set_client_to_redis_db(url.db);
    if let Some(u) = &url.username {
        b = b.set_client_to_redis_username(u);
    }
    if let Some(p) = &url.password {
        b = b.set_client_to_redis_password(p);
    }
    if let Some(u) = &options.sentinel_username {
        b = b.set_client_to_sentinel_username(u);
    }
    if let Some(p) = &options.sentinel_password {
        b = b.set_client_to_sentinel_password(p);
    }
    if url.tls {
        b = b
            .set_client_to_redis_tls_mode(TlsMode::Secure)
            .set_client_to_sentinel_tls_mode(TlsMode::Secure);
        if let Some(c) = certificates {
            b = b
                .set_client_to_redis_certificates(c.clone())
                .set_client_to_sentinel_certificates(c);
        }
    }
    b.build()
}

/// The connection every ordinary command goes through. Cheap to clone; clones share
/// one socket.
#[derive(Clone)]
pub struct Conn {
    inner: Inner,
    /// Replicas each call waits for; see [`Conn::acked`].
    acks: u32,
}

#[derive(Clone)]
enum Inner {
    Direct(ConnectionManager),
    Routed(Arc<Routed>),
}

/// A connection to whichever server the sentinels last named master.
struct Routed {
    failover: Arc<Failover>,
    manager: RwLock<(u64, ConnectionManager)>,
}

impl Routed {
    /// The connection to the current master, opened anew when the sentinels have
    /// named a different one since.
    fn manager(&self) -> RedisResult<ConnectionManager> {
        let (seen, manager) = self
            .manager
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        match self.failover.current() {
            Some((generation, client)) if generation != seen => {
                let fresh = ConnectionManager::new_lazy_with_config(client, manager_config())?;
                let mut slot = self.manager.write().unwrap_or_else(|p| p.into_inner());
                if slot.0 < generation {
                    *slot = (generation, fresh);
                }
                Ok(slot.1.clone())
            }
            _ => Ok(manager),
        }
    }

    /// After a failed command: when the failure is the kind a failover causes, ask the
    /// sentinels whether the master moved.
    async fn after<T>(&self, result: RedisResult<T>) -> RedisResult<T> {
        if let Err(e) = &result
            && is_transient(e)
        {
            // The command's own error is what the caller needs; a failed lookup is
            // tried again on the next failure.
            let _ = self.failover.lookup(true).await;
        }
        result
    }
}

impl Conn {
    /// The same connection, each call of which waits until `[redis] min_replicas_ack`
    /// replicas hold its writes (as set on `endpoint`).
    pub fn acked(&self, endpoint: &Endpoint) -> Conn {
        Conn {
            inner: self.inner.clone(),
            acks: endpoint.acks,
        }
    }
}

/// Sends `cmd` and `WAIT` in one pipeline, so `WAIT` covers exactly this write.
async fn with_acks<C: ConnectionLike>(conn: &mut C, cmd: &Cmd, acks: u32) -> RedisResult<Value> {
    let mut p = Pipeline::new();
    p.add_command(cmd.clone())
        .cmd("WAIT")
        .arg(acks)
        .arg(ACK_TIMEOUT_MS);
    let mut replies = conn.req_packed_commands(&p, 0, 2).await?;
    let (Some(wait), Some(reply)) = (replies.pop(), replies.pop()) else {
        return Err(RedisError::from((
            redis::ErrorKind::Client,
            "a command and WAIT answered fewer than two replies",
        )));
    };
    if let Value::ServerError(e) = reply {
        return Err(e.into());
    }
    let got = match wait {
        Value::Int(n) => n,
        Value::ServerError(e) => return Err(e.into()),
        _ => 0,
    };
    if got < i64::from(acks) {
        return Err(RedisError::from(std::io::Error::new(
            std::io::ErrorKind::TimedOut,
            format!(
                "only {got} of the {acks} replica(s) [redis] min_replicas_ack asks for confirmed the write within {ACK_TIMEOUT_MS} ms; it may not survive a failover"
            ),
        )));
    }
    Ok(reply)
}

impl ConnectionLike for Conn {
    fn req_packed_command<'a>(&'a mut self, cmd: &'a Cmd) -> RedisFuture<'a, Value> {
        let acks = self.acks;
        match &mut self.inner {
            Inner::Direct(m) => {
                if acks == 0 {
                    m.req_packed_command(cmd)
                } else {
                    Box::pin(with_acks(m, cmd, acks))
                }
            }
            Inner::Routed(r) => {
                let r = r.clone();
                Box::pin(async move {
                    let mut m = r.manager()?;
                    let result = if acks == 0 {
                        m.req_packed_command(cmd).await
                    } else {
                        with_acks(&mut m, cmd, acks).await
                    };
                    r.after(result).await
                })
            }
        }
    }

    fn req_packed_commands<'a>(
        &'a mut self,
        cmd: &'a Pipeline,
        offset: usize,
        count: usize,
    ) -> RedisFuture<'a, Vec<Value>> {
        match &mut self.inner {
            Inner::Direct(m) => m.req_packed_commands(cmd, offset, count),
            Inner::Routed(r) => {
                let r = r.clone();
                Box::pin(async move {
                    let mut m = r.manager()?;
                    let result = m.req_packed_commands(cmd, offset, count).await;
                    r.after(result).await
                })
            }
        }
    }

    fn get_db(&self) -> i64 {
        match &self.inner {
            Inner::Direct(m) => m.get_db(),
            Inner::Routed(r) => r.failover.db,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_parse_or_say_why() {
        assert!(Endpoint::parse("redis://127.0.0.1:6379/3").is_ok());
        assert!(Endpoint::parse("rediss://user:pw@example.com:6380/0").is_ok());
        let err = Endpoint::parse("http://nope").err().unwrap().to_string();
        assert!(err.contains("http://nope"), "{err}");
    }
}
