//! `bench setup systemd`: the same processes as systemd units: a target for the
//! bench, a target for its workers, the scheduler service and one templated worker
//! service per queue group, instantiated `@1..@N`.

use std::path::PathBuf;

use anyhow::Result;

use super::supervisor::slug;
use super::{Paths, own_redis_args, worker_groups, write_new};
use crate::config::Config;
use crate::output;

/// Options of `bench setup systemd`.
#[derive(Debug, Clone, clap::Args)]
pub struct SystemdArgs {
    /// Run the services as this user
    #[arg(long, value_name = "USER")]
    pub user: Option<String>,

    /// Overwrite existing unit files
    #[arg(long, short)]
    pub yes: bool,

    /// Folder to write the units to [default: config/systemd next to the hooks file]
    #[arg(long, value_name = "DIR")]
    pub output: Option<PathBuf>,

    /// Leave out the redis-server service (Redis is managed elsewhere)
    #[arg(long)]
    pub skip_redis: bool,
}

/// One word of an ExecStart line, quoted for systemd: `%` and `$` are specifiers.
fn word(s: &str) -> Result<String> {
    if s.contains(['\n', '\r']) {
        anyhow::bail!("`{s}` cannot be written into a systemd unit (line break)");
    }
    let s = s
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('%', "%%")
        .replace('$', "$$");
    Ok(if s.is_empty() || s.contains([' ', '\t', '\'', ';']) {
        format!("\"{s}\"")
    } else {
        s
    })
}

fn exec(args: &[String]) -> Result<String> {
    Ok(args
        .iter()
        .map(|a| word(a))
        .collect::<Result<Vec<_>>>()?
        .join(" "))
}

/// A path in a setting such as `WorkingDirectory=` or `StandardOutput=append:`.
fn path_value(p: &std::path::Path) -> Result<String> {
    let s = p.display().to_string();
    if s.contains(['\n', '\r', ' ']) {
        anyhow::bail!(
            "`{s}` cannot be used in a systemd unit (spaces or line breaks); move the bench to a path without them"
        );
    }
    Ok(s.replace('%', "%%"))
}

/// Unit files by name.
///
/// # Errors
/// A path that cannot be written safely into a unit.
pub fn render(
    cfg: &Config,
    p: &Paths,
    user: Option<&str>,
    skip_redis: bool,
) -> Result<Vec<(String, String)>> {
    let b = super::name_prefix(cfg);
    let bench = p.bench_argv();
    let dir = path_value(&p.dir)?;
    let user = match user {
        Some(u) => format!("User={u}\nGroup={u}\n", u = word(u)?),
        None => String::new(),
    };
    let env = match super::given_redis_url(cfg)? {
        Some(url) => format!(
            "Environment=\"BENCH_REDIS_URL={}\"\n",
            url.replace('%', "%%")
        ),
        None => String::new(),
    };
    let redis_dep = if skip_redis {
        String::new()
    } else {
        format!(" {b}-redis.service")
    };
    let service = |desc: &str,
                   part_of: &str,
                   args: &[String],
                   stop: i64,
                   log: &str|
     -> Result<String> {
        Ok(format!(
            "[Unit]\nDescription={desc}\nPartOf={part_of}\nAfter=network-online.target{redis_dep}\n\n[Service]\nType=simple\n{user}{env}WorkingDirectory={dir}\nExecStart={}\nRestart=always\nRestartSec=1\nKillMode=mixed\nKillSignal=SIGTERM\nTimeoutStopSec={stop}\nStandardOutput=append:{}\nStandardError=append:{}\n\n[Install]\nWantedBy={part_of}\n",
            exec(args)?,
            path_value(&p.log(&format!("{log}.log")))?,
            path_value(&p.log(&format!("{log}.error.log")))?,
        ))
    };
    let mut units = Vec::new();
    let mut wants = vec![format!("{b}-schedule.service")];
    units.push((
        format!("{b}-schedule.service"),
        service(
            &format!("bench {b} scheduler"),
            &format!("{b}-workers.target"),
            &[&bench[..], &["schedule".to_owned()]].concat(),
            30,
            "schedule",
        )?,
    ));
    for g in worker_groups(cfg) {
        let name = format!("{b}-{}-worker", slug(&g.name));
        let args = [
            &bench[..],
            &[
                "worker".to_owned(),
                "--queue".to_owned(),
                g.queues.join(","),
            ],
        ]
        .concat();
        units.push((
            format!("{name}@.service"),
            service(
                &format!("bench {b} {} worker %i", g.name),
                &format!("{b}-workers.target"),
                &args,
                g.stop_wait,
                "worker",
            )?,
        ));
        wants.extend((1..=g.processes).map(|i| format!("{name}@{i}.service")));
    }
    units.push((format!("{b}-workers.target"), format!("[Unit]\nDescription=bench {b} scheduler and workers\nPartOf={b}.target\nWants={}\n\n[Install]\nWantedBy={b}.target\n", wants.join(" "))));
    if !skip_redis {
        units.push((
            format!("{b}-redis.service"),
            redis_unit(cfg, p, &b, &user, &dir)?,
        ));
    }
    let target_wants = if skip_redis {
        format!("{b}-workers.target")
    } else {
        format!("{b}-workers.target {b}-redis.service")
    };
    units.push((format!("{b}.target"), format!("[Unit]\nDescription=bench {b}\nWants={target_wants}\n\n[Install]\nWantedBy=multi-user.target\n")));
    Ok(units)
}

/// The unit of the bench's own Redis, on the host and port of `[redis] url`.
fn redis_unit(cfg: &Config, p: &Paths, b: &str, user: &str, dir: &str) -> Result<String> {
    let args = own_redis_args(cfg, p, "/usr/bin/redis-server");
    Ok(format!(
        "[Unit]\nDescription=bench {b} Redis\nPartOf={b}.target\n\n[Service]\nType=simple\n{user}WorkingDirectory={dir}\nExecStart={}\nRestart=always\nStandardOutput=append:{}\nStandardError=append:{}\n\n[Install]\nWantedBy={b}.target\n",
        exec(&args)?,
        path_value(&p.log("redis-queue.log"))?,
        path_value(&p.log("redis-queue.error.log"))?,
    ))
}

/// Runs `bench setup systemd`.
pub fn run(cfg: &Config, a: &SystemdArgs) -> Result<()> {
    let paths = Paths::of(cfg)?;
    let units = render(cfg, &paths, a.user.as_deref(), a.skip_redis)?;
    let dir = a
        .output
        .clone()
        .unwrap_or_else(|| paths.dir.join("config").join("systemd"));
    if !a.yes
        && let Some((name, _)) = units.iter().find(|(n, _)| dir.join(n).exists())
    {
        anyhow::bail!(
            "{} exists; pass --yes to overwrite the units in {}",
            dir.join(name).display(),
            dir.display()
        );
    }
    for (name, text) in &units {
        write_new(&dir.join(name), text, true)?;
    }
    std::fs::create_dir_all(paths.dir.join("logs"))?;
    let b = super::name_prefix(cfg);
    let abs = std::path::absolute(&dir).unwrap_or(dir.clone());
    output::line(format!(
        "Wrote {} units to {}\nNext: install and start them, e.g.\n  sudo cp {}/* /etc/systemd/system/ && sudo systemctl daemon-reload && sudo systemctl enable --now {b}.target",
        units.len(),
        abs.display(),
        abs.display()
    ))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exec_words_are_quoted_for_systemd() {
        assert_eq!(
            exec(&[
                "/srv/b/bench".into(),
                "--queue".into(),
                "short,default".into()
            ])
            .unwrap(),
            "/srv/b/bench --queue short,default"
        );
        assert_eq!(word("/srv/my bench").unwrap(), "\"/srv/my bench\"");
        assert_eq!(word("50%$HOME").unwrap(), "50%%$$HOME");
        assert!(path_value(std::path::Path::new("/srv/my bench")).is_err());
    }

    #[test]
    fn without_a_hooks_file_units_run_on_defaults_and_the_given_redis() {
        let missing = std::path::Path::new("/nonexistent-bench-dir/hooks.toml");
        let cfg = Config::load(missing, false, Some("redis://:p%w@10.0.0.5:6380/2")).unwrap();
        let paths = Paths {
            bench: "/usr/local/bin/bench".into(),
            hooks: missing.into(),
            hooks_exist: false,
            dir: "/srv/b".into(),
        };
        let units = render(&cfg, &paths, None, true).unwrap();
        let schedule = &units
            .iter()
            .find(|(n, _)| n.ends_with("-schedule.service"))
            .unwrap()
            .1;
        assert!(
            schedule.contains("Environment=\"BENCH_REDIS_URL=redis://:p%%w@10.0.0.5:6380/2\"\n")
                && schedule.contains("ExecStart=/usr/local/bin/bench schedule\n"),
            "{schedule}"
        );
        let quoted = Config::load(missing, false, Some("redis://:a\"b@h/0")).unwrap();
        assert!(render(&quoted, &paths, None, true).is_err());
    }
}
