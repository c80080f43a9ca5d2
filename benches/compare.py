#!/usr/bin/env python3
"""bench next to Python RQ, BullMQ and apalis, in one run of the peer harness.

Imports the peer harness (`harness.py` from BENCH_PEERS_DIR) for its measurements
(enqueue, drain, latency, subprocess) and tables, registers bench as one more system,
then runs every system in turn against the same Redis and prints one report.
Run it through compare.sh, which builds bench and starts the Redis.
"""
import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PEERS = Path(os.environ.get("BENCH_PEERS_DIR", ROOT.parent / "shared" / "bench" / "peers")).resolve()
sys.path.insert(0, str(PEERS))
import harness as h  # noqa: E402

BENCH = str(ROOT / "target" / "release" / "bench")
CLIENT = str(ROOT / "target" / "release" / "examples" / "peerbench")
URL = f"redis://127.0.0.1:{h.PORT}/0"
METHOD = {"noop": "bench.noop", "true": "peer.true"}

HOOKS = Path(tempfile.mkdtemp(prefix="bench-compare-")) / "hooks.toml"
HOOKS.write_text('[queues.bench]\ntimeout = 300\n[methods."peer.true"]\ncommand = ["/bin/true"]\n')


def bench_enqueue(mode, n, kind="noop"):
    return h.run_json([CLIENT, "enqueue", mode, str(n), METHOD[kind]], ROOT)


def worker(concurrency):
    return [BENCH, "--config", str(HOOKS), "--redis-url", URL, "worker", "--burst", "--quiet",
            "--queue", "bench", "--num-workers", str(concurrency)]


h.SYS["bench"] = {
    "enqueue": lambda mode, n, kind=None: bench_enqueue(mode, n),
    "done": lambda: h.R.zcard("rq:finished:bench"),
    "poll_cmd": "zcard",
    "cwd": ROOT,
}


def suite_bench():
    for mode in ("single", "bulk", "file"):
        h.enqueue_test("bench", mode)
    prefill = lambda kind: (lambda n: bench_enqueue("bulk", n, kind))
    for c in (1, 10, 50):
        h.drain_test("drain", "bench", f"--num-workers {c}, 1 proc", h.N, [worker(c)], prefill("noop"))
    h.drain_test("drain", "bench", "--num-workers 10, 2 procs", h.N, [worker(10)] * 2, prefill("noop"))
    h.latency_test("bench", "--num-workers 1 (library worker)", [CLIENT, "worker", "stamp"],
                   [CLIENT, "latency", str(h.LAT_JOBS), str(h.LAT_GAP_MS), str(h.LAT_WARMUP)], ROOT)
    for c in (1, 8):
        h.drain_test("subprocess", "bench", f"--num-workers {c}, command", h.N_SUB, [worker(c)], prefill("true"))


def main():
    suites = {"redis": h.redis_ceiling, "rq": h.suite_rq, "bullmq": h.suite_bullmq, "apalis": h.suite_apalis,
              "bench": suite_bench}
    h.OUT.mkdir(parents=True, exist_ok=True)
    (h.OUT / "worker.log").write_bytes(b"")
    h.log(f"config: {h.config()}")
    started, ticks = time.time(), h.cpu_ticks()
    for name in h.SYSTEMS:
        h.log(f"=== {name}")
        suites[name]()
    h.flush()
    end = h.cpu_ticks()
    delta = {k: end[k] - ticks[k] for k in ticks}
    total = sum(delta.values()) or 1
    h.MACHINE.update({"cpu_busy_pct": 100 * delta["busy"] / total, "cpu_steal_pct": 100 * delta["steal"] / total,
                      "wall_s": time.time() - started})
    h.report()
    ratios()


def ratios():
    """bench's medians divided by each peer's best median in the same section."""
    rows = [r for r in h.RESULTS if r.get("runs")]
    best = {}
    for r in rows:
        if r["system"] in ("bench", "redis-server"):
            continue
        med = h.summarize(r["runs"])["median"]
        key = (r["section"], r.get("variant").split(":")[0] if r["section"] == "enqueue" else None)
        better = (lambda a, b: a < b) if r["unit"] == "ms" else (lambda a, b: a > b)
        if key not in best or better(med, best[key][0]):
            best[key] = (med, f"{r['system']} {r['variant']}")
    lines = ["### bench / best peer, same run", "", "| section | bench | bench median | best peer | peer median | ratio |",
             "|---|---|---:|---|---:|---:|"]
    for r in rows:
        if r["system"] != "bench":
            continue
        key = (r["section"], r["variant"] if r["section"] == "enqueue" else None)
        if key not in best:
            key = (r["section"], "bulk") if r["variant"] == "file" else key
        if key not in best:
            continue
        med = h.summarize(r["runs"])["median"]
        peer, who = best[key]
        ratio = peer / med if r["unit"] == "ms" else med / peer
        lines.append(f"| {r['section']} | {r['variant']} | {h.fmt(med, 2 if r['unit'] == 'ms' else 0)} | {who} | "
                     f"{h.fmt(peer, 2 if r['unit'] == 'ms' else 0)} | {ratio:.1f}x |")
    text = "\n".join(lines)
    with open(h.OUT / "results.md", "a") as f:
        f.write("\n" + text + "\n")
    print("\n" + text)


if __name__ == "__main__":
    main()
