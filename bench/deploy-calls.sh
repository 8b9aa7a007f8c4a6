#!/usr/bin/env bash
# AWS calls of plan and of a no-op apply, and plan's wall time sequential vs concurrent, against
# the local emulator: bash bench/deploy-calls.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
cargo build -q -p deploy-calls
endpoint=$(scripts/emulator.sh start)
trap 'scripts/emulator.sh stop' EXIT
XACCT_TEST_ENDPOINT=$endpoint XACCT_TEST_PYTHON=$root/.venv/bin/python AWS_ENDPOINT_URL=$endpoint \
  AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1 target/debug/deploy-calls
