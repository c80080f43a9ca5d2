//! Prometheus' text exposition format (version 0.0.4), written by hand because it is
//! a few lines of escaping: `bench dashboard`'s `/metrics` and `bench worker
//! --metrics-bind` both use it.

use std::fmt::Write as _;

/// The content type of the format.
pub const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// An exposition being written: one `# HELP`/`# TYPE` per family, then its samples.
#[derive(Debug, Default)]
pub struct Exposition {
    out: String,
}

impl Exposition {
    pub fn family(&mut self, name: &str, kind: &str, help: &str) {
        let _ = writeln!(self.out, "# HELP {name} {}", help.replace('\n', " "));
        let _ = writeln!(self.out, "# TYPE {name} {kind}");
    }

    pub fn sample(&mut self, name: &str, labels: &[(&str, &str)], value: f64) {
        self.out.push_str(name);
        if !labels.is_empty() {
            self.out.push('{');
            for (i, (k, v)) in labels.iter().enumerate() {
                if i > 0 {
                    self.out.push(',');
                }
                let _ = write!(self.out, "{k}=\"{}\"", escape(v));
            }
            self.out.push('}');
        }
        let _ = writeln!(self.out, " {}", number(value));
    }

    /// A histogram's samples: cumulative `_bucket`s with `le`, then `_sum` and `_count`.
    /// `counts[i]` is how many observations fell at or below `bounds[i]` but above the
    /// previous bound; the last count is those above every bound.
    pub fn histogram(
        &mut self,
        name: &str,
        labels: &[(&str, &str)],
        bounds: &[f64],
        counts: &[u64],
        sum: f64,
    ) {
        let mut running = 0u64;
        let bucket = format!("{name}_bucket");
        for (i, c) in counts.iter().enumerate() {
            running = running.saturating_add(*c);
            let le = bounds
                .get(i)
                .map_or_else(|| "+Inf".to_owned(), |b| number(*b));
            let mut with = labels.to_vec();
            with.push(("le", &le));
            self.sample(&bucket, &with, running as f64);
        }
        self.sample(&format!("{name}_sum"), labels, sum);
        self.sample(&format!("{name}_count"), labels, running as f64);
    }

    pub fn finish(self) -> String {
        self.out
    }
}

/// A label value as the format wants it: backslash, quote and newline escaped.
fn escape(v: &str) -> String {
    let mut s = String::with_capacity(v.len());
    for c in v.chars() {
        match c {
            '\\' => s.push_str("\\\\"),
            '"' => s.push_str("\\\""),
            '\n' => s.push_str("\\n"),
            c => s.push(c),
        }
    }
    s
}

fn number(v: f64) -> String {
    if v.is_nan() {
        "NaN".into()
    } else if v.is_infinite() {
        if v > 0.0 {
            "+Inf".into()
        } else {
            "-Inf".into()
        }
    } else if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn label_values_and_numbers_are_written_as_the_format_wants() {
        assert_eq!(escape("a\"b\\c\nd"), "a\\\"b\\\\c\\nd");
        assert_eq!(number(3.0), "3");
        assert_eq!(number(0.25), "0.25");
        assert_eq!(number(f64::NAN), "NaN");
        let mut e = Exposition::default();
        e.family("x_total", "counter", "X.");
        e.sample("x_total", &[("q", "de\"f")], 2.0);
        assert_eq!(
            e.finish(),
            "# HELP x_total X.\n# TYPE x_total counter\nx_total{q=\"de\\\"f\"} 2\n"
        );
    }

    #[test]
    fn histograms_are_cumulative() {
        let mut e = Exposition::default();
        e.histogram("d_seconds", &[("q", "a")], &[0.1, 1.0], &[2, 1, 1], 3.5);
        let text = e.finish();
        assert!(text.contains("d_seconds_bucket{q=\"a\",le=\"0.1\"} 2\n"));
        assert!(text.contains("d_seconds_bucket{q=\"a\",le=\"1\"} 3\n"));
        assert!(text.contains("d_seconds_bucket{q=\"a\",le=\"+Inf\"} 4\n"));
        assert!(text.contains("d_seconds_sum{q=\"a\"} 3.5\n"));
        assert!(text.contains("d_seconds_count{q=\"a\"} 4\n"));
    }
}
