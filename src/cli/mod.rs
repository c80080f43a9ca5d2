//! The command line: clap definitions of every subcommand, and dispatch to the
//! feature modules. Nothing here touches Redis directly.

use std::ffi::OsString;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Result;
use clap::{CommandFactory, Parser, Subcommand};

pub mod frappe;

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
    max_term_width = 100,
    after_help = AFTER_HELP
)]
pub struct Cli {
    /// Hooks file to read [env: BENCH_CONFIG] [default: hooks.toml]
    #[arg(long, global = true, value_name = "PATH")]
    pub config: Option<PathBuf>,

    /// Redis URL, overriding [redis] url in the hooks file [env: BENCH_REDIS_URL]
    #[arg(long, global = true, value_name = "URL")]
    pub redis_url: Option<String>,

    /// Frappe site to act on (enqueue, schedule, jobs list/stats/retry/purge, Frappe's
    /// commands) [env: BENCH_SITE]
    #[arg(long, global = true, value_name = "SITE")]
    pub site: Option<String>,

    #[command(subcommand)]
    pub command: Command,
}

/// What `bench --help` says after the command list.
const AFTER_HELP: &str = "Any other command (`bench migrate`, `bench --site S console`, `bench update`, \
`bench setup nginx`...) is handed to frappe-bench, the `bench` of a Frappe bench: the one \
[frappe] bench names, else the next `bench` on PATH that is not this program, with the same \
arguments, environment, input and output, and its exit code.";

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
    /// Serve the jobs, workers and scheduler as web pages, and Prometheus metrics
    Dashboard(crate::dashboard::DashboardArgs),
    /// Run Redis (if needed), the scheduler and workers in the foreground, for development
    Start(crate::setup::start::StartArgs),
    /// Generate process-manager configuration
    #[command(subcommand)]
    Setup(SetupCommand),
    /// Frappe: list queued jobs per queue as `method kwargs`
    ShowPendingJobs,
    /// Frappe: delete queued jobs, of one queue or event; prints `Purged N jobs`
    PurgeJobs {
        /// Only this queue
        #[arg(long, value_name = "QUEUE")]
        queue: Option<String>,
        /// Only jobs of this event
        #[arg(long, value_name = "EVENT")]
        event: Option<String>,
    },
    /// Frappe: enqueue a scheduled method now (same as `schedule trigger`)
    TriggerSchedulerEvent {
        /// Dotted path of a method under [scheduler_events]
        method: String,
    },
    /// Frappe: let schedulers enqueue events again (same as `schedule resume`)
    EnableScheduler,
    /// Frappe: stop schedulers from enqueuing events (same as `schedule pause`)
    DisableScheduler,
    /// Frappe: enable, disable, pause, resume or show the scheduler
    Scheduler {
        #[arg(value_enum)]
        action: frappe::SchedulerAction,
        /// Output format of `status`
        #[arg(long, short, value_enum, default_value_t = frappe::Format::Text)]
        format: frappe::Format,
    },
    /// Frappe: exit 1 while jobs are queued or running, 0 when migrating is safe
    ReadyForMigration,
    /// Frappe: run N jobs at once in one process (same as `worker --num-workers N`)
    WorkerPool(frappe::WorkerPoolArgs),
    /// Print shell completions or man pages (for packagers)
    #[command(hide = true)]
    Generate(GenerateArgs),
    /// Any other command: handed to frappe-bench
    #[command(external_subcommand)]
    External(Vec<OsString>),
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
    /// Delete jobs by id, with their results (not running ones: stop those first)
    Delete(admin::change::IdsArgs),
    /// Count jobs per queue and state
    Stats(admin::list::StatsArgs),
}

impl JobsCommand {
    /// The job selection of the subcommands that take one.
    fn filters_mut(&mut self) -> Option<&mut admin::select::Filters> {
        match self {
            JobsCommand::List(a) => Some(&mut a.filters),
            JobsCommand::Stats(a) => Some(&mut a.filters),
            JobsCommand::Retry(a) => Some(&mut a.filters),
            JobsCommand::Purge(a) => Some(&mut a.filters),
            JobsCommand::Show(_)
            | JobsCommand::Cancel(_)
            | JobsCommand::Stop(_)
            | JobsCommand::Delete(_) => None,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum SetupCommand {
    /// Write a supervisord configuration for the scheduler, workers and Redis
    Supervisor(crate::setup::supervisor::SupervisorArgs),
    /// Write systemd units for the scheduler, workers and Redis
    Systemd(crate::setup::systemd::SystemdArgs),
    /// Write [scheduler_events] from the Frappe bench's apps (their hooks.py)
    Hooks(crate::setup::hooks::HooksArgs),
    /// Any other setup command (nginx, production, requirements...): handed to frappe-bench
    #[command(external_subcommand)]
    External(Vec<OsString>),
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
        return generate::run(args, &Cli::command());
    }
    // The environment is read here rather than by clap, whose error messages would
    // otherwise show these options as if they had been typed.
    let from_env = |k: &str| std::env::var_os(k).filter(|v| !v.is_empty());
    let mut cli = cli;
    if cli.site.is_none() {
        cli.site = from_env("BENCH_SITE").map(|v| v.to_string_lossy().into_owned());
    }
    if cli.redis_url.is_none() {
        cli.redis_url = from_env("BENCH_REDIS_URL").map(|v| v.to_string_lossy().into_owned());
    }
    // The global --site narrows every job selection.
    if let Command::Jobs(jobs) = &mut cli.command
        && let Some(filters) = jobs.filters_mut()
    {
        filters.site = cli.site.clone();
    }
    let config = cli
        .config
        .clone()
        .or_else(|| from_env("BENCH_CONFIG").map(PathBuf::from));
    let explicit = config.is_some();
    let config = config.unwrap_or_else(|| PathBuf::from("hooks.toml"));
    let cfg = Config::load(&config, explicit, cli.redis_url.as_deref())?;
    if matches!(
        cli.command,
        Command::External(_) | Command::Setup(SetupCommand::External(_))
    ) {
        return Err(crate::setup::frappe_bench::hand_over(
            &cfg,
            std::env::args_os().skip(1),
        ));
    }
    if let Command::Schedule(a) = &cli.command
        && let Some(cmd) = &a.command
        && let Some(done) = crate::scheduler::control::run_offline(&cfg, cmd)
    {
        return done;
    }
    // A Frappe bench keeps its scheduler switches in Frappe's own site config and
    // database: Frappe's commands change them, exactly as without bench.
    if cfg.frappe_mode()
        && let Some(handed) = frappe_scheduler_switch(&cfg, &cli)
    {
        return Err(handed);
    }
    match &cli.command {
        Command::Generate(_) | Command::External(_) | Command::Setup(SetupCommand::External(_)) => {
            unreachable!("handled above")
        }
        Command::Worker(a) => run_worker(&cfg, a),
        Command::WorkerPool(a) => run_worker(&cfg, &a.as_worker()),
        Command::Schedule(a) if a.command.is_none() => run_scheduler(&cfg, a),
        Command::Setup(SetupCommand::Supervisor(a)) => crate::setup::supervisor::run(&cfg, a),
        Command::Setup(SetupCommand::Systemd(a)) => crate::setup::systemd::run(&cfg, a),
        Command::Setup(SetupCommand::Hooks(a)) => crate::setup::hooks::run(&cfg, a),
        Command::Start(a) => heavy(crate::setup::start::run(&cfg, a)),
        Command::Doctor(a) if a.acl => {
            crate::output::line(admin::doctor::acl_rule())?;
            Ok(())
        }
        Command::Dashboard(a) => run_dashboard(&cfg, a),
        Command::Enqueue(a) if a.now => light(frappe::enqueue_now(&cfg, a, cli.site.as_deref())),
        cmd => light(with_store(&cfg, cmd, cli.site.as_deref())),
    }
}

/// Frappe's scheduler switches, handed to Frappe's own command (whose error, or
/// exit, is returned); `None` for every other command.
fn frappe_scheduler_switch(cfg: &Config, cli: &Cli) -> Option<anyhow::Error> {
    let site = cli.site.as_deref();
    match &cli.command {
        Command::EnableScheduler => {
            Some(admin::frappe::exec_frappe(cfg, site, &["enable-scheduler"]))
        }
        Command::DisableScheduler => Some(admin::frappe::exec_frappe(
            cfg,
            site,
            &["disable-scheduler"],
        )),
        Command::Scheduler { action, format } => {
            let action = clap::ValueEnum::to_possible_value(action)
                .map(|v| v.get_name().to_owned())
                .unwrap_or_default();
            let format = clap::ValueEnum::to_possible_value(format)
                .map(|v| v.get_name().to_owned())
                .unwrap_or_default();
            Some(admin::frappe::exec_frappe(
                cfg,
                site,
                &["scheduler", &action, "--format", &format],
            ))
        }
        _ => None,
    }
}

/// `bench schedule` with no subcommand: the long-running scheduler.
fn run_scheduler(cfg: &Config, a: &crate::scheduler::ScheduleArgs) -> Result<()> {
    heavy(async {
        let store = open(cfg).await?;
        let shutdown = crate::service::Shutdown::new();
        shutdown.on_signals()?;
        let log = crate::service::Log::to(a.log_file.as_deref(), a.quiet)?;
        log.reopen_on_sighup()?;
        crate::scheduler::run(Arc::new(cfg.clone()), store, log, shutdown.warm.clone()).await
    })
}

fn run_dashboard(cfg: &Config, a: &crate::dashboard::DashboardArgs) -> Result<()> {
    let opts = crate::dashboard::Options::resolve(cfg, a)?;
    light(async {
        let store = open(cfg).await?;
        let shutdown = crate::service::Shutdown::new();
        shutdown.on_signals()?;
        crate::dashboard::serve(
            Arc::new(cfg.clone()),
            store,
            opts,
            shutdown.warm.clone(),
            |addr, o| {
                eprintln!(
                    "Dashboard on http://{addr}/{}{}",
                    if o.token.is_some() {
                        " (token required)"
                    } else {
                        ""
                    },
                    if o.read_only { " (read-only)" } else { "" }
                );
            },
        )
        .await
    })
}

/// The commands that only talk to Redis, on one connection.
async fn with_store(cfg: &Config, cmd: &Command, site: Option<&str>) -> Result<()> {
    let store = match cmd {
        Command::Doctor(_) => crate::open::store_now(cfg).await?,
        _ => open(cfg).await?,
    };
    match cmd {
        Command::Schedule(a) => {
            crate::scheduler::control::run(
                cfg,
                &store,
                a.command.as_ref().expect("a subcommand"),
                site,
            )
            .await
        }
        Command::Enqueue(a) => enqueue::run(cfg, &store, a, site).await,
        Command::Jobs(JobsCommand::List(a)) => admin::list::run(cfg, &store, a).await,
        Command::Jobs(JobsCommand::Stats(a)) => admin::list::stats(cfg, &store, a).await,
        Command::Jobs(JobsCommand::Retry(a)) => admin::change::retry(cfg, &store, a).await,
        Command::Jobs(JobsCommand::Purge(a)) => admin::change::purge(cfg, &store, a).await,
        Command::Jobs(JobsCommand::Show(a)) => admin::show::run(cfg, &store, a).await,
        Command::Jobs(JobsCommand::Cancel(a)) => admin::change::cancel(&store, a).await,
        Command::Jobs(JobsCommand::Stop(a)) => admin::change::stop(&store, a).await,
        Command::Jobs(JobsCommand::Delete(a)) => admin::change::delete(&store, a).await,
        Command::Doctor(a) => admin::doctor::run(cfg, &store, a).await,
        frappe_alias => frappe::run(cfg, &store, frappe_alias, site).await,
    }
}

/// `bench worker` (and `worker-pool`): signals, the built-ins. One thread: a worker
/// only moves jobs between Redis and the processes that run them, and every hop
/// between threads (a wakeup, a cache miss) would cost more than the work it moves.
/// Nothing it does blocks; jobs run in child processes or as async handlers.
fn run_worker(cfg: &Config, a: &crate::worker::WorkerArgs) -> Result<()> {
    let opts = crate::worker::Options::resolve(cfg, a)?;
    let mut cfg = cfg.clone();
    if a.rq_username.is_some() {
        cfg.redis_options.username.clone_from(&a.rq_username);
    }
    if a.rq_password.is_some() {
        cfg.redis_options.password.clone_from(&a.rq_password);
    }
    light(async {
        let store = open(&cfg).await?;
        let shutdown = crate::worker::Shutdown::new();
        shutdown.on_signals()?;
        crate::worker::run(
            Arc::new(cfg.clone()),
            store,
            opts,
            crate::worker::runner::Handlers::builtin(),
            shutdown,
        )
        .await?;
        Ok(())
    })
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
    crate::open::store(cfg).await
}
