//! `bench dashboard` over HTTP on a real redis-server: every page, every action (and
//! that each lands in Redis as the CLI's would), the token, read-only mode, escaping
//! of hostile job data, and `/metrics` read by Prometheus' own Python parser.

use redis::Commands;
use serde_json::json;

use crate::harness::bench::Proc;
use crate::harness::{Env, python, wait_for};

/// A running dashboard and an HTTP client that reports every status and follows no
/// redirect, so tests see what the server said.
pub struct Dash {
    _proc: Proc,
    pub base: String,
    agent: ureq::Agent,
}

/// One response: status, `Location` and `Set-Cookie` if any, body.
pub struct Got {
    pub status: u16,
    pub location: Option<String>,
    pub cookie: Option<String>,
    pub body: String,
}

impl Dash {
    pub fn start(env: &Env, args: &[&str]) -> Dash {
        let name = format!("dash{}", args.len());
        let proc = env
            .bench()
            .args(["dashboard", "--bind", "127.0.0.1:0"])
            .args(args)
            .spawn(env.dir.path(), &name);
        let err = env.path(&format!("{name}.err"));
        let mut base = String::new();
        wait_for(20.0, "the dashboard's address", || {
            let text = std::fs::read_to_string(&err).unwrap_or_default();
            match text
                .lines()
                .find_map(|l| l.strip_prefix("Dashboard on "))
                .and_then(|l| l.split_whitespace().next())
            {
                Some(url) => {
                    base = url.trim_end_matches('/').to_owned();
                    true
                }
                None => false,
            }
        });
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .build()
            .into();
        Dash {
            _proc: proc,
            base,
            agent,
        }
    }

    fn got(r: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Got {
        let mut r = r.expect("the dashboard answers");
        let header = |n: &str| {
            r.headers()
                .get(n)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let (location, cookie) = (header("location"), header("set-cookie"));
        Got {
            status: r.status().as_u16(),
            location,
            cookie,
            body: r.body_mut().read_to_string().unwrap_or_default(),
        }
    }

    pub fn get(&self, path: &str) -> Got {
        Self::got(self.agent.get(format!("{}{path}", self.base)).call())
    }

    pub fn get_with(&self, path: &str, header: (&str, &str)) -> Got {
        Self::got(
            self.agent
                .get(format!("{}{path}", self.base))
                .header(header.0, header.1)
                .call(),
        )
    }

    pub fn post(&self, path: &str, form: &[(&str, &str)]) -> Got {
        Self::got(
            self.agent
                .post(format!("{}{path}", self.base))
                .send_form(form.iter().copied()),
        )
    }

    pub fn post_with(&self, path: &str, form: &[(&str, &str)], header: (&str, &str)) -> Got {
        Self::got(
            self.agent
                .post(format!("{}{path}", self.base))
                .header(header.0, header.1)
                .send_form(form.iter().copied()),
        )
    }

    /// The CSRF token the pages' forms carry.
    pub fn csrf(&self) -> String {
        let page = self.get("/scheduler").body;
        let at = page
            .find("name=\"csrf\" value=\"")
            .expect("a form with its token");
        page[at + 19..].split('"').next().unwrap().to_owned()
    }
}

fn status(env: &Env, id: &str) -> Option<String> {
    env.conn().hget(format!("rq:job:{id}"), "status").unwrap()
}

#[test]
fn every_page_shows_what_the_cli_shows() {
    let env = Env::with_hooks(
        "[scheduler_events]\nhourly = [\"bench.noop\"]\n[queues.reports]\ntimeout = 900\n",
    );
    let done = env.enqueue(&["bench.echo", "--kwargs", r#"{"x": 1}"#]);
    let failed = env.enqueue(&["bench.fail", "--kwargs", r#"{"message": "kaput"}"#]);
    env.bench().args(["worker", "--burst"]).ok();
    let queued = env.enqueue(&["bench.noop", "--queue", "reports"]);
    let later = env.enqueue(&["bench.noop", "--in", "1h"]);
    // A worker busy with a long job: a started job and a busy worker to show.
    let running = env.enqueue(&["bench.sleep", "--kwargs", r#"{"seconds": 60}"#]);
    let _w = env
        .bench()
        .args(["worker", "--name", "w-busy", "--queue", "default"])
        .spawn(env.dir.path(), "w");
    wait_for(20.0, "the long job to start", || {
        status(&env, &running).as_deref() == Some("started")
    });
    let d = Dash::start(&env, &[]);

    let home = d.get("/");
    assert_eq!(home.status, 200);
    for want in [
        "reports",
        "/jobs?queue=default&amp;state=failed",
        "w-busy",
        "bench.noop",
        "hourly",
    ] {
        assert!(home.body.contains(want), "overview lacks {want}");
    }
    // Counts per queue and state, and the minute's throughput recorded by the worker.
    assert!(
        home.body
            .contains("<a href=\"/jobs?queue=reports&amp;state=queued\">1</a>"),
        "{}",
        home.body
    );
    assert!(home.body.contains("1 / 1"), "finished / failed last minute");

    let jobs = d.get("/jobs");
    assert_eq!(jobs.status, 200);
    for id in [&done, &failed, &queued, &later, &running] {
        assert!(jobs.body.contains(id.as_str()), "jobs lacks {id}");
    }
    let only_failed = d.get("/jobs?state=failed");
    assert!(only_failed.body.contains(&failed) && !only_failed.body.contains(&done));
    assert!(only_failed.body.contains("1 job matches"));
    let by_method = d.get("/jobs?method=bench.ec*");
    assert!(by_method.body.contains(&done) && !by_method.body.contains(&failed));
    assert_eq!(d.get("/jobs?state=nonsense").status, 400);
    assert_eq!(d.get("/jobs?older_than=300000y").status, 400);

    let job = d.get(&format!("/jobs/{failed}"));
    assert_eq!(job.status, 200);
    assert!(
        job.body.contains("Exception: kaput") && job.body.contains("bench.fail"),
        "{}",
        job.body
    );
    assert!(job.body.contains(&format!("/jobs/{failed}/retry")));
    let finished = d.get(&format!("/jobs/{done}"));
    assert!(finished.body.contains("&quot;x&quot;: 1") || finished.body.contains("\"x\": 1"));
    assert_eq!(d.get("/jobs/no-such-job").status, 404);

    let workers = d.get("/workers");
    assert!(
        workers.body.contains("w-busy")
            && workers.body.contains(&format!("/jobs/{running}"))
            && workers.body.contains("busy"),
        "{}",
        workers.body
    );
    let sched = d.get("/scheduler");
    assert!(sched.body.contains("bench.noop") && sched.body.contains("0 * * * *"));
    assert!(sched.body.contains("/scheduler/pause"));

    let css = d.get("/assets/style.css");
    assert_eq!(css.status, 200);
    assert!(d.get("/assets/live.js").body.contains("DOMParser"));
    assert_eq!(d.get("/nope").status, 404);
}

#[test]
fn pages_stay_paged_over_many_jobs() {
    let env = Env::new();
    let lines: String = (0..230)
        .map(|i| format!("{{\"method\": \"bench.noop\", \"job_id\": \"p{i:03}\"}}\n"))
        .collect();
    env.bench()
        .args(["enqueue", "--from-file", "-"])
        .stdin(lines)
        .ok();
    let d = Dash::start(&env, &[]);
    let first = d.get("/jobs");
    assert!(first.body.contains("p000") && first.body.contains("p049"));
    assert!(!first.body.contains("p050"));
    assert!(first.body.contains("page 1 of 5"));
    let third = d.get("/jobs?page=3");
    assert!(third.body.contains("p100") && third.body.contains("p149"));
    assert!(!third.body.contains("p099") && !third.body.contains("p150"));
    let last = d.get("/jobs?page=5");
    assert!(last.body.contains("p229") && last.body.contains("showing 201–230"));
    let newest = d.get("/jobs?sort=newest&page=2");
    assert_eq!(newest.status, 200);
}

#[test]
fn actions_change_jobs_as_the_cli_commands_do() {
    let env = Env::with_hooks("[scheduler_events]\nhourly = [\"bench.noop\"]\n");
    let failed: Vec<String> = (0..3)
        .map(|i| {
            env.enqueue(&[
                "bench.fail",
                "--kwargs",
                &json!({ "message": format!("f{i}") }).to_string(),
            ])
        })
        .collect();
    let done = env.enqueue(&["bench.noop"]);
    env.bench().args(["worker", "--burst"]).ok();
    let queued = env.enqueue(&["bench.noop"]);
    let d = Dash::start(&env, &[]);
    let csrf = d.csrf();

    // One job at a time.
    let r = d.post(&format!("/jobs/{}/retry", failed[0]), &[("csrf", &csrf)]);
    assert_eq!(r.status, 303, "{}", r.body);
    assert!(r.location.unwrap().contains("done=requeued"));
    assert_eq!(status(&env, &failed[0]).as_deref(), Some("queued"));
    let r = d.post(&format!("/jobs/{queued}/cancel"), &[("csrf", &csrf)]);
    assert_eq!(r.status, 303);
    assert_eq!(status(&env, &queued).as_deref(), Some("canceled"));
    let r = d.post(&format!("/jobs/{done}/delete"), &[("csrf", &csrf)]);
    assert_eq!(r.status, 303);
    assert_eq!(status(&env, &done), None);
    assert!(
        !env.conn()
            .exists::<_, bool>(format!("rq:results:{done}"))
            .unwrap()
    );
    // A refused change says why, and changes nothing.
    let r = d.post(&format!("/jobs/{}/stop", failed[1]), &[("csrf", &csrf)]);
    assert_eq!(r.status, 409);
    assert!(r.body.contains("not running"), "{}", r.body);

    // Forged or foreign forms change nothing.
    let r = d.post(&format!("/jobs/{}/retry", failed[1]), &[("csrf", "forged")]);
    assert_eq!(r.status, 403);
    let r = d.post_with(
        &format!("/jobs/{}/retry", failed[1]),
        &[("csrf", &csrf)],
        ("Sec-Fetch-Site", "cross-site"),
    );
    assert_eq!(r.status, 403);
    assert_ne!(
        d.post(&format!("/jobs/{}/retry", failed[1]), &[]).status,
        303
    );
    assert_eq!(status(&env, &failed[1]).as_deref(), Some("failed"));

    // The selection: a confirmation with the count, then the change.
    let confirm = d.get("/selection/confirm?action=retry&state=failed");
    assert_eq!(confirm.status, 200);
    assert!(confirm.body.contains("Requeue 2 jobs"), "{}", confirm.body);
    let r = d.post("/selection/retry", &[("csrf", &csrf), ("state", "failed")]);
    assert_eq!(r.status, 303);
    assert!(r.location.unwrap().contains("n=2"));
    for id in &failed[1..] {
        assert_eq!(status(&env, id).as_deref(), Some("queued"));
    }
    let confirm = d.get("/selection/confirm?action=purge&state=queued");
    assert!(confirm.body.contains("Delete 3 jobs"), "{}", confirm.body);
    let r = d.post("/selection/purge", &[("csrf", &csrf), ("state", "queued")]);
    assert_eq!(r.status, 303);
    assert_eq!(env.conn().llen::<_, i64>("rq:queue:default").unwrap(), 0);
    assert_eq!(
        d.get("/selection/confirm?action=purge&state=started")
            .status,
        400
    );

    // The scheduler's pause flag, as `bench schedule pause` sets it.
    let r = d.post("/scheduler/pause", &[("csrf", &csrf)]);
    assert_eq!(r.status, 303);
    let out = env.bench().args(["schedule", "status"]).ok().stdout();
    assert!(out.contains("paused"), "{out}");
    d.post("/scheduler/resume", &[("csrf", &csrf)]);
    let out = env.bench().args(["schedule", "status"]).ok().stdout();
    assert!(out.contains("active"), "{out}");
}

#[test]
fn a_running_job_is_stopped_through_its_worker() {
    let env = Env::new();
    let id = env.enqueue(&["bench.sleep", "--kwargs", r#"{"seconds": 60}"#]);
    let _w = env.bench().args(["worker"]).spawn(env.dir.path(), "w");
    wait_for(20.0, "the job to start", || {
        status(&env, &id).as_deref() == Some("started")
    });
    let d = Dash::start(&env, &[]);
    let page = d.get(&format!("/jobs/{id}"));
    assert!(page.body.contains(&format!("/jobs/{id}/stop")));
    assert!(!page.body.contains(&format!("/jobs/{id}/delete")));
    let r = d.post(&format!("/jobs/{id}/stop"), &[("csrf", &d.csrf())]);
    assert_eq!(r.status, 303, "{}", r.body);
    wait_for(20.0, "the job to be stopped", || {
        status(&env, &id).as_deref() == Some("stopped")
    });
}

#[test]
fn read_only_offers_and_allows_no_action() {
    let env = Env::new();
    let id = env.enqueue(&["bench.fail"]);
    env.bench().args(["worker", "--burst"]).ok();
    let d = Dash::start(&env, &["--read-only"]);
    let page = d.get(&format!("/jobs/{id}"));
    assert_eq!(page.status, 200);
    assert!(
        !page.body.contains("<form method=\"post\""),
        "{}",
        page.body
    );
    assert!(!page.body.contains("csrf"));
    let r = d.post(&format!("/jobs/{id}/retry"), &[("csrf", "x")]);
    assert_eq!(r.status, 403);
    assert_eq!(status(&env, &id).as_deref(), Some("failed"));
    assert!(!d.get("/jobs?state=failed").body.contains("Retry these"));
}

#[test]
fn a_token_guards_every_request_and_open_binds_need_one() {
    let env = Env::new();
    let out = env
        .bench()
        .args(["dashboard", "--bind", "0.0.0.0:0"])
        .run()
        .code(2)
        .stderr();
    assert!(out.contains("without a token"), "{out}");
    let out = env
        .bench()
        .args(["dashboard", "--token", "short"])
        .run()
        .code(2)
        .stderr();
    assert!(out.contains("at least 16"), "{out}");

    let token = "0123456789abcdef0123";
    let d = Dash::start(&env, &["--token", token]);
    for path in ["/", "/jobs", "/metrics", "/assets/style.css", "/workers"] {
        assert_eq!(d.get(path).status, 401, "{path}");
    }
    assert_eq!(
        d.get_with("/", ("Authorization", "Bearer wrong-wrong-wrong"))
            .status,
        401
    );
    let bearer = format!("Bearer {token}");
    assert_eq!(
        d.get_with("/metrics", ("Authorization", &bearer)).status,
        200
    );
    // Once by query: a cookie, and the same page without the token in its address.
    let r = d.get(&format!("/jobs?state=failed&token={token}"));
    assert_eq!(r.status, 303);
    assert_eq!(r.location.as_deref(), Some("/jobs?state=failed"));
    let cookie = r.cookie.unwrap();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"));
    let pair = cookie.split(';').next().unwrap().to_owned();
    assert_eq!(d.get_with("/jobs", ("Cookie", &pair)).status, 200);
    assert_eq!(d.get(&format!("/?token={token}x")).status, 401);
}

#[test]
fn hostile_job_data_is_shown_as_text() {
    let env = Env::new();
    let evil = "<script>alert('kwargs')</script>";
    let id = env.enqueue(&[
        "bench.fail",
        "--kwargs",
        &json!({ "message": "<img src=x onerror=alert(1)>", "x": evil }).to_string(),
        "--description",
        "<b onmouseover=alert(2)>desc</b>",
    ]);
    env.bench().args(["worker", "--burst"]).ok();
    // A job written by hand: a method and origin no one would type.
    let mut c = env.conn();
    let _: () = c
        .hset_multiple(
            "rq:job:handmade",
            &[
                ("status", "failed"),
                ("origin", "default"),
                ("description", "<script>alert(3)</script>"),
                ("data", "not zlib <script>alert(4)</script>"),
            ],
        )
        .unwrap();
    let _: () = c.zadd("rq:failed:default", "handmade", "+inf").unwrap();
    let d = Dash::start(&env, &[]);
    for path in [
        format!("/jobs/{id}"),
        "/jobs/handmade".to_owned(),
        "/jobs?state=failed".to_owned(),
        "/".to_owned(),
    ] {
        let page = d.get(&path);
        assert_eq!(page.status, 200, "{path}");
        for raw in ["<script>alert", "<img src=x", "<b onmouseover"] {
            assert!(!page.body.contains(raw), "{path} holds raw {raw}");
        }
    }
    let page = d.get(&format!("/jobs/{id}")).body;
    assert!(
        page.contains("&lt;img src=x onerror=alert(1)&gt;"),
        "{page}"
    );
    assert!(page.contains("&lt;script&gt;alert("));
    let r = d.get("/");
    assert!(r.body.contains("<html lang=\"en\">"));
}

#[test]
fn frappe_jobs_show_their_method_site_and_event() {
    let env = Env::with_hooks("");
    let sites = env.path("sites");
    std::fs::create_dir_all(sites.join("a.local")).unwrap();
    std::fs::write(sites.join("a.local/site_config.json"), "{}").unwrap();
    std::fs::write(
        sites.join("common_site_config.json"),
        json!({"redis_queue": env.redis.url()}).to_string(),
    )
    .unwrap();
    env.write_hooks("[frappe]\nsites_path = \"sites\"\n");
    let out = env
        .bench()
        .args([
            "--site",
            "a.local",
            "enqueue",
            "my_app.tasks.send_mail",
            "--event",
            "daily",
            "--json",
        ])
        .ok()
        .stdout();
    let id = serde_json::from_str::<serde_json::Value>(out.trim()).unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let d = Dash::start(&env, &[]);
    let list = d.get("/jobs?site=a.local").body;
    assert!(
        list.contains("my_app.tasks.send_mail")
            && list.contains("a.local")
            && list.contains("[daily]"),
        "{list}"
    );
    let job = d.get(&format!("/jobs/{id}")).body;
    assert!(job.contains("a.local") && job.contains("my_app.tasks.send_mail"));
}

/// Metric families as prometheus_client, the Prometheus project's own Python client,
/// parses them (it refuses anything the text format does not allow): name to type and
/// samples `[name, labels, value]`.
fn parse_metrics(env: &Env, text: &str) -> serde_json::Value {
    let path = env.path("metrics.txt");
    std::fs::write(&path, text).unwrap();
    let out = python::code(&format!(
        r#"
import json
from prometheus_client.parser import text_string_to_metric_families
families = {{}}
for f in text_string_to_metric_families(open({:?}).read()):
    families[f.name] = {{"type": f.type, "samples": [[s.name, s.labels, s.value] for s in f.samples]}}
print(json.dumps(families))
"#,
        path.display().to_string()
    ));
    assert!(
        out.status.success(),
        "{}\n{text}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The value of the sample of `family` whose labels include `labels`.
fn sample(families: &serde_json::Value, family: &str, labels: serde_json::Value) -> f64 {
    families[family]["samples"]
        .as_array()
        .unwrap_or_else(|| panic!("no family {family}: {families}"))
        .iter()
        .find(|s| {
            labels
                .as_object()
                .unwrap()
                .iter()
                .all(|(k, v)| s[1][k] == *v)
        })
        .unwrap_or_else(|| panic!("no {family} {labels}"))[2]
        .as_f64()
        .unwrap()
}

#[test]
fn a_worker_serves_its_own_counters_and_durations() {
    let env = Env::new();
    let out = env
        .bench()
        .args(["worker", "--metrics-bind", "0.0.0.0:0"])
        .run()
        .code(2)
        .stderr();
    assert!(out.contains("without a token"), "{out}");
    let _w = env
        .bench()
        .args(["worker", "--name", "m2", "--metrics-bind", "127.0.0.1:0"])
        .spawn(env.dir.path(), "w");
    for _ in 0..3 {
        env.enqueue(&["bench.noop"]);
    }
    env.enqueue(&["bench.fail"]);
    let mut url = String::new();
    wait_for(20.0, "the metrics address", || {
        let log = std::fs::read_to_string(env.path("w.out")).unwrap_or_default();
        match log.lines().find_map(|l| l.split("Metrics on ").nth(1)) {
            Some(u) => {
                url = u.trim().to_owned();
                true
            }
            None => false,
        }
    });
    let read = || {
        ureq::get(&url)
            .call()
            .ok()
            .and_then(|mut r| r.body_mut().read_to_string().ok())
            .unwrap_or_default()
    };
    wait_for(20.0, "four runs counted", || {
        read()
            .contains("bench_worker_job_duration_seconds_count{worker=\"m2\",queue=\"default\"} 4")
    });
    let f = parse_metrics(&env, &read());
    assert_eq!(
        sample(&f, "bench_worker_jobs_started", json!({"worker": "m2"})),
        4.0
    );
    assert_eq!(
        sample(
            &f,
            "bench_worker_jobs_ended",
            json!({"queue": "default", "outcome": "finished"})
        ),
        3.0
    );
    assert_eq!(
        sample(
            &f,
            "bench_worker_jobs_ended",
            json!({"queue": "default", "outcome": "failed"})
        ),
        1.0
    );
    assert_eq!(f["bench_worker_job_duration_seconds"]["type"], "histogram");
    assert_eq!(sample(&f, "bench_worker_jobs_running", json!({})), 0.0);
    assert_eq!(sample(&f, "bench_worker_jobs_held", json!({})), 0.0);
    assert_eq!(sample(&f, "bench_worker_redis_up", json!({})), 1.0);
}

#[test]
fn metrics_read_by_prometheus_own_parser() {
    let env = Env::with_hooks("[scheduler_events]\nhourly = [\"bench.noop\"]\n");
    for _ in 0..3 {
        env.enqueue(&["bench.noop"]);
    }
    env.enqueue(&["bench.fail"]);
    env.bench().args(["worker", "--burst", "--name", "m1"]).ok();
    env.enqueue(&["bench.noop", "--queue", "long"]);
    let d = Dash::start(&env, &[]);
    let text = d.get("/metrics").body;
    let families = parse_metrics(&env, &text);
    assert_eq!(families["bench_jobs"]["type"], "gauge");
    assert_eq!(
        sample(
            &families,
            "bench_jobs",
            json!({"queue": "default", "state": "finished"})
        ),
        3.0
    );
    assert_eq!(
        sample(
            &families,
            "bench_jobs",
            json!({"queue": "long", "state": "queued"})
        ),
        1.0
    );
    // The parser names counters without `_total`; their samples keep it.
    assert_eq!(families["bench_jobs_finished"]["type"], "counter");
    assert_eq!(
        sample(
            &families,
            "bench_jobs_finished",
            json!({"queue": "default"})
        ),
        3.0
    );
    assert_eq!(
        sample(&families, "bench_jobs_failed", json!({"queue": "default"})),
        1.0
    );
    assert_eq!(sample(&families, "bench_scheduler_up", json!({})), 0.0);
    assert_eq!(sample(&families, "bench_scheduler_paused", json!({})), 0.0);
    assert!(
        sample(
            &families,
            "bench_queue_oldest_job_age_seconds",
            json!({"queue": "long"})
        ) >= 0.0
    );
}

/// A chromedriver on a free port, stopped when dropped.
struct Driver {
    child: std::process::Child,
    url: String,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn driver() -> Driver {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = std::process::Command::new("chromedriver")
        .arg(format!("--port={port}"))
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("chromedriver runs (Debian: apt-get install chromium chromium-driver; .ci/run installs it)");
    let url = format!("http://127.0.0.1:{port}");
    wait_for(20.0, "chromedriver to listen", || {
        std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
    });
    Driver { child, url }
}

/// Where the browser test leaves its screenshots.
fn shots() -> std::path::PathBuf {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("dashboard-screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn in_a_real_browser_a_failed_job_is_opened_and_retried() {
    let env = Env::new();
    let failed = env.enqueue(&["bench.fail", "--kwargs", r#"{"message": "<i>broken</i>"}"#]);
    env.enqueue(&["bench.noop"]);
    env.bench().args(["worker", "--burst"]).ok();
    let d = Dash::start(&env, &[]);
    let chrome = driver();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let dir = shots();
    rt.block_on(async {
        use fantoccini::{ClientBuilder, Locator};
        // chromedriver speaks plain HTTP, but the client is built with rustls, which
        // wants one crypto provider chosen.
        let _ = rustls::crypto::ring::default_provider().install_default();
        let mut caps = serde_json::Map::new();
        caps.insert(
            "goog:chromeOptions".into(),
            json!({"args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1300,1000"]}),
        );
        let c = ClientBuilder::rustls()
            .unwrap()
            .capabilities(caps)
            .connect(&chrome.url)
            .await
            .expect("a chromium session");
        let save = |name: &'static str, png: Vec<u8>| {
            std::fs::write(dir.join(name), png).unwrap();
        };

        c.goto(&format!("{}/", d.base)).await.unwrap();
        // The script ran under the page's CSP: it reveals the live-refresh switch.
        let live = c.wait().for_element(Locator::Css("#live")).await.unwrap();
        assert!(live.is_displayed().await.unwrap(), "live refresh script did not run");
        save("1-overview.png", c.screenshot().await.unwrap());

        // Overview -> the failed jobs of the default queue -> the job.
        c.find(Locator::Css("a[href='/jobs?queue=default&state=failed']"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        let link = c
            .wait().for_element(Locator::LinkText(&failed))
            .await
            .unwrap();
        save("2-failed-jobs.png", c.screenshot().await.unwrap());
        link.click().await.unwrap();
        c.wait().for_element(Locator::Css("pre.traceback")).await.unwrap();
        let page = c.source().await.unwrap();
        assert!(page.contains("&lt;i&gt;broken&lt;/i&gt;"), "{page}");
        save("3-failed-job.png", c.screenshot().await.unwrap());

        // Retry, and the page says so.
        c.find(Locator::XPath("//button[normalize-space()='Retry']"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        let flash = c.wait().for_element(Locator::Css("p.flash")).await.unwrap();
        assert!(flash.text().await.unwrap().contains("Requeued 1 job"));
        let badge = c.find(Locator::Css("h1 .status")).await.unwrap();
        assert_eq!(badge.text().await.unwrap(), "queued");
        save("4-retried.png", c.screenshot().await.unwrap());

        // Live refresh: a change in Redis reaches the open page without a reload.
        c.goto(&format!("{}/jobs?state=queued", d.base)).await.unwrap();
        c.wait().for_element(Locator::LinkText(&failed)).await.unwrap();
        let late = env.enqueue(&["bench.noop", "--job-id", "arrived-later"]);
        c.wait()
            .at_most(std::time::Duration::from_secs(15))
            .for_element(Locator::LinkText(&late))
            .await
            .expect("the page refreshed itself");
        save("5-live.png", c.screenshot().await.unwrap());
        c.close().await.unwrap();
    });
    assert_eq!(status(&env, &failed).as_deref(), Some("queued"));
    eprintln!("screenshots in {}", dir.display());
}
