#!/usr/bin/env python3
"""bench's Python isolation modes next to RQ and Celery, in one run of the pyjobs
harness (`run.py` from PYJOBS_DIR): same app, same Redis, same measurement.

Adds bench systems `bench-<mode>-n<N>` to the harness, runs every system, then prints
jobs/s with the ratios the targets are stated in, and the idle memory of a worker
with its warm host next to a plain interpreter that imported the same app.
Run it through pyjobs.sh.
"""
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import run as pj  # the pyjobs harness

BENCH_SYSTEMS = {
    "bench-fork-n1": ("fork", 1, 2000),
    "bench-fork-n8": ("fork", 8, 3000),
    "bench-reuse-n1": ("reuse", 1, 10000),
    "bench-reuse-n8": ("reuse", 8, 20000),
    "bench-interpreter-n8": ("interpreter", 8, 300),
}
PEERS = ["rq-fork", "rq-preload", "rq-simple", "celery-c1", "celery-c8"]
peer_command = pj.command


def command(system):
    if system in BENCH_SYSTEMS:
        mode, n, _ = BENCH_SYSTEMS[system]
        os.environ["BENCH_PYTHON_EXTRA"] = f'preload = ["pyjobs_app"]\nisolation = "{mode}"'
        return [pj.BENCH, "--config", pj.bench_hooks(), "worker", "--burst", "--quiet",
                "--queue", "pyjobs", "-n", str(n)]
    return peer_command(system)


pj.command = command
for name, (_, _, jobs) in BENCH_SYSTEMS.items():
    pj.N[name] = jobs


def rss_kib(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def descendants(pid):
    kids = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        for c in (task / "children").read_text().split():
            kids.append(int(c))
            kids.extend(descendants(int(c)))
    return kids


def idle_memory():
    """MiB: a plain interpreter that imported the app; an idle worker plus its host."""
    env = dict(pj.ENV, PYJOBS_IMPORT_MS="0")
    plain = subprocess.Popen([pj.PY, "-c", "import pyjobs_app, sys; sys.stdin.read()"],
                             stdin=subprocess.PIPE, env=env, cwd=pj.HERE)
    os.environ["BENCH_PYTHON_EXTRA"] = 'preload = ["pyjobs_app"]\nisolation = "fork"'
    worker = subprocess.Popen([pj.BENCH, "--config", pj.bench_hooks(), "worker", "--queue", "pyjobs"],
                              env=env, cwd=pj.HERE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    for line in worker.stdout:
        if b"started with PID" in line and b"Worker" in line:
            break
    time.sleep(1.0)
    plain_kib = rss_kib(plain.pid)
    total = rss_kib(worker.pid) + sum(rss_kib(p) for p in descendants(worker.pid))
    worker_kib = rss_kib(worker.pid)
    worker.terminate()
    worker.wait(30)
    plain.kill()
    plain.wait()
    return plain_kib / 1024, total / 1024, worker_kib / 1024


def main():
    systems = os.environ.get("BENCH_PYJOBS_SYSTEMS", ",".join(PEERS + list(BENCH_SYSTEMS))).split(",")
    rates = {}
    for s in systems:
        rates[s] = [pj.one_run(s) for _ in range(pj.REPEATS)]
        print(f"{s:22} {statistics.median(rates[s]):9.1f} jobs/s", file=sys.stderr, flush=True)
    med = {s: statistics.median(r) for s, r in rates.items()}
    print(f"\n| system (app import {pj.IMPORT_MS} ms) | Python jobs/s, median of {pj.REPEATS} |")
    print("|---|---:|")
    for s in systems:
        print(f"| {s} | {med[s]:,.0f} |")

    def ratio(a, b, target):
        if a in med and b in med and med[b] > 0:
            r = med[a] / med[b]
            print(f"| {a} / {b} | {r:.1f}x | >= {target}x | {'met' if r >= target else 'NOT met'} |")

    print("\n| ratio | this run | target | |")
    print("|---|---:|---:|---|")
    ratio("bench-fork-n1", "rq-preload", 4)
    ratio("bench-reuse-n1", "celery-c1", 2)
    ratio("bench-reuse-n1", "rq-simple", 10)
    ratio("bench-reuse-n8", "celery-c8", 2)
    plain, total, worker = idle_memory()
    print(f"\nidle RSS: worker + warm host {total:.1f} MiB (worker {worker:.1f} MiB); "
          f"a plain interpreter with the app imported {plain:.1f} MiB; "
          f"difference {total - plain:.1f} MiB (target <= 15 MiB)")


if __name__ == "__main__":
    main()
