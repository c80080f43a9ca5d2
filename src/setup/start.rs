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
/// kernel sends SIGTERM to a child whose `bench start` died.
fn spawn(name: &str, argv: &[String], color: &str, width: usize) -> Result<Proc> {
    let mut std_cmd = std::process::Command::new(&argv[0]);
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
    let mut redis = None;
    let store = match crate::open::store(cfg).await {
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
            let argv = [
                server,
                "--port".into(),
                port.to_string(),
                "--bind".into(),
                host,
                "--dir".into(),
                data.display().to_string(),
                "--save".into(),
                "60 1".into(),
            ];
            redis = Some(spawn("redis", &argv, "37", width)?);
            let mut waited = 0;
            loop {
                tokio::time::sleep(Duration::from_millis(100)).await;
                if let Ok(s) = crate::open::store(cfg).await {
                    break s;
                }
                waited += 1;
                if waited > 50 {
                    if let Some(r) = &redis {
                        term(r);
                    }
                    anyhow::bail!(
                        "the redis-server bench started did not answer within 5 seconds; see its lines above"
                    );
                }
            }
        }
    };

    let base = [
        paths.bench.display().to_string(),
        "--config".into(),
        paths.hooks.display().to_string(),
        "--redis-url".into(),
        cfg.redis_url.clone(),
    ];
    let mut procs = vec![spawn(
        "schedule",
        &[&base[..], &["schedule".to_owned()]].concat(),
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
            COLORS[(i + 1) % COLORS.len()],
            width,
        )?);
    }
    if a.demo {
        demo(cfg, &store).await?;
    }

    let mut int = signal(SignalKind::interrupt())?;
    let mut trm = signal(SignalKind::terminate())?;
    let mut stops = 0;
    let mut alive: Vec<Proc> = procs;
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
    if let Some(mut r) = redis {
        term(&r);
        let _ = tokio::time::timeout(Duration::from_secs(10), r.child.wait()).await;
        if r.child.try_wait().ok().flatten().is_none() {
            let _ = r.child.kill().await;
        }
    }
    output::line("All stopped")?;
    Ok(())
}

/// A few jobs from the example hooks, so a newcomer sees them flow.
async fn demo(cfg: &Config, store: &Store) -> Result<()> {
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
        "Demo: enqueued {} jobs and one for 3 seconds from now; see them with `bench jobs list`",
        jobs.len()
    ))?;
    Ok(())
}
