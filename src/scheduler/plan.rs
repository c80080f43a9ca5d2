//! When each scheduled event runs: pure functions of the configuration and a time.
//!
//! Schedules are read in `[scheduler].timezone` the way Frappe reads them, on the
//! local wall clock: a slot that falls in a spring-forward gap runs when the clock
//! jumps past it (the day is not skipped), and a slot in a repeated fall-back hour runs
//! at its first occurrence only (never twice). `all` is an interval on the real clock.

use chrono::{DateTime, Duration, LocalResult, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

use crate::config::{Config, EventSpec};
use crate::cron::CronExpr;

/// How often an event runs.
#[derive(Debug, Clone)]
pub enum Rule {
    /// Every so many seconds, on multiples of it since the epoch (`all`).
    Every(i64),
    /// A cron expression on the local wall clock, shifted by some minutes.
    Cron {
        expr: Box<CronExpr>,
        offset_minutes: u32,
    },
}

impl Rule {
    /// The first run strictly after `t`.
    pub fn next_after(&self, t: DateTime<Utc>, tz: Tz) -> Option<DateTime<Utc>> {
        match self {
            Rule::Every(secs) => {
                let s = t.timestamp();
                DateTime::from_timestamp(s - s.rem_euclid(*secs) + secs, 0)
            }
            Rule::Cron {
                expr,
                offset_minutes,
            } => {
                let offset = Duration::minutes(i64::from(*offset_minutes));
                let mut local = t.with_timezone(&tz).naive_local() - offset;
                // Bounded: an expression that matches at all matches within a few years.
                for _ in 0..10_000 {
                    let naive = expr.next_after(&local.and_utc())?.naive_utc();
                    let at = instant(tz, naive + offset)?;
                    if at > t {
                        return Some(at);
                    }
                    local = naive;
                }
                None
            }
        }
    }

    /// A short description for `schedule list`.
    pub fn describe(&self) -> String {
        match self {
            Rule::Every(s) => format!("every {s}s"),
            Rule::Cron {
                expr,
                offset_minutes: 0,
            } => expr.to_string(),
            Rule::Cron {
                expr,
                offset_minutes,
            } => format!("{expr} +{offset_minutes}min"),
        }
    }
}

/// The instant a wall-clock time stands for in `tz`: itself, its first occurrence when
/// the clock went back, or, inside a spring-forward gap, the moment the clock jumped
/// (the first wall-clock minute after it that exists; gaps are whole minutes).
fn instant(tz: Tz, naive: NaiveDateTime) -> Option<DateTime<Utc>> {
    match tz.from_local_datetime(&naive) {
        LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => Some(t.to_utc()),
        LocalResult::None => (1..=24 * 60).find_map(|m| {
            match tz.from_local_datetime(&(naive + Duration::minutes(m))) {
                LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => Some(t.to_utc()),
                LocalResult::None => None,
            }
        }),
    }
}

/// One method run on a schedule, as Frappe's Scheduled Job Type.
#[derive(Debug, Clone)]
pub struct Scheduled {
    pub method: String,
    /// The `[scheduler_events]` key (`daily_long`) or the cron expression.
    pub event: String,
    /// Queue name as configured (without the bench prefix).
    pub queue: String,
    pub rule: Rule,
    /// A Frappe method (Frappe mode): it runs for each site whose scheduler is on,
    /// through Frappe's scheduled-job wrapper, as Frappe's scheduler runs it.
    pub per_site: bool,
    /// A `_maintenance` event, spread over the hour by the site's own offset.
    pub maintenance: bool,
}

impl Scheduled {
    /// The rule for `site`: a maintenance event moves to the site's minute of the hour
    /// (Frappe's per-site offset), so the sites of a bench do not all run at once.
    pub fn rule_for(&self, site: Option<&str>) -> Rule {
        match (&self.rule, site) {
            (Rule::Cron { expr, .. }, Some(site)) if self.maintenance => Rule::Cron {
                expr: expr.clone(),
                offset_minutes: crate::config::maintenance_offset(site),
            },
            (rule, _) => rule.clone(),
        }
    }
}

/// Every scheduled method of the configuration, in the file's order.
pub fn scheduled(cfg: &Config) -> Vec<Scheduled> {
    cfg.events
        .iter()
        .flat_map(|e: &EventSpec| {
            let rule = match &e.cron {
                None => Rule::Every(cfg.scheduler.interval),
                Some(expr) => Rule::Cron {
                    expr: Box::new(expr.clone()),
                    offset_minutes: e.offset_minutes,
                },
            };
            e.methods.iter().map(move |m| Scheduled {
                method: m.clone(),
                event: e.name.clone(),
                queue: e.queue.clone(),
                rule: rule.clone(),
                per_site: cfg.frappe_mode() && cfg.runs_as_python(m),
                maintenance: e.maintenance,
            })
        })
        .collect()
}

/// The fixed job id of a scheduled method, so "is its previous run still queued?"
/// is one lookup (Frappe uses `scheduled_job::<method>` the same way). Job ids are
/// shared by every bench on a Redis, so a bench with a `bench_id` puts it in the id.
/// Dots are not allowed in ids, so they become `_`, plus a short hash to keep ids
/// distinct.
pub fn job_id(bench_id: Option<&str>, method: &str) -> String {
    let mut h: u32 = 0x811c_9dc5;
    for b in method.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    let slug = |s: &str| -> String {
        s.chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '-' {
                    c
                } else {
                    '_'
                }
            })
            .collect()
    };
    match bench_id {
        Some(b) => format!("scheduled-{}-{}-{h:08x}", slug(b), slug(method)),
        None => format!("scheduled-{}-{h:08x}", slug(method)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().to_utc()
    }

    fn runs(rule: &Rule, tz: &str, from: &str, n: usize) -> Vec<String> {
        let tz: Tz = tz.parse().unwrap();
        let mut t = at(from);
        (0..n)
            .map(|_| {
                t = rule.next_after(t, tz).unwrap();
                t.with_timezone(&tz).to_rfc3339()
            })
            .collect()
    }

    fn cron(e: &str) -> Rule {
        Rule::Cron {
            expr: Box::new(e.parse().unwrap()),
            offset_minutes: 0,
        }
    }

    #[test]
    fn spring_forward_runs_when_the_clock_jumps_and_skips_no_day() {
        // 2026-03-08 02:30 does not exist in New York: the clock goes from 02:00 to 03:00.
        assert_eq!(
            runs(
                &cron("30 2 * * *"),
                "America/New_York",
                "2026-03-07T00:00:00-05:00",
                3
            ),
            [
                "2026-03-07T02:30:00-05:00",
                "2026-03-08T03:00:00-04:00",
                "2026-03-09T02:30:00-04:00"
            ]
        );
    }

    #[test]
    fn fall_back_runs_a_repeated_time_once() {
        // 2026-11-01 01:30 happens twice in New York; the daily job runs at the first.
        assert_eq!(
            runs(
                &cron("30 1 * * *"),
                "America/New_York",
                "2026-10-31T00:00:00-04:00",
                3
            ),
            [
                "2026-10-31T01:30:00-04:00",
                "2026-11-01T01:30:00-04:00",
                "2026-11-02T01:30:00-05:00"
            ]
        );
        // Hourly runs keep going through the repeated hour without a double.
        let hourly = runs(
            &cron("0 * * * *"),
            "America/New_York",
            "2026-11-01T00:30:00-04:00",
            3,
        );
        assert_eq!(
            hourly,
            [
                "2026-11-01T01:00:00-04:00",
                "2026-11-01T02:00:00-05:00",
                "2026-11-01T03:00:00-05:00"
            ]
        );
    }

    #[test]
    fn intervals_and_offsets() {
        let every = Rule::Every(240);
        assert_eq!(
            every.next_after(at("2026-01-01T00:03:59Z"), Tz::UTC),
            Some(at("2026-01-01T00:04:00Z"))
        );
        assert_eq!(
            every.next_after(at("2026-01-01T00:04:00Z"), Tz::UTC),
            Some(at("2026-01-01T00:08:00Z"))
        );
        let shifted = Rule::Cron {
            expr: Box::new("0 * * * *".parse().unwrap()),
            offset_minutes: 17,
        };
        assert_eq!(
            runs(&shifted, "UTC", "2026-01-01T00:20:00Z", 2),
            ["2026-01-01T01:17:00+00:00", "2026-01-01T02:17:00+00:00"]
        );
        assert_eq!(
            runs(
                &cron("0 9 * * *"),
                "Asia/Kolkata",
                "2026-01-01T00:00:00Z",
                1
            ),
            ["2026-01-01T09:00:00+05:30"]
        );
    }

    #[test]
    fn job_ids_are_valid_and_distinct() {
        let a = job_id(None, "a.b_c");
        let b = job_id(None, "a_b.c");
        assert_ne!(a, b);
        assert!(crate::store::job::validate_new_id(&a).is_ok(), "{a}");
        assert!(a.starts_with("scheduled-a_b_c-"));
        let alpha = job_id(Some("alpha.bench"), "a.b_c");
        assert_ne!(alpha, job_id(Some("beta"), "a.b_c"));
        assert!(
            crate::store::job::validate_new_id(&alpha).is_ok(),
            "{alpha}"
        );
    }

    #[test]
    fn maintenance_events_move_to_each_sites_minute() {
        let s = Scheduled {
            method: "m.x".into(),
            event: "hourly_maintenance".into(),
            queue: "long".into(),
            rule: Rule::Cron {
                expr: Box::new("0 * * * *".parse().unwrap()),
                offset_minutes: 7,
            },
            per_site: true,
            maintenance: true,
        };
        let from = at("2026-01-01T00:00:00Z");
        let next = |site: Option<&str>| s.rule_for(site).next_after(from, Tz::UTC).unwrap();
        assert_eq!(next(None), at("2026-01-01T00:07:00Z"));
        // Frappe: int(sha1("lab.local").hexdigest(), 16) % 60 == 2.
        assert_eq!(next(Some("lab.local")), at("2026-01-01T00:02:00Z"));
    }
}
