#!/usr/bin/env bash
# Runs every check and every test: formatting (rustfmt), lints (clippy, warnings are errors) while
# the local AWS emulators install, then starts them, runs the whole workspace's tests against them with
# cargo-nextest (each test a process; the end-to-end tests side by side, one emulator each, see
# .config/nextest.toml), then the doc tests, and stops the emulators whatever happens.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
# The emulators' Python environment installs (network and disk, once) while clippy compiles.
install_log=$(mktemp)
scripts/emulator.sh install >"$install_log" 2>&1 &
install_pid=$!
trap 'kill "$install_pid" 2>/dev/null; rm -f "$install_log"' EXIT
cargo fmt --all --check
cargo clippy --workspace --all-targets --locked -- -D warnings
# AWS's Guard engine, for the AWS Config rules of `export config` (a workspace of its own: see
# tests/guard/Cargo.toml).
cargo build --manifest-path tests/guard/Cargo.toml --locked --target-dir target/guard
export XACCT_TEST_GUARD=$root/target/guard/debug/xacct-guard
if ! wait "$install_pid"; then
  cat "$install_log" >&2
  exit 1
fi
cat "$install_log" >&2
rm -f "$install_log"
# As many as the `emulator` test group of .config/nextest.toml runs at once.
EMULATORS=6
endpoints=$(scripts/emulator.sh start "$EMULATORS")
trap 'scripts/emulator.sh stop' EXIT
echo "local AWS emulators at $endpoints" >&2
export XACCT_TEST_ENDPOINT=$endpoints
export XACCT_TEST_PYTHON=$root/.venv/bin/python
if cargo nextest --version >/dev/null 2>&1; then
  cargo nextest run --workspace --locked "$@"
  cargo test --workspace --locked --doc
else
  # Without cargo-nextest: the same tests, each test binary on one emulator, one test at a time.
  echo "cargo-nextest is not installed: running the tests with cargo test, one emulator at a time" >&2
  cargo test --workspace --locked "$@"
fi
