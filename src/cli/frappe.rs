//! The command names Frappe operators already type (`bench --site S purge-jobs`,
//! `bench scheduler pause`, `bench worker-pool` ...), mapped onto bench's commands
//! with Frappe's flags and output.

use anyhow::Result;

use crate::admin;
use crate::config::Config;
use crate::error::Reported;
use crate::output;
use crate::store::Store;

/// `scheduler` actions, as Frappe's `bench scheduler`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum SchedulerAction {
    Enable,
    Disable,
    Pause,
    Resume,
    Status,
}

/// Output format of `scheduler status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    #[default]
    Text,
    Json,
}

/// Options of `bench worker-pool`.
#[derive(Debug, Clone, clap::Args)]
pub struct WorkerPoolArgs {
    /// Queues, comma-separated, highest priority first
    #[arg(long, value_name = "QUEUES", value_delimiter = ',')]
    pub queue: Vec<String>,
    /// Jobs run at once
    #[arg(long, default_value_t = 2, value_name = "N")]
    pub num_workers: u32,
    /// Log warnings only
    #[arg(long)]
    pub quiet: bool,
    /// Exit when the queues are empty
    #[arg(long)]
    pub burst: bool,
}

impl WorkerPoolArgs {
    /// The same pool as `bench worker --num-workers N`: one process, N jobs at once.
    pub fn as_worker(&self) -> crate::worker::WorkerArgs {
        crate::worker::WorkerArgs {
            queue: self.queue.clone(),
            burst: self.burst,
            rq_username: None,
            rq_password: None,
            strategy: crate::worker::Strategy::Default,
            num_workers: self.num_workers.max(1),
            name: None,
            quiet: self.quiet,
            log_file: None,
            metrics_bind: None,
        }
    }
}

/// Pauses or resumes scheduling, printing Frappe's sentence.
pub async fn scheduler(
    cfg: &Config,
    store: &Store,
    action: SchedulerAction,
    format: Format,
    site: Option<&str>,
) -> Result<()> {
    let who = match site {
        Some(s) => format!("site {s}"),
        None => format!("bench {}", cfg.bench_name()),
    };
    let (paused, word) = match action {
        SchedulerAction::Enable => (false, "enabled"),
        SchedulerAction::Disable => (true, "disabled"),
        SchedulerAction::Pause => (true, "paused"),
        SchedulerAction::Resume => (false, "resumed"),
        SchedulerAction::Status => {
            let status = if store.scheduler_paused().await?.is_some() {
                "disabled"
            } else {
                "enabled"
            };
            return match format {
                Format::Json => Ok(output::json_line(&serde_json::json!({
                    "status": status,
                    "site": site,
                    "bench": cfg.bench_name(),
                }))?),
                Format::Text => Ok(output::line(format!("Scheduler is {status} for {who}"))?),
            };
        }
    };
    store.set_scheduler_paused(paused).await?;
    output::line(format!("Scheduler is {word} for {who}"))?;
    Ok(())
}

/// `enable-scheduler` / `disable-scheduler`.
pub async fn enable(cfg: &Config, store: &Store, on: bool, site: Option<&str>) -> Result<()> {
    store.set_scheduler_paused(!on).await?;
    let who = match site {
        Some(s) => s.to_owned(),
        None => format!("bench {}", cfg.bench_name()),
    };
    output::line(format!(
        "{} for {who}",
        if on { "Enabled" } else { "Disabled" }
    ))?;
    Ok(())
}

/// `enqueue --now`: runs the job here and prints its result or traceback.
pub async fn enqueue_now(
    cfg: &Config,
    a: &crate::enqueue::EnqueueArgs,
    site: Option<&str>,
) -> Result<()> {
    // No Redis is read, so the layout only shapes the id, which --now never shows.
    let job = crate::enqueue::prepare(cfg, a, site, crate::store::Layout::Rq2)?;
    let result = crate::worker::run_now(
        std::sync::Arc::new(cfg.clone()),
        &job,
        crate::worker::runner::Handlers::builtin(),
    )
    .await?;
    match result {
        crate::worker::runner::RunResult::Ok(None) => output::line("null")?,
        crate::worker::runner::RunResult::Ok(Some(bytes)) => {
            let shown =
                crate::store::payload::decode_value(&bytes, crate::store::payload::Decode::Lenient)
                    .map(|(v, _)| v.to_string())
                    .unwrap_or_else(|e| format!("(a value bench cannot show: {e})"));
            output::line(shown)?;
        }
        crate::worker::runner::RunResult::Failed(tb)
        | crate::worker::runner::RunResult::Stopped(tb)
        | crate::worker::runner::RunResult::Abandoned(tb) => {
            eprintln!("{}", tb.trim_end());
            return Err(Reported.into());
        }
        crate::worker::runner::RunResult::Interrupted => return Err(Reported.into()),
    }
    Ok(())
}

/// The alias commands that read or change Redis.
pub async fn run(
    cfg: &Config,
    store: &Store,
    cmd: &super::Command,
    site: Option<&str>,
) -> Result<()> {
    use super::Command as C;
    match cmd {
        C::ShowPendingJobs => admin::frappe::show_pending_jobs(cfg, store, site).await,
        C::PurgeJobs { queue, event } => {
            admin::frappe::purge_jobs(cfg, store, queue.as_deref(), event.as_deref(), site).await
        }
        C::ReadyForMigration => admin::frappe::ready_for_migration(cfg, store, site).await,
        C::EnableScheduler => enable(cfg, store, true, site).await,
        C::DisableScheduler => enable(cfg, store, false, site).await,
        C::Scheduler { action, format } => scheduler(cfg, store, *action, *format, site).await,
        C::TriggerSchedulerEvent { method } => {
            crate::scheduler::control::run(
                cfg,
                store,
                &crate::scheduler::control::ScheduleCommand::Trigger {
                    method: method.clone(),
                },
                site,
            )
            .await
        }
        _ => unreachable!("not a Frappe alias"),
    }
}
