//! The hooks TOML: loading, validation, and the resolved settings every command uses.
//!
//! Validation happens once, up front, and every problem is reported as
//! `file:line:column: key: what is wrong; what is allowed`, so an operator can fix the
//! file without reading code. The resolved [`Config`] holds plain values only.

pub mod frappe;
mod hooks;
pub mod sentinel;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use chrono_tz::Tz;
use indexmap::IndexMap;
use serde::Deserialize;
use toml::Spanned;

use crate::cron::CronExpr;
use hooks::Hooks;

/// Redis used when nothing is configured.
pub const DEFAULT_REDIS_URL: &str = "redis://127.0.0.1:6379/0";
/// Frappe's built-in queues and their timeouts, in Frappe's priority order.
pub const BUILTIN_QUEUES: [(&str, i64); 3] = [("short", 300), ("default", 300), ("long", 1500)];
/// Modules every Frappe job imports (database driver, Redis cache, logging, query
/// builder, typing checks...): imported once in the warm host, a forked job starts in
/// milliseconds instead of re-importing them (~90 ms on Frappe 15).
pub const FRAPPE_WARM: [&str; 12] = [
    "frappe.hooks",
    "frappe.utils.background_jobs",
    "frappe.utils.redis_wrapper",
    "frappe.utils.logger",
    "frappe.database.mariadb.database",
    "frappe.query_builder",
    "frappe.utils.data",
    "frappe.utils.safe_exec",
    "frappe.utils.typing_validations",
    "frappe.website.path_resolver",
    "frappe.recorder",
    "frappe.monitor",
];
/// Prefix of the methods bench runs itself.
pub const BUILTIN_PREFIX: &str = "bench.";

/// A configuration problem; always exit code 2.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error(
        "cannot read hooks file {path}: {source}\nhint: pass --config PATH or set BENCH_CONFIG to a hooks TOML file (see hooks.example.toml)"
    )]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0}\nhint: [frappe] sites_path points bench at a Frappe bench's sites folder")]
    Frappe(#[from] frappe::FrappeFileError),
    #[error("{path}:{line}:{col}: {message}")]
    Invalid {
        path: PathBuf,
        line: usize,
        col: usize,
        message: String,
    },
}

/// How job data, meta and results are written (`[redis] serializer`). Reading
/// accepts both.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Serializer {
    /// `pickle.dumps`, RQ's and Frappe's default.
    #[default]
    Pickle,
    /// `json.dumps`, RQ's `JSONSerializer`.
    Json,
}

/// Which Python RQ's Redis layout bench writes (`[redis] rq`): RQ 1.x (Frappe 15's
/// pin) files a started job under its plain id and keeps no execution records; RQ 2.x
/// files `<id>:<execution id>` with an execution record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
pub enum RqVersion {
    /// Decided when bench connects; see `store::Store::resolve_layout`.
    #[default]
    #[serde(rename = "auto")]
    Auto,
    #[serde(rename = "1")]
    V1,
    #[serde(rename = "2")]
    V2,
}

/// What to do with a job whose worker died while running it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Abandoned {
    /// Put it back at the front of its queue (up to `max_recoveries` times).
    #[default]
    Requeue,
    /// Fail it, as Python RQ does.
    Fail,
}

/// A queue and its limits.
#[derive(Debug, Clone, PartialEq)]
pub struct QueueSpec {
    /// Name as operators type it (`long`), without the bench prefix.
    pub name: String,
    /// Default job timeout in seconds.
    pub timeout: i64,
    /// Worker processes for `setup supervisor`.
    pub workers: u32,
}

/// How a worker runs one method by spawning a program.
#[derive(Debug, Clone, PartialEq)]
pub struct MethodSpec {
    pub command: Vec<String>,
    pub cwd: Option<PathBuf>,
    pub env: Vec<(String, String)>,
    pub timeout: Option<i64>,
}

/// How Python jobs are kept apart from each other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Isolation {
    /// A child forked from the warm host per job, as RQ's work-horse.
    #[default]
    Fork,
    /// Persistent children forked from the warm host run jobs one after another,
    /// as Celery's prefork pool.
    Reuse,
    /// A fresh interpreter per job: nothing is shared, every job pays the imports.
    Interpreter,
}

impl Isolation {
    pub fn as_str(self) -> &'static str {
        match self {
            Isolation::Fork => "fork",
            Isolation::Reuse => "reuse",
            Isolation::Interpreter => "interpreter",
        }
    }
}

/// The Python interpreter that runs dotted paths not listed under `[methods]`.
#[derive(Debug, Clone, PartialEq)]
pub struct PythonSpec {
    pub executable: String,
    pub path: Vec<PathBuf>,
    pub env: Vec<(String, String)>,
    /// Working directory of the host and of every job (Frappe: the `sites` folder).
    pub cwd: PathBuf,
    /// Modules the warm host imports once, before any job.
    pub preload: Vec<String>,
    /// Modules the host also imports when it can, so forked jobs do not (Frappe mode's
    /// default: what every Frappe job imports). One that fails is only logged.
    pub warm: Vec<String>,
    pub isolation: Isolation,
    /// Jobs a reused child runs before it is replaced; 0 means no limit.
    pub max_jobs_per_child: u64,
    /// Resident memory (bytes) past which a reused child is replaced; 0 means no limit.
    pub max_memory_per_child: u64,
}

/// Where a Frappe bench is: its `sites` folder turns Frappe mode on.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FrappeSpec {
    /// The bench's `sites` folder (Frappe mode), absolute.
    pub sites_path: Option<PathBuf>,
    /// frappe-bench's own CLI, for the commands bench hands over.
    pub bench: Option<PathBuf>,
}

impl FrappeSpec {
    /// The bench folder, above `sites`.
    pub fn bench_dir(&self) -> Option<&Path> {
        self.sites_path.as_deref().and_then(Path::parent)
    }
}

/// Jobs a worker holds ahead by default, and at most.
pub const DEFAULT_CLAIM_AHEAD: usize = 100;
const MAX_CLAIM_AHEAD: i64 = 1000;

/// Worker behaviour.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkerSpec {
    /// Seconds a started job may go without a heartbeat before it counts as abandoned.
    pub heartbeat_ttl: i64,
    pub max_recoveries: i64,
    pub abandoned: Abandoned,
    /// Seconds between SIGTERM and SIGKILL when a job's process group is stopped.
    pub kill_grace: u64,
    /// Largest command output kept as a job's result.
    pub result_max_bytes: usize,
    /// Jobs a worker may hold beyond its free slots while its jobs run in a few
    /// milliseconds: a slot then goes from one job to the next without waiting for Redis.
    pub claim_ahead: usize,
}

/// Scheduler settings.
#[derive(Debug, Clone, PartialEq)]
pub struct SchedulerSpec {
    /// Seconds between runs of the `all` event.
    pub interval: i64,
    pub timezone: Tz,
    /// Seconds a scheduler's leadership lease lasts without renewal.
    pub lease: i64,
}

/// One entry of `[scheduler_events]`: a frequency (or cron expression) and its methods.
#[derive(Debug, Clone)]
pub struct EventSpec {
    /// The key as written: `daily_long`, or the cron expression.
    pub name: String,
    /// The schedule; `None` for `all`, which runs every `interval` seconds.
    pub cron: Option<CronExpr>,
    /// Queue (unprefixed): `long` for `_long` and `_maintenance`, else `default`.
    pub queue: String,
    /// Minutes added to the schedule (maintenance events, per bench).
    pub offset_minutes: u32,
    /// A `_maintenance` event: spread over the hour per bench, or per site in Frappe mode.
    pub maintenance: bool,
    pub methods: Vec<String>,
}

/// How to reach Redis beyond its URL: PEM files for a `rediss://` connection (a CA to
/// trust instead of the system's, a client certificate with its key for servers that
/// ask for one), the sentinels' own credentials, and how many replicas must hold a
/// write before bench counts it as done.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RedisOptions {
    pub ca_file: Option<PathBuf>,
    pub cert_file: Option<PathBuf>,
    pub key_file: Option<PathBuf>,
    pub sentinel_username: Option<String>,
    pub sentinel_password: Option<String>,
    /// Enqueues and job ends wait (`WAIT`) for this many replicas; 0 does not wait.
    pub min_replicas_ack: u32,
    /// The Redis user and password to connect as, in place of any the URL names:
    /// Frappe's `use_rq_auth` credentials, or `bench worker -u/-p`.
    pub username: Option<String>,
    pub password: Option<String>,
}

impl RedisOptions {
    /// Whether TLS files are configured.
    pub fn tls_is_set(&self) -> bool {
        self.ca_file.is_some() || self.cert_file.is_some()
    }
}

/// `bench dashboard` settings.
#[derive(Debug, Clone, PartialEq)]
pub struct DashboardSpec {
    /// Address served when `--bind` is not given.
    pub bind: std::net::SocketAddr,
    /// Required of every request when set; needed to serve beyond loopback.
    pub token: Option<String>,
}

/// rq-dashboard's port, on loopback.
pub const DASHBOARD_BIND: &str = "127.0.0.1:9181";

/// Job defaults written at enqueue.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct JobDefaults {
    pub result_ttl: Option<i64>,
    pub failure_ttl: Option<i64>,
}

/// Where the Redis URL came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UrlSource {
    /// Nothing named one: bench's default.
    Default,
    /// `[redis] url` or `sentinels` in the hooks file.
    HooksFile,
    /// The Frappe bench's `redis_queue` in `common_site_config.json`.
    Frappe,
    /// `--redis-url` or `BENCH_REDIS_URL`, which the programs `bench setup` writes do
    /// not see unless they are given it.
    Given,
}

/// The forms a Redis URL takes, for messages about one that is not.
pub const REDIS_URL_FORMS: &str = "redis://[user:password@]host[:port][/db], rediss://..., redis+sentinel://host[:port],.../master[/db] or unix:///path";

/// The resolved configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// The hooks file read, or `None` when running on built-in defaults.
    pub source: Option<PathBuf>,
    /// The path looked at for the hooks file (set even when it did not exist).
    pub path: PathBuf,
    /// Folder relative paths are resolved against.
    pub dir: PathBuf,
    pub bench_id: Option<String>,
    pub redis_url: String,
    /// Where the URL came from: what to tell a user who cannot reach it, and what the
    /// programs `bench setup` writes must be given.
    pub redis_url_from: UrlSource,
    pub redis_options: RedisOptions,
    pub serializer: Serializer,
    pub rq: RqVersion,
    pub queues: Vec<QueueSpec>,
    pub jobs: JobDefaults,
    pub methods: IndexMap<String, MethodSpec>,
    pub python: Option<PythonSpec>,
    pub frappe: FrappeSpec,
    pub worker: WorkerSpec,
    pub scheduler: SchedulerSpec,
    pub events: Vec<EventSpec>,
    pub dashboard: DashboardSpec,
}

impl Config {
    /// Reads and validates the hooks file at `path`. When `required` is false and the
    /// file does not exist, built-in defaults are used instead.
    ///
    /// # Errors
    /// [`ConfigError`] naming the file, line, key and the fix.
    pub fn load(
        path: &Path,
        required: bool,
        redis_url: Option<&str>,
    ) -> Result<Config, ConfigError> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => Some(t),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && !required => None,
            Err(source) => {
                return Err(ConfigError::Read {
                    path: path.to_owned(),
                    source,
                });
            }
        };
        let dir = path
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        let dir = std::path::absolute(&dir).unwrap_or(dir);
        let mut cfg = match text {
            Some(text) => Config::parse(&text, path, dir)?,
            None => Config::parse("", path, dir).map(|mut c| {
                c.source = None;
                c
            })?,
        };
        cfg.path = path.to_owned();
        if let Some(url) = redis_url {
            cfg.redis_url = url.to_owned();
            cfg.redis_url_from = UrlSource::Given;
        }
        Ok(cfg)
    }

    /// Parses and validates hooks TOML `text`, reporting errors against `path`.
    pub fn parse(text: &str, path: &Path, dir: PathBuf) -> Result<Config, ConfigError> {
        let v = Validator { text, path };
        let raw: Hooks = toml::from_str(text).map_err(|e| {
            let (line, col) = e.span().map(|s| v.line_col(s.start)).unwrap_or((1, 1));
            ConfigError::Invalid {
                path: path.to_owned(),
                line,
                col,
                message: e.message().trim_end().to_owned(),
            }
        })?;
        v.resolve(raw, dir)
    }

    /// Whether `method` runs as Python, not as a bench built-in or a `[methods]` command.
    /// In Frappe mode such a method is a Frappe method: it runs for a site.
    pub fn runs_as_python(&self, method: &str) -> bool {
        !method.starts_with(BUILTIN_PREFIX) && !self.methods.contains_key(method)
    }

    /// Whether jobs are Frappe jobs: `[frappe] sites_path` is set.
    pub fn frappe_mode(&self) -> bool {
        self.frappe.sites_path.is_some()
    }

    /// The RQ queue name of `queue`: `<bench_id>:<queue>`, as Frappe's generate_qname.
    pub fn qname(&self, queue: &str) -> String {
        match &self.bench_id {
            Some(id) => format!("{id}:{queue}"),
            None => queue.to_owned(),
        }
    }

    /// The queue named `name` (unprefixed), if configured.
    pub fn queue(&self, name: &str) -> Option<&QueueSpec> {
        self.queues.iter().find(|q| q.name == name)
    }

    /// The configured queue whose RQ name is `qname`.
    pub fn queue_by_qname(&self, qname: &str) -> Option<&QueueSpec> {
        self.queues.iter().find(|q| self.qname(&q.name) == qname)
    }

    /// Configured queue names, for error messages.
    pub fn queue_names(&self) -> Vec<&str> {
        self.queues.iter().map(|q| q.name.as_str()).collect()
    }

    /// The name that labels this bench's processes: `bench_id`, else the folder name.
    pub fn bench_name(&self) -> String {
        self.bench_id.clone().unwrap_or_else(|| {
            self.dir
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_else(|| "bench".into())
        })
    }

    /// The hooks file, for messages that say what to add to it ("add ... to {}"):
    /// without one, a new file at the path bench looked at.
    pub fn source_shown(&self) -> String {
        match &self.source {
            Some(p) => p.display().to_string(),
            None => format!("a new {}", self.path.display()),
        }
    }
}

/// What [`fill_from_bench`] took from the Frappe bench beyond what it filled in.
#[derive(Default)]
struct FromBench {
    /// The Redis is the bench's `redis_queue`.
    redis: bool,
    /// How often `all` runs, from `scheduler_interval`.
    all_interval: Option<i64>,
}

/// Fills what the hooks file leaves open from the Frappe bench, as Frappe itself reads
/// it: its `bench_id`, its queue Redis (`redis_queue`, connected to as the bench's ACL
/// user) unless `redis_named`, and its custom queues.
fn fill_from_bench(
    frappe: &FrappeSpec,
    redis_named: bool,
    bench_id: &mut Option<String>,
    redis_url: &mut String,
    redis_options: &mut RedisOptions,
    queues: &mut Vec<QueueSpec>,
) -> Result<FromBench, ConfigError> {
    if frappe.sites_path.is_none() {
        return Ok(FromBench::default());
    }
    let common = frappe.common_conf()?;
    let mut took = FromBench {
        redis: false,
        all_interval: frappe::all_interval(&common),
    };
    if bench_id.is_none()
        && let Some(b) = frappe.bench_dir()
    {
        *bench_id = Some(frappe::bench_id(&common, b));
    }
    if !redis_named && let Some(found) = frappe::queue_redis(&common, redis_options) {
        *redis_url = found;
        took.redis = true;
        let user = bench_id.as_deref().unwrap_or_default();
        if let Some((user, password)) =
            frappe::rq_credentials(&common, user, std::env::var("RQ_ADMIN_PASWORD").ok())
        {
            redis_options.username = Some(user);
            redis_options.password = password;
        }
    }
    for (name, timeout, workers) in frappe::worker_queues(&common) {
        if !queues.iter().any(|q| q.name == name) {
            queues.push(QueueSpec {
                name,
                timeout,
                workers,
            });
        }
    }
    Ok(took)
}

struct Validator<'a> {
    text: &'a str,
    path: &'a Path,
}

impl Validator<'_> {
    fn line_col(&self, offset: usize) -> (usize, usize) {
        let before = &self.text[..offset.min(self.text.len())];
        let line = before.matches('\n').count() + 1;
        let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        (line, col)
    }

    /// `[frappe] sites_path`, which must be a folder: everything Frappe mode reads
    /// (the queue Redis, the bench id, the sites) comes from it, and a path that misses
    /// would leave bench on its own defaults, on another Redis.
    fn sites_path(
        &self,
        raw: Option<Spanned<String>>,
        dir: &Path,
    ) -> Result<Option<PathBuf>, ConfigError> {
        let Some(raw) = raw else { return Ok(None) };
        let path = dir.join(raw.get_ref());
        if !path.is_dir() {
            return self.err(
                raw.span(),
                "frappe.sites_path",
                format!(
                    "{} is not a folder; point it at the Frappe bench's sites folder (the one holding common_site_config.json)",
                    path.display()
                ),
            );
        }
        Ok(Some(path))
    }

    fn err<T>(
        &self,
        span: std::ops::Range<usize>,
        key: &str,
        message: impl std::fmt::Display,
    ) -> Result<T, ConfigError> {
        let (line, col) = self.line_col(span.start);
        Err(ConfigError::Invalid {
            path: self.path.to_owned(),
            line,
            col,
            message: format!("{key}: {message}"),
        })
    }

    fn positive(
        &self,
        v: &Option<Spanned<i64>>,
        key: &str,
        what: &str,
        default: i64,
    ) -> Result<i64, ConfigError> {
        match v {
            None => Ok(default),
            Some(s) if *s.get_ref() >= 1 => Ok(*s.get_ref()),
            Some(s) => self.err(
                s.span(),
                key,
                format!(
                    "is {}; {what} must be a whole number of at least 1",
                    s.get_ref()
                ),
            ),
        }
    }

    fn ttl(&self, v: &Option<Spanned<i64>>, key: &str) -> Result<Option<i64>, ConfigError> {
        match v {
            None => Ok(None),
            Some(s) if *s.get_ref() >= -1 => Ok(Some(*s.get_ref())),
            Some(s) => self.err(
                s.span(),
                key,
                format!(
                    "is {}; use seconds, 0 to keep nothing, or -1 to keep forever",
                    s.get_ref()
                ),
            ),
        }
    }

    fn resolve(&self, raw: Hooks, dir: PathBuf) -> Result<Config, ConfigError> {
        let mut bench_id = self.bench_id(raw.bench_id)?;

        let mut redis_options = self.redis_options(&raw.redis, &dir)?;
        let (mut redis_url, redis_url_configured) = self.redis_url(&raw.redis)?;

        let mut queues = self.queues(&raw.queues)?;

        let jobs = JobDefaults {
            result_ttl: self.ttl(&raw.jobs.result_ttl, "jobs.result_ttl")?,
            failure_ttl: self.ttl(&raw.jobs.failure_ttl, "jobs.failure_ttl")?,
        };

        let methods = self.methods(raw.methods, &dir)?;

        let frappe = FrappeSpec {
            sites_path: self.sites_path(raw.frappe.sites_path, &dir)?,
            bench: raw.frappe.bench.map(|p| dir.join(p)),
        };
        let from_bench = fill_from_bench(
            &frappe,
            redis_url_configured,
            &mut bench_id,
            &mut redis_url,
            &mut redis_options,
            &mut queues,
        )?;
        let python = match raw.python {
            Some(p) => Some(self.python(p, &dir, &frappe)?),
            // A Frappe bench runs Python jobs without further setup.
            None if frappe.sites_path.is_some() => {
                Some(self.python(hooks::PythonSection::default(), &dir, &frappe)?)
            }
            None => None,
        };

        let worker = self.worker(&raw.worker)?;
        let mut scheduler = self.scheduler(&raw.scheduler)?;
        // Frappe's scheduler_interval, unless the hooks file sets its own.
        if let (None, Some(secs)) = (&raw.scheduler.interval, from_bench.all_interval) {
            scheduler.interval = secs;
        }
        let dashboard = self.dashboard(&raw.dashboard)?;

        let events = self.events(
            &raw.scheduler_events,
            bench_id.as_deref().unwrap_or(&dir.display().to_string()),
            &queues,
        )?;

        Ok(Config {
            source: Some(self.path.to_owned()),
            path: self.path.to_owned(),
            dir,
            bench_id,
            redis_url,
            redis_url_from: match (from_bench.redis, redis_url_configured) {
                (true, _) => UrlSource::Frappe,
                (false, true) => UrlSource::HooksFile,
                (false, false) => UrlSource::Default,
            },
            redis_options,
            serializer: raw.redis.serializer.unwrap_or_default(),
            rq: raw.redis.rq.unwrap_or_default(),
            queues,
            jobs,
            methods,
            python,
            frappe,
            worker,
            scheduler,
            events,
            dashboard,
        })
    }

    /// `bench_id`: empty means none; it becomes part of queue keys.
    fn bench_id(&self, raw: Option<Spanned<String>>) -> Result<Option<String>, ConfigError> {
        Ok(match raw {
            Some(s) if s.get_ref().is_empty() => None,
            Some(s) => {
                let id = s.get_ref();
                if id.chars().any(|c| c.is_whitespace() || c == ':') {
                    return self.err(s.span(), "bench_id", format!("`{id}` contains whitespace or `:`; use letters, digits, `-`, `_` or `.`"));
                }
                Some(id.clone())
            }
            None => None,
        })
    }

    /// The Redis URL, composed from `sentinels` and `master` when those are set, and
    /// whether the hooks file named one (else a Frappe bench's own may apply).
    fn redis_url(&self, raw: &hooks::RedisSection) -> Result<(String, bool), ConfigError> {
        let (mut redis_url, mut redis_url_configured) = match &raw.url {
            Some(u) if sentinel::is_sentinel(u.get_ref()) => {
                if let Err(e) = sentinel::parse(u.get_ref()) {
                    return self.err(u.span(), "redis.url", format!("`{}`: {e}; expected redis+sentinel://[user:password@]host[:port],host[:port]/<master name>[/db]", redact_url(u.get_ref())));
                }
                (u.get_ref().clone(), true)
            }
            Some(u) => {
                if let Err(e) =
                    redis::IntoConnectionInfo::into_connection_info(u.get_ref().as_str())
                {
                    return self.err(
                        u.span(),
                        "redis.url",
                        format!(
                            "`{}` is not a Redis URL ({e}); expected {REDIS_URL_FORMS}",
                            redact_url(u.get_ref())
                        ),
                    );
                }
                (u.get_ref().clone(), true)
            }
            None => (DEFAULT_REDIS_URL.to_owned(), false),
        };
        if let Some(nodes) = &raw.sentinels {
            let Some(master) = &raw.master else {
                return self.err(
                    nodes.span(),
                    "redis.sentinels",
                    "sentinels need the name of the master they watch: set [redis] master = \"mymaster\"",
                );
            };
            if nodes.get_ref().is_empty() {
                return self.err(
                    nodes.span(),
                    "redis.sentinels",
                    "the list is empty; give at least one \"host:port\"",
                );
            }
            if sentinel::is_sentinel(&redis_url) {
                return self.err(
                    nodes.span(),
                    "redis.sentinels",
                    "[redis] url is a redis+sentinel:// URL already; set the sentinels in one place",
                );
            }
            let base = redis_url_configured.then_some(redis_url.as_str());
            let url = sentinel::compose(nodes.get_ref(), master.get_ref(), base);
            if let Err(e) = sentinel::parse(&url) {
                return self.err(nodes.span(), "redis.sentinels", e);
            }
            redis_url = url;
            redis_url_configured = true;
        } else if let Some(master) = &raw.master {
            return self.err(
                master.span(),
                "redis.master",
                "a master name needs the sentinels that watch it: set [redis] sentinels = [\"host:26379\", ...]",
            );
        }
        Ok((redis_url, redis_url_configured))
    }

    /// The built-in queues, with the hooks file's settings and queues of its own.
    fn queues(
        &self,
        raw: &IndexMap<Spanned<String>, hooks::QueueSection>,
    ) -> Result<Vec<QueueSpec>, ConfigError> {
        let mut queues: Vec<QueueSpec> = BUILTIN_QUEUES
            .iter()
            .map(|(n, t)| QueueSpec {
                name: (*n).into(),
                timeout: *t,
                workers: 1,
            })
            .collect();
        for (name, q) in raw {
            let key = format!("queues.{}", name.get_ref());
            if name.get_ref().is_empty()
                || !name
                    .get_ref()
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c))
            {
                return self.err(
                    name.span(),
                    &key,
                    "queue names may use only letters, digits, `_`, `-` and `.`",
                );
            }
            let builtin = BUILTIN_QUEUES
                .iter()
                .find(|(n, _)| n == name.get_ref())
                .map(|(_, t)| *t);
            let timeout = self.positive(
                &q.timeout,
                &format!("{key}.timeout"),
                "a queue timeout (seconds)",
                builtin.unwrap_or(300),
            )?;
            let workers = self.positive(
                &q.workers,
                &format!("{key}.workers"),
                "the number of worker processes",
                1,
            )?;
            let spec = QueueSpec {
                name: name.get_ref().clone(),
                timeout,
                workers: workers as u32,
            };
            match queues.iter_mut().find(|e| e.name == spec.name) {
                Some(existing) => *existing = spec,
                None => queues.push(spec),
            }
        }
        Ok(queues)
    }

    fn methods(
        &self,
        raw: IndexMap<Spanned<String>, hooks::MethodSection>,
        dir: &Path,
    ) -> Result<IndexMap<String, MethodSpec>, ConfigError> {
        let mut methods = IndexMap::new();
        for (name, m) in raw {
            let key = format!("methods.\"{}\"", name.get_ref());
            if let Err(why) = check_method_path(name.get_ref()) {
                return self.err(name.span(), &key, why);
            }
            if name.get_ref().starts_with(BUILTIN_PREFIX) {
                return self.err(name.span(), &key, "methods under `bench.` are built in and cannot be redefined; pick another name");
            }
            if m.command.get_ref().is_empty() || m.command.get_ref()[0].is_empty() {
                return self.err(m.command.span(), &format!("{key}.command"), "is empty; give the program and its arguments, e.g. [\"python3\", \"-m\", \"my_app.task\"]");
            }
            let timeout = match &m.timeout {
                None => None,
                Some(t) => Some(self.positive(
                    &Some(t.clone()),
                    &format!("{key}.timeout"),
                    "a method timeout (seconds)",
                    0,
                )?),
            };
            methods.insert(
                name.into_inner(),
                MethodSpec {
                    command: m.command.into_inner(),
                    cwd: m.cwd.map(|c| dir.join(c)),
                    env: m.env.into_iter().collect(),
                    timeout,
                },
            );
        }
        Ok(methods)
    }

    fn worker(&self, raw: &hooks::WorkerSection) -> Result<WorkerSpec, ConfigError> {
        let worker = WorkerSpec {
            heartbeat_ttl: self.positive(
                &raw.heartbeat_ttl,
                "worker.heartbeat_ttl",
                "the heartbeat deadline (seconds)",
                45,
            )?,
            max_recoveries: match &raw.max_recoveries {
                Some(s) if *s.get_ref() < 0 => {
                    return self.err(s.span(), "worker.max_recoveries", "must be 0 or more");
                }
                Some(s) => *s.get_ref(),
                None => 3,
            },
            abandoned: raw.abandoned.unwrap_or_default(),
            kill_grace: self.positive(
                &raw.kill_grace,
                "worker.kill_grace",
                "the grace period (seconds)",
                10,
            )? as u64,
            result_max_bytes: self.positive(
                &raw.result_max_bytes,
                "worker.result_max_bytes",
                "the result size limit (bytes)",
                1 << 20,
            )? as usize,
            claim_ahead: match &raw.claim_ahead {
                Some(s) if !(0..=MAX_CLAIM_AHEAD).contains(s.get_ref()) => {
                    return self.err(
                        s.span(),
                        "worker.claim_ahead",
                        format!("must be 0 (off) to {MAX_CLAIM_AHEAD}"),
                    );
                }
                Some(s) => *s.get_ref() as usize,
                None => DEFAULT_CLAIM_AHEAD,
            },
        };
        if worker.heartbeat_ttl < 10 {
            let span = raw
                .heartbeat_ttl
                .as_ref()
                .map(Spanned::span)
                .unwrap_or(0..0);
            return self.err(
                span,
                "worker.heartbeat_ttl",
                "must be at least 10 seconds, as workers beat every few seconds",
            );
        }
        Ok(worker)
    }

    fn scheduler(&self, raw: &hooks::SchedulerSection) -> Result<SchedulerSpec, ConfigError> {
        let timezone = match &raw.timezone {
            Some(tz) => match tz.get_ref().parse::<Tz>() {
                Ok(z) => z,
                Err(_) => return self.err(
                    tz.span(),
                    "scheduler.timezone",
                    format!(
                        "`{}` is not an IANA time zone; use a name like `UTC` or `Asia/Kolkata`",
                        tz.get_ref()
                    ),
                ),
            },
            None => system_timezone(),
        };
        let scheduler = SchedulerSpec {
            interval: self.positive(
                &raw.interval,
                "scheduler.interval",
                "the `all` interval (seconds)",
                240,
            )?,
            timezone,
            lease: self.positive(
                &raw.lease,
                "scheduler.lease",
                "the leader lease (seconds)",
                10,
            )?,
        };
        Ok(scheduler)
    }

    fn dashboard(&self, raw: &hooks::DashboardSection) -> Result<DashboardSpec, ConfigError> {
        let dashboard = DashboardSpec {
            bind: match &raw.bind {
                Some(b) => match b.get_ref().parse() {
                    Ok(a) => a,
                    Err(_) => {
                        return self.err(
                            b.span(),
                            "dashboard.bind",
                            format!(
                                "`{}` is not an address and port; use one like `127.0.0.1:9181` or `0.0.0.0:9181`",
                                b.get_ref()
                            ),
                        );
                    }
                },
                None => DASHBOARD_BIND.parse().expect("a valid address"),
            },
            token: match &raw.token {
                Some(t)
                    if t.get_ref().trim().len() < 16
                        || !t
                            .get_ref()
                            .trim()
                            .chars()
                            .all(|c| c.is_ascii_graphic() && c != ';' && c != ',') =>
                {
                    return self.err(
                        t.span(),
                        "dashboard.token",
                        "must be at least 16 printable characters without `;` or `,` (for example from `openssl rand -hex 16`)",
                    );
                }
                Some(t) => Some(t.get_ref().trim().to_owned()),
                None => None,
            },
        };
        Ok(dashboard)
    }

    /// The TLS files, each resolved against the hooks file's folder and readable, and
    /// the other connection settings.
    fn redis_options(
        &self,
        r: &hooks::RedisSection,
        dir: &Path,
    ) -> Result<RedisOptions, ConfigError> {
        let file =
            |v: &Option<Spanned<String>>, key: &str| -> Result<Option<PathBuf>, ConfigError> {
                let Some(v) = v else { return Ok(None) };
                let path = dir.join(v.get_ref());
                match std::fs::File::open(&path) {
                    Ok(_) => Ok(Some(path)),
                    Err(e) => self.err(
                        v.span(),
                        key,
                        format!("cannot read `{}`: {e}", path.display()),
                    ),
                }
            };
        let min_replicas_ack = match &r.min_replicas_ack {
            None => 0,
            Some(n) => match u32::try_from(*n.get_ref()) {
                Ok(n) if n <= 16 => n,
                _ => {
                    return self.err(
                        n.span(),
                        "redis.min_replicas_ack",
                        format!("{} is out of range; use 0 (do not wait) to 16", n.get_ref()),
                    );
                }
            },
        };
        let tls = RedisOptions {
            ca_file: file(&r.ca_file, "redis.ca_file")?,
            cert_file: file(&r.cert_file, "redis.cert_file")?,
            key_file: file(&r.key_file, "redis.key_file")?,
            sentinel_username: r.sentinel_username.clone(),
            sentinel_password: r.sentinel_password.clone(),
            min_replicas_ack,
            username: None,
            password: None,
        };
        if tls.cert_file.is_some() != tls.key_file.is_some() {
            let span = r
                .cert_file
                .as_ref()
                .or(r.key_file.as_ref())
                .map(Spanned::span)
                .unwrap_or(0..0);
            return self.err(
                span,
                "redis.cert_file",
                "a client certificate needs its key: set both cert_file and key_file",
            );
        }
        Ok(tls)
    }

    fn python(
        &self,
        p: hooks::PythonSection,
        dir: &Path,
        frappe: &FrappeSpec,
    ) -> Result<PythonSpec, ConfigError> {
        let mut preload = Vec::new();
        let frappe_default = [Spanned::new(0..0, "frappe".to_owned())];
        let listed = match (&p.preload, frappe.sites_path.is_some()) {
            (Some(list), _) => list.as_slice(),
            (None, true) => &frappe_default[..],
            (None, false) => &[],
        };
        for m in listed {
            let name = m.get_ref();
            let ok = !name.is_empty()
                && name.split('.').all(|part| {
                    part.chars()
                        .next()
                        .is_some_and(|c| c.is_alphabetic() || c == '_')
                        && part.chars().all(|c| c.is_alphanumeric() || c == '_')
                });
            if !ok {
                return self.err(
                    m.span(),
                    "python.preload",
                    format!("`{name}` is not a module name like `frappe` or `my_app.tasks`"),
                );
            }
            preload.push(name.clone());
        }
        let max_jobs_per_child = match &p.max_jobs_per_child {
            None => 5000,
            Some(s) if *s.get_ref() >= 0 => *s.get_ref() as u64,
            Some(s) => {
                return self.err(
                    s.span(),
                    "python.max_jobs_per_child",
                    format!(
                        "is {}; use a number of jobs, or 0 for no limit",
                        s.get_ref()
                    ),
                );
            }
        };
        let max_memory_per_child = match &p.max_memory_per_child {
            None => 0,
            Some(s) if (0..=1 << 30).contains(s.get_ref()) => (*s.get_ref() as u64) << 20,
            Some(s) => {
                return self.err(
                    s.span(),
                    "python.max_memory_per_child",
                    format!(
                        "is {}; use MiB of resident memory (up to 1073741824), or 0 for no limit",
                        s.get_ref()
                    ),
                );
            }
        };
        // In a Frappe bench jobs run as Frappe's worker runs them: the bench's own
        // interpreter, from the sites folder.
        let bench_python = frappe
            .bench_dir()
            .map(|b| b.join("env").join("bin").join("python"))
            .filter(|p| p.exists());
        Ok(PythonSpec {
            executable: p.executable.unwrap_or_else(|| {
                bench_python.map_or_else(|| "python3".into(), |p| p.display().to_string())
            }),
            path: p.path.iter().map(|d| dir.join(d)).collect(),
            env: p.env.into_iter().collect(),
            cwd: match (p.cwd, &frappe.sites_path) {
                (Some(c), _) => dir.join(c),
                (None, Some(sites)) => sites.clone(),
                (None, None) => dir.to_owned(),
            },
            warm: if p.preload.is_none() && frappe.sites_path.is_some() {
                FRAPPE_WARM.iter().map(|m| (*m).to_owned()).collect()
            } else {
                Vec::new()
            },
            preload,
            isolation: p.isolation.unwrap_or_default(),
            max_jobs_per_child,
            max_memory_per_child,
        })
    }

    fn events(
        &self,
        raw: &hooks::SchedulerEvents,
        bench: &str,
        queues: &[QueueSpec],
    ) -> Result<Vec<EventSpec>, ConfigError> {
        let offset = maintenance_offset(bench);
        let mut seen: HashMap<String, (String, usize)> = HashMap::new();
        let mut out = Vec::new();
        let mut check = |key: &str,
                         methods: &[Spanned<String>]|
         -> Result<Vec<String>, ConfigError> {
            let mut names = Vec::new();
            for m in methods {
                let label = format!("scheduler_events.{key}");
                if let Err(why) = check_method_path(m.get_ref()) {
                    return self.err(m.span(), &label, why);
                }
                let (line, _) = self.line_col(m.span().start);
                if let Some((first_key, first_line)) = seen.get(m.get_ref()) {
                    return self.err(
                        m.span(),
                        &label,
                        format!("`{}` is already scheduled under `{first_key}` (line {first_line}); Frappe keeps one schedule per method, so list it once", m.get_ref()),
                    );
                }
                seen.insert(m.get_ref().clone(), (key.to_owned(), line));
                names.push(m.get_ref().clone());
            }
            Ok(names)
        };
        for (key, methods) in &raw.keyed {
            let (expr, queue, maintenance) = self.frequency(key, queues)?;
            let names = check(key.get_ref(), methods)?;
            if names.is_empty() {
                continue;
            }
            out.push(EventSpec {
                name: key.get_ref().clone(),
                cron: expr.map(|e| e.parse().expect("built-in expressions are valid")),
                queue,
                offset_minutes: if maintenance { offset } else { 0 },
                maintenance,
                methods: names,
            });
        }
        for (expr, methods) in &raw.cron {
            let key = format!("cron.\"{}\"", expr.get_ref());
            let cron: CronExpr = match expr.get_ref().parse() {
                Ok(c) => c,
                Err(e) => return self.err(expr.span(), &format!("scheduler_events.{key}"), e),
            };
            let names = check(&key, methods)?;
            out.push(EventSpec {
                name: expr.get_ref().clone(),
                cron: Some(cron),
                queue: "default".into(),
                offset_minutes: 0,
                maintenance: false,
                methods: names,
            });
        }
        Ok(out)
    }

    /// What a `scheduler_events` key such as `daily_long` says: the cron expression of
    /// its frequency (None for `all`, which runs every tick), its queue, and whether it
    /// is a maintenance event.
    fn frequency(
        &self,
        key: &Spanned<String>,
        queues: &[QueueSpec],
    ) -> Result<(Option<&'static str>, String, bool), ConfigError> {
        let label = format!("scheduler_events.{}", key.get_ref());
        let (frequency, suffix) = match key.get_ref().split_once('_') {
            Some((f, s)) => (f, Some(s)),
            None => (key.get_ref().as_str(), None),
        };
        let expr = match frequency {
            "all" => None,
            "hourly" => Some("0 * * * *"),
            "daily" => Some("0 0 * * *"),
            "weekly" => Some("0 0 * * 0"),
            "monthly" => Some("0 0 1 * *"),
            "yearly" | "annual" => Some("0 0 1 1 *"),
            _ => {
                return self.err(
                    key.span(),
                    &label,
                    format!("`{frequency}` is not a frequency; use all, hourly, daily, weekly, monthly, yearly or annual, optionally with a queue (`daily_long`, `hourly_short`), `hourly_maintenance`/`daily_maintenance`, or the `cron` table"),
                );
            }
        };
        let queue = match suffix {
            None => "default".to_owned(),
            Some("maintenance") if matches!(frequency, "hourly" | "daily") => "long".to_owned(),
            Some("maintenance") => {
                return self.err(
                    key.span(),
                    &label,
                    "only hourly_maintenance and daily_maintenance exist (Frappe has no other maintenance frequency)",
                );
            }
            Some(q) if queues.iter().any(|spec| spec.name == q) => q.to_owned(),
            Some(q) => {
                let names: Vec<&str> = queues.iter().map(|q| q.name.as_str()).collect();
                return self.err(
                    key.span(),
                    &label,
                    format!(
                        "`{q}` is not a queue; the part after `{frequency}_` names the queue the event runs on: {} (add one under [queues])",
                        names.join(", ")
                    ),
                );
            }
        };
        Ok((expr, queue, suffix == Some("maintenance")))
    }
}

/// Hides the password of a URL like `redis://user:secret@host/0`, for messages.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let Some((cred, host)) = rest.rsplit_once('@') else {
        return url.to_owned();
    };
    match cred.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None if !cred.is_empty() => format!("{scheme}://***@{host}"),
        None => url.to_owned(),
    }
}

/// Checks a dotted Python-style path such as `my_app.tasks.send`.
fn check_method_path(m: &str) -> Result<(), String> {
    let ok = m.split('.').count() >= 2
        && m.split('.').all(|p| {
            p.chars()
                .next()
                .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        });
    if ok {
        Ok(())
    } else {
        Err(format!(
            "`{m}` is not a dotted method path like `my_app.tasks.send`"
        ))
    }
}

/// Frappe spreads maintenance events over the hour by a per-site offset,
/// `int(sha1(site).hexdigest(), 16) % 60` minutes; bench uses the same for each site in
/// Frappe mode, and for the bench otherwise.
pub fn maintenance_offset(name: &str) -> u32 {
    let digest = sha1_smol::Sha1::from(name).digest().bytes();
    digest
        .iter()
        .fold(0u32, |r, b| (r * 256 + u32::from(*b)) % 60)
}

/// The machine's time zone, or UTC when it cannot be named.
fn system_timezone() -> Tz {
    std::env::var("TZ")
        .ok()
        .and_then(|t| t.trim_start_matches(':').parse().ok())
        .or_else(|| {
            iana_time_zone::get_timezone()
                .ok()
                .and_then(|t| t.parse().ok())
        })
        .unwrap_or(Tz::UTC)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::parse(text, Path::new("hooks.toml"), PathBuf::from("/srv/bench"))
    }

    #[test]
    fn a_sites_path_that_is_not_a_folder_is_refused_where_it_is_set() {
        // /srv/bench/site does not exist: a mistyped path must not leave bench on its
        // defaults (another Redis, no sites) without a word.
        assert_eq!(
            err("bench_id = \"b\"\n[frappe]\nsites_path = \"site\"\n"),
            "hooks.toml:3:14: frappe.sites_path: /srv/bench/site is not a folder; point it at the Frappe bench's sites folder (the one holding common_site_config.json)"
        );
    }

    #[test]
    fn messages_name_the_hooks_file_to_edit_even_before_it_exists() {
        let dir = std::env::temp_dir().join(format!("bench-cfg-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("hooks.toml");
        let _ = std::fs::remove_file(&path);
        let missing = Config::load(&path, false, None).unwrap();
        assert_eq!(missing.source_shown(), format!("a new {}", path.display()));
        std::fs::write(&path, "[queues.long]\ntimeout = 1500\n").unwrap();
        let found = Config::load(&path, false, None).unwrap();
        assert_eq!(found.source_shown(), path.display().to_string());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn sentinels_become_one_url_and_mistakes_name_the_key() {
        let c = parse(
            "[redis]\nurl = \"redis://:pw@ignored/2\"\nsentinels = [\"s1:26379\", \"s2\"]\nmaster = \"mymaster\"\nsentinel_password = \"sp\"\nmin_replicas_ack = 1\n",
        )
        .unwrap();
        assert_eq!(c.redis_url, "redis+sentinel://:pw@s1:26379,s2/mymaster/2");
        assert_eq!(c.redis_options.sentinel_password.as_deref(), Some("sp"));
        assert_eq!(c.redis_options.min_replicas_ack, 1);
        let c = parse("[redis]\nurl = \"redis+sentinel://a,b/m/1\"\n").unwrap();
        assert_eq!(c.redis_url, "redis+sentinel://a,b/m/1");
        for (text, says) in [
            (
                "[redis]\nsentinels = [\"a\"]\n",
                "redis.sentinels: sentinels need the name",
            ),
            (
                "[redis]\nmaster = \"m\"\n",
                "redis.master: a master name needs",
            ),
            (
                "[redis]\nsentinels = []\nmaster = \"m\"\n",
                "the list is empty",
            ),
            ("[redis]\nurl = \"redis+sentinel://a\"\n", "no master name"),
            ("[redis]\nmin_replicas_ack = -1\n", "redis.min_replicas_ack"),
            (
                "[redis]\nsentinels = [\"a:0\"]\nmaster = \"m\"\n",
                "not a port",
            ),
        ] {
            let e = err(text);
            assert!(e.contains(says), "{text}: {e}");
        }
    }

    fn err(text: &str) -> String {
        parse(text).unwrap_err().to_string()
    }

    #[test]
    fn empty_file_gives_frappe_defaults() {
        let c = parse("").unwrap();
        assert_eq!(c.queue_names(), ["short", "default", "long"]);
        assert_eq!(c.queue("long").unwrap().timeout, 1500);
        assert_eq!(c.redis_url, DEFAULT_REDIS_URL);
        assert_eq!(c.serializer, Serializer::Pickle);
        assert_eq!(c.qname("long"), "long");
    }

    #[test]
    fn custom_queues_follow_builtins_and_bench_id_prefixes() {
        let c = parse("bench_id = \"b1\"\n[queues.reports]\ntimeout = 5000\nworkers = 4\n[queues.short]\ntimeout = 60\n").unwrap();
        assert_eq!(c.queue_names(), ["short", "default", "long", "reports"]);
        assert_eq!(c.queue("short").unwrap().timeout, 60);
        assert_eq!(c.qname("reports"), "b1:reports");
        assert_eq!(c.queue_by_qname("b1:reports").unwrap().workers, 4);
    }

    #[test]
    fn errors_name_file_line_and_key() {
        let e = err("[queues.reports]\ntimeout = 0\n");
        assert!(
            e.starts_with("hooks.toml:2:11: queues.reports.timeout: is 0"),
            "{e}"
        );
        let e = err("\n[scheduler_events]\nweekly_maintenance = [\"a.b\"]\n");
        assert!(
            e.starts_with("hooks.toml:3:1: scheduler_events.weekly_maintenance:")
                && e.contains("daily_maintenance"),
            "{e}"
        );
        let e = err("[queues.reports]\n[scheduler_events]\ndaily_reprots = [\"a.b\"]\n");
        assert!(
            e.starts_with(
                "hooks.toml:3:1: scheduler_events.daily_reprots: `reprots` is not a queue"
            ) && e.contains("short, default, long, reports"),
            "{e}"
        );
        let e = err("[scheduler_events]\nfortnightly = [\"a.b\"]\n");
        assert!(e.contains("`fortnightly` is not a frequency"), "{e}");
        let e = err("[redis]\nurl = \"redis://x\"\nhost = 1\n");
        assert!(
            e.starts_with("hooks.toml:3:1:") && e.contains("unknown field `host`"),
            "{e}"
        );
        let e = err("[scheduler_events]\nhourly = [\"a.b\"]\ndaily = [\"a.b\"]\n");
        assert!(
            e.starts_with("hooks.toml:3:10: scheduler_events.daily:")
                && e.contains("under `hourly` (line 2)"),
            "{e}"
        );
        let e = err("[scheduler_events.cron]\n\"61 * * * *\" = [\"a.b\"]\n");
        assert!(
            e.starts_with(
                "hooks.toml:2:1: scheduler_events.cron.\"61 * * * *\": invalid cron expression"
            ),
            "{e}"
        );
        let e = err("[redis]\nserializer = \"yaml\"\n");
        assert!(
            e.contains("hooks.toml:2:") && e.contains("`pickle`") && e.contains("`json`"),
            "{e}"
        );
        let e = err("[methods.\"bench.noop\"]\ncommand = [\"true\"]\n");
        assert!(e.contains("built in"), "{e}");
        let e = err("[scheduler]\ntimezone = \"Mars/Base\"\n");
        assert!(
            e.contains("scheduler.timezone") && e.contains("IANA"),
            "{e}"
        );
    }

    #[test]
    fn python_section_resolves_paths_and_checks_its_limits() {
        let c = parse("[python]\ncwd = \"sites\"\npreload = [\"frappe\", \"my_app.tasks\"]\nisolation = \"reuse\"\nmax_memory_per_child = 300\n").unwrap();
        let py = c.python.unwrap();
        assert_eq!(py.cwd, PathBuf::from("/srv/bench/sites"));
        assert_eq!(py.preload, ["frappe", "my_app.tasks"]);
        assert_eq!(py.isolation, Isolation::Reuse);
        assert_eq!(py.max_jobs_per_child, 5000);
        assert_eq!(py.max_memory_per_child, 300 << 20);
        let py = parse("[python]\n").unwrap().python.unwrap();
        assert_eq!(
            (py.cwd, py.isolation),
            (PathBuf::from("/srv/bench"), Isolation::Fork)
        );
        let e = err("[python]\npreload = [\"my-app\"]\n");
        assert!(
            e.starts_with("hooks.toml:2:12: python.preload: `my-app`"),
            "{e}"
        );
        let e = err("[python]\nisolation = \"thread\"\n");
        assert!(
            e.contains("`fork`") && e.contains("`reuse`") && e.contains("`interpreter`"),
            "{e}"
        );
        let e = err("[python]\nmax_jobs_per_child = -1\n");
        assert!(e.contains("python.max_jobs_per_child: is -1"), "{e}");
        let e = err("[python]\nmax_memory_per_child = 9223372036854775807\n");
        assert!(e.contains("python.max_memory_per_child"), "{e}");
    }

    #[test]
    fn maintenance_offsets_are_frappes() {
        // int(hashlib.sha1(b"lab.local").hexdigest(), 16) % 60, as Frappe computes it.
        assert_eq!(maintenance_offset("lab.local"), 2);
        assert!((0..60).contains(&maintenance_offset("any.site")));
    }

    #[test]
    fn passwords_never_show() {
        assert_eq!(redact_url("redis://u:pw@h:1/2"), "redis://u:***@h:1/2");
        assert_eq!(redact_url("redis://:pw@h"), "redis://:***@h");
        assert_eq!(redact_url("redis://h:6379/0"), "redis://h:6379/0");
        let e = err("[redis]\nurl = \"http://u:secret@nope\"\n");
        assert!(e.contains("redis.url") && !e.contains("secret"), "{e}");
    }

    #[test]
    fn events_map_to_frappe_queues() {
        let c = parse("[scheduler_events]\nall = [\"a.all\"]\ndaily_long = [\"a.nightly\"]\nhourly_maintenance = [\"a.m\"]\n[scheduler_events.cron]\n\"*/15 * * * *\" = [\"a.poll\"]\n").unwrap();
        let by = |n: &str| c.events.iter().find(|e| e.name == n).unwrap();
        assert!(by("all").cron.is_none());
        assert_eq!(by("daily_long").queue, "long");
        assert_eq!(by("hourly_maintenance").queue, "long");
        assert!(by("hourly_maintenance").offset_minutes < 60);
        assert_eq!(by("*/15 * * * *").queue, "default");
        assert_eq!(by("*/15 * * * *").methods, ["a.poll"]);
        let c = parse("[queues.reports]\n[scheduler_events]\ndaily_short = [\"a.s\"]\nweekly_default = [\"a.w\"]\nhourly_long = [\"a.h\"]\ndaily_reports = [\"a.r\"]\nall_long = [\"a.l\"]\n").unwrap();
        let by = |n: &str| c.events.iter().find(|e| e.name == n).unwrap().queue.clone();
        assert_eq!(
            [
                "daily_short",
                "weekly_default",
                "hourly_long",
                "daily_reports",
                "all_long"
            ]
            .map(by),
            ["short", "default", "long", "reports", "long"]
        );
    }
}
