#!/usr/bin/env bash
# Runs every check and every test: formatting (rustfmt), lints (clippy, warnings are errors), then
# installs and starts the local AWS emulator, runs the whole workspace's tests against it, and
# stops it whatever happens.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
cargo fmt --all --check
cargo clippy --workspace --all-targets --locked -- -D warnings
endpoint=$(scripts/emulator.sh start)
trap 'scripts/emulator.sh stop' EXIT
echo "local AWS emulator at $endpoint" >&2
export XACCT_TEST_ENDPOINT=$endpoint
export XACCT_TEST_PYTHON=$root/.venv/bin/python
cargo test --workspace --locked "$@"
