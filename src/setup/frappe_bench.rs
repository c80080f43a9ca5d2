//! frappe-bench beside bench: both are called `bench`, and operators keep using
//! frappe-bench for everything bench does not do (`bench migrate`, `bench --site S
//! console`, `bench update`, `bench setup nginx`). A command bench does not know runs
//! frappe-bench in place of this process, as git and cargo run their external
//! subcommands, so arguments, environment, input, output and exit code are its own.

use std::ffi::OsString;
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};

use crate::config::Config;

/// Runs frappe-bench with `args` (bench's own `--config` and `--redis-url` removed).
/// Returns only when it cannot be started.
pub fn hand_over(cfg: &Config, args: impl Iterator<Item = OsString>) -> anyhow::Error {
    let Some(program) = frappe_bench(cfg) else {
        return anyhow::Error::new(crate::usage!(
            "`{}` is not a bench command, and no frappe-bench was found to hand it to\nhint: install frappe-bench (pip install frappe-bench), or name it with [frappe] bench in {}; `bench --help` lists bench's own commands",
            first_word(&args.collect::<Vec<_>>()),
            cfg.source_shown()
        ));
    };
    let err = std::process::Command::new(&program)
        .args(without_own_options(args))
        .exec();
    anyhow::anyhow!("cannot run frappe-bench at {}: {err}", program.display())
}

fn first_word(args: &[OsString]) -> String {
    args.iter()
        .find(|a| !a.to_string_lossy().starts_with('-'))
        .map(|a| a.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// frappe-bench does not know bench's own global options, so they are not passed on.
fn without_own_options(args: impl Iterator<Item = OsString>) -> Vec<OsString> {
    let mut out = Vec::new();
    let mut skip_next = false;
    for a in args {
        if skip_next {
            skip_next = false;
            continue;
        }
        let s = a.to_string_lossy();
        if s == "--config" || s == "--redis-url" {
            skip_next = true;
        } else if !(s.starts_with("--config=") || s.starts_with("--redis-url=")) {
            out.push(a);
        }
    }
    out
}

/// `[frappe] bench`, else the first `bench` on PATH that is not this program.
fn frappe_bench(cfg: &Config) -> Option<PathBuf> {
    if let Some(p) = &cfg.frappe.bench {
        return Some(p.clone());
    }
    let me = std::env::current_exe()
        .ok()
        .and_then(|p| std::fs::canonicalize(p).ok());
    std::env::var_os("PATH")
        .map(|paths| std::env::split_paths(&paths).collect::<Vec<_>>())
        .unwrap_or_default()
        .into_iter()
        .map(|dir| dir.join("bench"))
        .find(|candidate| is_other_program(candidate, me.as_deref()))
}

fn is_other_program(candidate: &Path, me: Option<&Path>) -> bool {
    use std::os::unix::fs::PermissionsExt as _;
    let Ok(meta) = std::fs::metadata(candidate) else {
        return false;
    };
    if !meta.is_file() || meta.permissions().mode() & 0o111 == 0 {
        return false;
    }
    std::fs::canonicalize(candidate).ok().as_deref() != me
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn benchs_own_options_stay_behind() {
        let args = [
            "--config",
            "h.toml",
            "--site",
            "s",
            "--redis-url=redis://x",
            "migrate",
            "--skip-failing",
        ]
        .map(OsString::from);
        assert_eq!(
            without_own_options(args.into_iter()),
            ["--site", "s", "migrate", "--skip-failing"].map(OsString::from)
        );
    }
}
