//! Log lines of the worker and the scheduler, formatted like Frappe's RQ workers
//! (`%Y-%m-%d %H:%M:%S,mmm`): progress to stdout, warnings and errors to stderr,
//! `--quiet` keeps only warnings. Lines of one batch are written with one call.
//!
//! With `--log-file logs/worker.log`, progress goes to that file and warnings to its
//! `.error` sibling (`logs/worker.error.log`), Frappe's names; SIGHUP reopens both, so
//! logrotate can move them away.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use chrono::Local;

/// The two files of a `--log-file`.
#[derive(Debug)]
struct Files {
    out_path: PathBuf,
    err_path: PathBuf,
    out: File,
    err: File,
}

fn open(path: &Path) -> std::io::Result<File> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    OpenOptions::new().create(true).append(true).open(path)
}

/// `logs/worker.log` to `logs/worker.error.log`.
pub fn error_path(path: &Path) -> PathBuf {
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = match path.extension() {
        Some(ext) => format!("{stem}.error.{}", ext.to_string_lossy()),
        None => format!("{stem}.error"),
    };
    path.with_file_name(name)
}

/// Where a service's lines go. Cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct Log {
    pub quiet: bool,
    files: Option<Arc<Mutex<Files>>>,
}

fn stamp() -> String {
    Local::now().format("%Y-%m-%d %H:%M:%S,%3f").to_string()
}

impl Log {
    /// Lines to stdout and stderr.
    pub fn stdio(quiet: bool) -> Log {
        Log { quiet, files: None }
    }

    /// Lines to `path` and its `.error` sibling, or to stdio without a path.
    ///
    /// # Errors
    /// When a file cannot be opened (the error names it).
    pub fn to(path: Option<&Path>, quiet: bool) -> anyhow::Result<Log> {
        let Some(path) = path else {
            return Ok(Log::stdio(quiet));
        };
        let err_path = error_path(path);
        let files = Files {
            out: open(path)
                .map_err(|e| anyhow::anyhow!("cannot open log file {}: {e}", path.display()))?,
            err: open(&err_path)
                .map_err(|e| anyhow::anyhow!("cannot open log file {}: {e}", err_path.display()))?,
            out_path: path.to_owned(),
            err_path,
        };
        Ok(Log {
            quiet,
            files: Some(Arc::new(Mutex::new(files))),
        })
    }

    /// Reopens the log files (after logrotate moved them); a no-op on stdio.
    pub fn reopen(&self) {
        let Some(files) = &self.files else { return };
        let mut f = files.lock().expect("log lock");
        if let (Ok(out), Ok(err)) = (open(&f.out_path), open(&f.err_path)) {
            f.out = out;
            f.err = err;
        }
    }

    /// Reopens the files on every SIGHUP, from a background task.
    pub fn reopen_on_sighup(&self) -> std::io::Result<()> {
        if self.files.is_none() {
            return Ok(());
        }
        let mut hup = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())?;
        let me = self.clone();
        tokio::spawn(async move {
            while hup.recv().await.is_some() {
                me.reopen();
            }
        });
        Ok(())
    }

    fn write(&self, error: bool, text: &str) {
        match &self.files {
            Some(files) => {
                let mut f = files.lock().expect("log lock");
                let file = if error { &mut f.err } else { &mut f.out };
                let _ = file.write_all(text.as_bytes());
            }
            None if error => {
                let _ = std::io::stderr().lock().write_all(text.as_bytes());
            }
            None => {
                let _ = std::io::stdout().lock().write_all(text.as_bytes());
            }
        }
    }

    /// An informational line (job start and end, lifecycle), unless quiet.
    pub fn info(&self, msg: impl AsRef<str>) {
        if !self.quiet {
            self.write(false, &format!("{} {}\n", stamp(), msg.as_ref()));
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
        self.write(false, &buf);
    }

    /// A warning or error, always shown, on stderr (or the error log file).
    pub fn warn(&self, msg: impl AsRef<str>) {
        self.write(true, &format!("{} {}\n", stamp(), msg.as_ref()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_files_follow_frappe_names() {
        assert_eq!(
            error_path(Path::new("logs/worker.log")),
            Path::new("logs/worker.error.log")
        );
        assert_eq!(
            error_path(Path::new("schedule")),
            Path::new("schedule.error")
        );
    }
}
