use std::path::Path;

use nix::sys::signal::Signal;
use redis::Commands;

use crate::harness::python;
use crate::harness::{Env, process_running, wait_exit, wait_for};

const HOOKS: &str = "bench_id = \"acme\"\n[queues.long]\ntimeout = 20\n[queues.reports]\ntimeout = 5000\nworkers = 2\n";

/// Compares generated text with the pinned copy in tests/data/setup, paths replaced by
/// placeholders. BENCH_UPDATE_SNAPSHOTS=1 rewrites the pinned copy.
fn pinned(name: &str, text: &str, env: &Env) {
    let bench = env!("CARGO_BIN_EXE_bench");
    let mut text = text
        .replace(bench, "{BENCH}")
        .replace(&env.dir.path().display().to_string(), "{DIR}");
    if let Ok(out) = std::process::Command::new("sh")
        .args(["-c", "command -v redis-server"])
        .output()
    {
        let redis = String::from_utf8_lossy(&out.stdout).trim().to_owned();
        if !redis.is_empty() {
            text = text.replace(&redis, "{REDIS}");
        }
    }
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/setup")
        .join(name);
    if std::env::var_os("BENCH_UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, &text).unwrap();
    }
    let want = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        want == text,
        "{name} differs from tests/data/setup/{name} (BENCH_UPDATE_SNAPSHOTS=1 to accept):\n{text}"
    );
}

#[test]
fn generators_write_pinned_configs_and_refuse_to_overwrite() {
    let env = Env::with_hooks(HOOKS);
    env.bench()
        .env_remove("BENCH_REDIS_URL")
        .args(["setup", "supervisor"])
        .ok();
    pinned(
        "supervisor.conf",
        &std::fs::read_to_string(env.path("config/supervisor.conf")).unwrap(),
        &env,
    );
    let err = env
        .bench()
        .env_remove("BENCH_REDIS_URL")
        .args(["setup", "supervisor"])
        .run()
        .code(1)
        .stderr();
    assert!(err.contains("exists; pass --yes"), "{err}");
    env.bench()
        .env_remove("BENCH_REDIS_URL")
        .args([
            "setup",
            "supervisor",
            "--yes",
            "--skip-redis",
            "--user",
            "frappe",
        ])
        .ok();
    let text = std::fs::read_to_string(env.path("config/supervisor.conf")).unwrap();
    assert!(
        !text.contains("redis-queue") && text.contains("user=frappe"),
        "{text}"
    );

    let out = env
        .bench()
        .env_remove("BENCH_REDIS_URL")
        .args(["setup", "systemd"])
        .ok()
        .stdout();
    assert!(out.contains("systemctl enable --now acme.target"), "{out}");
    let dir = env.path("config/systemd");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "acme-long-worker@.service",
            "acme-redis.service",
            "acme-reports-worker@.service",
            "acme-schedule.service",
            "acme-short-worker@.service",
            "acme-workers.target",
            "acme.target"
        ]
    );
    for n in &names {
        pinned(
            &format!("systemd-{n}"),
            &std::fs::read_to_string(dir.join(n)).unwrap(),
            &env,
        );
    }
    let target = std::fs::read_to_string(dir.join("acme-workers.target")).unwrap();
    assert!(
        target.contains("acme-reports-worker@1.service acme-reports-worker@2.service"),
        "{target}"
    );
    match std::process::Command::new("systemd-analyze")
        .arg("verify")
        .args(names.iter().map(|n| dir.join(n)))
        .output()
    {
        Ok(out) => assert!(
            out.status.success() && out.stderr.is_empty(),
            "systemd-analyze verify:\n{}",
            String::from_utf8_lossy(&out.stderr)
        ),
        Err(_) => eprintln!("systemd-analyze is not installed here; unit files were not verified"),
    }
    env.bench()
        .env_remove("BENCH_REDIS_URL")
        .args(["setup", "systemd"])
        .run()
        .code(1);
}

/// A real supervisord reading the `config/supervisor.conf` that `bench setup
/// supervisor` wrote in `env`'s folder.
struct Supervisord {
    proc: crate::harness::bench::Proc,
    conf: std::path::PathBuf,
}

impl Supervisord {
    fn start(env: &Env) -> Supervisord {
        let d = env.dir.path().display().to_string();
        std::fs::write(
            env.path("supervisord.conf"),
            format!(
                "[unix_http_server]\nfile={d}/supervisor.sock\n[supervisord]\nlogfile={d}/supervisord.log\npidfile={d}/supervisord.pid\nnodaemon=true\n[rpcinterface:supervisor]\nsupervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface\n[supervisorctl]\nserverurl=unix://{d}/supervisor.sock\n[include]\nfiles={d}/config/supervisor.conf\n"
            ),
        )
        .unwrap();
        let conf = env.path("supervisord.conf");
        let proc = crate::harness::bench::Proc(
            std::process::Command::new(python::bin("supervisord"))
                .arg("-c")
                .arg(&conf)
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::null())
                .spawn()
                .unwrap(),
        );
        Supervisord { proc, conf }
    }

    fn ctl(&self, args: &[&str]) -> String {
        let out = std::process::Command::new(python::bin("supervisorctl"))
            .arg("-c")
            .arg(&self.conf)
            .args(args)
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn shutdown(mut self) {
        self.ctl(&["shutdown"]);
        wait_exit(&mut self.proc, 30.0);
    }
}

#[test]
fn supervisord_runs_restarts_and_stops_workers_warmly() {
    let env = Env::with_hooks(&format!("{HOOKS}[redis]\nurl = {:?}\n", "placeholder"));
    // The hooks file names the test's Redis, so supervisord's programs reach it.
    env.write_hooks(&format!("{HOOKS}[redis]\nurl = {:?}\n", env.redis.url()));
    env.bench()
        .args(["setup", "supervisor", "--skip-redis"])
        .env_remove("BENCH_REDIS_URL")
        .ok();
    let supervisord = Supervisord::start(&env);
    let ctl = |args: &[&str]| supervisord.ctl(args);
    let programs = [
        "acme-workers:acme-schedule",
        "acme-workers:acme-short-worker-0",
        "acme-workers:acme-long-worker-0",
        "acme-workers:acme-reports-worker-0",
        "acme-workers:acme-reports-worker-1",
    ];
    wait_for(30.0, "every program RUNNING", || {
        let s = ctl(&["status"]);
        programs
            .iter()
            .all(|p| s.lines().any(|l| l.starts_with(p) && l.contains("RUNNING")))
    });

    let id = env
        .bench()
        .args(["enqueue", "bench.noop"])
        .ok()
        .stdout()
        .trim()
        .to_owned();
    let status =
        |id: &str| -> Option<String> { env.conn().hget(format!("rq:job:{id}"), "status").unwrap() };
    wait_for(10.0, "the job to run", || {
        status(&id).as_deref() == Some("finished")
    });

    // A stop during a long job lets it finish (stopwaitsecs = timeout + 60).
    let long = env
        .bench()
        .args([
            "enqueue",
            "bench.sleep",
            "--queue",
            "long",
            "--kwargs",
            r#"{"seconds": 3}"#,
        ])
        .ok()
        .stdout()
        .trim()
        .to_owned();
    wait_for(10.0, "the long job to start", || {
        status(&long).as_deref() == Some("started")
    });
    let out = ctl(&["stop", "acme-workers:acme-long-worker-0"]);
    assert!(out.contains("stopped"), "{out}");
    assert_eq!(
        status(&long).as_deref(),
        Some("finished"),
        "the warm stop waited for the job"
    );

    // A killed worker is restarted.
    let pid: i32 = ctl(&["pid", "acme-workers:acme-short-worker-0"])
        .trim()
        .parse()
        .unwrap();
    nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid), Signal::SIGKILL).unwrap();
    wait_for(20.0, "a restarted worker", || {
        let s = ctl(&["status", "acme-workers:acme-short-worker-0"]);
        s.contains("RUNNING") && !s.contains(&format!("pid {pid},"))
    });
    supervisord.shutdown();
}

/// Enqueues a job as an operator would in a folder without a hooks file, and waits
/// for the running programs to finish it.
fn runs_a_job_without_the_hooks_file(env: &Env) {
    let id = env
        .bench()
        .env_remove("BENCH_CONFIG")
        .args(["enqueue", "bench.noop", "--queue", "long"])
        .ok()
        .stdout()
        .trim()
        .to_owned();
    wait_for(20.0, "the job to run", || {
        env.conn()
            .hget::<_, _, Option<String>>(format!("rq:job:{id}"), "status")
            .unwrap()
            .as_deref()
            == Some("finished")
    });
}

/// An operator who has not written a hooks file yet and names the Redis with
/// `BENCH_REDIS_URL` gets programs that run on bench's defaults, on that Redis, and
/// find `hooks.toml` in the folder once it is written.
#[test]
fn supervisord_runs_a_bench_without_a_hooks_file_on_the_redis_given_to_setup() {
    let env = Env::new();
    std::fs::remove_file(env.hooks()).unwrap();
    let bench = || env.bench().env_remove("BENCH_CONFIG");
    bench().args(["setup", "supervisor", "--skip-redis"]).ok();
    let conf = std::fs::read_to_string(env.path("config/supervisor.conf")).unwrap();
    assert!(!conf.contains("--config"), "{conf}");
    assert!(
        conf.contains(&format!(
            "environment=BENCH_REDIS_URL=\"{}\"",
            env.redis.url()
        )),
        "{conf}"
    );
    let supervisord = Supervisord::start(&env);
    wait_for(30.0, "the scheduler and both workers RUNNING", || {
        let s = supervisord.ctl(&["status"]);
        s.lines().filter(|l| l.contains("RUNNING")).count() == 3
    });
    runs_a_job_without_the_hooks_file(&env);
    supervisord.shutdown();
}

/// Runs `bench start ARGS` in a process group of its own, as a terminal would.
fn start(env: &Env, args: &[&str]) -> crate::harness::bench::Proc {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_bench"));
    // Named only when it exists: without one, bench looks for ./hooks.toml.
    if env.hooks().exists() {
        cmd.args(["--config", env.hooks().to_str().unwrap()]);
    }
    cmd.arg("start")
        .args(args)
        .current_dir(env.dir.path())
        .env("NO_COLOR", "1")
        .env_remove("BENCH_REDIS_URL")
        .env_remove("BENCH_CONFIG")
        .stdout(std::fs::File::create(env.path("start.out")).unwrap())
        .stderr(std::fs::File::create(env.path("start.err")).unwrap());
    std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
    crate::harness::bench::Proc(cmd.spawn().unwrap())
}

/// Ctrl-C to the whole foreground process group, and the exit code.
fn ctrl_c(p: &mut crate::harness::bench::Proc) -> Option<i32> {
    nix::sys::signal::killpg(nix::unistd::Pid::from_raw(p.id() as i32), Signal::SIGINT).unwrap();
    wait_exit(p, 30.0)
}

/// `bench start` typed in a folder with no hooks file runs the scheduler and workers
/// on bench's defaults (each of them looks for ./hooks.toml, as the command did).
#[test]
fn start_without_a_hooks_file_runs_on_defaults() {
    let env = Env::new();
    std::fs::remove_file(env.hooks()).unwrap();
    let url = env.redis.url();
    let mut p = start(&env, &["--redis-url", &url]);
    wait_for(20.0, "both workers to register", || {
        env.conn().scard::<_, i64>("rq:workers").unwrap() == 2
    });
    runs_a_job_without_the_hooks_file(&env);
    assert_eq!(ctrl_c(&mut p), Some(0));
    // The processes' own output is relayed to stdout, each line under its name.
    let out = std::fs::read_to_string(env.path("start.out")).unwrap();
    assert!(
        !out.contains("error") && out.contains("All stopped"),
        "{out}"
    );
}

#[test]
fn start_runs_everything_and_ctrl_c_leaves_nothing_behind() {
    let env = Env::new();
    // A port nothing listens on: bench start brings its own redis-server there.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("redis://127.0.0.1:{port}/0");
    env.write_hooks(&format!("[redis]\nurl = {url:?}\n"));
    let mut p = start(&env, &[]);
    let conn = || redis::Client::open(url.as_str()).unwrap().get_connection();
    wait_for(20.0, "the worker to register", || {
        conn()
            .ok()
            .and_then(|mut c| c.scard::<_, i64>("rq:workers").ok())
            .is_some_and(|n| n >= 2)
    });
    env.bench()
        .env("BENCH_REDIS_URL", &url)
        .args(["enqueue", "bench.noop"])
        .ok();
    wait_for(20.0, "a job to run", || {
        conn()
            .ok()
            .and_then(|mut c| c.zcard::<_, i64>("rq:finished:default").ok())
            .is_some_and(|n| n >= 1)
    });
    // The dashboard runs too, at the address it printed.
    let dashboard = || {
        std::fs::read_to_string(env.path("start.out"))
            .unwrap_or_default()
            .lines()
            .find_map(|l| l.strip_prefix("Dashboard: ").map(str::to_owned))
    };
    wait_for(20.0, "the dashboard's address", || dashboard().is_some());
    let url = dashboard().unwrap();
    wait_for(20.0, "the dashboard to answer", || {
        ureq::get(&url)
            .call()
            .ok()
            .and_then(|mut r| r.body_mut().read_to_string().ok())
            .is_some_and(|page| page.contains("Overview") && page.contains("worker"))
    });
    assert_eq!(ctrl_c(&mut p), Some(0));
    let out = std::fs::read_to_string(env.path("start.out")).unwrap();
    assert!(
        out.contains("starting redis-server")
            && out.contains("worker-short")
            && out.contains("All stopped"),
        "{out}"
    );
    let hooks = env.hooks().display().to_string();
    assert!(!process_running(&hooks), "a bench process survived");
    assert!(
        !process_running(&format!("redis-server.*{port}")),
        "redis-server survived"
    );
    assert!(
        env.path("config/redis/dump.rdb").exists(),
        "Redis kept its data in the bench folder"
    );
}

#[test]
fn the_demo_brings_its_own_redis_and_leaves_the_configured_one_alone() {
    let env = Env::new();
    // The configured Redis runs, and must see nothing of the demo.
    let example =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/hooks.example.toml"))
            .unwrap();
    let hooks = example
        .replace("redis://127.0.0.1:6379/0", &env.redis.url())
        .replace(
            "\"examples/my_app\"",
            &format!(
                "{:?}",
                concat!(env!("CARGO_MANIFEST_DIR"), "/examples/my_app")
            ),
        );
    env.write_hooks(&hooks);
    let mut p = start(&env, &["--demo"]);
    wait_for(20.0, "the demo to say where its Redis is", || {
        std::fs::read_to_string(env.path("start.out")).is_ok_and(|o| o.contains("jobs list"))
    });
    let out = std::fs::read_to_string(env.path("start.out")).unwrap();
    let url = out
        .split_whitespace()
        .find(|w| w.starts_with("redis://") && !w.contains(&env.redis.port.to_string()))
        .unwrap_or_else(|| panic!("the demo names its Redis: {out}"))
        .trim_end_matches(';')
        .to_owned();
    // The hint works as printed.
    let hint = out
        .lines()
        .find(|l| l.trim_start().ends_with("jobs list"))
        .unwrap()
        .trim()
        .to_owned();
    let words: Vec<&str> = hint.split_whitespace().collect();
    wait_for(20.0, "the demo jobs to finish", || {
        let o = std::process::Command::new(words[0])
            .args(&words[1..])
            .output()
            .unwrap();
        o.status.success()
            && String::from_utf8_lossy(&o.stdout)
                .matches("finished")
                .count()
                >= 3
    });
    let keys: Vec<String> = env.conn().keys("*").unwrap();
    assert!(
        keys.is_empty(),
        "the configured Redis was left alone: {keys:?}"
    );
    let dir = out
        .split("data in ")
        .nth(1)
        .and_then(|r| r.split(',').next())
        .unwrap()
        .to_owned();
    assert!(std::path::Path::new(&dir).exists());
    assert_eq!(ctrl_c(&mut p), Some(0));
    let port = url
        .trim_start_matches("redis://127.0.0.1:")
        .trim_end_matches("/0");
    assert!(
        !process_running(&format!("redis-server.*{port}")),
        "the demo's Redis survived"
    );
    assert!(
        !std::path::Path::new(&dir).exists(),
        "the demo's data folder is removed"
    );
}

#[test]
fn every_event_of_the_example_hooks_runs() {
    let env = Env::new();
    let example =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/hooks.example.toml"))
            .unwrap();
    let root = env!("CARGO_MANIFEST_DIR");
    let hooks = example
        .replace(
            "\"examples/my_app\"",
            &format!("{:?}", format!("{root}/examples/my_app")),
        )
        .replace(
            "executable = \"python3\"",
            &format!(
                "executable = {:?}",
                crate::harness::python::bin("python").display().to_string()
            ),
        );
    env.write_hooks(&hooks);
    let methods = [
        "bench.noop",
        "my_app.tasks.hourly_sync",
        "my_app.tasks.nightly",
        "my_app.tasks.cleanup",
        "my_app.tasks.poll",
        "my_app.tasks.generate_report",
    ];
    let ids: Vec<String> = methods
        .iter()
        .map(|m| {
            env.bench()
                .args(["schedule", "trigger", m])
                .ok()
                .stdout()
                .trim()
                .to_owned()
        })
        .collect();
    env.bench().args(["worker", "--burst"]).ok();
    for (m, id) in methods.iter().zip(&ids) {
        assert_eq!(env.status(id), "finished", "{m} ran");
    }
}

#[test]
fn start_says_how_to_install_a_missing_redis_server() {
    let env = Env::new();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    env.write_hooks(&format!("[redis]\nurl = \"redis://127.0.0.1:{port}/0\"\n"));
    let err = env
        .bench()
        .args(["start"])
        .env_remove("BENCH_REDIS_URL")
        .env("PATH", "/nonexistent")
        .run()
        .code(1)
        .stderr();
    assert!(
        err.contains("redis-server is not installed")
            && err.contains("apt-get install redis-server"),
        "{err}"
    );
}
