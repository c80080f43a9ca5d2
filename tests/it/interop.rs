use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::TestRunner;
use serde_json::{Value as Json, json};

use crate::harness::Env;
use crate::harness::python::{self, py_dir};

fn rq_job(env: &Env, id: &str, json_ser: bool) -> Json {
    let url = env.redis.url();
    let mut args = vec!["job", &url, id];
    if json_ser {
        args.push("--json");
    }
    let out = python::script("rq_tool.py", &args);
    serde_json::from_slice(&out.stdout).unwrap()
}

fn rq_burst(env: &Env, queue: &str, json_ser: bool) {
    let url = env.redis.url();
    let py = py_dir();
    let mut args = vec![
        "worker",
        "--burst",
        "-u",
        &url,
        "--path",
        py.to_str().unwrap(),
        "--name",
        "py-burst",
    ];
    if json_ser {
        args.extend(["--serializer", "json"]);
    }
    args.push(queue);
    let out = python::rq(&args);
    assert!(
        out.status.success(),
        "rq worker: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn python_rq_runs_jobs_bench_enqueued_with_pickle_and_json() {
    for (serializer, json_ser) in [("pickle", false), ("json", true)] {
        let env = Env::with_hooks(&format!("[redis]\nserializer = \"{serializer}\"\n"));
        let add = env
            .bench()
            .args([
                "enqueue",
                "tasks.add",
                "--kwargs",
                r#"{"a": 1, "b": 2, "c": 39}"#,
            ])
            .ok()
            .stdout();
        let echo = env
            .bench()
            .args([
                "enqueue",
                "tasks.echo",
                "--args",
                r#"[1, "two", [3.5]]"#,
                "--kwargs",
                r#"{"k": {"n": null}}"#,
            ])
            .ok()
            .stdout();
        let boom = env
            .bench()
            .args(["enqueue", "tasks.boom", "--kwargs", r#"{"msg": "kaput"}"#])
            .ok()
            .stdout();
        rq_burst(&env, "default", json_ser);

        let job = rq_job(&env, add.trim(), json_ser);
        assert_eq!(job["status"], "finished", "{serializer}: {job}");
        assert_eq!(job["return_value"], 42, "{serializer}");
        let job = rq_job(&env, echo.trim(), json_ser);
        assert_eq!(
            job["return_value"],
            json!({"args": [1, "two", [3.5]], "kwargs": {"k": {"n": null}}}),
            "{serializer}"
        );
        let job = rq_job(&env, boom.trim(), json_ser);
        assert_eq!(job["status"], "failed", "{serializer}");
        assert!(
            job["exc_string"]
                .as_str()
                .unwrap()
                .contains("ValueError: kaput"),
            "{serializer}: {job}"
        );
    }
}

#[test]
fn bench_lists_and_shows_jobs_python_rq_enqueued() {
    let env = Env::new();
    let url = env.redis.url();
    python::script(
        "rq_tool.py",
        &[
            "enqueue",
            &url,
            "default",
            "tasks.add",
            "--args",
            "[1, 2]",
            "--kwargs",
            r#"{"c": 3}"#,
            "--id",
            "py-1",
        ],
    );
    python::script(
        "rq_tool.py",
        &[
            "enqueue",
            &url,
            "default",
            "tasks.echo",
            "--kwargs",
            r#"{"n": 1}"#,
            "--id",
            "py-2",
            "--exotic",
        ],
    );
    python::script(
        "rq_tool.py",
        &[
            "enqueue",
            &url,
            "jq",
            "tasks.echo",
            "--args",
            r#"["j"]"#,
            "--id",
            "py-json",
            "--json",
        ],
    );

    let list = env.bench().args(["jobs", "list", "--json"]).ok().stdout();
    let jobs: Vec<Json> = list
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let by = |id: &str| {
        jobs.iter()
            .find(|j| j["id"] == id)
            .unwrap_or_else(|| panic!("{id} listed: {list}"))
            .clone()
    };
    assert_eq!(by("py-1")["method"], "tasks.add");
    assert_eq!(by("py-1")["status"], "queued");
    assert_eq!(by("py-json")["queue"], "jq");

    let show: Json = serde_json::from_str(
        &env.bench()
            .args(["jobs", "show", "py-1", "--json"])
            .ok()
            .stdout(),
    )
    .unwrap();
    assert_eq!(show["args"], json!([1, 2]));
    assert_eq!(show["kwargs"], json!({"c": 3}));
    assert_eq!(show["description"], "tasks.add(1, 2, c=3)");

    // Pickled datetimes and sets are shown, flagged, and never fail the command.
    let show: Json = serde_json::from_str(
        &env.bench()
            .args(["jobs", "show", "py-2", "--json"])
            .ok()
            .stdout(),
    )
    .unwrap();
    assert_eq!(show["kwargs"]["n"], 1);
    assert_eq!(show["kwargs"]["tags"], json!(["x"]));
    assert_eq!(show["kwargs"]["pair"], json!([1, 2]));
    assert!(
        show["error"].as_str().unwrap().contains("Python objects"),
        "{show}"
    );

    let text = env.bench().args(["jobs", "list"]).ok().stdout();
    assert!(text.contains("py-2\tdefault\tqueued\ttasks.echo"), "{text}");
}

#[test]
fn rq_info_shows_bench_queues() {
    let env = Env::with_hooks("bench_id = \"b1\"\n");
    for _ in 0..3 {
        env.bench()
            .args(["enqueue", "tasks.noop", "--queue", "long"])
            .ok();
    }
    let out = python::rq(&["info", "-u", &env.redis.url(), "--only-queues"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("b1:long") && text.contains(" 3"), "{text}");
}

fn value() -> impl Strategy<Value = Json> {
    let leaf = prop_oneof![
        Just(Json::Null),
        any::<bool>().prop_map(Json::Bool),
        any::<i64>().prop_map(Json::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Json::from),
        "\\PC{0,10}".prop_map(Json::String),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Json::Array),
            prop::collection::btree_map("\\PC{1,6}", inner, 0..4)
                .prop_map(|m| Json::Object(m.into_iter().collect())),
        ]
    })
}

#[test]
fn python_decodes_what_bench_wrote() {
    let mut runner = TestRunner::deterministic();
    let cases: Vec<(Vec<Json>, Json)> = (0..150)
        .map(|_| {
            let args = prop::collection::vec(value(), 0..3)
                .new_tree(&mut runner)
                .unwrap()
                .current();
            let kwargs = prop::collection::btree_map("[a-z_]{1,8}", value(), 0..4)
                .new_tree(&mut runner)
                .unwrap()
                .current();
            (args, Json::Object(kwargs.into_iter().collect()))
        })
        .collect();
    for (serializer, json_ser) in [("pickle", false), ("json", true)] {
        let env = Env::with_hooks(&format!("[redis]\nserializer = \"{serializer}\"\n"));
        let lines: String = cases
            .iter()
            .enumerate()
            .map(|(i, (a, k))| format!("{}\n", json!({"method": "tasks.echo", "job_id": format!("p{i}"), "args": a, "kwargs": k})))
            .collect();
        env.bench()
            .args(["enqueue", "--from-file", "-"])
            .stdin(lines)
            .ok();
        let ids: Vec<String> = (0..cases.len()).map(|i| format!("p{i}")).collect();
        let url = env.redis.url();
        let mut args: Vec<&str> = vec!["calls", &url];
        args.extend(ids.iter().map(String::as_str));
        if json_ser {
            args.push("--json");
        }
        let out = python::script("rq_tool.py", &args);
        for (line, (a, k)) in String::from_utf8_lossy(&out.stdout).lines().zip(&cases) {
            let got: Json = serde_json::from_str(line).unwrap();
            assert_eq!(got["func"], "tasks.echo");
            assert_eq!(
                &got["args"],
                &Json::Array(a.clone()),
                "{serializer}: {line}"
            );
            assert_eq!(&got["kwargs"], k, "{serializer}: {line}");
        }
    }
}
