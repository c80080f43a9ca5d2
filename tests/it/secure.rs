//! Managed Redis: TLS with a private CA and client certificates against a real
//! redis-server started with `--tls-port`, and a Redis user restricted to exactly the
//! ACL rule `bench doctor --acl` prints.

use std::path::Path;
use std::process::{Child, Command, Stdio};

use redis::Commands;
use serde_json::json;

use crate::harness::{Env, wait_for};

fn openssl(dir: &Path, args: &[&str]) {
    let out = Command::new("openssl")
        .current_dir(dir)
        .args(args)
        .output()
        .expect("openssl runs");
    assert!(
        out.status.success(),
        "openssl {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A self-signed CA certificate `<name>.crt` with its key `<name>.key`.
fn certificate_authority(dir: &Path, name: &str, subject: &str) {
    let (key, crt) = (format!("{name}.key"), format!("{name}.crt"));
    openssl(
        dir,
        &[
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", &key, "-out", &crt,
            "-subj", subject, "-days", "2",
        ],
    );
}

/// A CA, a server certificate for 127.0.0.1 and a client certificate, in `dir`, and
/// a second CA that signed nothing.
fn certificates(dir: &Path) {
    certificate_authority(dir, "ca", "/CN=bench test CA");
    certificate_authority(dir, "other", "/CN=another CA");
    std::fs::write(
        dir.join("server.ext"),
        "subjectAltName=IP:127.0.0.1,DNS:localhost\n",
    )
    .unwrap();
    std::fs::write(dir.join("client.ext"), "extendedKeyUsage=clientAuth\n").unwrap();
    for name in ["server", "client"] {
        let (key, csr, crt) = (
            format!("{name}.key"),
            format!("{name}.csr"),
            format!("{name}.crt"),
        );
        openssl(
            dir,
            &[
                "req",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-keyout",
                &key,
                "-out",
                &csr,
                "-subj",
                &format!("/CN={name}"),
            ],
        );
        // Extensions make them X.509 v3 certificates, the only version rustls takes.
        let ext = format!("{name}.ext");
        openssl(
            dir,
            &[
                "x509",
                "-req",
                "-in",
                &csr,
                "-CA",
                "ca.crt",
                "-CAkey",
                "ca.key",
                "-CAcreateserial",
                "-out",
                &crt,
                "-days",
                "2",
                "-extfile",
                &ext,
            ],
        );
    }
}

/// A redis-server that speaks only TLS and wants client certificates, killed on drop.
struct TlsRedis {
    child: Child,
    port: u16,
}

impl Drop for TlsRedis {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn tls_redis(dir: &Path) -> TlsRedis {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new("redis-server")
        .current_dir(dir)
        .args([
            "--port",
            "0",
            "--bind",
            "127.0.0.1",
            "--tls-port",
            &port.to_string(),
        ])
        .args([
            "--tls-cert-file",
            "server.crt",
            "--tls-key-file",
            "server.key",
        ])
        .args(["--tls-ca-cert-file", "ca.crt", "--tls-auth-clients", "yes"])
        .args(["--save", "", "--appendonly", "no", "--dir"])
        .arg(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("redis-server runs");
    wait_for(10.0, "the TLS port", || {
        std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
    });
    TlsRedis { child, port }
}

#[test]
fn tls_with_a_private_ca_and_a_client_certificate() {
    let env = Env::new();
    let certs = env.path("certs");
    std::fs::create_dir_all(&certs).unwrap();
    certificates(&certs);
    let server = tls_redis(&certs);
    let url = format!("rediss://127.0.0.1:{}/0", server.port);
    let hooks = |ca: &str, client: bool| {
        let mut h = format!("[redis]\nurl = \"{url}\"\nca_file = \"certs/{ca}\"\n");
        if client {
            h.push_str("cert_file = \"certs/client.crt\"\nkey_file = \"certs/client.key\"\n");
        }
        h
    };
    let bench = || env.bench().env_remove("BENCH_REDIS_URL");

    env.write_hooks(&hooks("ca.crt", true));
    let id = bench()
        .args(["enqueue", "bench.echo", "--kwargs", r#"{"over": "tls"}"#])
        .ok()
        .stdout()
        .trim()
        .to_owned();
    bench().args(["worker", "--burst"]).ok();
    let shown = bench().args(["jobs", "show", &id, "--json"]).ok().stdout();
    let shown: serde_json::Value = serde_json::from_str(&shown).unwrap();
    assert_eq!(shown["status"], "finished");
    assert_eq!(shown["results"][0]["return_value"], json!({"over": "tls"}));
    bench().args(["doctor"]).run();

    // The server asks for a client certificate: without one it hangs up.
    env.write_hooks(&hooks("ca.crt", false));
    let err = bench().args(["jobs", "stats"]).run().code(1).stderr();
    assert!(
        err.contains("cannot reach Redis at rediss://127.0.0.1") || err.contains("broken pipe"),
        "{err}"
    );
    // A CA that did not sign the server's certificate is not trusted.
    env.write_hooks(&hooks("other.crt", true));
    let err = bench().args(["jobs", "stats"]).run().code(1).stderr();
    assert!(err.contains("cannot reach Redis"), "{err}");
    // TLS files with a plain URL, a missing file, a certificate without its key.
    env.write_hooks(&format!(
        "[redis]\nurl = \"redis://127.0.0.1:{}/0\"\nca_file = \"certs/ca.crt\"\n",
        server.port
    ));
    let err = bench().args(["jobs", "stats"]).run().code(1).stderr();
    assert!(err.contains("not a rediss:// URL"), "{err}");
    env.write_hooks("[redis]\nca_file = \"certs/nope.crt\"\n");
    let err = bench().args(["jobs", "stats"]).run().code(2).stderr();
    assert!(
        err.contains("redis.ca_file") && err.contains("nope.crt"),
        "{err}"
    );
    env.write_hooks("[redis]\ncert_file = \"certs/client.crt\"\n");
    let err = bench().args(["jobs", "stats"]).run().code(2).stderr();
    assert!(err.contains("cert_file and key_file"), "{err}");
}

/// Makes a user with `rule` on the env's Redis and returns its URL.
fn user(env: &Env, name: &str, rule: &str) -> String {
    let mut c = env.conn();
    let mut cmd = redis::cmd("ACL");
    cmd.arg("SETUSER").arg(name).arg("on").arg(">pw-for-tests");
    for part in rule.split_whitespace() {
        cmd.arg(part);
    }
    let _: () = cmd.query(&mut c).unwrap();
    format!("redis://{name}:pw-for-tests@127.0.0.1:{}/0", env.redis.port)
}

#[test]
fn a_user_with_exactly_the_acl_rule_runs_every_command() {
    let env = Env::with_hooks(
        "[scheduler]\ninterval = 1\n[scheduler_events]\nall = [\"bench.noop\"]\nhourly = [\"bench.echo\"]\n",
    );
    let rule = env.bench().args(["doctor", "--acl"]).ok().stdout();
    assert!(rule.contains("~rq:*") && rule.contains("-@all"), "{rule}");
    let url = user(&env, "benchuser", rule.trim());
    let bench = || env.bench().env("BENCH_REDIS_URL", &url);
    let ok = |args: &[&str]| {
        let out = bench().args(args.iter().copied()).run();
        let text = format!("{}{}", out.stdout(), out.stderr());
        assert!(
            !text.contains("NOPERM") && !text.contains("lacks"),
            "bench {args:?}:\n{text}"
        );
        out
    };

    let id = ok(&["enqueue", "bench.echo", "--kwargs", r#"{"a": 1}"#])
        .stdout()
        .trim()
        .to_owned();
    ok(&["enqueue", "bench.fail", "--job-id", "will-fail"]);
    ok(&["enqueue", "bench.noop", "--in", "1h", "--job-id", "later"]);
    ok(&[
        "enqueue",
        "bench.noop",
        "--job-id",
        "named",
        "--job-name",
        "only-one",
    ]);
    bench()
        .args(["enqueue", "--from-file", "-"])
        .stdin("{\"method\": \"bench.noop\", \"job_id\": \"from-file\"}\n")
        .ok();
    ok(&["worker", "--burst", "-n", "2"]);
    assert_eq!(env.status(&id), "finished");
    assert_eq!(env.status("will-fail"), "failed");
    for args in [
        &["jobs", "list"][..],
        &["jobs", "list", "--status", "failed", "--json"],
        &["jobs", "show", &id],
        &["jobs", "stats"],
        &["jobs", "retry", "will-fail"],
        &["jobs", "cancel", "later"],
        &["jobs", "delete", "later"],
        &["jobs", "purge", "--status", "queued", "--yes"],
        &["schedule", "list"],
        &["schedule", "status"],
        &["schedule", "pause"],
        &["schedule", "resume"],
        &["schedule", "history", "bench.noop"],
        &["schedule", "trigger", "bench.echo"],
        &["doctor"],
    ] {
        ok(args);
    }
    // The long-running services: a scheduler that leads and fires, a worker that
    // listens for commands and stops a job, a dashboard and its metrics.
    let _s = bench().args(["schedule"]).spawn(env.dir.path(), "s");
    wait_for(20.0, "the scheduler to fire `all`", || {
        env.conn()
            .zcard::<_, i64>("rq:finished:default")
            .unwrap_or(0)
            > 0
            || env.conn().llen::<_, i64>("rq:queue:default").unwrap_or(0) > 0
    });
    let long = ok(&["enqueue", "bench.sleep", "--kwargs", r#"{"seconds": 60}"#])
        .stdout()
        .trim()
        .to_owned();
    let _w = bench().args(["worker"]).spawn(env.dir.path(), "w");
    wait_for(20.0, "the long job to start", || {
        env.status(&long) == "started"
    });
    ok(&["jobs", "stop", &long]);
    wait_for(20.0, "the job to stop", || env.status(&long) == "stopped");
    let _d = bench()
        .args(["dashboard", "--bind", "127.0.0.1:0"])
        .spawn(env.dir.path(), "d");
    let mut base = String::new();
    wait_for(20.0, "the dashboard", || {
        let text = std::fs::read_to_string(env.path("d.err")).unwrap_or_default();
        match text.lines().find_map(|l| l.strip_prefix("Dashboard on ")) {
            Some(u) => {
                base = u
                    .split_whitespace()
                    .next()
                    .unwrap()
                    .trim_end_matches('/')
                    .to_owned();
                true
            }
            None => false,
        }
    });
    for path in [
        "/",
        "/jobs",
        "/workers",
        "/scheduler",
        "/metrics",
        &format!("/jobs/{id}"),
    ] {
        let mut r = ureq::get(&format!("{base}{path}")).call().unwrap();
        let body = r.body_mut().read_to_string().unwrap();
        assert!(
            !body.contains("NOPERM") && !body.contains("lacks"),
            "{path}: {body}"
        );
    }
    for log in ["s.err", "w.err", "w.out", "s.out"] {
        let text = std::fs::read_to_string(env.path(log)).unwrap_or_default();
        assert!(
            !text.contains("NOPERM") && !text.contains("lacks"),
            "{log}:\n{text}"
        );
    }
}

#[test]
fn a_missing_permission_is_named_not_a_bare_noperm() {
    let env = Env::new();
    let id = env.enqueue(&["bench.noop"]);
    let rule = env.bench().args(["doctor", "--acl"]).ok().stdout();
    let url = user(&env, "short", &rule.trim().replace(" +hgetall", ""));
    let err = env
        .bench()
        .env("BENCH_REDIS_URL", &url)
        .args(["jobs", "show", &id])
        .run()
        .code(1)
        .stderr();
    assert!(
        err.contains("permission to run HGETALL") && err.contains("bench doctor --acl"),
        "{err}"
    );
    // A worker checks before it takes a job: one that may not write results refuses
    // to start, rather than stop halfway through recording a job.
    let url = user(&env, "noxadd", &rule.trim().replace(" +xadd", ""));
    let err = env
        .bench()
        .env("BENCH_REDIS_URL", &url)
        .args(["worker", "--burst"])
        .run()
        .code(1)
        .stderr();
    assert!(err.contains("may not run XADD"), "{err}");
    assert_eq!(env.status(&id), "queued", "no job was taken");
    let err = env
        .bench()
        .env("BENCH_REDIS_URL", &url)
        .args(["schedule"])
        .run()
        .code(1)
        .stderr();
    assert!(err.contains("may not run XADD"), "{err}");
    // doctor names every missing permission at once.
    let url = user(
        &env,
        "fewer",
        &rule.trim().replace(" +xadd", "").replace(" +zscan", ""),
    );
    let out = env
        .bench()
        .env("BENCH_REDIS_URL", &url)
        .args(["doctor"])
        .run()
        .code(1)
        .stdout();
    assert!(out.contains("may not run ZSCAN, XADD"), "{out}");
    let url = user(&env, "nosmembers", &rule.trim().replace(" +smembers", ""));
    let err = env
        .bench()
        .env("BENCH_REDIS_URL", &url)
        .args(["doctor"])
        .run()
        .code(1)
        .stderr();
    assert!(err.contains("permission to run SMEMBERS"), "{err}");
}

/// Frappe's `bench create-rq-users` user: its keys (`rq:[^q]*`, `rq:queues`, the
/// bench's own queues), every command but the admin ones, and on Redis 7 no channel.
const FRAPPE_RQ_RULE: &str =
    "resetkeys ~rq:[^q]* ~rq:queues ~rq:queue:fb:* resetchannels +@all -@admin";

#[test]
fn frappes_rq_user_runs_jobs_as_frappe_connects_with_it() {
    let env = Env::new();
    let with_password = user(&env, "fb", FRAPPE_RQ_RULE);
    let plain_url = env.redis.url();
    // Jobs come from a bench that writes as the admin user, to fb's queues.
    let plain = env.path("plain.toml");
    std::fs::write(&plain, "bench_id = \"fb\"\n").unwrap();
    let id = env
        .bench()
        .env("BENCH_CONFIG", plain.to_str().unwrap())
        .args(["enqueue", "bench.echo", "--kwargs", r#"{"a": 1}"#])
        .ok()
        .stdout()
        .trim()
        .to_owned();

    // The Frappe bench: redis_queue without credentials, use_rq_auth with the user
    // `bench create-rq-users` wrote into common_site_config.json.
    let sites = env.path("sites");
    std::fs::create_dir_all(sites.join("a.local")).unwrap();
    std::fs::write(sites.join("a.local/site_config.json"), "{}").unwrap();
    let common = |password: &str| {
        let conf = json!({"bench_id": "fb", "redis_queue": plain_url, "use_rq_auth": 1,
            "rq_username": "fb", "rq_password": password});
        std::fs::write(sites.join("common_site_config.json"), conf.to_string()).unwrap();
    };
    env.write_hooks("[frappe]\nsites_path = \"sites\"\n[python]\npreload = []\n");
    let frappe = || env.bench().env_remove("BENCH_REDIS_URL");

    common("not-the-password");
    let err = frappe().args(["jobs", "list"]).run().code(1).stderr();
    assert!(
        err.contains("refused user `fb`") && err.contains("rq_password"),
        "{err}"
    );
    common("pw-for-tests");
    let out = frappe().args(["worker", "--burst"]).ok();
    assert!(
        out.stdout().contains(&format!("Job OK ({id})")),
        "{}",
        out.stdout()
    );
    // The worker runs without the command channel, and says what that costs.
    assert!(
        out.stderr().contains("may not run PUBLISH, SUBSCRIBE")
            && out.stderr().contains("&rq:pubsub:*"),
        "{}",
        out.stderr()
    );
    assert_eq!(env.status(&id), "finished");
    let listed = frappe().args(["jobs", "list", "--status", "finished"]).ok();
    assert!(listed.stdout().contains(&id), "{}", listed.stdout());
    let doctor = frappe().arg_str("doctor").run().stdout();
    assert!(doctor.contains("bench jobs stop"), "{doctor}");
    assert!(
        !doctor.contains("ROLE"),
        "ROLE is asked only behind sentinels: {doctor}"
    );

    // Frappe's `bench worker -u USER -p PASSWORD`, for a Redis URL without them.
    let id = env
        .bench()
        .env("BENCH_CONFIG", plain.to_str().unwrap())
        .args(["enqueue", "bench.noop"])
        .ok()
        .stdout()
        .trim()
        .to_owned();
    let worker = |password: &str| {
        env.bench()
            .env("BENCH_CONFIG", plain.to_str().unwrap())
            .args(["worker", "--burst", "-u", "fb", "-p", password])
            .run()
    };
    let err = worker("nope").code(1).stderr();
    assert!(err.contains("refused user `fb`"), "{err}");
    assert_eq!(env.status(&id), "queued");
    worker("pw-for-tests").code(0);
    assert_eq!(env.status(&id), "finished");
    assert!(with_password.contains("fb:pw-for-tests@"));
}
