//! Cron expressions in the dialect Frappe uses (croniter): five fields, names for
//! months and weekdays, 0 and 7 both Sunday, `0/5` as a step from 0, a day that
//! matches either day field when both are restricted, and croniter's named schedules
//! (`@hourly`, `@daily`...), `L` for the last day and `L5`/`5#2` for the last or second
//! Friday of the month.
//!
//! `croner` implements exactly that (POSIX day-or rule, Sunday as 0 or 7) and agrees
//! with every croniter vector in `tests/data/cron_croniter.json`; the `cron` crate
//! does not (weekdays counted from 1, day-and rule), so this module wraps croner.
//! Pure: no clock, no I/O.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, TimeZone};
use croner::Cron;
use croner::parser::{CronParser, Seconds, Year};

/// A parsed five-field cron expression.
#[derive(Clone)]
pub struct CronExpr {
    text: String,
    cron: Cron,
}

/// Why an expression was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid cron expression `{expr}`: {reason}")]
pub struct CronParseError {
    pub expr: String,
    pub reason: String,
}

impl CronExpr {
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The first fire time strictly after `t`, in `t`'s time zone; `None` when the
    /// expression never fires again (e.g. 30 February).
    pub fn next_after<Tz: TimeZone>(&self, t: &DateTime<Tz>) -> Option<DateTime<Tz>> {
        self.cron.find_next_occurrence(t, false).ok()
    }
}

/// croniter's named schedules, any case, and the five fields each stands for.
const NAMED: [(&str, &str); 7] = [
    ("@midnight", "0 0 * * *"),
    ("@hourly", "0 * * * *"),
    ("@daily", "0 0 * * *"),
    ("@weekly", "0 0 * * 0"),
    ("@monthly", "0 0 1 * *"),
    ("@yearly", "0 0 1 1 *"),
    ("@annually", "0 0 1 1 *"),
];

impl FromStr for CronExpr {
    type Err = CronParseError;

    fn from_str(s: &str) -> Result<Self, CronParseError> {
        let err = |reason: String| CronParseError {
            expr: s.to_owned(),
            reason,
        };
        let name = s.trim();
        if name.starts_with('@') {
            let Some((_, fields)) = NAMED.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)) else {
                let names: Vec<&str> = NAMED.iter().map(|(n, _)| *n).collect();
                return Err(err(format!(
                    "not a named schedule; croniter's are {}",
                    names.join(", ")
                )));
            };
            let mut expr: CronExpr = fields.parse()?;
            expr.text = name.to_ascii_lowercase();
            return Ok(expr);
        }
        let fields = s.split_whitespace().count();
        if fields != 5 {
            return Err(err(format!(
                "it has {fields} fields; use five: minute hour day-of-month month day-of-week (e.g. `*/15 * * * *`)"
            )));
        }
        let parser = CronParser::builder()
            .seconds(Seconds::Disallowed)
            .year(Year::Disallowed)
            .sloppy_ranges(true)
            .build();
        let cron = parser
            .parse(&last_weekdays_for_croner(s))
            .map_err(|e| err(explain(&parser, s, &e.to_string())))?;
        Ok(CronExpr {
            text: s.split_whitespace().collect::<Vec<_>>().join(" "),
            cron,
        })
    }
}

/// croniter writes "the last Friday of the month" as `L5` in the day-of-week field,
/// croner as `5L`: the same expression in croner's spelling.
fn last_weekdays_for_croner(s: &str) -> String {
    let mut fields: Vec<String> = s.split_whitespace().map(str::to_owned).collect();
    if let Some(dow) = fields.get_mut(4) {
        *dow = dow
            .split(',')
            .map(|t| match t.as_bytes() {
                [b'L' | b'l', d @ b'0'..=b'7'] => format!("{}L", *d as char),
                _ => t.to_owned(),
            })
            .collect::<Vec<_>>()
            .join(",");
    }
    fields.join(" ")
}

/// The five fields, their names and what each accepts, for messages.
const FIELDS: [(&str, &str); 5] = [
    ("minute", "0-59"),
    ("hour", "0-23"),
    ("day-of-month", "1-31"),
    ("month", "1-12 or jan-dec"),
    ("day-of-week", "0-7 or sun-sat, 0 and 7 both Sunday"),
];

/// Which field of `s` the parser refused, and what that field accepts.
fn explain(parser: &CronParser, s: &str, reason: &str) -> String {
    let fields: Vec<&str> = s.split_whitespace().collect();
    for (i, (name, range)) in FIELDS.iter().enumerate() {
        let alone: Vec<&str> = (0..5)
            .map(|j| if j == i { fields[j] } else { "*" })
            .collect();
        if parser
            .parse(&last_weekdays_for_croner(&alone.join(" ")))
            .is_err()
        {
            let what = if reason.contains("out of bounds") {
                "is out of range"
            } else {
                "is not valid"
            };
            return format!(
                "the {name} field `{}` {what}; it takes {range}, lists (1,2), ranges (1-5) and steps (*/15)",
                fields[i]
            );
        }
    }
    reason.to_owned()
}

impl fmt::Debug for CronExpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CronExpr({:?})", self.text)
    }
}

impl fmt::Display for CronExpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{NaiveDateTime, Utc};

    #[derive(serde::Deserialize)]
    struct Vectors {
        cases: Vec<Case>,
    }
    #[derive(serde::Deserialize)]
    struct Case {
        expression: String,
        start: String,
        next: Vec<String>,
    }

    fn naive(s: &str) -> DateTime<Utc> {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S")
            .unwrap()
            .and_utc()
    }

    #[test]
    fn agrees_with_every_croniter_vector() {
        let v: Vectors =
            serde_json::from_str(include_str!("../tests/data/cron_croniter.json")).unwrap();
        assert!(v.cases.len() >= 100);
        let mut failures = Vec::new();
        for case in &v.cases {
            let expr: CronExpr = case.expression.parse().unwrap();
            let mut t = naive(&case.start);
            for want in &case.next {
                let got = expr.next_after(&t).unwrap();
                if got != naive(want) {
                    failures.push(format!(
                        "{} from {}: got {got}, croniter {want}",
                        case.expression, case.start
                    ));
                    break;
                }
                t = got;
            }
        }
        assert!(
            failures.is_empty(),
            "{} disagreements:\n{}",
            failures.len(),
            failures.join("\n")
        );
    }

    #[test]
    fn frappe_spellings_parse() {
        for e in [
            "0/5 * * * *",
            "0 0 * * 7",
            "0 12 * * sun",
            "0 0 1 jan,jul *",
            "30 9 * * MON-FRI",
        ] {
            assert!(e.parse::<CronExpr>().is_ok(), "{e}");
        }
    }

    #[test]
    fn named_schedules_fire_when_croniter_says() {
        // croniter 2.x from 2024-01-01 10:30 (printed by the Frappe lab's croniter).
        let from = naive("2024-01-01T10:30:00");
        for (name, next) in [
            ("@hourly", "2024-01-01T11:00:00"),
            ("@daily", "2024-01-02T00:00:00"),
            ("@midnight", "2024-01-02T00:00:00"),
            ("@weekly", "2024-01-07T00:00:00"),
            ("@monthly", "2024-02-01T00:00:00"),
            ("@yearly", "2025-01-01T00:00:00"),
            ("@annually", "2025-01-01T00:00:00"),
            ("@HOURLY", "2024-01-01T11:00:00"),
        ] {
            let expr: CronExpr = name.parse().unwrap();
            assert_eq!(expr.next_after(&from), Some(naive(next)), "{name}");
            assert_eq!(expr.as_str(), name.to_ascii_lowercase());
        }
        let e = "@reboot".parse::<CronExpr>().unwrap_err();
        assert!(
            e.reason.contains("croniter's are @midnight, @hourly"),
            "{e}"
        );
    }

    #[test]
    fn last_and_nth_weekdays_fire_when_croniter_says() {
        // croniter 2.x from 2024-01-01 10:30 (printed by the Frappe lab's croniter).
        let from = naive("2024-01-01T10:30:00");
        for (expr, next) in [
            ("0 0 * * L5", ["2024-01-26", "2024-02-23", "2024-03-29"]),
            ("0 0 * * L0", ["2024-01-28", "2024-02-25", "2024-03-31"]),
            ("0 0 * * L7", ["2024-01-28", "2024-02-25", "2024-03-31"]),
            ("0 0 * * L5,1#2", ["2024-01-08", "2024-01-26", "2024-02-12"]),
            ("0 0 * * fri#2", ["2024-01-12", "2024-02-09", "2024-03-08"]),
            ("0 0 * * 5#5", ["2024-03-29", "2024-05-31", "2024-08-30"]),
            ("0 0 L * *", ["2024-01-31", "2024-02-29", "2024-03-31"]),
        ] {
            let e: CronExpr = expr.parse().unwrap();
            let mut t = from;
            for want in next {
                t = e.next_after(&t).unwrap();
                assert_eq!(t, naive(&format!("{want}T00:00:00")), "{expr}");
            }
        }
    }

    #[test]
    fn bad_expressions_say_why() {
        let e = "* * * *".parse::<CronExpr>().unwrap_err();
        assert!(e.reason.contains("4 fields"), "{e}");
        assert!("61 * * * *".parse::<CronExpr>().is_err());
        assert!("* * * * * *".parse::<CronExpr>().is_err());
        assert!("* * * * funday".parse::<CronExpr>().is_err());
    }
}
