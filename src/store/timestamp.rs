//! RQ's timestamp encodings: ISO strings in hashes, integer seconds as scores.

use chrono::{DateTime, NaiveDateTime, SecondsFormat, Utc};

/// Formats `t` as RQ writes it: UTC, six-digit microseconds, literal `Z`.
pub fn iso(t: DateTime<Utc>) -> String {
    // RFC 3339 with microseconds and `Z` is that same text, without a format string
    // to interpret on every call (several per job).
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// Parses an RQ timestamp. Like RQ's reader it takes 1-6 fractional digits or none,
/// and refuses offsets and unix numbers, which Python RQ would also refuse.
pub fn parse_iso(s: &str) -> Option<DateTime<Utc>> {
    let body = s.strip_suffix('Z')?;
    NaiveDateTime::parse_from_str(body, "%Y-%m-%dT%H:%M:%S%.f")
        .ok()
        .filter(|_| body.len() >= 19 && body.as_bytes()[10] == b'T')
        .map(|n| n.and_utc())
}

/// A sorted-set score as RQ computes it: whole unix seconds.
pub fn score(t: DateTime<Utc>) -> i64 {
    t.timestamp()
}

/// The float form RQ writes into execution hashes and result streams.
pub fn unix_float(t: DateTime<Utc>) -> String {
    let us = t.timestamp_micros();
    let (secs, frac) = (us.div_euclid(1_000_000), us.rem_euclid(1_000_000));
    if secs < 0 && frac > 0 {
        // -0.5 s is seconds -1 and fraction 500000; written as RQ's float would be.
        return format!("{:.6}", us as f64 / 1e6);
    }
    format!("{secs}.{frac:06}")
}

/// Reads the float form back (execution hashes, result streams, bench's own records).
pub fn from_unix_float(secs: f64) -> Option<DateTime<Utc>> {
    DateTime::from_timestamp_micros((secs * 1e6).round() as i64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn iso_round_trip() {
        let t = Utc.with_ymd_and_hms(2026, 11, 28, 11, 28, 0).unwrap()
            + chrono::Duration::microseconds(654_108);
        assert_eq!(iso(t), "2026-11-28T11:28:00.654108Z");
        assert_eq!(parse_iso(&iso(t)), Some(t));
        assert_eq!(from_unix_float(unix_float(t).parse().unwrap()), Some(t));
        assert_eq!(unix_float(t), "1795865280.654108");
        let before = Utc.with_ymd_and_hms(1969, 12, 31, 23, 59, 59).unwrap()
            + chrono::Duration::microseconds(500_000);
        assert_eq!(unix_float(before), "-0.500000");
        assert_eq!(
            iso(Utc.with_ymd_and_hms(2026, 1, 2, 3, 4, 5).unwrap()),
            "2026-01-02T03:04:05.000000Z"
        );
    }

    #[test]
    fn accepts_what_rq_accepts() {
        assert!(parse_iso("2030-01-01T00:00:00Z").is_some());
        assert!(parse_iso("2030-01-01T00:00:00.1Z").is_some());
        assert!(parse_iso("2030-01-01 00:00:00.000000Z").is_none());
        assert!(parse_iso("2030-01-01T00:00:00+00:00").is_none());
        assert!(parse_iso("1795865354.658008").is_none());
        assert!(parse_iso("").is_none());
    }
}
