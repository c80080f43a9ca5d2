//! Opening the Redis a command works on, in the Python RQ layout the deployment reads.
//!
//! `[redis] rq = "1"` or `"2"` decides. Left at `"auto"`, the rule is, in order:
//! 1. Python RQ workers registered on this Redis: if any runs RQ 1.x, the RQ 1 layout
//!    (so those workers and their tools read bench's jobs), else RQ 2.
//! 2. In Frappe mode, the RQ installed in the bench's `env` (Frappe 15 pins 1.15).
//! 3. Otherwise RQ 2.

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Result;

use crate::config::{Config, REDIS_URL_FORMS, RqVersion, UrlSource};
use crate::store::{Endpoint, Layout, RqWorkerVersion, Store};

/// The least a command waits for the sentinels to name a reachable master, for
/// sentinels that did not say how long a failover may take or say it is quick.
const FAILOVER_WAIT_MIN: Duration = Duration::from_secs(20);
/// The most, whatever the sentinels' settings say: a typed command must end.
const FAILOVER_WAIT_MAX: Duration = Duration::from_secs(600);
/// Added to the sentinels' own times: the vote and the promotion take a moment too.
const FAILOVER_MARGIN: Duration = Duration::from_secs(5);

/// Connects to the configured Redis and settles the layout, waiting out a failover
/// under way.
///
/// # Errors
/// An unreachable Redis, with a hint naming the setting to fix.
pub async fn store(cfg: &Config) -> Result<Store> {
    open(cfg, true).await
}

/// As [`store`], but fails at once when no master answers: `bench doctor` is run to
/// find out what is wrong, and says so rather than wait through an outage.
///
/// # Errors
/// An unreachable Redis, with a hint naming the setting to fix.
pub async fn store_now(cfg: &Config) -> Result<Store> {
    open(cfg, false).await
}

async fn open(cfg: &Config, through_failover: bool) -> Result<Store> {
    let hint = || match &cfg.frappe.sites_path {
        // A Frappe bench runs its own queue Redis (frappe-bench's `bench start`, or
        // supervisor's redis program, from config/redis_queue.conf).
        Some(sites) if cfg.redis_url_from == UrlSource::Frappe => format!(
            "hint: start the bench's queue Redis (frappe-bench runs it from config/redis_queue.conf), or fix redis_queue in {}",
            sites.join("common_site_config.json").display()
        ),
        _ => format!(
            "hint: start redis-server, or point [redis] url in {} (or --redis-url) at a running one",
            cfg.source_shown()
        ),
    };
    let endpoint =
        Endpoint::parse_with(&cfg.redis_url, &cfg.redis_options).map_err(|e| match e {
            // A URL that is not one is the caller's to fix (exit 2), not a server to start.
            crate::store::StoreError::BadUrl { .. } => crate::usage!(
                "{e}\nhint: a Redis URL reads {REDIS_URL_FORMS}; set it as [redis] url in {} or with --redis-url",
                cfg.source_shown()
            )
            .into(),
            e => anyhow::anyhow!("{e}\n{}", hint()),
        })?;
    let started = std::time::Instant::now();
    // Behind sentinels, a master that cannot be reached is most likely a failover
    // under way: wait as long as the sentinels' settings say one may take, as the
    // long-running processes do, rather than fail a command typed meanwhile.
    let mut patience = None;
    let store = loop {
        match Store::open_endpoint(endpoint.clone()).await {
            Ok(s) => break s,
            Err(e) if e.is_transient() && endpoint.is_sentinel() && through_failover => {
                let wait = *patience.get_or_insert_with(|| {
                    let wait = failover_wait(endpoint.failover_time());
                    eprintln!(
                        "{e}; waiting up to {}s for the sentinels to name a master",
                        wait.as_secs()
                    );
                    wait
                });
                if started.elapsed() >= wait {
                    return Err(anyhow::anyhow!(
                        "{e}; the sentinels named no reachable master within {}s\n{}",
                        wait.as_secs(),
                        hint()
                    ));
                }
                tokio::time::sleep(Duration::from_millis(250)).await;
            }
            // The server answered: where to find one is no help.
            Err(e @ crate::store::StoreError::Refused { .. }) => return Err(e.into()),
            Err(e @ crate::store::StoreError::BadUrl { .. }) => {
                return Err(crate::usage!("{e}").into());
            }
            Err(e) => return Err(anyhow::anyhow!("{e}\n{}", hint())),
        }
    };
    let (layout, why) = match cfg.rq {
        RqVersion::V1 => (
            Layout::Rq1,
            format!("[redis] rq = \"1\" in {}", cfg.source_shown()),
        ),
        RqVersion::V2 => (
            Layout::Rq2,
            format!("[redis] rq = \"2\" in {}", cfg.source_shown()),
        ),
        RqVersion::Auto => {
            let workers = store.python_rq_workers().await.unwrap_or_default();
            let installed = cfg
                .frappe
                .bench_dir()
                .and_then(|dir| installed_rq(dir).map(|v| (dir.to_owned(), v)));
            decide(&workers, installed)
        }
    };
    Ok(store
        .with_layout(layout, &why)
        .for_bench(cfg.bench_id.as_deref()))
}

/// How long to wait for a new master, by the sentinels' settings when they told.
fn failover_wait(sentinels: Option<Duration>) -> Duration {
    sentinels
        .map(|t| t.saturating_add(FAILOVER_MARGIN))
        .unwrap_or(FAILOVER_WAIT_MIN)
        .clamp(FAILOVER_WAIT_MIN, FAILOVER_WAIT_MAX)
}

/// The rule, on what was found.
fn decide(workers: &[RqWorkerVersion], installed: Option<(PathBuf, String)>) -> (Layout, String) {
    let major = |v: &str| {
        v.split('.')
            .next()
            .and_then(|m| m.trim().parse::<u32>().ok())
    };
    if let Some(w) = workers.iter().find(|w| major(&w.version) == Some(1)) {
        return (
            Layout::Rq1,
            format!(
                "auto: Python RQ worker {} runs RQ {}, which reads RQ 1's layout",
                w.name, w.version
            ),
        );
    }
    if let Some(w) = workers.iter().find(|w| major(&w.version).is_some()) {
        return (
            Layout::Rq2,
            format!("auto: Python RQ worker {} runs RQ {}", w.name, w.version),
        );
    }
    if let Some((dir, version)) = installed {
        let layout = if major(&version) == Some(1) {
            Layout::Rq1
        } else {
            Layout::Rq2
        };
        return (
            layout,
            format!(
                "auto: the Frappe bench at {} has RQ {version} installed",
                dir.display()
            ),
        );
    }
    (
        Layout::Rq2,
        "auto: no Python RQ worker is registered and no Frappe bench is configured, so RQ 2's layout (set [redis] rq to choose)".into(),
    )
}

/// The RQ version in a Frappe bench's virtualenv (`env/lib/python3.*/site-packages`).
fn installed_rq(bench: &Path) -> Option<String> {
    let lib = bench.join("env").join("lib");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&lib)
        .ok()?
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("python"))
        })
        .collect();
    dirs.sort();
    dirs.into_iter().rev().find_map(|py| {
        let text = std::fs::read_to_string(py.join("site-packages/rq/version.py")).ok()?;
        text.lines().find_map(|l| {
            let (name, value) = l.split_once('=')?;
            (name.trim() == "VERSION").then(|| value.trim().trim_matches(['"', '\'']).to_owned())
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(name: &str, version: &str) -> RqWorkerVersion {
        RqWorkerVersion {
            name: name.into(),
            version: version.into(),
        }
    }

    #[test]
    fn a_command_waits_for_a_failover_as_long_as_the_sentinels_allow_within_bounds() {
        // Sentinel's defaults: down after 30 s, a failed attempt tried again after 3 min.
        let defaults = Duration::from_millis(30_000 + 2 * 180_000);
        assert_eq!(failover_wait(Some(defaults)), defaults + FAILOVER_MARGIN);
        assert_eq!(failover_wait(None), FAILOVER_WAIT_MIN);
        assert_eq!(
            failover_wait(Some(Duration::from_secs(1))),
            FAILOVER_WAIT_MIN
        );
        assert_eq!(failover_wait(Some(Duration::MAX)), FAILOVER_WAIT_MAX);
    }

    #[test]
    fn registered_rq_1_workers_win_then_the_bench_env_then_rq_2() {
        let (l, why) = decide(&[w("a", "2.1.0"), w("b", "1.15.1")], None);
        assert_eq!(l, Layout::Rq1);
        assert!(why.contains("b runs RQ 1.15.1"), "{why}");
        let installed = Some((PathBuf::from("/b"), "1.15.1".to_owned()));
        assert_eq!(
            decide(&[w("a", "2.12.0")], installed.clone()).0,
            Layout::Rq2
        );
        assert_eq!(decide(&[], installed).0, Layout::Rq1);
        assert_eq!(decide(&[w("x", "garbage")], None).0, Layout::Rq2);
    }

    #[test]
    fn reads_the_rq_version_a_bench_env_holds() {
        let dir = tempfile::tempdir().unwrap();
        let rq = dir.path().join("env/lib/python3.11/site-packages/rq");
        std::fs::create_dir_all(&rq).unwrap();
        std::fs::write(rq.join("version.py"), "VERSION = '1.15.1'\n").unwrap();
        assert_eq!(installed_rq(dir.path()).as_deref(), Some("1.15.1"));
        assert_eq!(installed_rq(&dir.path().join("nope")), None);
    }
}
