use crate::harness::{Cmd, Env};

#[test]
fn example_hooks_file_loads() {
    let env = Env::new();
    let example = concat!(env!("CARGO_MANIFEST_DIR"), "/hooks.example.toml");
    // The example names a Redis URL; point it at the test server with --redis-url.
    env.bench().args(["--config", example, "jobs", "list"]).ok();
}

#[test]
fn config_errors_name_file_line_key_and_exit_2() {
    let env = Env::with_hooks("[queues.reports]\ntimeout = 0\n");
    let out = env.bench().args(["jobs", "list"]).run().code(2);
    let err = out.stderr();
    assert!(
        err.contains("hooks.toml:2:11: queues.reports.timeout: is 0"),
        "{err}"
    );
    assert!(err.contains("at least 1"), "{err}");

    env.write_hooks("[scheduler_events]\nfortnightly = [\"a.b\"]\n");
    let err = env.bench().args(["jobs", "list"]).run().code(2).stderr();
    assert!(
        err.contains("hooks.toml:2:1:")
            && err.contains("`fortnightly` is not a frequency")
            && err.contains("`daily_long`"),
        "{err}"
    );

    env.write_hooks("[scheduler_events.cron]\n\"*/15 * * *\" = [\"a.b\"]\n");
    let err = env.bench().args(["jobs", "list"]).run().code(2).stderr();
    assert!(
        err.contains(
            "hooks.toml:2:1: scheduler_events.cron.\"*/15 * * *\": invalid cron expression"
        ) && err.contains("five"),
        "{err}"
    );
}

#[test]
fn missing_explicit_config_is_a_usage_error() {
    let env = Env::new();
    let err = Cmd::new(env.dir.path())
        .args(["--config", "nope.toml", "jobs", "list"])
        .run()
        .code(2)
        .stderr();
    assert!(
        err.contains("nope.toml") && err.contains("BENCH_CONFIG"),
        "{err}"
    );
}

#[test]
fn usage_errors_exit_2_and_runtime_failures_exit_1() {
    let env = Env::new();
    env.bench().args(["enqueue"]).run().code(2);
    env.bench()
        .args(["jobs", "list", "--status", "weird"])
        .run()
        .code(2);
    // Nothing listens on port 1: a runtime failure, with a hint.
    let err = env
        .bench()
        .args(["--redis-url", "redis://127.0.0.1:1/0", "jobs", "list"])
        .run()
        .code(1)
        .stderr();
    assert!(
        err.contains("cannot reach Redis at redis://127.0.0.1:1/0") && err.contains("hint:"),
        "{err}"
    );
    // A URL that is not one, or names a database the server does not have, is the
    // caller's to fix: exit 2, and no advice to start a server.
    let no_db = env.redis.url().rsplit_once('/').unwrap().0.to_owned() + "/99";
    for (url, says) in [
        ("http://127.0.0.1:6379", "hint: a Redis URL reads redis://"),
        (no_db.as_str(), "this Redis has no database of that number"),
    ] {
        let err = env
            .bench()
            .args(["--redis-url", url, "jobs", "list"])
            .run()
            .code(2)
            .stderr();
        assert!(
            err.contains(says) && !err.contains("start redis-server"),
            "{err}"
        );
    }
}

#[test]
fn other_commands_go_to_frappe_bench_with_args_env_input_and_exit_code() {
    use std::os::unix::fs::PermissionsExt as _;
    let env = crate::harness::Env::new();
    // This program first on PATH under the name `bench`, then a stand-in frappe-bench.
    let ours = env.path("ours");
    let theirs = env.path("theirs");
    std::fs::create_dir_all(&ours).unwrap();
    std::fs::create_dir_all(&theirs).unwrap();
    std::os::unix::fs::symlink(env!("CARGO_BIN_EXE_bench"), ours.join("bench")).unwrap();
    let fake = theirs.join("bench");
    std::fs::write(
        &fake,
        "#!/bin/sh\necho \"args: $*\"\necho \"env: $FRAPPE_THING\"\necho \"stdin: $(cat)\"\nexit 3\n",
    )
    .unwrap();
    std::fs::set_permissions(&fake, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!("{}:{}:/usr/bin:/bin", ours.display(), theirs.display());
    let input = env.path("input");
    std::fs::write(&input, "hello frappe").unwrap();
    let out = std::process::Command::new(ours.join("bench"))
        .args([
            "--config",
            env.hooks().to_str().unwrap(),
            "--site",
            "s1",
            "migrate",
            "--skip-failing",
        ])
        .env("PATH", &path)
        .env("FRAPPE_THING", "kept")
        .stdin(std::fs::File::open(&input).unwrap())
        .current_dir(env.dir.path())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(3), "{text}");
    assert!(
        text.contains("args: --site s1 migrate --skip-failing"),
        "{text}"
    );
    assert!(text.contains("env: kept"), "{text}");
    assert!(text.contains("stdin: hello frappe"), "{text}");
    // `setup` commands bench does not have go the same way.
    let out = std::process::Command::new(ours.join("bench"))
        .args(["setup", "nginx", "--yes"])
        .env("PATH", &path)
        .stdin(std::process::Stdio::null())
        .current_dir(env.dir.path())
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("args: setup nginx --yes"));

    // The real frappe-bench from PyPI answers its own commands.
    let venv_bin = crate::harness::python::bin("bench");
    let out = std::process::Command::new(ours.join("bench"))
        .arg("src")
        .env(
            "PATH",
            format!(
                "{}:{}:/usr/bin:/bin",
                ours.display(),
                venv_bin.parent().unwrap().display()
            ),
        )
        .current_dir(env.dir.path())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.trim().ends_with("site-packages"),
        "frappe-bench's `bench src`: {text}"
    );

    // Without any frappe-bench, bench says so and names its own commands' help.
    let out = std::process::Command::new(ours.join("bench"))
        .arg("migrate")
        .env("PATH", format!("{}:/usr/bin:/bin", ours.display()))
        .current_dir(env.dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no frappe-bench was found"));
    let help = env.bench().arg_str("--help").ok().stdout();
    assert!(help.contains("handed to frappe-bench"), "{help}");
}
