//! bench running a real Frappe 15 bench's background jobs end to end (the Frappe lab:
//! Frappe 15.44.2, RQ 1.15.1, a MariaDB site): jobs `frappe.enqueue` writes run on
//! `bench worker` and Frappe's Desk lists them and bench's workers; `bench enqueue
//! --site` writes what `frappe.enqueue` writes and Frappe's own worker runs it;
//! `bench schedule` runs the apps' scheduler_events for the site and Frappe records
//! them; a failing job leaves an Error Log as under Frappe's own worker; Frappe's jobs
//! run on bench as the Redis user Frappe's `bench create-rq-users` makes.

use std::collections::HashMap;

use redis::Commands;
use serde_json::Value as Json;

use crate::harness::lab::{Lab, lab};
use crate::harness::{Env, signal, wait_exit, wait_for};

/// A test's Redis and a hooks file for the lab's bench.
fn lab_env(extra: &str) -> (std::sync::MutexGuard<'static, ()>, Lab, Env) {
    let env = Env::new();
    let (turn, lab) = lab(&env.redis.url());
    env.write_hooks(&format!(
        "[frappe]\nsites_path = {:?}\n{extra}",
        lab.sites.display().to_string()
    ));
    (turn, lab, env)
}

/// `bench` against the lab, with the Redis and everything else from its config.
fn bench(env: &Env) -> crate::harness::Cmd {
    env.bench().env_remove("BENCH_REDIS_URL")
}

fn job<'a>(desk: &'a Json, id: &str) -> Option<&'a Json> {
    desk["jobs"].as_array()?.iter().find(|j| j["job_id"] == id)
}

#[test]
fn frappe_jobs_run_on_bench_and_desk_lists_them_and_bench_workers() {
    let (_turn, lab, env) = lab_env("");
    let pings = lab.frappe_enqueue(&["frappe.ping", "-n", "3", "-q", "short"]);
    let sleeper = lab.frappe_enqueue(&[
        "frappe.utils.background_jobs.test_job",
        "--kwargs",
        r#"{"s": 60}"#,
        "-q",
        "long",
    ]);
    let broken = lab.frappe_enqueue(&["frappe.ping", "--kwargs", r#"{"bogus": 1}"#]);
    let (sleeper, broken) = (sleeper[0].clone(), broken[0].clone());
    let mut w = bench(&env)
        .args(["worker", "--name", "benchw", "-n", "2"])
        .spawn(env.dir.path(), "w");
    wait_for(60.0, "Frappe's jobs to finish on bench", || {
        pings.iter().all(|id| env.status(id) == "finished")
            && env.status(&broken) == "failed"
            && env.status(&sleeper) == "started"
    });
    // Desk (Setup > Background Jobs) sees the running job and bench's busy worker.
    let desk = lab.desk(&["jobs"]);
    assert_eq!(
        job(&desk, &sleeper).map(|j| &j["status"]),
        Some(&"started".into()),
        "{desk}"
    );
    assert_eq!(
        job(&desk, &pings[0]).map(|j| &j["status"]),
        Some(&"finished".into()),
        "{desk}"
    );
    assert_eq!(
        job(&desk, &broken).map(|j| &j["status"]),
        Some(&"failed".into()),
        "{desk}"
    );
    let worker = desk["workers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| w["worker_name"] == "benchw")
        .unwrap_or_else(|| panic!("bench's worker in Desk: {desk}"));
    assert_eq!(worker["status"], "busy", "{desk}");
    assert_eq!(worker["current_job_id"], sleeper.as_str(), "{desk}");
    // Frappe reads the result back.
    assert_eq!(lab.desk(&["job", &pings[0]])["result"], "pong");
    // The failure reached Frappe's Error Log, as under Frappe's own worker.
    let errors = lab.desk(&["errors"]);
    assert!(
        errors
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["method"] == "frappe.ping"
                && e["error"].as_str().unwrap_or("").contains("bogus")),
        "{errors}"
    );
    bench(&env).args(["jobs", "stop", &sleeper]).ok();
    wait_for(20.0, "the sleeper to stop", || {
        env.status(&sleeper) == "stopped"
    });
    signal(&w, nix::sys::signal::Signal::SIGTERM);
    assert_eq!(wait_exit(&mut w, 30.0), Some(0));
}

#[test]
fn bench_enqueue_writes_what_frappe_enqueue_writes_and_frappes_worker_runs_it() {
    let (_turn, lab, env) = lab_env("");
    let theirs = lab
        .frappe_enqueue(&["frappe.ping", "-q", "short"])
        .remove(0);
    let ours = bench(&env)
        .args([
            "--site",
            &lab.site,
            "enqueue",
            "frappe.ping",
            "--queue",
            "short",
        ])
        .ok()
        .stdout()
        .trim()
        .to_owned();
    assert!(ours.starts_with(&format!("{}::", lab.site)), "{ours}");
    let fields = |id: &str| -> HashMap<String, Vec<u8>> {
        env.conn().hgetall(format!("rq:job:{id}")).unwrap()
    };
    let (a, b) = (fields(&theirs), fields(&ours));
    let mut ka: Vec<&String> = a.keys().collect();
    let mut kb: Vec<&String> = b.keys().collect();
    ka.sort();
    kb.sort();
    assert_eq!(ka, kb, "the same fields");
    for (k, v) in &a {
        if ["created_at", "enqueued_at", "data"].contains(&k.as_str()) {
            continue;
        }
        assert_eq!(
            String::from_utf8_lossy(v),
            String::from_utf8_lossy(&b[k]),
            "field {k}"
        );
    }
    // The call itself, decoded by Python.
    let decode = |id: &str| {
        lab.python(&[
            "-c",
            &format!(
                "import redis, zlib, pickle; r = redis.Redis.from_url({:?}); print(repr(pickle.loads(zlib.decompress(r.hget('rq:job:{id}', 'data')))))",
                env.redis.url()
            ),
        ])
    };
    assert_eq!(decode(&theirs), decode(&ours));
    // Frappe's own worker runs bench's job as its own.
    lab.python(&[
        "-m",
        "frappe.utils.bench_helper",
        "frappe",
        "worker",
        "--queue",
        "short",
        "--burst",
    ]);
    for id in [&theirs, &ours] {
        let job = lab.desk(&["job", id]);
        assert_eq!(
            (job["status"].clone(), job["result"].clone()),
            ("finished".into(), "pong".into()),
            "{id}"
        );
    }
}

#[test]
fn bench_schedule_runs_the_apps_events_per_site_and_frappe_records_them() {
    let (_turn, lab, env) = lab_env("[scheduler]\ninterval = 1\nlease = 2\n");
    let out = bench(&env)
        .args(["setup", "hooks", "--from-frappe", "--yes"])
        .ok()
        .stdout();
    assert!(
        out.contains("Wrote the scheduler_events of frappe"),
        "{out}"
    );
    let all_event = "frappe.email.queue.flush";
    let before = lab.desk(&["scheduled", all_event])["last_execution"].clone();
    let mut s = bench(&env).args(["schedule"]).spawn(env.dir.path(), "s");
    let mut w = bench(&env)
        .args(["worker", "-n", "2"])
        .spawn(env.dir.path(), "w");
    let id = format!("{}::scheduled_job::{all_event}", lab.site);
    wait_for(60.0, "the `all` event to run for the site", || {
        env.status(&id) == "finished"
    });
    // Frappe's Scheduled Job Type saw it run.
    let after = lab.desk(&["scheduled", all_event])["last_execution"].clone();
    assert_ne!(before, after, "last_execution moved");
    // An hourly event, triggered now, is logged in Frappe's Scheduled Job Log.
    let hourly = "frappe.model.utils.link_count.update_link_count";
    let triggered = bench(&env)
        .args(["--site", &lab.site, "schedule", "trigger", hourly])
        .ok()
        .stdout();
    assert_eq!(
        triggered.trim(),
        format!("{}::scheduled_job::{hourly}", lab.site)
    );
    wait_for(60.0, "the hourly event's run", || {
        lab.desk(&["scheduled", hourly])["logs"]
            .as_array()
            .is_some_and(|l| l.iter().any(|e| e["status"] == "Complete"))
    });
    let list = bench(&env).args(["schedule", "list"]).ok().stdout();
    assert!(
        list.contains(&lab.site) && list.contains(all_event),
        "{list}"
    );
    for p in [&mut s, &mut w] {
        signal(p, nix::sys::signal::Signal::SIGTERM);
        assert_eq!(wait_exit(p, 30.0), Some(0));
    }
}

/// Takes the lab's common_site_config.json back to how it was, however the test ends:
/// the lab is shared, and `use_rq_auth` left on would change every later test.
struct RestoreConfig(std::path::PathBuf, Vec<u8>);

impl Drop for RestoreConfig {
    fn drop(&mut self) {
        let _ = std::fs::write(&self.0, &self.1);
    }
}

#[test]
fn frappes_rq_users_run_frappe_jobs_on_bench_as_the_benchs_user() {
    let (_turn, lab, env) = lab_env("");
    let common = lab.sites.join("common_site_config.json");
    let _restore = RestoreConfig(common.clone(), std::fs::read(&common).unwrap());
    // Frappe's own `bench create-rq-users --use-rq-auth`: it writes the ACL file for
    // redis_queue and the bench user's credentials into common_site_config.json.
    lab.python(&[
        "-c",
        "from frappe.commands.redis_utils import create_rq_users as c; c.callback(set_admin_password=False, use_rq_auth=True)",
    ]);
    let acl = std::fs::read_to_string(lab.bench.join("config/redis_queue.acl")).unwrap();
    let line = acl
        .lines()
        .find(|l| l.starts_with(&format!("user {} ", lab.bench_id)))
        .unwrap_or_else(|| panic!("no bench user in {acl}"));
    let mut setuser = redis::cmd("ACL");
    setuser.arg("SETUSER");
    for part in line.split_whitespace().skip(1) {
        setuser.arg(part);
    }
    let _: () = setuser.query(&mut env.conn()).unwrap();

    // Frappe enqueues as that user; bench's worker runs the jobs as that user too.
    let pings = lab.frappe_enqueue(&["frappe.ping", "-n", "2", "-q", "short"]);
    let mut w = bench(&env)
        .args(["worker", "--name", "aclw"])
        .spawn(env.dir.path(), "w");
    wait_for(60.0, "Frappe's jobs to finish on bench", || {
        pings.iter().all(|id| env.status(id) == "finished")
    });
    let mut c = env.conn();
    let me: i64 = redis::cmd("CLIENT").arg("ID").query(&mut c).unwrap();
    let clients: String = redis::cmd("CLIENT").arg("LIST").query(&mut c).unwrap();
    let others: Vec<&str> = clients
        .lines()
        .filter(|l| !l.starts_with(&format!("id={me} ")))
        .collect();
    assert!(
        !others.is_empty()
            && others
                .iter()
                .all(|l| l.contains(&format!(" user={} ", lab.bench_id))),
        "every connection of the worker is the bench's user:\n{clients}"
    );
    assert_eq!(lab.desk(&["job", &pings[0]])["result"], "pong");
    signal(&w, nix::sys::signal::Signal::SIGTERM);
    assert_eq!(wait_exit(&mut w, 30.0), Some(0));
    let log = std::fs::read_to_string(env.dir.path().join("w.err")).unwrap();
    assert!(log.contains("may not run PUBLISH, SUBSCRIBE"), "{log}");
}
