//! `bench setup hooks --from-frappe`: the `[scheduler_events]` of the hooks file,
//! written from the installed apps' own `hooks.py` as Frappe reads them, so nobody
//! transcribes a hundred events by hand. Everything else in the file is left as it is;
//! the change is shown as a diff and written only when confirmed.

use std::path::Path;

use anyhow::{Context, Result};
use indexmap::IndexMap;
use serde::Deserialize;

use crate::config::Config;
use crate::output;
use crate::usage;

/// Options of `bench setup hooks`.
#[derive(Debug, Clone, clap::Args)]
pub struct HooksArgs {
    /// Read scheduler_events from the Frappe bench's apps (through [python])
    #[arg(long, required = true)]
    pub from_frappe: bool,
    /// Write without asking (needed when not run from a terminal)
    #[arg(long)]
    pub yes: bool,
}

/// What the apps' hooks say, as the helper prints it.
#[derive(Debug, Deserialize)]
struct FromFrappe {
    apps: Vec<String>,
    /// Keys in the apps' order: `cron` maps expressions to methods, the rest are lists.
    events: IndexMap<String, serde_json::Value>,
}

/// Reads every app's `scheduler_events` the way Frappe merges them (apps in
/// `apps.txt` order, lists appended), without a site or a database.
const READ_HOOKS: &str = r#"
import json, frappe
frappe.init(site="", sites_path=".")
apps = frappe.get_all_apps(with_internal_apps=True, sites_path=".")
merged = {}
for app in apps:
    events = frappe.get_hooks("scheduler_events", app_name=app) or {}
    for key, value in events.items():
        if key == "cron":
            for expr, methods in (value or {}).items():
                merged.setdefault("cron", {}).setdefault(expr, []).extend(methods or [])
        else:
            merged.setdefault(key, []).extend(value or [])
print(json.dumps({"apps": apps, "events": merged}))
"#;

/// Runs `bench setup hooks --from-frappe`.
pub fn run(cfg: &Config, a: &HooksArgs) -> Result<()> {
    let (Some(sites), Some(py)) = (&cfg.frappe.sites_path, &cfg.python) else {
        return Err(usage!(
            "--from-frappe reads a Frappe bench: set [frappe] sites_path in {}",
            cfg.path.display()
        )
        .into());
    };
    let out = std::process::Command::new(&py.executable)
        .args(["-c", READ_HOOKS])
        .current_dir(sites)
        .stdin(std::process::Stdio::null())
        .output()
        .with_context(|| format!("cannot run {}", py.executable))?;
    if !out.status.success() {
        anyhow::bail!(
            "Frappe could not read the apps' hooks ({} in {}):\n{}",
            py.executable,
            sites.display(),
            String::from_utf8_lossy(&out.stderr).trim_end()
        );
    }
    let stdout = String::from_utf8_lossy(&out.stdout);
    let found: FromFrappe = stdout
        .lines()
        .rev()
        .find_map(|l| serde_json::from_str(l).ok())
        .with_context(|| format!("unexpected answer from the hooks reader: {stdout}"))?;
    let old = std::fs::read_to_string(&cfg.path).unwrap_or_default();
    let (new, notes) = render(&old, &found.events)?;
    for n in &notes {
        eprintln!("note: {n}");
    }
    let dir = cfg
        .path
        .parent()
        .map_or_else(|| Path::new(".").to_owned(), Path::to_owned);
    if let Err(e) = Config::parse(&new, &cfg.path, std::path::absolute(&dir).unwrap_or(dir)) {
        anyhow::bail!("the apps' scheduler_events cannot be used as they are: {e}");
    }
    if new == old {
        output::line(format!(
            "{} already lists the scheduler_events of {}",
            cfg.path.display(),
            found.apps.join(", ")
        ))?;
        return Ok(());
    }
    let diff = similar::TextDiff::from_lines(&old, &new);
    print!(
        "{}",
        diff.unified_diff()
            .context_radius(2)
            .header(&cfg.path.display().to_string(), "from the apps' hooks.py")
    );
    if !output::confirm(
        &format!("Write these scheduler_events to {}?", cfg.path.display()),
        a.yes,
    )? {
        output::line("Nothing written.")?;
        return Ok(());
    }
    let tmp = cfg.path.with_extension("toml.new");
    std::fs::write(&tmp, &new).with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, &cfg.path)
        .with_context(|| format!("cannot replace {}", cfg.path.display()))?;
    output::line(format!(
        "Wrote the scheduler_events of {} to {}",
        found.apps.join(", "),
        cfg.path.display()
    ))?;
    Ok(())
}

/// The hooks file with its `[scheduler_events]` replaced by `events`; notes for the
/// operator about what Frappe's own sync would also have dropped.
fn render(
    old: &str,
    events: &IndexMap<String, serde_json::Value>,
) -> Result<(String, Vec<String>)> {
    let mut doc: toml_edit::DocumentMut = old
        .parse()
        .context("the hooks file is not valid TOML, so it cannot be updated")?;
    // One schedule per method, the last listing winning, as Frappe's sync_jobs keeps it.
    let mut last: IndexMap<String, String> = IndexMap::new();
    let mut entries: Vec<(String, String)> = Vec::new();
    for (key, value) in events {
        match (key.as_str(), value) {
            ("cron", serde_json::Value::Object(m)) => {
                for (expr, methods) in m {
                    for method in methods
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(|v| v.as_str())
                    {
                        entries.push((format!("cron:{expr}"), method.to_owned()));
                    }
                }
            }
            (_, serde_json::Value::Array(methods)) => {
                for method in methods.iter().filter_map(|v| v.as_str()) {
                    entries.push((key.clone(), method.to_owned()));
                }
            }
            _ => {}
        }
    }
    let mut notes = Vec::new();
    for (key, method) in &entries {
        if let Some(before) = last.insert(method.clone(), key.clone())
            && &before != key
        {
            notes.push(format!(
                "{method} is listed under {} and {}; kept under the latter, as Frappe keeps one schedule per method",
                shown(&before),
                shown(key)
            ));
        }
    }
    let mut table = toml_edit::Table::new();
    let mut cron = toml_edit::Table::new();
    for (method, key) in &last {
        let (target, k) = match key.strip_prefix("cron:") {
            Some(expr) => (&mut cron, expr.to_owned()),
            None => (&mut table, key.clone()),
        };
        let list = target
            .entry(&k)
            .or_insert_with(|| toml_edit::value(toml_edit::Array::new()));
        if let Some(arr) = list.as_array_mut() {
            arr.push(method.as_str());
        }
    }
    for (_, item) in table.iter_mut().chain(cron.iter_mut()) {
        if let Some(arr) = item.as_array_mut() {
            multiline(arr);
        }
    }
    if !cron.is_empty() {
        table.insert("cron", toml_edit::Item::Table(cron));
    }
    table.decor_mut().set_prefix(
        "\n# Written by `bench setup hooks --from-frappe` from the apps' hooks.py; run it again after\n# installing or updating an app.\n",
    );
    doc.insert("scheduler_events", toml_edit::Item::Table(table));
    Ok((doc.to_string(), notes))
}

fn shown(key: &str) -> String {
    match key.strip_prefix("cron:") {
        Some(expr) => format!("cron \"{expr}\""),
        None => key.to_owned(),
    }
}

/// One method per line: lists of a dozen dotted paths stay readable in diffs.
fn multiline(arr: &mut toml_edit::Array) {
    for v in arr.iter_mut() {
        v.decor_mut().set_prefix("\n    ");
    }
    arr.set_trailing("\n");
    arr.set_trailing_comma(true);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_replace_the_table_and_keep_the_rest() {
        let old = "bench_id = \"b\"  # mine\n\n[frappe]\nsites_path = \"sites\"\n\n[scheduler_events]\nall = [\"old.task\"]\n";
        let events: IndexMap<String, serde_json::Value> = serde_json::from_str(
            r#"{"cron": {"0/15 * * * *": ["a.b.c"]}, "all": ["x.y"], "daily": ["x.z", "a.b.c"]}"#,
        )
        .unwrap();
        let (new, notes) = render(old, &events).unwrap();
        assert!(new.starts_with("bench_id = \"b\"  # mine\n"), "{new}");
        assert!(!new.contains("old.task"), "{new}");
        let parsed: toml::Table = new.parse().unwrap();
        let ev = &parsed["scheduler_events"];
        assert_eq!(ev["all"].as_array().unwrap().len(), 1);
        assert_eq!(
            ev["daily"].as_array().unwrap().len(),
            2,
            "the later listing wins: {new}"
        );
        assert!(ev.get("cron").is_none(), "{new}");
        assert_eq!(notes.len(), 1, "{notes:?}");
        assert!(notes[0].contains("a.b.c"), "{notes:?}");
        // A bench folder with its sites folder, which `[frappe] sites_path` must name.
        let bench = std::env::temp_dir().join(format!("bench-hooks-{}", std::process::id()));
        std::fs::create_dir_all(bench.join("sites")).unwrap();
        let c = Config::parse(&new, Path::new("hooks.toml"), bench.clone()).unwrap();
        std::fs::remove_dir_all(&bench).unwrap();
        assert_eq!(c.events.len(), 2);
    }
}
