//! The hooks file exactly as written: serde structs that refuse unknown keys.
//! Values that need checks beyond their type keep their span for error messages.

use std::collections::BTreeMap;

use indexmap::IndexMap;
use serde::Deserialize;
use toml::Spanned;

use crate::config::Serializer;

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Hooks {
    pub bench_id: Option<Spanned<String>>,
    #[serde(default)]
    pub redis: RedisSection,
    #[serde(default)]
    pub queues: IndexMap<Spanned<String>, QueueSection>,
    #[serde(default)]
    pub jobs: JobsSection,
    #[serde(default)]
    pub methods: IndexMap<Spanned<String>, MethodSection>,
    pub python: Option<PythonSection>,
    #[serde(default)]
    pub frappe: FrappeSection,
    #[serde(default)]
    pub worker: WorkerSection,
    #[serde(default)]
    pub scheduler: SchedulerSection,
    #[serde(default)]
    pub scheduler_events: SchedulerEvents,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RedisSection {
    pub url: Option<Spanned<String>>,
    pub serializer: Option<Serializer>,
    pub rq: Option<crate::config::RqVersion>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct QueueSection {
    pub timeout: Option<Spanned<i64>>,
    pub workers: Option<Spanned<i64>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct JobsSection {
    pub result_ttl: Option<Spanned<i64>>,
    pub failure_ttl: Option<Spanned<i64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct MethodSection {
    pub command: Spanned<Vec<String>>,
    pub cwd: Option<String>,
    #[serde(default)]
    pub env: BTreeMap<String, String>,
    pub timeout: Option<Spanned<i64>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PythonSection {
    pub executable: Option<String>,
    #[serde(default)]
    pub path: Vec<String>,
    #[serde(default)]
    pub env: BTreeMap<String, String>,
    pub cwd: Option<String>,
    pub preload: Option<Vec<Spanned<String>>>,
    pub isolation: Option<crate::config::Isolation>,
    pub max_jobs_per_child: Option<Spanned<i64>>,
    pub max_memory_per_child: Option<Spanned<i64>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FrappeSection {
    pub sites_path: Option<String>,
    pub bench: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct WorkerSection {
    pub heartbeat_ttl: Option<Spanned<i64>>,
    pub max_recoveries: Option<Spanned<i64>>,
    pub abandoned: Option<crate::config::Abandoned>,
    pub kill_grace: Option<Spanned<i64>>,
    pub result_max_bytes: Option<Spanned<i64>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SchedulerSection {
    pub interval: Option<Spanned<i64>>,
    pub timezone: Option<Spanned<String>>,
    pub lease: Option<Spanned<i64>>,
}

/// Frappe's `scheduler_events` keys; serde rejects any other with the list of these.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SchedulerEvents {
    #[serde(default)]
    pub all: Vec<Spanned<String>>,
    #[serde(default)]
    pub hourly: Vec<Spanned<String>>,
    #[serde(default)]
    pub hourly_long: Vec<Spanned<String>>,
    #[serde(default)]
    pub hourly_maintenance: Vec<Spanned<String>>,
    #[serde(default)]
    pub daily: Vec<Spanned<String>>,
    #[serde(default)]
    pub daily_long: Vec<Spanned<String>>,
    #[serde(default)]
    pub daily_maintenance: Vec<Spanned<String>>,
    #[serde(default)]
    pub weekly: Vec<Spanned<String>>,
    #[serde(default)]
    pub weekly_long: Vec<Spanned<String>>,
    #[serde(default)]
    pub monthly: Vec<Spanned<String>>,
    #[serde(default)]
    pub monthly_long: Vec<Spanned<String>>,
    #[serde(default)]
    pub yearly: Vec<Spanned<String>>,
    #[serde(default)]
    pub yearly_long: Vec<Spanned<String>>,
    #[serde(default)]
    pub annual: Vec<Spanned<String>>,
    #[serde(default)]
    pub annual_long: Vec<Spanned<String>>,
    #[serde(default)]
    pub cron: IndexMap<Spanned<String>, Vec<Spanned<String>>>,
}

impl SchedulerEvents {
    /// The fixed-frequency lists in Frappe's order, with their keys.
    pub(crate) fn frequencies(&self) -> [(&'static str, &Vec<Spanned<String>>); 15] {
        [
            ("all", &self.all),
            ("hourly", &self.hourly),
            ("hourly_long", &self.hourly_long),
            ("hourly_maintenance", &self.hourly_maintenance),
            ("daily", &self.daily),
            ("daily_long", &self.daily_long),
            ("daily_maintenance", &self.daily_maintenance),
            ("weekly", &self.weekly),
            ("weekly_long", &self.weekly_long),
            ("monthly", &self.monthly),
            ("monthly_long", &self.monthly_long),
            ("yearly", &self.yearly),
            ("yearly_long", &self.yearly_long),
            ("annual", &self.annual),
            ("annual_long", &self.annual_long),
        ]
    }
}
