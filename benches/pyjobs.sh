#!/usr/bin/env bash
# Python jobs per second: bench's isolation modes next to RQ and Celery, in one run,
# on an app whose import costs 300 ms (../shared/bench/peers/pyjobs).
#
#   benches/pyjobs.sh                       # ~6 min on 2 cores
#   PYJOBS_REPEATS=1 PYJOBS_SECONDS=8 benches/pyjobs.sh
#
# Installs RQ 2.12 and Celery into /tmp/pyjobs-venv once (as the peers' run.sh does),
# starts a private redis-server on PYJOBS_PORT (6392), prints one table with ratios.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PYJOBS="$(cd "${PYJOBS_DIR:-$ROOT/../shared/bench/peers/pyjobs}" && pwd)"
VENV="${PYJOBS_VENV:-/tmp/pyjobs-venv}"
PORT="${PYJOBS_PORT:-6392}"
say() { echo "[pyjobs] $*" >&2; }

say "building bench (release)"
(cd "$ROOT" && cargo build --release --locked -q --bin bench)
if [[ ! -x "$VENV/bin/celery" ]]; then
  say "installing rq==2.12.0 and celery into $VENV"
  python3 -m venv "$VENV" && "$VENV/bin/pip" install -q "rq==2.12.0" "celery[redis]==5.7.0"
fi
PIDFILE="$(mktemp -u /tmp/pyjobs-redis.XXXXXX.pid)"
redis-server --port "$PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes --pidfile "$PIDFILE" --dir /tmp >/dev/null
trap '[[ -f "$PIDFILE" ]] && kill "$(cat "$PIDFILE")"' EXIT
for _ in $(seq 50); do redis-cli -p "$PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
say "redis-server $(redis-server --version | sed 's/.*v=\([^ ]*\).*/\1/'); $(nproc) cpus"
PYJOBS_DIR="$PYJOBS" PYJOBS_REDIS_URL="redis://127.0.0.1:$PORT/0" BENCH_BIN="$ROOT/target/release/bench" \
  PYTHONPATH="$PYJOBS" "$VENV/bin/python" "$ROOT/benches/pyjobs.py"
