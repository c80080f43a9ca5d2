//! Which sites of a Frappe bench schedule: those whose scheduler Frappe would run,
//! read from their configuration as Frappe reads it (`maintenance_mode`,
//! `pause_scheduler`, `disable_scheduler`, in the site's or the common config).
//! Looked at every few seconds, so a site added or paused is seen without a restart;
//! each change is logged once.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use crate::config::Config;
use crate::config::frappe::scheduler_inactive;
use crate::service::Log;

/// How long a look at the sites stays good.
const FRESH: Duration = Duration::from_secs(5);

/// The bench's sites, split by whether their scheduler runs.
#[derive(Debug, Default)]
pub struct Sites {
    checked: Option<Instant>,
    active: Vec<String>,
    /// Site to why it does not schedule.
    inactive: BTreeMap<String, String>,
}

impl Sites {
    /// Sites whose events run.
    pub fn active(&self) -> &[String] {
        &self.active
    }

    /// Sites whose events wait, and why.
    pub fn inactive(&self) -> &BTreeMap<String, String> {
        &self.inactive
    }

    /// Looks at the sites again once the last look is older than a few seconds.
    pub async fn refresh(&mut self, cfg: &Config, log: &Log) {
        if self.checked.is_some_and(|t| t.elapsed() < FRESH) {
            return;
        }
        self.checked = Some(Instant::now());
        let (active, inactive) = look(cfg, log);
        for site in active.iter().filter(|s| !self.active.contains(s)) {
            log.info(format!("Site {site}: scheduling its events"));
        }
        for (site, why) in &inactive {
            if self.inactive.get(site) != Some(why) {
                log.info(format!("Site {site}: not scheduling, {why}"));
            }
        }
        self.active = active;
        self.inactive = inactive;
    }

    /// A fresh look, for commands that run once.
    pub fn now(cfg: &Config, log: &Log) -> Sites {
        let (active, inactive) = look(cfg, log);
        Sites {
            checked: Some(Instant::now()),
            active,
            inactive,
        }
    }
}

fn look(cfg: &Config, log: &Log) -> (Vec<String>, BTreeMap<String, String>) {
    let mut active = Vec::new();
    let mut inactive = BTreeMap::new();
    // Without a Frappe bench there are no sites, and no folder to warn about.
    if !cfg.frappe_mode() {
        return (active, inactive);
    }
    let sites = match cfg.frappe.sites() {
        Ok(s) => s,
        Err(e) => {
            log.warn(format!("cannot list the Frappe sites: {e}"));
            return (active, inactive);
        }
    };
    for site in sites {
        match cfg.frappe.site_conf(&site) {
            Ok(conf) => match scheduler_inactive(&conf) {
                None => active.push(site),
                Some(why) => {
                    inactive.insert(site, why.to_owned());
                }
            },
            Err(e) => {
                inactive.insert(site, format!("its configuration cannot be read ({e})"));
            }
        }
    }
    (active, inactive)
}
