#!/usr/bin/env bash
# Runs every check and every test: formatting (rustfmt), builds the tests while the local AWS
# emulators install, starts them, then runs the lints (clippy, warnings are errors) beside the
# whole workspace's tests — the end-to-end tests mostly wait, so the lints use cores the tests
# leave idle. The tests run with cargo-nextest (each test a process; the end-to-end tests side by
# side, one emulator each, see .config/nextest.toml), then the doc tests; the emulators are stopped
# whatever happens.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
pids=()
logs=$(mktemp -d)
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$logs"
}
trap cleanup EXIT
# `wait_for NAME PID`: waits for a background step, shows its output, and fails if it failed.
wait_for() {
  local status=0
  wait "$2" || status=$?
  cat "$logs/$1" >&2
  if [ "$status" -ne 0 ]; then
    echo "$1 failed (exit $status)" >&2
    exit "$status"
  fi
}
cargo fmt --all --check
# The emulators' Python environment installs (network and disk, once) while the tests compile.
scripts/emulator.sh install >"$logs/install" 2>&1 &
install_pid=$!
pids+=("$install_pid")
# AWS's Guard engine, for the AWS Config rules of `export config` (a workspace of its own: see
# tests/guard/Cargo.toml).
cargo build --manifest-path tests/guard/Cargo.toml --locked --target-dir target/guard
export XACCT_TEST_GUARD=$root/target/guard/debug/xacct-guard
nextest=false
if cargo nextest --version >/dev/null 2>&1; then
  nextest=true
  cargo nextest run --workspace --locked --no-run
else
  cargo test --workspace --locked --no-run
fi
wait_for install "$install_pid"
# As many as the `emulator` test group of .config/nextest.toml runs at once.
EMULATORS=6
endpoints=$(scripts/emulator.sh start "$EMULATORS")
trap 'cleanup; scripts/emulator.sh stop' EXIT
echo "local AWS emulators at $endpoints" >&2
export XACCT_TEST_ENDPOINT=$endpoints
export XACCT_TEST_PYTHON=$root/.venv/bin/python
# Clippy checks (it builds nothing the tests could use), in a target directory of its own so that
# it does not wait for the tests' build lock.
cargo clippy --workspace --all-targets --locked --target-dir target/clippy -- -D warnings \
  >"$logs/clippy" 2>&1 &
clippy_pid=$!
pids+=("$clippy_pid")
if $nextest; then
  cargo nextest run --workspace --locked "$@"
  cargo test --workspace --locked --doc
else
  # Without cargo-nextest: the same tests, each test binary on one emulator, one test at a time.
  echo "cargo-nextest is not installed: running the tests with cargo test, one emulator at a time" >&2
  cargo test --workspace --locked "$@"
fi
wait_for clippy "$clippy_pid"
