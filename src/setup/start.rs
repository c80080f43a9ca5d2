//! `bench start`: everything in the foreground for development, like Frappe's
//! Procfile. When nothing answers at a local Redis URL it runs its own redis-server
//! with its data in the bench folder. Each process's lines are prefixed with its
//! name; Ctrl-C stops them all (warm, then cold on a second Ctrl-C) and leaves no
//! process behind.

use std::os::unix::process::CommandExt as _;
use std::process::Stdio;
use std::time::Duration;

use anyhow::{Context, Result};
use chrono::Utc;
use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use serde_json::json;
use tokio::io::{AsyncBufReadExt, AsyncRead, BufReader};
use tokio::process::{Child, Command};
use tokio::signal::unix::{SignalKind, signal};

use super::supervisor::which;
use super::{Paths, local_redis, worker_groups};
use crate::config::Config;
use crate::output;
use crate::store::{NewJob, Store};

/// Options of `bench start`.
#[derive(Debug, Clone, clap::Args)]
pub struct StartArgs {
    /// Also enqueue a few example jobs, to see jobs flow
    #[arg(long)]
    pub demo: bool,
}

const COLORS: [&str; 6] = ["36", "33", "32", "35", "34", "31"];

/// A child process whose lines are relayed with a prefix.
struct Proc {
    name: String,
    child: Child,
}

/// Starts `argv` in a process group of its own, so the terminal's Ctrl-C reaches only
/// `bench start`, which then stops the children in order (workers before Redis). The
/// kernel sends SIGTERM to a child whose `bench start` died. bench's own processes get
/// the Redis URL in their environment, where `ps` does not show its password.
fn spawn(
    name: &str,
    argv: &[String],
    redis_url: Option<&str>,
    color: &str,
    width: usize,
) -> Result<Proc> {
    let mut std_cmd = std::process::Command::new(&argv[0]);
    if let Some(url) = redis_url {
        std_cmd.env("BENCH_REDIS_URL", url);
    }
    std_cmd
        .args(&argv[1..])
        .process_group(0)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // SAFETY: prctl is async-signal-safe and touches no memory of the parent.
    unsafe {
        std_cmd.pre_exec(|| {
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGTERM) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
    let mut child = Command::from(std_cmd)
        .spawn()
        .with_context(|| format!("cannot start {}", argv[0]))?;
    let prefix = if output::color() {
        format!("\x1b[{color}m{name:<width$} |\x1b[0m ")
    } else {
        format!("{name:<width$} | ")
    };
    relay(child.stdout.take(), prefix.clone());
    relay(child.stderr.take(), prefix);
    Ok(Proc {
        name: name.to_owned(),
        child,
    })
}

fn relay(pipe: Option<impl AsyncRead + Unpin + Send + 'static>, prefix: String) {
    let Some(pipe) = pipe else { return };
    tokio::spawn(async move {
        let mut lines = BufReader::new(pipe).lines();
        while let Ok(Some(line)) = lines.next_line().await {
            let _ = output::line(format!("{prefix}{line}"));
        }
    });
}

fn term(p: &Proc) {
    if let Some(pid) = p.child.id() {
        let _ = kill(Pid::from_raw(pid as i32), Signal::SIGTERM);
    }
}

/// Runs `bench start`.
pub async fn run(cfg: &Config, a: &StartArgs) -> Result<()> {
    let paths = Paths::of(cfg)?;
    let groups = worker_groups(cfg);
    let width = groups
        .iter()
        .map(|g| g.name.len() + 7)
        .max()
        .unwrap_or(8)
        .max(8);
    // The demo never touches a Redis that already runs: it brings its own, on a free
    // port, with its data in a folder removed when it stops.
    let demo = a.demo.then(DemoRedis::new).transpose()?;
    let cfg = &match &demo {
        Some(d) => Config {
            redis_url: d.url.clone(),
            ..cfg.clone()
        },
        None => cfg.clone(),
    };
    let (redis, store) = open_redis(cfg, demo.as_ref(), &paths, width).await?;

    let procs = spawn_all(cfg, &paths, &groups, width)?;
    if demo.is_some() {
        demo_jobs(cfg, &store, &paths).await?;
    }

    supervise(procs).await?;
    if let Some(r) = redis {
        stop_redis(r).await;
    }
    if let Some(d) = &demo {
        let _ = std::fs::remove_dir_all(&d.dir);
    }
    output::line("All stopped")?;
    Ok(())
}

/// The Redis `bench start` uses: the demo's own, the configured one, or, when nothing
/// answers at a local URL, a redis-server it starts (returned, to stop at the end).
async fn open_redis(
    cfg: &Config,
    demo: Option<&DemoRedis>,
    paths: &Paths,
    width: usize,
) -> Result<(Option<Proc>, Store)> {
    let mut redis = None;
    let store = if let Some(d) = demo {
        let server = which("redis-server").ok_or_else(|| anyhow::anyhow!("the demo runs its own redis-server, which is not installed\nhint: install it (Debian/Ubuntu: sudo apt-get install redis-server; macOS: brew install redis)"))?;
        output::line(format!(
            "Demo: a redis-server of its own on {} (data in {}, removed when you stop); no other Redis is touched",
            d.url,
            d.dir.display()
        ))?;
        let (r, s) = start_redis(
            cfg,
            server,
            "127.0.0.1".into(),
            d.port,
            &d.dir,
            false,
            width,
        )
        .await?;
        redis = Some(r);
        s
    } else {
        match crate::open::store(cfg).await {
            Ok(s) => s,
            Err(e) => {
                let Some((host, port)) = local_redis(&cfg.redis_url) else {
                    return Err(anyhow::anyhow!(
                        "{e}\nhint: bench start runs its own redis-server only for a local redis:// URL; start that Redis or change [redis] url"
                    ));
                };
                let Some(server) = which("redis-server") else {
                    anyhow::bail!(
                        "nothing answers at {} and redis-server is not installed\nhint: install it (Debian/Ubuntu: sudo apt-get install redis-server; macOS: brew install redis), then run bench start again",
                        cfg.redis_url
                    );
                };
                let data = paths.dir.join("config").join("redis");
                std::fs::create_dir_all(&data)
                    .with_context(|| format!("cannot create {}", data.display()))?;
                output::line(format!(
                    "No Redis at {}; starting redis-server on {host}:{port} with its data in {}",
                    cfg.redis_url,
                    data.display()
                ))?;
                let (r, s) = start_redis(cfg, server, host, port, &data, true, width).await?;
                redis = Some(r);
                s
            }
        }
    };
    Ok((redis, store))
}

/// Starts the scheduler, a worker per group and the dashboard, each prefixed in the
/// output by its name.
fn spawn_all(
    cfg: &Config,
    paths: &Paths,
    groups: &[super::WorkerGroup],
    width: usize,
) -> Result<Vec<Proc>> {
    let base = paths.bench_argv();
    let url = Some(cfg.redis_url.as_str());
    let mut procs = vec![spawn(
        "schedule",
        &[&base[..], &["schedule".to_owned()]].concat(),
        url,
        COLORS[0],
        width,
    )?];
    for (i, g) in groups.iter().enumerate() {
        let argv = [
            &base[..],
            &["worker".to_owned(), "--queue".into(), g.queues.join(",")],
        ]
        .concat();
        procs.push(spawn(
            &format!("worker-{}", g.name),
            &argv,
            url,
            COLORS[(i + 1) % COLORS.len()],
            width,
        )?);
    }
    let dashboard = dashboard_addr(cfg.dashboard.bind);
    procs.push(spawn(
        "dashboard",
        &[
            &base[..],
            &[
                "dashboard".to_owned(),
                "--bind".into(),
                dashboard.to_string(),
            ],
        ]
        .concat(),
        url,
        COLORS[(groups.len() + 1) % COLORS.len()],
        width,
    )?);
    output::line(format!("Dashboard: http://{dashboard}/"))?;
    Ok(procs)
}

/// Waits until every process has exited; the first Ctrl-C (or TERM) stops them warm,
/// a second one cold.
async fn supervise(procs: Vec<Proc>) -> Result<()> {
    let mut int = signal(SignalKind::interrupt())?;
    let mut trm = signal(SignalKind::terminate())?;
    let mut stops = 0;
    let mut alive = procs;
    while !alive.is_empty() {
        tokio::select! {
            _ = int.recv() => stops += 1,
            _ = trm.recv() => stops += 1,
            () = tokio::time::sleep(Duration::from_millis(200)) => {
                let mut still = Vec::new();
                for mut p in alive.drain(..) {
                    match p.child.try_wait() {
                        Ok(Some(status)) => { if stops == 0 { output::line(format!("{} exited ({status})", p.name))?; } }
                        _ => still.push(p),
                    }
                }
                alive = still;
                continue;
            }
        }
        match stops {
            1 => output::line(
                "Stopping: workers finish their running jobs (Ctrl-C again to stop them now)",
            )?,
            _ => output::line("Stopping now: running jobs go back to their queues")?,
        }
        for p in &alive {
            term(p);
        }
    }
    Ok(())
}

/// Stops the redis-server `bench start` started: TERM, then KILL after 10 s.
async fn stop_redis(mut r: Proc) {
    term(&r);
    let _ = tokio::time::timeout(Duration::from_secs(10), r.child.wait()).await;
    if r.child.try_wait().ok().flatten().is_none() {
        let _ = r.child.kill().await;
    }
}

/// Where the dashboard listens: the configured address, or another port on the same
/// host when that one is taken (rq-dashboard also likes 9181).
fn dashboard_addr(want: std::net::SocketAddr) -> std::net::SocketAddr {
    if std::net::TcpListener::bind(want).is_ok() {
        return want;
    }
    std::net::TcpListener::bind((want.ip(), 0))
        .and_then(|l| l.local_addr())
        .unwrap_or(want)
}

/// The demo's own Redis: a free port and a scratch folder.
struct DemoRedis {
    port: u16,
    url: String,
    dir: std::path::PathBuf,
}

impl DemoRedis {
    fn new() -> Result<DemoRedis> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .context("cannot find a free port for the demo's redis-server")?
            .port();
        let dir = std::env::temp_dir().join(format!("bench-demo-{}-{port}", std::process::id()));
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create {}", dir.display()))?;
        Ok(DemoRedis {
            port,
            url: format!("redis://127.0.0.1:{port}/0"),
            dir,
        })
    }
}

/// Starts a redis-server for `cfg`'s URL and waits until it answers.
async fn start_redis(
    cfg: &Config,
    server: String,
    host: String,
    port: u16,
    data: &std::path::Path,
    keep: bool,
    width: usize,
) -> Result<(Proc, Store)> {
    let mut argv = super::redis_server_args(server, host, port, data);
    argv.extend([
        "--save".into(),
        if keep { "60 1".into() } else { String::new() },
    ]);
    let r = spawn("redis", &argv, None, "37", width)?;
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(100)).await;
        if let Ok(s) = crate::open::store(cfg).await {
            return Ok((r, s));
        }
    }
    term(&r);
    anyhow::bail!(
        "the redis-server bench started did not answer within 5 seconds; see its lines above"
    )
}

/// A few jobs, so a newcomer sees them flow, and how to look at them.
async fn demo_jobs(cfg: &Config, store: &Store, paths: &Paths) -> Result<()> {
    let job = |queue: &str, func: &str, kwargs: serde_json::Value| NewJob {
        kwargs: kwargs.as_object().cloned().unwrap_or_default(),
        ..NewJob::configured(cfg, queue, func).expect("the built-in queues always exist")
    };
    let now = Utc::now();
    let jobs = [
        job("default", "bench.echo", json!({"hello": "world"})),
        job("short", "bench.sleep", json!({"seconds": 1})),
        job("long", "bench.echo", json!({"step": "long queue"})),
    ];
    store.enqueue(&jobs, None, cfg.serializer, now, &[]).await?;
    let later = job("default", "bench.echo", json!({"delayed": "3 seconds"}));
    store
        .enqueue(
            std::slice::from_ref(&later),
            Some(now + chrono::Duration::seconds(3)),
            cfg.serializer,
            now,
            &[],
        )
        .await?;
    output::line(format!(
        "Demo: enqueued {} jobs and one for 3 seconds from now; while this runs, see them with\n  {} --redis-url {} jobs list",
        jobs.len(),
        shell_words::join(paths.bench_argv()),
        cfg.redis_url
    ))?;
    Ok(())
}
