#!/usr/bin/env bash
# bench against Python RQ, BullMQ and apalis, measured in one run on one Redis.
#
#   benches/compare.sh                                  # full suite, ~12 min on 2 cores
#   BENCH_SYSTEMS=rq,bench BENCH_SECTIONS=enqueue benches/compare.sh
#
# Uses the peer harness in BENCH_PEERS_DIR (default ../shared/bench/peers) and its
# knobs (BENCH_N, BENCH_REPEATS, BENCH_SECTIONS, ...). Peers are installed into /tmp
# only when missing, as the harness expects them: RQ in /tmp/peervenv, BullMQ in
# /tmp/bullbench, apalis built in /tmp/apalisbench. A private redis-server runs on
# port 6391 and is stopped on exit. Tables go to stdout and $BENCH_OUT/results.md.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PEERS="$(cd "${BENCH_PEERS_DIR:-$ROOT/../shared/bench/peers}" && pwd)"
export BENCH_PEERS_DIR="$PEERS"
export BENCH_REDIS_PORT="${BENCH_REDIS_PORT:-6391}"
export BENCH_SYSTEMS="${BENCH_SYSTEMS:-redis,rq,bullmq,apalis,bench}"
VENV="${BENCH_VENV:-/tmp/peervenv}"
PIDFILE="$(mktemp -u /tmp/bench-compare-redis.XXXXXX.pid)"
say() { echo "[compare] $*" >&2; }
has() { [[ ",$BENCH_SYSTEMS," == *",$1,"* ]]; }

say "building bench (release)"
(cd "$ROOT" && cargo build --release --locked -q --bin bench --example peerbench)

if [[ ! -x "$VENV/bin/rq" ]]; then
  say "installing rq==3.0.0 into $VENV"
  python3 -m venv "$VENV" && "$VENV/bin/pip" install -q "rq==3.0.0"
fi
if has bullmq && [[ ! -d /tmp/bullbench/node_modules/bullmq ]]; then
  say "installing bullmq into /tmp/bullbench"
  mkdir -p /tmp/bullbench
  (cd /tmp/bullbench && { [[ -f package.json ]] || npm init -y >/dev/null; } \
     && npm install --no-audit --no-fund bullmq@6.7.0 ioredis@6.0.0 >/dev/null)
fi
if has apalis; then
  mkdir -p /tmp/apalisbench/src
  for f in Cargo.toml src/main.rs; do cmp -s "$PEERS/apalis/$f" "/tmp/apalisbench/$f" || cp "$PEERS/apalis/$f" "/tmp/apalisbench/$f"; done
  say "building the apalis client"
  (cd /tmp/apalisbench && timeout 900 cargo build --release -q) || { say "apalis build failed; skipping it"; BENCH_SYSTEMS="${BENCH_SYSTEMS//apalis/}"; }
fi

redis-server --port "$BENCH_REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes --pidfile "$PIDFILE" --dir /tmp >/dev/null
stop() { [[ -f "$PIDFILE" ]] && kill "$(cat "$PIDFILE")" 2>/dev/null; rm -f "$PIDFILE"; }
trap stop EXIT
for _ in $(seq 50); do redis-cli -p "$BENCH_REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done
say "redis-server $(redis-server --version | sed 's/.*v=\([^ ]*\).*/\1/') on port $BENCH_REDIS_PORT; rustc $(rustc --version | cut -d' ' -f2); $(nproc) cpus"

"$VENV/bin/python" "$ROOT/benches/compare.py"
