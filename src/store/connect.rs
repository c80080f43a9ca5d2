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

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant};

use redis::aio::{
    ConnectionLike, ConnectionManager, ConnectionManagerConfig, MultiplexedConnection, PubSub,
};
use redis::{
    AsyncConnectionConfig, Client, ClientTlsConfig, Cmd, ConnectionAddr, IntoConnectionInfo,
    Pipeline, RedisConnectionInfo, RedisError, RedisFuture, RedisResult, TlsCertificates, Value,
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
/// And at least this often while a process runs.
const WATCH_EVERY: Duration = Duration::from_secs(1);
/// A sentinel that takes longer than this to answer is left out of a lookup.
const SENTINEL_TIMEOUT: Duration = Duration::from_millis(500);

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
    /// The ACL user connected as, to name when Redis refuses its password.
    user: Option<String>,
}

#[derive(Clone)]
enum Target {
    Direct(Box<Client>),
    Sentinel(Arc<Failover>),
}

/// The master as the sentinels last named it.
struct Failover {
    /// One client per sentinel, with the connection last opened to it.
    sentinels: tokio::sync::Mutex<Vec<(Client, Option<MultiplexedConnection>)>>,
    service: String,
    /// How to reach a master at an address the sentinels give.
    node: NodeSettings,
    /// The master last found, with the generation it was found in.
    master: Mutex<Option<(u64, Client)>>,
    /// Bumped each time the sentinels name a different master, so connections to the
    /// old one are replaced.
    generation: AtomicU64,
    last_lookup: Mutex<Option<Instant>>,
    db: i64,
    /// Whether a task asks the sentinels periodically; see [`Failover::watch`].
    watching: std::sync::atomic::AtomicBool,
    /// The longest a failover may take by the sentinels' own settings, in ms (0
    /// until a sentinel has answered); see [`failover_ms`].
    failover_ms: AtomicU64,
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
        let found = self.ask(&mut sentinels).await;
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

    /// The master the newest view among the sentinels names, after checking with
    /// ROLE that it is one. Sentinels learn of a failover one after another, and for
    /// a few seconds a stale one still names the old master, which may still be up
    /// and accepting writes that the failover will discard: the highest
    /// `config-epoch` is the newest view.
    async fn ask(
        &self,
        sentinels: &mut [(Client, Option<MultiplexedConnection>)],
    ) -> RedisResult<Client> {
        let cfg = AsyncConnectionConfig::new()
            .set_connection_timeout(Some(SENTINEL_TIMEOUT))
            .set_response_timeout(Some(SENTINEL_TIMEOUT));
        let service = self.service.as_str();
        let views = futures_util::future::join_all(sentinels.iter_mut().map(|(client, cached)| {
            let cfg = cfg.clone();
            async move {
                if cached.is_none() {
                    *cached = Some(
                        client
                            .get_multiplexed_async_connection_with_config(&cfg)
                            .await?,
                    );
                }
                let conn = cached.as_mut().expect("connected above");
                let reply = redis::pipe()
                    .cmd("SENTINEL")
                    .arg("get-master-addr-by-name")
                    .arg(service)
                    .cmd("SENTINEL")
                    .arg("MASTER")
                    .arg(service)
                    .query_async::<(Option<(String, u16)>, HashMap<String, String>)>(conn)
                    .await;
                if reply.is_err() {
                    *cached = None;
                }
                reply
            }
        }))
        .await;
        if let Some(ms) = views.iter().filter_map(failover_ms).max() {
            self.failover_ms.store(ms, Ordering::SeqCst);
        }
        let (named, mut last_err) = candidates(views);
        for (_, host, port) in named {
            let client = self.node.client(&host, port)?;
            let role = async {
                let mut conn = client
                    .get_multiplexed_async_connection_with_config(&cfg)
                    .await?;
                redis::cmd("ROLE")
                    .query_async::<Vec<Value>>(&mut conn)
                    .await
            }
            .await;
            match role {
                Ok(r) if matches!(r.first(), Some(Value::BulkString(r)) if r == b"master") => {
                    return Ok(client);
                }
                Ok(_) => {
                    last_err = Some(RedisError::from((
                        redis::ErrorKind::Server(redis::ServerErrorKind::ReadOnly),
                        "the master the sentinels name is not a master (yet)",
                        format!("{host}:{port}"),
                    )));
                }
                Err(e) => last_err = Some(e),
            }
        }
        Err(last_err.unwrap_or_else(|| {
            RedisError::from((
                redis::ErrorKind::Io,
                "no sentinel names a reachable master (a failover may be under way)",
                service.to_owned(),
            ))
        }))
    }

    /// Asks the sentinels every [`WATCH_EVERY`] for as long as the endpoint lives. A
    /// failover that leaves the old master up (a manual one, a partition) gives no
    /// error to notice it by: the old master goes on answering, unaware, until the
    /// sentinels demote it seconds later, and a worker blocked on it would not see
    /// the jobs enqueued on the new one.
    fn watch(self: &Arc<Self>) {
        if self.watching.swap(true, Ordering::SeqCst) {
            return;
        }
        let me = Arc::downgrade(self);
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(WATCH_EVERY).await;
                let Some(f) = me.upgrade() else { return };
                let _ = f.lookup(true).await;
            }
        });
    }

    /// A client for the master, looking it up again first when `fresh`.
    async fn client(&self, fresh: bool) -> RedisResult<Client> {
        match self.current() {
            Some((_, c)) if !fresh => Ok(c),
            _ => self.lookup(true).await.map(|(_, c)| c),
        }
    }
}

/// What one sentinel said: the address it gives for the master, and its
/// `SENTINEL MASTER` fields.
type View = RedisResult<(Option<(String, u16)>, HashMap<String, String>)>;

/// How long a failover may take by one sentinel's settings: its master is held down
/// after `down-after-milliseconds`, and an attempt that fails (a split vote, a
/// replica slow to take over) is tried again once `failover-timeout` has passed.
fn failover_ms(view: &View) -> Option<u64> {
    let fields = &view.as_ref().ok()?.1;
    let ms = |name: &str| fields.get(name).and_then(|v| v.parse::<u64>().ok());
    ms("down-after-milliseconds")?.checked_add(ms("failover-timeout")?.checked_mul(2)?)
}

/// The addresses the sentinels give, newest view (highest `config-epoch`) first, and
/// the last error met. The address a sentinel gives is the promoted replica once a
/// failover got that far, else the master it watches, which is left out while that
/// sentinel holds it down.
fn candidates(views: Vec<View>) -> (Vec<(i64, String, u16)>, Option<RedisError>) {
    let mut last_err = None;
    let mut named: Vec<(i64, String, u16)> = Vec::new();
    for view in views {
        match view {
            Ok((Some((host, port)), m)) => {
                let epoch = m
                    .get("config-epoch")
                    .and_then(|e| e.parse().ok())
                    .unwrap_or(0);
                let watched = m.get("ip") == Some(&host)
                    && m.get("port").and_then(|p| p.parse::<u16>().ok()) == Some(port);
                let down = m.get("flags").is_some_and(|f| {
                    f.split(',')
                        .any(|f| matches!(f, "s_down" | "o_down" | "disconnected"))
                });
                if !(watched && down) {
                    named.push((epoch, host, port));
                }
            }
            Ok((None, _)) => {}
            Err(e) => last_err = Some(e),
        }
    }
    named.sort_by_key(|n| std::cmp::Reverse(n.0));
    named.dedup_by(|a, b| a.1 == b.1 && a.2 == b.2);
    (named, last_err)
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
        let mut user = None;
        let target = if sentinel::is_sentinel(url) {
            let mut parsed = sentinel::parse(url).map_err(bad)?;
            if options.username.is_some() {
                parsed.username.clone_from(&options.username);
            }
            if options.password.is_some() {
                parsed.password.clone_from(&options.password);
            }
            user.clone_from(&parsed.username);
            Target::Sentinel(Arc::new(
                failover(&parsed, options, certificates).map_err(|e| bad(e.to_string()))?,
            ))
        } else {
            let info = url.into_connection_info().map_err(|e| bad(e.to_string()))?;
            // No CLIENT SETINFO on connect: one command fewer for a restricted ACL user
            // to need, and one Redis 7.0 does not know.
            let mut settings = info.redis_settings().clone().set_skip_set_lib_name();
            if let Some(user) = &options.username {
                settings = settings.set_username(user);
            }
            if let Some(password) = &options.password {
                settings = settings.set_password(password);
            }
            user = settings.username().map(str::to_owned);
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
            user,
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

    /// Changes each time the sentinels name a different master (always 0 without
    /// them): a connection of its own opened under an older value may be talking to
    /// a demoted master, which can keep a blocked command or a subscription quiet
    /// without any error, and is opened again.
    pub fn generation(&self) -> u64 {
        match &self.target {
            Target::Direct(_) => 0,
            Target::Sentinel(f) => f.generation.load(Ordering::SeqCst),
        }
    }

    /// The longest a failover may take by the sentinels' settings, once one of
    /// them has answered; none without sentinels.
    pub fn failover_time(&self) -> Option<Duration> {
        match &self.target {
            Target::Direct(_) => None,
            Target::Sentinel(f) => match f.failover_ms.load(Ordering::SeqCst) {
                0 => None,
                ms => Some(Duration::from_millis(ms)),
            },
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
                failover.watch();
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
        let refused = e.kind() == redis::ErrorKind::AuthenticationFailed
            || matches!(e.code(), Some("WRONGPASS" | "NOAUTH"));
        if refused {
            return StoreError::Refused {
                url: self.shown.clone(),
                user: self.user.clone().unwrap_or_else(|| "default".into()),
                source: e,
            };
        }
        // The server answered, but has no such database: the URL is what to fix.
        if e.to_string().contains("DB index is out of range") {
            return StoreError::BadUrl {
                url: self.shown.clone(),
                reason: "this Redis has no database of that number; the number after the last `/` must be below its `databases` setting (16 unless changed)".into(),
            };
        }
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

/// How a connection to a server the sentinels name (or to a sentinel) is opened:
/// TLS or not, with which certificates and Redis settings.
struct NodeSettings {
    tls: bool,
    certificates: Option<TlsCertificates>,
    redis: RedisConnectionInfo,
}

impl NodeSettings {
    fn client(&self, host: &str, port: u16) -> RedisResult<Client> {
        let addr = if self.tls {
            ConnectionAddr::TcpTls {
                host: host.to_owned(),
                port,
                insecure: false,
                tls_params: None,
            }
        } else {
            ConnectionAddr::Tcp(host.to_owned(), port)
        };
        let info = addr
            .into_connection_info()?
            .set_redis_settings(self.redis.clone());
        match &self.certificates {
            Some(c) => Client::build_with_tls(info, c.clone()),
            None => Client::open(info),
        }
    }
}

fn failover(
    url: &SentinelUrl,
    options: &RedisOptions,
    certificates: Option<TlsCertificates>,
) -> RedisResult<Failover> {
    let settings = |user: &Option<String>, password: &Option<String>, db: i64| {
        let mut r = RedisConnectionInfo::default()
            .set_skip_set_lib_name()
            .set_db(db);
        if let Some(u) = user {
            r = r.set_username(u);
        }
        if let Some(p) = password {
            r = r.set_password(p);
        }
        r
    };
    let to_sentinels = NodeSettings {
        tls: url.tls,
        certificates: certificates.clone(),
        redis: settings(&options.sentinel_username, &options.sentinel_password, 0),
    };
    let sentinels = url
        .nodes
        .iter()
        .map(|(host, port)| to_sentinels.client(host, *port).map(|c| (c, None)))
        .collect::<RedisResult<Vec<_>>>()?;
    Ok(Failover {
        sentinels: tokio::sync::Mutex::new(sentinels),
        service: url.master.clone(),
        node: NodeSettings {
            tls: url.tls,
            certificates,
            redis: settings(&url.username, &url.password, url.db),
        },
        master: Mutex::new(None),
        generation: AtomicU64::new(0),
        last_lookup: Mutex::new(None),
        db: url.db,
        watching: std::sync::atomic::AtomicBool::new(false),
        failover_ms: AtomicU64::new(0),
    })
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
    fn the_newest_view_of_the_sentinels_comes_first() {
        let view = |addr: (&str, u16), watched: (&str, u16), flags: &str, epoch: i64| -> View {
            let m = [
                ("ip", watched.0.to_owned()),
                ("port", watched.1.to_string()),
                ("flags", flags.to_owned()),
                ("config-epoch", epoch.to_string()),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect();
            Ok((Some((addr.0.to_owned(), addr.1)), m))
        };
        let old = ("10.0.0.1", 6379);
        let new = ("10.0.0.2", 6379);
        let (named, _) = candidates(vec![
            view(old, old, "master", 0),
            view(new, old, "master,failover_in_progress", 1),
            view(old, old, "master", 0),
        ]);
        assert_eq!(
            named,
            vec![
                (1, "10.0.0.2".to_owned(), 6379),
                (0, "10.0.0.1".to_owned(), 6379)
            ]
        );
        // A sentinel holding its master down does not offer it.
        let (named, err) = candidates(vec![
            view(old, old, "master,o_down", 0),
            Err(RedisError::from((redis::ErrorKind::Io, "gone"))),
        ]);
        assert!(named.is_empty());
        assert!(err.is_some());
    }

    #[test]
    fn a_failover_may_take_what_the_sentinels_settings_allow() {
        let view = |down: &str, timeout: &str| -> View {
            Ok((
                None,
                HashMap::from([
                    ("down-after-milliseconds".to_owned(), down.to_owned()),
                    ("failover-timeout".to_owned(), timeout.to_owned()),
                ]),
            ))
        };
        assert_eq!(failover_ms(&view("30000", "180000")), Some(390_000));
        assert_eq!(failover_ms(&view("", "180000")), None);
        assert_eq!(failover_ms(&view("1", &u64::MAX.to_string())), None);
        assert_eq!(failover_ms(&Ok((None, HashMap::new()))), None);
    }

    #[test]
    fn urls_parse_or_say_why() {
        assert!(Endpoint::parse("redis://127.0.0.1:6379/3").is_ok());
        assert!(Endpoint::parse("rediss://user:pw@example.com:6380/0").is_ok());
        let err = Endpoint::parse("http://nope").err().unwrap().to_string();
        assert!(err.contains("http://nope"), "{err}");
    }
}
