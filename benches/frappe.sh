#!/usr/bin/env bash
# frappe.ping jobs/s on a real Frappe 15 site: Frappe's own worker and worker-pool next
# to bench's worker, same jobs, same Redis, one run.
#
#   benches/frappe.sh                  # ~3 min on 2 cores, plus the lab's first build
#   FRAPPE_BENCH_JOBS=300 benches/frappe.sh
#
# Builds (or reuses) the Frappe lab from ../shared/frappe/lab.sh in /tmp/bench-frappe-lab,
# on this machine's MariaDB, with a private redis-server on FRAPPE_BENCH_PORT (6393).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
LAB_SH="${BENCH_FRAPPE_LAB_SH:-$ROOT/../shared/frappe/lab.sh}"
LAB_DIR="${BENCH_FRAPPE_LAB_DIR:-/tmp/bench-frappe-lab}"
PORT="${FRAPPE_BENCH_PORT:-6393}"
say() { echo "[frappe] $*" >&2; }

say "building bench (release)"
(cd "$ROOT" && cargo build --release --locked -q --bin bench)
PIDFILE="$(mktemp -u /tmp/frappe-bench-redis.XXXXXX.pid)"
redis-server --port "$PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes --pidfile "$PIDFILE" --dir /tmp >/dev/null
trap '[[ -f "$PIDFILE" ]] && kill "$(cat "$PIDFILE")"' EXIT
for _ in $(seq 50); do redis-cli -p "$PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
say "Frappe lab in $LAB_DIR"
eval "$(LAB_BENCH_ID=benchlab LAB_REDIS_URL="redis://127.0.0.1:$PORT" bash "$LAB_SH" "$LAB_DIR" lab.local)"
say "redis-server $(redis-server --version | sed 's/.*v=\([^ ]*\).*/\1/'); $(nproc) cpus"
cd "$LAB_SITES"
BENCH_BIN="$ROOT/target/release/bench" LAB_SITE="$LAB_SITE" FRAPPE_BENCH_REDIS="redis://127.0.0.1:$PORT" \
  "$LAB_PYTHON" "$ROOT/benches/frappe_jobs.py"
