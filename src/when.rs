//! Times and delays typed on the command line (`--at`, `--in`, `--from`).

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;

use crate::error::UsageError;
use crate::usage;

/// Parses a time given on the command line: RFC 3339 with an offset, or a local
/// date-time (`2026-03-08T02:30`, seconds optional) in `tz`.
pub fn parse_time(s: &str, tz: Tz) -> Result<DateTime<Utc>, UsageError> {
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.to_utc());
    }
    let naive = [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
    ]
    .iter()
    .find_map(|f| NaiveDateTime::parse_from_str(s, f).ok())
    .ok_or_else(|| {
        usage!(
            "`{s}` is not a time; use ISO 8601 like 2026-03-08T02:30 or 2026-03-08T02:30:00+05:30"
        )
    })?;
    tz.from_local_datetime(&naive)
        .earliest()
        .map(|t| t.to_utc())
        .ok_or_else(|| {
            usage!(
                "{s} does not exist in {tz} (the clock skips it); pick a time outside the change"
            )
        })
}

/// The longest delay or age accepted: a century is already beyond any job's life.
const MAX_DELAY_SECS: u64 = 100 * 366 * 24 * 3600;

/// Parses a delay such as `90s`, `10m`, `2h` or `1d`, up to a hundred years.
pub fn parse_delay(s: &str) -> Result<chrono::Duration, UsageError> {
    let d = humantime::parse_duration(s)
        .map_err(|e| usage!("`{s}`: {e}; use a delay like 90s, 10m, 2h or 1d"))?;
    if d.as_secs() > MAX_DELAY_SECS {
        return Err(usage!(
            "`{s}` is more than a hundred years; use a delay like 90s, 10m, 2h or 1d"
        ));
    }
    chrono::Duration::from_std(d).map_err(|_| usage!("`{s}` is too far away"))
}

/// `now` moved by `delay` (forward, or back when `back`), or an error when that time
/// cannot be represented.
pub fn shift(
    now: DateTime<Utc>,
    delay: chrono::Duration,
    back: bool,
) -> Result<DateTime<Utc>, UsageError> {
    let t = if back {
        now.checked_sub_signed(delay)
    } else {
        now.checked_add_signed(delay)
    };
    t.ok_or_else(|| usage!("a delay of {delay} from now is not a time bench can represent"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn huge_delays_are_errors_not_panics() {
        for s in ["300000y", "18446744073709551615s", "9999999999999d"] {
            let e = parse_delay(s);
            assert!(e.is_err(), "{s}");
        }
        let century = parse_delay("99y").unwrap();
        assert!(shift(Utc::now(), century, false).is_ok());
        assert!(shift(DateTime::<Utc>::MAX_UTC, century, false).is_err());
    }

    #[test]
    fn times_with_and_without_offsets() {
        let tz: Tz = "Asia/Kolkata".parse().unwrap();
        assert_eq!(
            parse_time("2026-01-01T05:30", tz).unwrap().to_rfc3339(),
            "2026-01-01T00:00:00+00:00"
        );
        assert_eq!(
            parse_time("2026-01-01T05:30:00Z", tz).unwrap().to_rfc3339(),
            "2026-01-01T05:30:00+00:00"
        );
        assert!(
            parse_time("tomorrow", tz)
                .unwrap_err()
                .0
                .contains("ISO 8601")
        );
        let ny: Tz = "America/New_York".parse().unwrap();
        assert!(
            parse_time("2026-03-08T02:30", ny)
                .unwrap_err()
                .0
                .contains("does not exist")
        );
    }

    #[test]
    fn delays() {
        assert_eq!(parse_delay("10m").unwrap(), chrono::Duration::minutes(10));
        assert_eq!(
            parse_delay("1h 30m").unwrap(),
            chrono::Duration::minutes(90)
        );
        assert!(parse_delay("soon").is_err());
    }
}
