#!/usr/bin/env bash
# Page and scrape times of `bench dashboard` with 100,000 jobs in Redis.
#
#   benches/dashboard.sh                 # ~1 min on 2 cores
#   DASH_JOBS=20000 benches/dashboard.sh
#
# A private redis-server on DASH_PORT (6394) gets DASH_JOBS queued jobs, 20,000
# finished and 2,000 failed ones; a dashboard serves them; each page is fetched
# DASH_REPEATS times (after one warm-up) and the median and p95 printed.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PORT="${DASH_PORT:-6394}"
say() { echo "[dashboard] $*" >&2; }

say "building bench (release)"
(cd "$ROOT" && cargo build --release --locked -q --bin bench)
DIR="$(mktemp -d /tmp/bench-dash.XXXXXX)"
PIDFILE="$DIR/redis.pid"
redis-server --port "$PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes --pidfile "$PIDFILE" --dir "$DIR" >/dev/null
DASH_PID=""
cleanup() {
  [[ -n "$DASH_PID" ]] && kill "$DASH_PID" 2>/dev/null
  [[ -f "$PIDFILE" ]] && kill "$(cat "$PIDFILE")" 2>/dev/null
  rm -rf "$DIR"
}
trap cleanup EXIT
for _ in $(seq 50); do redis-cli -p "$PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
export BENCH_REDIS_URL="redis://127.0.0.1:$PORT/0" BENCH_CONFIG="$DIR/hooks.toml"
printf '[scheduler_events]\nhourly = ["bench.noop"]\ndaily = ["bench.echo"]\n' > "$BENCH_CONFIG"
BENCH="$ROOT/target/release/bench"

say "filling Redis"
python3 - "$DIR" <<'PY'
import json, sys
d = sys.argv[1]
with open(f"{d}/done.jsonl", "w") as f:
    for i in range(20000):
        f.write(json.dumps({"method": "bench.echo", "kwargs": {"i": i}}) + "\n")
    for i in range(2000):
        f.write(json.dumps({"method": "bench.fail", "kwargs": {"message": f"boom {i}"}}) + "\n")
PY
"$BENCH" enqueue --from-file "$DIR/done.jsonl" >/dev/null
"$BENCH" worker --burst --quiet -n 20
python3 -c "
import json
with open('$DIR/queued.jsonl', 'w') as f:
    for i in range(${DASH_JOBS:-100000}):
        f.write(json.dumps({'method': 'my_app.tasks.send_mail', 'kwargs': {'to': f'u{i}@example.com'}}) + '\n')
"
"$BENCH" enqueue --from-file "$DIR/queued.jsonl" >/dev/null
"$BENCH" jobs stats >&2

"$BENCH" dashboard --bind 127.0.0.1:0 2> "$DIR/dash.log" &
DASH_PID=$!
for _ in $(seq 100); do grep -q "Dashboard on" "$DIR/dash.log" 2>/dev/null && break; sleep 0.1; done
URL="$(sed -n 's/^Dashboard on \(http[^ ]*\).*/\1/p' "$DIR/dash.log" | head -1)"
FAILED="$(redis-cli -p "$PORT" zrange rq:failed:default 0 0)"
say "dashboard at $URL; redis-server $(redis-server --version | sed 's/.*v=\([^ ]*\).*/\1/'); $(nproc) cpus"
python3 - "$URL" "$FAILED" "${DASH_REPEATS:-20}" <<'PY'
import statistics, sys, time, urllib.request
base, failed, repeats = sys.argv[1].rstrip("/"), sys.argv[2], int(sys.argv[3])
pages = [
    ("overview `/`", "/"),
    ("jobs, first page", "/jobs"),
    ("jobs, page 2,000 (job 100,000)", "/jobs?page=2000"),
    ("failed jobs", "/jobs?state=failed"),
    ("jobs by method glob (reads every job)", "/jobs?method=bench.fa*"),
    ("one job", f"/jobs/{failed}"),
    ("workers", "/workers"),
    ("scheduler", "/scheduler"),
    ("`/metrics` scrape", "/metrics"),
]
print("| page (122,000 jobs in Redis) | median ms | p95 ms | bytes |")
print("|---|---:|---:|---:|")
for name, path in pages:
    urllib.request.urlopen(base + path).read()
    times, size = [], 0
    for _ in range(repeats):
        t = time.perf_counter()
        size = len(urllib.request.urlopen(base + path).read())
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
    print(f"| {name} | {statistics.median(times):.1f} | {p95:.1f} | {size:,} |")
PY
