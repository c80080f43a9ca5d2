//! Running bench as a service: process-manager configuration (`bench setup
//! supervisor|systemd`) and the development runner (`bench start`).
//!
//! All three run the same processes, planned once here: one scheduler and one worker
//! program per queue group, shaped like Frappe bench's generator: `short` takes
//! `short,default`, `long` takes `long,default,short`, each custom queue its own.
//!
//! # Layout
//! - [`supervisor`], [`systemd`]: pure renderers of configuration text.
//! - [`start`]: the foreground runner with its own redis-server when needed.
//! - [`frappe_bench`]: commands bench does not have, handed to frappe-bench.
//! - [`hooks`]: `setup hooks --from-frappe`, scheduler_events from the apps' hooks.py.

pub mod frappe_bench;
pub mod hooks;
pub mod start;
pub mod supervisor;
pub mod systemd;

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

use crate::config::{Config, UrlSource};

/// One worker program: which queues it takes, how many processes, how long a warm
/// stop may take.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkerGroup {
    /// `short`, `long` or a custom queue's name.
    pub name: String,
    /// Queues in priority order, as `--queue` takes them.
    pub queues: Vec<String>,
    pub processes: u32,
    /// Seconds a stopping worker may take: its longest queue timeout plus a minute, so
    /// a warm stop can let the running job finish.
    pub stop_wait: i64,
}

/// The worker groups of a configuration.
pub fn worker_groups(cfg: &Config) -> Vec<WorkerGroup> {
    let group = |name: &str, queues: &[&str]| {
        let queues: Vec<String> = queues
            .iter()
            .filter(|q| cfg.queue(q).is_some())
            .map(|q| (*q).to_owned())
            .collect();
        WorkerGroup {
            name: name.to_owned(),
            processes: cfg.queue(name).map_or(1, |q| q.workers),
            stop_wait: queues
                .iter()
                .filter_map(|q| cfg.queue(q))
                .map(|q| q.timeout)
                .max()
                .unwrap_or(300)
                + 60,
            queues,
        }
    };
    let mut out = vec![
        group("short", &["short", "default"]),
        group("long", &["long", "default", "short"]),
    ];
    for q in cfg
        .queues
        .iter()
        .filter(|q| !["short", "default", "long"].contains(&q.name.as_str()))
    {
        out.push(group(&q.name, &[q.name.as_str()]));
    }
    out
}

/// Absolute paths every generated command line names.
#[derive(Debug, Clone)]
pub struct Paths {
    /// The bench binary.
    pub bench: PathBuf,
    /// The hooks file (even if it does not exist yet: bench then runs on defaults).
    pub hooks: PathBuf,
    /// Whether it exists.
    pub hooks_exist: bool,
    /// The folder of the hooks file: working directory, `logs/`, `config/`.
    pub dir: PathBuf,
}

impl Paths {
    /// Paths for `cfg`, with this very binary as the bench to run.
    ///
    /// # Errors
    /// When the binary's own path cannot be found.
    pub fn of(cfg: &Config) -> Result<Paths> {
        let bench = std::env::current_exe().context("cannot find the path of the bench binary")?;
        Ok(Paths {
            bench,
            hooks: std::path::absolute(&cfg.path).unwrap_or_else(|_| cfg.path.clone()),
            hooks_exist: cfg.source.is_some(),
            dir: cfg.dir.clone(),
        })
    }

    /// `bench` and the options each program it runs starts with. `--config` names the
    /// hooks file only once it exists: an explicit path to a missing file stops bench,
    /// while a program started in the bench folder runs on defaults until
    /// `hooks.toml` is written there, and reads it from the next restart on.
    pub fn bench_argv(&self) -> Vec<String> {
        let mut argv = vec![self.bench.display().to_string()];
        if self.hooks_exist {
            argv.extend(["--config".to_owned(), self.hooks.display().to_string()]);
        }
        argv
    }

    /// Where the programs' settings come from, for the generated file's header.
    pub fn settings_source(&self) -> String {
        if self.hooks_exist {
            self.hooks.display().to_string()
        } else {
            format!(
                "bench's defaults ({} does not exist yet)",
                self.hooks.display()
            )
        }
    }

    /// `logs/<name>` under the bench folder, Frappe's log location.
    pub fn log(&self, name: &str) -> PathBuf {
        self.dir.join("logs").join(name)
    }
}

/// The Redis URL given by `--redis-url` or `BENCH_REDIS_URL` to `bench setup`, which
/// the programs it writes get in their environment (not on their command line, where
/// `ps` would show a password), or none when the hooks file names the Redis.
///
/// # Errors
/// A URL with a quote, backslash or white space, which neither supervisord nor systemd
/// would pass on as it is.
pub fn given_redis_url(cfg: &Config) -> Result<Option<&str>> {
    if cfg.redis_url_from != UrlSource::Given {
        return Ok(None);
    }
    let url = cfg.redis_url.as_str();
    if url.contains(['"', '\\']) || url.chars().any(char::is_whitespace) {
        anyhow::bail!(
            "the Redis URL given to `bench setup` holds a quote, backslash or space, which a process manager would not pass on; put it under [redis] url in the hooks file instead"
        );
    }
    Ok(Some(url))
}

/// Writes `text` to `path`, refusing to replace an existing file unless `yes`.
///
/// # Errors
/// An existing file without `yes`, or an I/O error naming the path.
pub fn write_new(path: &Path, text: &str, yes: bool) -> Result<()> {
    if path.exists() && !yes {
        anyhow::bail!("{} exists; pass --yes to overwrite it", path.display());
    }
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
}

/// A redis-server command line serving `host:port` with its data in `dir`.
fn redis_server_args(server: String, host: String, port: u16, dir: &Path) -> Vec<String> {
    vec![
        server,
        "--port".into(),
        port.to_string(),
        "--bind".into(),
        host,
        "--dir".into(),
        dir.display().to_string(),
    ]
}

/// The command line of the bench's own Redis under a process manager: on the host and
/// port of `[redis] url` (127.0.0.1:6379 when that names another machine), its data in
/// `config/redis`. `default_server` is used when no redis-server is on PATH now.
fn own_redis_args(cfg: &Config, p: &Paths, default_server: &str) -> Vec<String> {
    let (host, port) = local_redis(&cfg.redis_url).unwrap_or_else(|| ("127.0.0.1".into(), 6379));
    let server = supervisor::which("redis-server").unwrap_or_else(|| default_server.into());
    redis_server_args(server, host, port, &p.dir.join("config").join("redis"))
}

/// Host and port of a `redis://` URL on this machine, if it is one.
pub fn local_redis(url: &str) -> Option<(String, u16)> {
    let rest = url.strip_prefix("redis://")?;
    let hostport = rest
        .rsplit_once('@')
        .map_or(rest, |(_, h)| h)
        .split('/')
        .next()?;
    let (host, port) = match hostport.rsplit_once(':') {
        Some((h, p)) => (h, p.parse().ok()?),
        None => (hostport, 6379),
    };
    let host = host.trim_start_matches('[').trim_end_matches(']');
    ["127.0.0.1", "localhost", "::1", ""]
        .contains(&host)
        .then(|| {
            (
                if host.is_empty() { "127.0.0.1" } else { host }.to_owned(),
                port,
            )
        })
}

/// The prefix of every program, group and unit written for this bench. A Frappe bench's
/// own generator already names `<bench>-workers` and its programs, so bench's sit
/// beside them as `<bench>-jobs-...` instead of clashing.
pub fn name_prefix(cfg: &Config) -> String {
    let b = supervisor::slug(&cfg.bench_name());
    if cfg.frappe_mode() {
        format!("{b}-jobs")
    } else {
        b
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_follow_frappe() {
        let cfg = Config::parse(
            "[queues.reports]\ntimeout = 5000\nworkers = 4\n[queues.short]\nworkers = 2\n",
            Path::new("h.toml"),
            PathBuf::from("/b"),
        )
        .unwrap();
        let g = worker_groups(&cfg);
        assert_eq!(
            g[0],
            WorkerGroup {
                name: "short".into(),
                queues: vec!["short".into(), "default".into()],
                processes: 2,
                stop_wait: 360
            }
        );
        assert_eq!(g[1].queues, ["long", "default", "short"]);
        assert_eq!(g[1].stop_wait, 1560);
        assert_eq!(
            g[2],
            WorkerGroup {
                name: "reports".into(),
                queues: vec!["reports".into()],
                processes: 4,
                stop_wait: 5060
            }
        );
    }

    #[test]
    fn local_urls() {
        assert_eq!(
            local_redis("redis://127.0.0.1:6390/0"),
            Some(("127.0.0.1".into(), 6390))
        );
        assert_eq!(
            local_redis("redis://localhost"),
            Some(("localhost".into(), 6379))
        );
        assert_eq!(
            local_redis("redis://:pw@127.0.0.1:7000/2"),
            Some(("127.0.0.1".into(), 7000))
        );
        assert_eq!(local_redis("redis://db.internal:6379/0"), None);
        assert_eq!(local_redis("rediss://127.0.0.1:6379"), None);
    }
}
