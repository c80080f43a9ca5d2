//! RQ's timestamp encodings: ISO strings in hashes, integer seconds as scores.

use chrono::{DateTime, NaiveDateTime, Utc};

/// Formats `t` as RQ writes it: UTC, six-digit microseconds, literal `Z`.
pub fn iso(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string()
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
    format!("{:.6}", t.timestamp_micros() as f64 / 1e6)
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
