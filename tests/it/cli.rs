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
}
