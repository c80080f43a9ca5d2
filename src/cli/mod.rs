//! The command line: clap definitions of every subcommand, and dispatch to the
//! feature modules. Nothing here touches Redis directly.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Result;
use clap::{Parser, Subcommand};

use crate::admin;
use crate::config::Config;
use crate::enqueue::{self, EnqueueArgs};
use crate::error;
use crate::generate::{self, GenerateArgs};
use crate::store::Store;

/// Background jobs on Redis for Frappe and Python RQ deployments.
///
/// bench runs workers and a scheduler, enqueues and manages jobs, all in Python
/// RQ's Redis layout: `rq info`, rq-dashboard and Python RQ workers see bench's jobs,
/// and bench runs theirs. Settings come from a hooks TOML file (see hooks.example.toml).
#[derive(Debug, Parser)]
#[command(
    name = "bench",
    version,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    /// Hooks file to read
    #[arg(
        long,
        global = true,
        env = "BENCH_CONFIG",
        value_name = "PATH",
        default_value = "hooks.toml"
    )]
    pub config: PathBuf,

    /// Redis URL, overriding [redis] url in the hooks file
    #[arg(long, global = true, env = "BENCH_REDIS_URL", value_name = "URL")]
    pub redis_url: Option<String>,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run jobs from one or more queues
    Worker(crate::worker::WorkerArgs),
    /// Run the scheduler that enqueues scheduler_events on time, or manage it
    Schedule(crate::scheduler::ScheduleArgs),
    /// Put a job on a queue
    Enqueue(EnqueueArgs),
    /// Inspect and manage jobs
    #[command(subcommand)]
    Jobs(JobsCommand),
    /// Check workers, scheduler and queues; exit 1 when something needs attention
    Doctor(admin::doctor::DoctorArgs),
    /// Run Redis (if needed), the scheduler and workers in the foreground, for development
    Start(crate::setup::start::StartArgs),
    /// Generate process-manager configuration
    #[command(subcommand)]
    Setup(SetupCommand),
    /// Print shell completions or man pages (for packagers)
    #[command(hide = true)]
    Generate(GenerateArgs),
}

#[derive(Debug, Subcommand)]
pub enum JobsCommand {
    /// List jobs by queue and state
    List(admin::list::ListArgs),
    /// Show everything about jobs: call, times, result, traceback
    Show(admin::show::ShowArgs),
    /// Requeue failed jobs, by id or all that match filters
    Retry(admin::change::RetryArgs),
    /// Delete jobs (queued ones by default, like Frappe's purge-jobs)
    Purge(admin::change::PurgeArgs),
    /// Cancel jobs that have not started
    Cancel(admin::change::IdsArgs),
    /// Ask the workers running these jobs to stop them
    Stop(admin::change::IdsArgs),
    /// Count jobs per queue and state
    Stats(admin::list::StatsArgs),
}

#[derive(Debug, Subcommand)]
pub enum SetupCommand {
    /// Write a supervisord configuration for the scheduler, workers and Redis
    Supervisor(crate::setup::supervisor::SupervisorArgs),
    /// Write systemd units for the scheduler, workers and Redis
    Systemd(crate::setup::systemd::SystemdArgs),
}

/// Parses the command line, runs the command and returns its exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => error::report(&e),
    }
}

fn run(cli: Cli) -> Result<()> {
    if let Command::Generate(args) = &cli.command {
        return generate::run(args);
    }
    let explicit =
        std::env::var_os("BENCH_CONFIG").is_some() || cli.config != Path::new("hooks.toml");
    let cfg = Config::load(&cli.config, explicit, cli.redis_url.as_deref())?;
    match &cli.command {
        Command::Worker(a) => {
            let opts = crate::worker::Options::resolve(&cfg, a)?;
            heavy(async {
                let store = open(&cfg).await?;
                let shutdown = crate::worker::Shutdown::new();
                shutdown.on_signals()?;
                crate::worker::run(
                    std::sync::Arc::new(cfg.clone()),
                    store,
                    opts,
                    crate::worker::runner::Handlers::builtin(),
                    shutdown,
                )
                .await?;
                Ok(())
            })
        }
        Command::Schedule(a) => match &a.command {
            Some(cmd) => match crate::scheduler::control::run_offline(&cfg, cmd) {
                Some(done) => done,
                None => light(async {
                    crate::scheduler::control::run(&cfg, &open(&cfg).await?, cmd).await
                }),
            },
            None => heavy(async {
                let store = open(&cfg).await?;
                let shutdown = crate::service::Shutdown::new();
                shutdown.on_signals()?;
                crate::scheduler::run(
                    std::sync::Arc::new(cfg.clone()),
                    store,
                    a.quiet,
                    shutdown.warm.clone(),
                )
                .await
            }),
        },
        Command::Setup(SetupCommand::Supervisor(a)) => crate::setup::supervisor::run(&cfg, a),
        Command::Setup(SetupCommand::Systemd(a)) => crate::setup::systemd::run(&cfg, a),
        Command::Start(a) => heavy(crate::setup::start::run(&cfg, a)),
        Command::Jobs(JobsCommand::Retry(a)) => {
            light(async { admin::change::retry(&cfg, &open(&cfg).await?, a).await })
        }
        Command::Jobs(JobsCommand::Purge(a)) => {
            light(async { admin::change::purge(&cfg, &open(&cfg).await?, a).await })
        }
        Command::Jobs(JobsCommand::Cancel(a)) => {
            light(async { admin::change::cancel(&open(&cfg).await?, a).await })
        }
        Command::Jobs(JobsCommand::Stop(a)) => {
            light(async { admin::change::stop(&open(&cfg).await?, a).await })
        }
        Command::Jobs(JobsCommand::Stats(a)) => {
            light(async { admin::list::stats(&cfg, &open(&cfg).await?, a).await })
        }
        Command::Doctor(a) => {
            light(async { admin::doctor::run(&cfg, &open(&cfg).await?, a).await })
        }
        Command::Enqueue(a) => light(async { enqueue::run(&cfg, &open(&cfg).await?, a).await }),
        Command::Jobs(JobsCommand::List(a)) => {
            light(async { admin::list::run(&cfg, &open(&cfg).await?, a).await })
        }
        Command::Jobs(JobsCommand::Show(a)) => {
            light(async { admin::show::run(&cfg, &open(&cfg).await?, a).await })
        }
        Command::Generate(_) => unreachable!("handled above"),
    }
}

/// Long-running services (worker, scheduler) use a thread pool, so a slow job
/// spawn or a burst of output never stalls heartbeats.
fn heavy<F: std::future::Future<Output = Result<()>>>(f: F) -> Result<()> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?
        .block_on(f)
}

/// Short-lived commands run on a single-threaded runtime: lighter than a pool.
fn light<F: std::future::Future<Output = Result<()>>>(f: F) -> Result<()> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?
        .block_on(f)
}

async fn open(cfg: &Config) -> Result<Store> {
    Store::open(&cfg.redis_url).await.map_err(|e| {
        anyhow::anyhow!("{e}\nhint: start redis-server, or point [redis] url in {} (or --redis-url) at a running one", cfg.source_shown())
    })
}
