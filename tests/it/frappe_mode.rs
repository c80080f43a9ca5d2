//! Frappe mode (`[frappe] sites_path`) on a bench folder laid out as Frappe lays it
//! out: `bench enqueue --site` writes what `frappe.enqueue` writes (read back by Python
//! RQ 1.15, Frappe 15's pin), `job_name` is unique among queued and started jobs, and
//! the bench's own `common_site_config.json` supplies Redis, bench_id and queues.

use std::collections::HashMap;
use std::path::Path;

use redis::Commands;
use serde_json::{Value as Json, json};

use crate::harness::python::Rq;
use crate::harness::{Env, wait_for};

/// A Frappe bench folder with sites `a.local` and `b.local` next to the hooks file.
fn frappe_env(extra_hooks: &str) -> Env {
    let env = Env::with_hooks("");
    let sites = env.path("sites");
    for (site, conf) in [
        ("a.local", json!({"db_name": "a"})),
        ("b.local", json!({"db_name": "b", "rq_results_ttl": 120})),
    ] {
        std::fs::create_dir_all(sites.join(site)).unwrap();
        std::fs::write(sites.join(site).join("site_config.json"), conf.to_string()).unwrap();
    }
    std::fs::write(
        sites.join("common_site_config.json"),
        json!({"bench_id": "fb", "redis_queue": env.redis.url(), "workers": {"reports": {"timeout": 5000}}}).to_string(),
    )
    .unwrap();
    env.write_hooks(&format!("[frappe]\nsites_path = \"sites\"\n{extra_hooks}"));
    env
}

/// `bench` without the test's Redis URL, so Frappe's `redis_queue` is what is used.
fn frappe_bench(env: &Env) -> crate::harness::Cmd {
    env.bench().env_remove("BENCH_REDIS_URL")
}

fn hash(env: &Env, id: &str) -> HashMap<String, Vec<u8>> {
    env.conn().hgetall(format!("rq:job:{id}")).unwrap()
}

fn text(h: &HashMap<String, Vec<u8>>, k: &str) -> String {
    String::from_utf8_lossy(h.get(k).map_or(&[][..], Vec::as_slice)).into_owned()
}

#[test]
fn enqueue_writes_what_frappe_enqueue_writes() {
    let env = frappe_env("[redis]\nrq = \"1\"\n");
    let err = frappe_bench(&env)
        .args(["enqueue", "my_app.tasks.send"])
        .run()
        .code(2)
        .stderr();
    assert!(
        err.contains("pass --site") && err.contains("a.local, b.local"),
        "{err}"
    );
    let err = frappe_bench(&env)
        .args(["--site", "c.local", "enqueue", "my_app.tasks.send"])
        .run()
        .code(2)
        .stderr();
    assert!(err.contains("unknown site `c.local`"), "{err}");

    let id = frappe_bench(&env)
        .args([
            "--site",
            "b.local",
            "enqueue",
            "my_app.tasks.send",
            "--queue",
            "reports",
        ])
        .args(["--kwargs", r#"{"to": "x@y.z", "n": 2}"#, "--event", "ev1"])
        .ok()
        .stdout()
        .trim()
        .to_owned();
    assert!(
        id.starts_with("b.local::") && id.len() == "b.local::".len() + 36,
        "{id}"
    );
    let h = hash(&env, &id);
    assert_eq!(text(&h, "origin"), "fb:reports");
    assert_eq!(
        text(&h, "timeout"),
        "5000",
        "the custom queue's timeout from common_site_config"
    );
    assert_eq!(text(&h, "result_ttl"), "120", "the site's rq_results_ttl");
    assert_eq!(text(&h, "failure_ttl"), "604800");
    assert_eq!(
        text(&h, "failure_callback_name"),
        "frappe.utils.background_jobs.truncate_failed_registry"
    );
    assert_eq!(text(&h, "failure_callback_timeout"), "60");
    assert!(
        !h.contains_key("group_id") && !h.contains_key("meta"),
        "RQ 1.15 writes neither"
    );
    assert_eq!(
        text(&h, "description"),
        "frappe.utils.background_jobs.execute_job(event='ev1', is_async=True, job_name='my_app.tasks.send', kwargs={'to': 'x@y.z', 'n': 2}, method='my_app.tasks.send', site='b.local', user='Administrator')"
    );
    // Python RQ 1.15, as Frappe's worker would, reads the call back with Frappe's order.
    let url = env.redis.url();
    let calls = Rq::V1.script("rq_tool.py", &["calls", &url, &id]);
    let call: Json = serde_json::from_slice(&calls.stdout).unwrap();
    assert_eq!(call["func"], "frappe.utils.background_jobs.execute_job");
    assert_eq!(call["args"], json!([]));
    let keys: Vec<&String> = call["kwargs"].as_object().unwrap().keys().collect();
    assert_eq!(
        keys,
        [
            "site", "user", "method", "event", "job_name", "is_async", "kwargs"
        ]
    );
    assert_eq!(call["kwargs"]["kwargs"], json!({"to": "x@y.z", "n": 2}));

    // bench's own built-ins stay plain jobs, with no site needed.
    let plain = frappe_bench(&env)
        .args(["enqueue", "bench.noop"])
        .ok()
        .stdout();
    assert!(!plain.contains("::"), "{plain}");
    assert_eq!(text(&hash(&env, plain.trim()), "origin"), "fb:default");

    // --job-id is namespaced by site, as Frappe's create_job_id does.
    let named = frappe_bench(&env)
        .args([
            "--site",
            "a.local",
            "enqueue",
            "my_app.tasks.send",
            "--job-id",
            "nightly",
        ])
        .ok()
        .stdout();
    assert_eq!(named.trim(), "a.local::nightly");
}

#[test]
fn from_file_rows_carry_their_site() {
    let env = frappe_env("");
    let lines = [
        json!({"method": "my_app.tasks.a", "site": "a.local"}),
        json!({"method": "my_app.tasks.b", "site": "b.local", "kwargs": {"k": 1}, "user": "u@x.y"}),
    ]
    .map(|l| l.to_string())
    .join("\n");
    let out = frappe_bench(&env)
        .args(["enqueue", "--from-file", "-"])
        .stdin(lines)
        .ok()
        .stdout();
    let ids: Vec<&str> = out.lines().collect();
    assert!(
        ids[0].starts_with("a.local") && ids[1].starts_with("b.local"),
        "{out}"
    );
    let bad = json!({"method": "my_app.tasks.c"}).to_string();
    let err = frappe_bench(&env)
        .args(["enqueue", "--from-file", "-"])
        .stdin(bad)
        .run()
        .code(2)
        .stderr();
    assert!(err.contains("stdin:1:") && err.contains("--site"), "{err}");
}

#[test]
fn job_name_is_unique_among_queued_and_started_jobs() {
    // No Frappe is installed here: the worker's Python host imports nothing.
    let env = frappe_env("[python]\npreload = []\n");
    let enqueue = |extra: &[&str]| {
        frappe_bench(&env)
            .args([
                "--site",
                "a.local",
                "enqueue",
                "bench.sleep",
                "--queue",
                "short",
                "--kwargs",
                r#"{"seconds": 5}"#,
            ])
            .args(extra)
            .ok()
    };
    // 20 at once make one job; every call prints its id.
    let handles: Vec<_> = (0..20)
        .map(|_| {
            let cmd = frappe_bench(&env).args([
                "--site",
                "a.local",
                "enqueue",
                "my_app.tasks.sync",
                "--job-name",
                "sync-all",
                "--json",
            ]);
            std::thread::spawn(move || cmd.ok().stdout())
        })
        .collect();
    let outs: Vec<Json> = handles
        .into_iter()
        .map(|h| serde_json::from_str(h.join().unwrap().trim()).unwrap())
        .collect();
    let enqueued: Vec<&Json> = outs.iter().filter(|o| o["enqueued"] == true).collect();
    assert_eq!(enqueued.len(), 1, "{outs:?}");
    let id = enqueued[0]["id"].as_str().unwrap();
    assert!(outs.iter().all(|o| o["id"] == id), "{outs:?}");
    let queued: i64 = env.conn().llen("rq:queue:fb:default").unwrap();
    assert_eq!(queued, 1);

    // Another site may use the same name.
    let other = frappe_bench(&env)
        .args([
            "--site",
            "b.local",
            "enqueue",
            "my_app.tasks.sync",
            "--job-name",
            "sync-all",
        ])
        .ok()
        .stdout();
    assert!(other.trim().starts_with("b.local||"), "{other}");

    // Plain (non-Frappe) jobs: the same rule, and the name is free again once the job ended.
    let first = enqueue(&["--job-name", "nap"]).stdout();
    let again = enqueue(&["--job-name", "nap"]);
    assert_eq!(again.stdout(), first);
    assert!(
        again
            .stderr()
            .contains("a job named `nap` is already queued"),
        "{}",
        again.stderr()
    );
    let mut w = frappe_bench(&env)
        .args(["worker", "--queue", "short"])
        .spawn(env.dir.path(), "w");
    let first = first.trim().to_owned();
    wait_for(20.0, "the named job to start", || {
        env.status(&first) == "started"
    });
    let while_running = enqueue(&["--job-name", "nap", "--json"]).stdout();
    assert!(
        while_running.contains("\"status\":\"started\""),
        "{while_running}"
    );
    wait_for(30.0, "the named job to finish", || {
        env.status(&first) == "finished"
    });
    let after = enqueue(&["--job-name", "nap"]).stdout();
    assert_ne!(after, format!("{first}\n"), "a finished job frees its name");
    crate::harness::signal(&w, nix::sys::signal::Signal::SIGTERM);
    crate::harness::signal(&w, nix::sys::signal::Signal::SIGTERM);
    let _ = w.wait();
}

#[test]
fn a_job_name_frappe_itself_enqueued_is_honoured() {
    let env = frappe_env("[redis]\nrq = \"1\"\n");
    // What frappe.enqueue("my_app.tasks.sync", job_name="sync-all") leaves in Redis,
    // written with Python RQ 1.15 as Frappe 15 writes it.
    let url = env.redis.url();
    let prog = format!(
        "import redis\nfrom rq import Queue\nc = redis.Redis.from_url({url:?})\nq = Queue('fb:default', connection=c)\n\
         j = q.enqueue_call('frappe.utils.background_jobs.execute_job', kwargs=dict(site='a.local', user='Administrator', method='my_app.tasks.sync', event=None, job_name='sync-all', is_async=True, kwargs={{}}), job_id='a.local::from-frappe')\nprint(j.id)"
    );
    let out = std::process::Command::new(Rq::V1.bin("python"))
        .args(["-c", &prog])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let got = frappe_bench(&env)
        .args([
            "--site",
            "a.local",
            "enqueue",
            "my_app.tasks.sync",
            "--job-name",
            "sync-all",
        ])
        .ok();
    assert_eq!(got.stdout().trim(), "a.local::from-frappe");
    // The same name on another site is another job.
    let other = frappe_bench(&env)
        .args([
            "--site",
            "b.local",
            "enqueue",
            "my_app.tasks.sync",
            "--job-name",
            "sync-all",
        ])
        .ok();
    assert!(other.stdout().starts_with("b.local::"));
    assert!(Path::new(&env.path("sites")).exists());
}

#[test]
fn schedule_runs_frappe_events_for_each_site_whose_scheduler_is_on() {
    let env = frappe_env(
        "[redis]\nrq = \"1\"\n[scheduler]\ninterval = 1\nlease = 2\n[scheduler_events]\nall = [\"my_app.tasks.tick\", \"bench.noop\"]\n",
    );
    std::fs::write(
        env.path("sites/b.local/site_config.json"),
        json!({"db_name": "b", "pause_scheduler": 1}).to_string(),
    )
    .unwrap();
    let mut s = frappe_bench(&env)
        .args(["schedule"])
        .spawn(env.dir.path(), "s");
    let a_job = "a.local::scheduled_job::my_app.tasks.tick";
    wait_for(15.0, "a.local's event", || env.status(a_job) == "queued");
    // As Frappe's scheduler enqueues it: run_scheduled_job(job_type=method), id per site.
    let h = hash(&env, a_job);
    assert_eq!(text(&h, "origin"), "fb:default");
    assert!(
        text(&h, "description").contains("kwargs={'job_type': 'my_app.tasks.tick'}, method='frappe.core.doctype.scheduled_job_type.scheduled_job_type.run_scheduled_jo...,"),
        "{}",
        text(&h, "description")
    );
    // bench's built-ins run once for the bench, not per site.
    let plain = bench::scheduler::plan::job_id(Some("fb"), "bench.noop");
    wait_for(10.0, "the bench-wide event", || {
        env.status(&plain) == "queued"
    });
    // The paused site waits, and says why.
    let list = frappe_bench(&env).args(["schedule", "list"]).ok().stdout();
    assert!(
        list.contains("b.local") && list.contains("not scheduled: the scheduler is paused"),
        "{list}"
    );
    assert_eq!(env.status("b.local::scheduled_job::my_app.tasks.tick"), "");
    // Unpaused in its own config, as `bench --site b.local scheduler resume` does.
    std::fs::write(
        env.path("sites/b.local/site_config.json"),
        json!({"db_name": "b", "pause_scheduler": 0}).to_string(),
    )
    .unwrap();
    wait_for(15.0, "b.local's event", || {
        env.status("b.local::scheduled_job::my_app.tasks.tick") == "queued"
    });
    let history = frappe_bench(&env)
        .args(["--site", "b.local", "schedule", "history", "--json"])
        .ok()
        .stdout();
    assert!(
        history.lines().all(|l| l.contains("\"site\":\"b.local\"")),
        "{history}"
    );
    let log = std::fs::read_to_string(env.path("s.out")).unwrap();
    assert!(
        log.contains("Site b.local: not scheduling, the scheduler is paused"),
        "{log}"
    );
    crate::harness::signal(&s, nix::sys::signal::Signal::SIGTERM);
    assert_eq!(crate::harness::wait_exit(&mut s, 10.0), Some(0));
}

/// `all` runs as often as the bench's `scheduler_interval` says, in whole minutes as
/// Frappe's `*/N` cron has it, unless the hooks file sets `[scheduler] interval`.
#[test]
fn all_follows_frappes_scheduler_interval_unless_the_hooks_file_sets_one() {
    for (hooks, every) in [
        ("", "every 60s"),
        ("[scheduler]\ninterval = 30\n", "every 30s"),
    ] {
        let env = frappe_env(&format!(
            "{hooks}[scheduler_events]\nall = [\"my_app.tasks.tick\"]\n"
        ));
        std::fs::write(
            env.path("sites/common_site_config.json"),
            json!({"bench_id": "fb", "redis_queue": env.redis.url(), "scheduler_interval": 90})
                .to_string(),
        )
        .unwrap();
        let list = frappe_bench(&env).args(["schedule", "list"]).ok().stdout();
        assert!(
            list.lines()
                .filter(|l| l.starts_with("my_app.tasks.tick"))
                .all(|l| l.contains(every)),
            "{list}"
        );
        assert!(list.contains(every), "{list}");
    }
}

/// When the bench's queue Redis is down, the hint points at the Frappe bench's own
/// Redis and its `redis_queue`, not at the hooks file.
#[test]
fn an_unreachable_redis_queue_is_named_as_the_benchs_own() {
    let env = frappe_env("");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    std::fs::write(
        env.path("sites/common_site_config.json"),
        json!({"bench_id": "fb", "redis_queue": format!("redis://127.0.0.1:{port}")}).to_string(),
    )
    .unwrap();
    let err = frappe_bench(&env)
        .args(["jobs", "list"])
        .run()
        .code(1)
        .stderr();
    let common = env.path("sites/common_site_config.json");
    assert!(
        err.contains("start the bench's queue Redis")
            && err.contains(&format!("fix redis_queue in {}", common.display())),
        "{err}"
    );
}
