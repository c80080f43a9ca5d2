//! Log lines of the worker and the scheduler, formatted like Frappe's RQ workers
//! (`%Y-%m-%d %H:%M:%S,mmm`): progress to stdout, warnings and errors to stderr,
//! `--quiet` keeps only warnings. Lines of one batch are written with one call.

use std::io::Write;

use chrono::Local;

/// Where a service's lines go.
#[derive(Debug, Clone, Copy)]
pub struct Log {
    pub quiet: bool,
}

fn stamp() -> String {
    Local::now().format("%Y-%m-%d %H:%M:%S,%3f").to_string()
}

impl Log {
    /// An informational line (job start and end, lifecycle), unless quiet.
    pub fn info(&self, msg: impl AsRef<str>) {
        if !self.quiet {
            let _ = writeln!(std::io::stdout().lock(), "{} {}", stamp(), msg.as_ref());
        }
    }

    /// Several informational lines at once.
    pub fn infos(&self, msgs: &[String]) {
        if self.quiet || msgs.is_empty() {
            return;
        }
        let t = stamp();
        let mut buf = String::with_capacity(msgs.len() * 96);
        for m in msgs {
            buf.push_str(&t);
            buf.push(' ');
            buf.push_str(m);
            buf.push('\n');
        }
        let _ = std::io::stdout().lock().write_all(buf.as_bytes());
    }

    /// A warning or error, always shown, on stderr.
    pub fn warn(&self, msg: impl AsRef<str>) {
        let _ = writeln!(std::io::stderr().lock(), "{} {}", stamp(), msg.as_ref());
    }
}
