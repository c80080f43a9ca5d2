//! A Frappe bench as its files describe it: `sites/common_site_config.json` (Redis,
//! `bench_id`, custom `workers` queues) and each site's `site_config.json`. Read fresh
//! on each call, as Frappe does, so a site added, paused or put in maintenance is seen
//! without a restart.

use std::path::{Path, PathBuf};

use serde_json::{Map, Value as Json};

use super::FrappeSpec;

/// A Frappe config file that cannot be used.
#[derive(Debug, thiserror::Error)]
#[error("{path}: {problem}")]
pub struct FrappeFileError {
    pub path: PathBuf,
    pub problem: String,
}

fn read_json(path: &Path) -> Result<Map<String, Json>, FrappeFileError> {
    let err = |problem: String| FrappeFileError {
        path: path.to_owned(),
        problem,
    };
    let meta = std::fs::metadata(path).map_err(|e| err(format!("cannot read it ({e})")))?;
    // Frappe's config files are a few KiB; refuse to read anything absurd.
    if meta.len() > 16 << 20 {
        return Err(err(format!(
            "is {} bytes, too large for a site config",
            meta.len()
        )));
    }
    let text = std::fs::read_to_string(path).map_err(|e| err(format!("cannot read it ({e})")))?;
    match serde_json::from_str::<Json>(&text) {
        Ok(Json::Object(m)) => Ok(m),
        Ok(_) => Err(err("is not a JSON object".into())),
        Err(e) => Err(err(format!("is not valid JSON ({e})"))),
    }
}

/// Frappe reads flags with `cint`: 1, true, "1" are on; 0, false, "", absent are off.
pub fn truthy(v: Option<&Json>) -> bool {
    match v {
        Some(Json::Bool(b)) => *b,
        Some(Json::Number(n)) => n.as_f64().is_some_and(|f| f as i64 != 0),
        Some(Json::String(s)) => s.trim().parse::<f64>().is_ok_and(|f| f as i64 != 0),
        _ => false,
    }
}

impl FrappeSpec {
    fn sites_dir(&self) -> &Path {
        self.sites_path.as_deref().unwrap_or(Path::new("sites"))
    }

    /// `common_site_config.json`; an absent file reads as empty, as in Frappe.
    ///
    /// # Errors
    /// The file exists but is not a JSON object.
    pub fn common_conf(&self) -> Result<Map<String, Json>, FrappeFileError> {
        let path = self.sites_dir().join("common_site_config.json");
        if !path.exists() {
            return Ok(Map::new());
        }
        read_json(&path)
    }

    /// The sites of the bench: folders of `sites` holding a `site_config.json`, sorted.
    ///
    /// # Errors
    /// The sites folder cannot be read.
    pub fn sites(&self) -> Result<Vec<String>, FrappeFileError> {
        let dir = self.sites_dir();
        let entries = std::fs::read_dir(dir).map_err(|e| FrappeFileError {
            path: dir.to_owned(),
            problem: format!("cannot list the sites folder ({e})"),
        })?;
        let mut sites: Vec<String> = entries
            .flatten()
            .filter(|e| e.path().join("site_config.json").is_file())
            .filter_map(|e| e.file_name().to_str().map(str::to_owned))
            .collect();
        sites.sort();
        Ok(sites)
    }

    /// A site's configuration as Frappe's `frappe.conf` sees it: the common config with
    /// the site's own on top.
    ///
    /// # Errors
    /// The site does not exist, or a config file is not a JSON object.
    pub fn site_conf(&self, site: &str) -> Result<Map<String, Json>, FrappeFileError> {
        if site.is_empty() || site.contains('/') || site.starts_with('.') {
            return Err(FrappeFileError {
                path: self.sites_dir().join(site),
                problem: "is not a site name".into(),
            });
        }
        let own = self.sites_dir().join(site).join("site_config.json");
        if !own.is_file() {
            return Err(FrappeFileError {
                path: own,
                problem: "does not exist, so there is no such site".into(),
            });
        }
        let mut conf = self.common_conf()?;
        conf.extend(read_json(&own)?);
        Ok(conf)
    }

    /// Checks `site` for enqueue, naming the sites that exist when it is not one.
    ///
    /// # Errors
    /// A message for the operator.
    pub fn check_site(&self, site: Option<&str>) -> Result<String, String> {
        let sites = self.sites().map_err(|e| e.to_string())?;
        let listed = if sites.is_empty() {
            format!("no site found in {}", self.sites_dir().display())
        } else {
            format!(
                "sites in {}: {}",
                self.sites_dir().display(),
                sites.join(", ")
            )
        };
        match site {
            None => Err(format!(
                "Frappe jobs run for a site: pass --site SITE ({listed})"
            )),
            Some(s) if sites.iter().any(|x| x == s) => Ok(s.to_owned()),
            Some(s) => Err(format!("unknown site `{s}` ({listed})")),
        }
    }
}

/// Why Frappe's scheduler would skip a site, from its configuration (Frappe's
/// `is_scheduler_inactive`, except the `enable_scheduler` flag kept in the database).
pub fn scheduler_inactive(conf: &Map<String, Json>) -> Option<&'static str> {
    if truthy(conf.get("maintenance_mode")) {
        Some("maintenance mode is on")
    } else if truthy(conf.get("pause_scheduler")) {
        Some("the scheduler is paused (pause_scheduler)")
    } else if truthy(conf.get("disable_scheduler")) {
        Some("the scheduler is disabled (disable_scheduler)")
    } else {
        None
    }
}

/// Frappe's `get_bench_id`: the configured `bench_id`, else the bench's real path with
/// `/` turned into `-`.
pub fn bench_id(common: &Map<String, Json>, bench_dir: &Path) -> String {
    if let Some(Json::String(id)) = common.get("bench_id")
        && !id.is_empty()
    {
        return id.clone();
    }
    let real = std::fs::canonicalize(bench_dir).unwrap_or_else(|_| bench_dir.to_owned());
    real.display()
        .to_string()
        .trim_matches('/')
        .replace('/', "-")
}

/// The queue Redis Frappe itself connects to: its Sentinel setup when
/// `redis_queue_sentinel_enabled` (`redis_queue_sentinels` as `host:port` entries,
/// `redis_queue_master_service`, the master's and the sentinels' credentials), else
/// `redis_queue`. Sentinel credentials go to `options`.
pub fn queue_redis(
    common: &Map<String, Json>,
    options: &mut super::RedisOptions,
) -> Option<String> {
    let text = |k: &str| match common.get(k) {
        Some(Json::String(s)) if !s.is_empty() => Some(s.clone()),
        _ => None,
    };
    if truthy(common.get("redis_queue_sentinel_enabled")) {
        let nodes: Vec<String> = match common.get("redis_queue_sentinels") {
            Some(Json::Array(a)) => a
                .iter()
                .filter_map(|n| n.as_str().map(str::to_owned))
                .collect(),
            Some(Json::String(s)) => s.split(',').map(|n| n.trim().to_owned()).collect(),
            _ => Vec::new(),
        };
        if let Some(master) = text("redis_queue_master_service")
            && !nodes.is_empty()
        {
            // Credentials go in the URL percent-encoded, as any URL's do.
            let enc = |s: String| {
                s.bytes()
                    .map(|b| match b {
                        b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                            (b as char).to_string()
                        }
                        _ => format!("%{b:02X}"),
                    })
                    .collect::<String>()
            };
            let user = text("redis_queue_master_username").map(enc);
            let pass = text("redis_queue_master_password").map(enc);
            let base = match (user, pass) {
                (None, None) => "redis://".to_owned(),
                (u, p) => format!(
                    "redis://{}{}@x",
                    u.unwrap_or_default(),
                    p.map(|p| format!(":{p}")).unwrap_or_default()
                ),
            };
            options.sentinel_username = text("redis_queue_sentinel_username");
            options.sentinel_password = text("redis_queue_sentinel_password");
            return Some(super::sentinel::compose(&nodes, &master, Some(&base)));
        }
    }
    text("redis_queue")
}

/// The user Frappe connects to `redis_queue` as (its `get_redis_conn`): with
/// `use_rq_auth`, `rq_username` (else the bench id) and `rq_password`, the user
/// `bench create-rq-users` made; else, when Frappe's `RQ_ADMIN_PASWORD` variable is
/// set (spelled as Frappe spells it), the `default` user with that password.
pub fn rq_credentials(
    common: &Map<String, Json>,
    bench_id: &str,
    admin_password: Option<String>,
) -> Option<(String, Option<String>)> {
    let text = |k: &str| match common.get(k) {
        Some(Json::String(s)) if !s.is_empty() => Some(s.clone()),
        _ => None,
    };
    // Behind sentinels, the master's own credentials come first, as in Frappe.
    if truthy(common.get("redis_queue_sentinel_enabled"))
        && (text("redis_queue_master_username").is_some()
            || text("redis_queue_master_password").is_some())
    {
        return None;
    }
    if truthy(common.get("use_rq_auth")) {
        let user = text("rq_username").unwrap_or_else(|| bench_id.to_owned());
        return Some((user, text("rq_password")));
    }
    admin_password
        .filter(|p| !p.is_empty())
        .map(|p| ("default".to_owned(), Some(p)))
}

/// Custom queues from `workers` (`{"name": {"timeout": 5000, "background_workers": 4}}`),
/// in file order, with Frappe's defaults (300 s, one worker).
pub fn worker_queues(common: &Map<String, Json>) -> Vec<(String, i64, u32)> {
    let Some(Json::Object(workers)) = common.get("workers") else {
        return Vec::new();
    };
    workers
        .iter()
        .map(|(name, cfg)| {
            let timeout = cfg
                .get("timeout")
                .and_then(Json::as_i64)
                .filter(|t| *t > 0)
                .unwrap_or(300);
            let n = cfg
                .get("background_workers")
                .and_then(Json::as_u64)
                .and_then(|n| u32::try_from(n).ok())
                .filter(|n| *n > 0)
                .unwrap_or(1);
            (name.clone(), timeout, n)
        })
        .collect()
}

/// How often Frappe runs its `all` event, in seconds: `scheduler_interval` (240 when
/// unset), which Frappe turns into the cron `*/N` of whole minutes, so 90 runs every
/// minute. `None` when the setting is absent or not a number Frappe could use.
pub fn all_interval(common: &Map<String, Json>) -> Option<i64> {
    let secs = match common.get("scheduler_interval")? {
        Json::Number(n) => n.as_i64()?,
        Json::String(s) => s.trim().parse().ok()?,
        _ => return None,
    };
    let minutes = secs / 60;
    (1..=60).contains(&minutes).then_some(minutes * 60)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn all_runs_every_whole_minute_of_scheduler_interval_as_in_frappe() {
        let conf = |v: Json| {
            json!({ "scheduler_interval": v })
                .as_object()
                .unwrap()
                .clone()
        };
        assert_eq!(all_interval(&conf(json!(60))), Some(60));
        assert_eq!(all_interval(&conf(json!(90))), Some(60), "*/1");
        assert_eq!(all_interval(&conf(json!("300"))), Some(300));
        assert_eq!(all_interval(&conf(json!(30))), None, "*/0 is no schedule");
        assert_eq!(all_interval(&conf(json!(true))), None);
        assert_eq!(all_interval(&Map::new()), None);
    }

    #[test]
    fn rq_auth_is_the_benchs_user_as_frappe_connects() {
        let conf = |v: Json| v.as_object().unwrap().clone();
        let on = conf(json!({"use_rq_auth": 1, "rq_username": "b1", "rq_password": "pw"}));
        assert_eq!(
            rq_credentials(&on, "id", Some("admin".into())),
            Some(("b1".into(), Some("pw".into())))
        );
        let no_name = conf(json!({"use_rq_auth": "1", "rq_password": "pw"}));
        assert_eq!(
            rq_credentials(&no_name, "id", None),
            Some(("id".into(), Some("pw".into())))
        );
        let off = conf(json!({"use_rq_auth": 0, "rq_username": "b1"}));
        assert_eq!(rq_credentials(&off, "id", None), None);
        assert_eq!(
            rq_credentials(&off, "id", Some("admin".into())),
            Some(("default".into(), Some("admin".into())))
        );
        assert_eq!(rq_credentials(&off, "id", Some(String::new())), None);
    }

    #[test]
    fn finds_frappes_queue_redis_direct_or_through_sentinels() {
        let mut o = super::super::RedisOptions::default();
        let conf = |v: Json| v.as_object().unwrap().clone();
        assert_eq!(
            queue_redis(&conf(json!({"redis_queue": "redis://q:11000"})), &mut o).as_deref(),
            Some("redis://q:11000")
        );
        let c = conf(json!({
            "redis_queue": "redis://q:11000",
            "redis_queue_sentinel_enabled": 1,
            "redis_queue_sentinels": ["s1:26379", "s2:26380"],
            "redis_queue_master_service": "queue",
            "redis_queue_master_password": "p@ss",
            "redis_queue_sentinel_password": "sp",
        }));
        let url = queue_redis(&c, &mut o).unwrap();
        let parsed = super::super::sentinel::parse(&url).unwrap();
        assert_eq!(parsed.master, "queue");
        assert_eq!(parsed.nodes.len(), 2);
        assert_eq!(parsed.password.as_deref(), Some("p@ss"));
        assert_eq!(o.sentinel_password.as_deref(), Some("sp"));
    }

    fn bench() -> (tempfile::TempDir, FrappeSpec) {
        let dir = tempfile::tempdir().unwrap();
        let sites = dir.path().join("sites");
        for s in ["b.local", "a.local"] {
            std::fs::create_dir_all(sites.join(s)).unwrap();
            std::fs::write(sites.join(s).join("site_config.json"), "{}").unwrap();
        }
        std::fs::create_dir_all(sites.join("assets")).unwrap();
        std::fs::write(
            sites.join("common_site_config.json"),
            r#"{"bench_id": "b1", "pause_scheduler": 0, "workers": {"reports": {"timeout": 5000, "background_workers": 2}}}"#,
        )
        .unwrap();
        let spec = FrappeSpec {
            sites_path: Some(sites),
            bench: None,
        };
        (dir, spec)
    }

    #[test]
    fn reads_sites_and_their_merged_config() {
        let (dir, spec) = bench();
        assert_eq!(spec.sites().unwrap(), ["a.local", "b.local"]);
        std::fs::write(
            dir.path().join("sites/a.local/site_config.json"),
            r#"{"pause_scheduler": 1}"#,
        )
        .unwrap();
        let a = spec.site_conf("a.local").unwrap();
        assert_eq!(a["bench_id"], "b1");
        assert_eq!(
            scheduler_inactive(&a),
            Some("the scheduler is paused (pause_scheduler)")
        );
        assert_eq!(
            scheduler_inactive(&spec.site_conf("b.local").unwrap()),
            None
        );
        assert!(
            spec.site_conf("nope")
                .unwrap_err()
                .to_string()
                .contains("no such site")
        );
        assert!(spec.site_conf("../etc").is_err());
        let e = spec.check_site(None).unwrap_err();
        assert!(
            e.contains("--site") && e.contains("a.local, b.local"),
            "{e}"
        );
        assert!(
            spec.check_site(Some("c.local"))
                .unwrap_err()
                .contains("unknown site `c.local`")
        );
        std::fs::write(dir.path().join("sites/b.local/site_config.json"), "[1]").unwrap();
        assert!(
            spec.site_conf("b.local")
                .unwrap_err()
                .to_string()
                .contains("not a JSON object")
        );
    }

    #[test]
    fn flags_bench_id_and_workers_read_as_frappe_reads_them() {
        for (v, on) in [
            (json!(1), true),
            (json!("1"), true),
            (json!(true), true),
            (json!(0), false),
            (json!(""), false),
            (json!(null), false),
        ] {
            assert_eq!(truthy(Some(&v)), on, "{v}");
        }
        let common = json!({"workers": {"reports": {"timeout": 5000, "background_workers": 2}, "bad": {"timeout": -3}}});
        let common = common.as_object().unwrap();
        assert_eq!(
            worker_queues(common),
            [("reports".into(), 5000, 2), ("bad".into(), 300, 1)]
        );
        assert_eq!(
            bench_id(common, Path::new("/home/frappe/frappe-bench")),
            "home-frappe-frappe-bench"
        );
        let named = json!({"bench_id": "prod"});
        assert_eq!(
            bench_id(named.as_object().unwrap(), Path::new("/x")),
            "prod"
        );
    }
}
