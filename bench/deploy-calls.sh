#!/usr/bin/env bash
# Plan and no-op apply at realistic latency: every AWS call goes through a proxy that answers 40 ms
# late (tests/deploy/tests/fault_proxy.py, as AWS's control planes answer), one call at a time
# against the default concurrency, for the shared-data example and generated deployments.
#   bash bench/deploy-calls.sh [GRANTS ...]      (default: 50 500)
# XACCT_BENCH_REPLAY_ONLY=1: only the replayed plans (skips the rounds through the emulator);
# XACCT_BENCH_RELEASE=1: the client built with --release (a debug build's own work bounds it).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
profile=debug
if [ -n "${XACCT_BENCH_RELEASE:-}" ]; then profile=release; fi
cargo build -q -p deploy-calls ${XACCT_BENCH_RELEASE:+--release}
endpoint=$(scripts/emulator.sh start)
proxy_out=$(mktemp)
.venv/bin/python tests/deploy/tests/fault_proxy.py "$endpoint" >"$proxy_out" &
proxy_pid=$!
trap 'kill $proxy_pid 2>/dev/null; rm -f "$proxy_out"; scripts/emulator.sh stop' EXIT
for _ in $(seq 50); do [ -s "$proxy_out" ] && break; sleep 0.1; done
proxy=http://127.0.0.1:$(head -1 "$proxy_out")
.venv/bin/python -c "import sys, urllib.request; urllib.request.urlopen(urllib.request.Request(sys.argv[1] + '/__faults', data=b'{\"latency_ms\": 40}', method='POST'), timeout=10)" "$proxy"
XACCT_TEST_ENDPOINT=$endpoint XACCT_BENCH_PROXY=$proxy XACCT_TEST_PYTHON=$root/.venv/bin/python \
  AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1 \
  "target/$profile/deploy-calls" "$@"
