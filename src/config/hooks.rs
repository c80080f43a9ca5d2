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
    #[serde(default)]
    pub dashboard: DashboardSection,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct DashboardSection {
    pub bind: Option<Spanned<String>>,
    pub token: Option<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RedisSection {
    pub url: Option<Spanned<String>>,
    pub serializer: Option<Serializer>,
    pub rq: Option<crate::config::RqVersion>,
    pub ca_file: Option<Spanned<String>>,
    pub cert_file: Option<Spanned<String>>,
    pub key_file: Option<Spanned<String>>,
    pub sentinels: Option<Spanned<Vec<String>>>,
    pub master: Option<Spanned<String>>,
    pub sentinel_username: Option<String>,
    pub sentinel_password: Option<String>,
    pub min_replicas_ack: Option<Spanned<i64>>,
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
    pub sites_path: Option<Spanned<String>>,
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
    pub claim_ahead: Option<Spanned<i64>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SchedulerSection {
    pub interval: Option<Spanned<i64>>,
    pub timezone: Option<Spanned<String>>,
    pub lease: Option<Spanned<i64>>,
}

/// Frappe's `scheduler_events`: `<frequency>[_<suffix>]` keys with lists of methods,
/// and a `cron` table of expressions. Read key by key, so the list's type follows the
/// key and every method keeps its position for error messages; the keys themselves
/// are checked by the validator, which knows the queues.
#[derive(Debug, Default)]
pub(crate) struct SchedulerEvents {
    pub keyed: Vec<(Spanned<String>, Vec<Spanned<String>>)>,
    pub cron: IndexMap<Spanned<String>, Vec<Spanned<String>>>,
}

impl<'de> Deserialize<'de> for SchedulerEvents {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Events;
        impl<'de> serde::de::Visitor<'de> for Events {
            type Value = SchedulerEvents;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(
                    "a table of event keys (`daily = [\"my_app.tasks.x\"]`) and a `cron` table",
                )
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<SchedulerEvents, A::Error> {
                let mut out = SchedulerEvents::default();
                while let Some(key) = map.next_key::<Spanned<String>>()? {
                    if key.get_ref() == "cron" {
                        out.cron = map.next_value()?;
                    } else {
                        out.keyed.push((key, map.next_value()?));
                    }
                }
                Ok(out)
            }
        }
        d.deserialize_map(Events)
    }
}
