#!/usr/bin/env bash
# Runs every test: installs and starts the local AWS emulator, runs the whole workspace's tests
# against it, and stops it whatever happens.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
endpoint=$(scripts/emulator.sh start)
trap 'scripts/emulator.sh stop' EXIT
echo "local AWS emulator at $endpoint" >&2
export XACCT_TEST_ENDPOINT=$endpoint
export XACCT_TEST_PYTHON=$root/.venv/bin/python
cargo test --workspace --locked "$@"
