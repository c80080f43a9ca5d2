#!/usr/bin/env python3
"""frappe.ping jobs/s: Frappe 15's own worker and worker-pool beside bench's worker.

Run from the lab's sites folder with the lab's python (frappe.sh does). Each system gets
the same N jobs enqueued by frappe.enqueue, then drains them in burst mode; throughput is
steady state, first finished job to last, so nobody is charged for start-up. Prints one
table and the ratios the targets are stated in.
"""
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import frappe
import redis

SITE = os.environ["LAB_SITE"]
BENCH = os.environ["BENCH_BIN"]
URL = os.environ["FRAPPE_BENCH_REDIS"]
N = int(os.environ.get("FRAPPE_BENCH_JOBS", "600"))
REPEATS = int(os.environ.get("FRAPPE_BENCH_REPEATS", "3"))
R = redis.Redis.from_url(URL)
PY = sys.executable


def hooks(isolation):
    path = Path(tempfile.mkdtemp(prefix="frappe-bench-")) / "hooks.toml"
    path.write_text(f'[frappe]\nsites_path = "{os.getcwd()}"\n[python]\nisolation = "{isolation}"\n')
    return str(path)


SYSTEMS = {
    "frappe worker": [PY, "-m", "frappe.utils.bench_helper", "frappe", "worker", "--queue", "short", "--burst"],
    "frappe worker-pool, 2 workers": [PY, "-m", "frappe.utils.bench_helper", "frappe", "worker-pool",
                                      "--queue", "short", "--num-workers", "2", "--burst"],
    "bench fork -n 1": [BENCH, "--config", hooks("fork"), "worker", "--burst", "--quiet", "--queue", "short"],
    "bench fork -n 2": [BENCH, "--config", hooks("fork"), "worker", "--burst", "--quiet", "--queue", "short", "-n", "2"],
    "bench reuse -n 1": [BENCH, "--config", hooks("reuse"), "worker", "--burst", "--quiet", "--queue", "short"],
    "bench reuse -n 2": [BENCH, "--config", hooks("reuse"), "worker", "--burst", "--quiet", "--queue", "short", "-n", "2"],
}


def enqueue(n):
    frappe.init(site=SITE, sites_path=".")
    frappe.connect()
    frappe.local.conf.max_queued_jobs = n + 1000
    ids = [frappe.enqueue("frappe.ping", queue="short").id for _ in range(n)]
    frappe.destroy()
    return ids


def one_run(cmd):
    for key in R.scan_iter("rq:*benchlab*"):
        R.delete(key)
    ids = enqueue(N)
    env = dict(os.environ, BENCH_REDIS_URL=URL)
    env.pop("BENCH_CONFIG", None)
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    finished = "rq:finished:benchlab:short"
    failed = "rq:failed:benchlab:short"
    first = None
    deadline = time.time() + 600
    while time.time() < deadline:
        done = R.zcard(finished) + R.zcard(failed)
        if done and first is None:
            first = (time.perf_counter(), done)
        if done >= N:
            break
        time.sleep(0.005)
    end = time.perf_counter()
    proc.wait(60)
    if R.zcard(failed) or first is None:
        raise SystemExit(f"{cmd}: {R.zcard(failed)} failed\n{proc.stderr.read().decode()[-800:]}")
    t0, d0 = first
    return (N - d0) / (end - t0)


def main():
    rates = {}
    for name, cmd in SYSTEMS.items():
        rates[name] = [one_run(cmd) for _ in range(REPEATS)]
        print(f"{name:32} {statistics.median(rates[name]):8.1f} jobs/s", file=sys.stderr, flush=True)
    med = {k: statistics.median(v) for k, v in rates.items()}
    print(f"\n| {N} frappe.ping jobs, Frappe 15.44.2 | jobs/s, median of {REPEATS} |")
    print("|---|---:|")
    for k, v in med.items():
        print(f"| {k} | {v:,.1f} |")
    print("\n| ratio, same process count | this run | target |")
    print("|---|---:|---:|")
    for a, b in [("bench fork -n 1", "frappe worker"), ("bench reuse -n 1", "frappe worker"),
                 ("bench fork -n 2", "frappe worker-pool, 2 workers"),
                 ("bench reuse -n 2", "frappe worker-pool, 2 workers")]:
        print(f"| {a} / {b} | {med[a] / med[b]:.1f}x | >= 4x |")
    Path(os.environ.get("FRAPPE_BENCH_OUT", "/tmp/frappe-bench.json")).write_text(json.dumps(rates))


if __name__ == "__main__":
    main()
