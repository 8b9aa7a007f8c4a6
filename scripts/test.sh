#!/usr/bin/env bash
# Runs every check and every test: formatting (rustfmt), the test build with Clippy's lints
# (warnings are errors) while the local AWS emulators install, then starts them and runs the whole
# workspace's tests against them with cargo-nextest (each test a process; the end-to-end tests side
# by side, one emulator each, see .config/nextest.toml), then the doc tests, and stops the emulators
# whatever happens.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
# The emulators' Python environment installs (network and disk, once) while the tests compile.
install_log=$(mktemp)
scripts/emulator.sh install >"$install_log" 2>&1 &
install_pid=$!
built=$(mktemp -d)
trap 'kill "$install_pid" 2>/dev/null; rm -rf "$install_log" "$built"' EXIT
cargo fmt --all --check
# Clippy lints the workspace's crates as they compile for the tests: clippy-driver is rustc with
# Clippy's lints ("Using Clippy-driver", Clippy's README), set as cargo's workspace wrapper and
# given its arguments the way `cargo clippy -- -D warnings` does. The dependencies, which
# `cargo clippy` would check a second time (check and build artifacts are kept apart), are built
# once. The targets are those of `cargo clippy --all-targets` (the workspace has no benches).
if ! RUSTC_WORKSPACE_WRAPPER=$(command -v clippy-driver); then
  echo "error: clippy-driver not found: install Clippy with \`rustup component add clippy\`" >&2
  exit 1
fi
export RUSTC_WORKSPACE_WRAPPER
export CLIPPY_ARGS="-D__CLIPPY_HACKERY__warnings__CLIPPY_HACKERY__"
# What was built, for running the tests without building again (nextest's "reusing builds"): the
# tests run without the wrapper, so that the cargo the UI tests start (trybuild) is not Clippy.
nextest=false
if cargo nextest --version >/dev/null 2>&1; then
  nextest=true
  cargo nextest list --workspace --locked --list-type binaries-only --message-format json \
    >"$built/binaries.json"
  cargo metadata --format-version 1 --locked >"$built/cargo-metadata.json"
else
  cargo clippy --workspace --all-targets --locked -- -D warnings
fi
# AWS's Guard engine, for the AWS Config rules of `export config` (a workspace of its own: see
# tests/guard/Cargo.toml), built after the tests so that the install above overlaps the longer
# build; not linted (it is not part of this workspace).
env -u RUSTC_WORKSPACE_WRAPPER -u CLIPPY_ARGS \
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
trap 'scripts/emulator.sh stop; rm -rf "$built"' EXIT
echo "local AWS emulators at $endpoints" >&2
export XACCT_TEST_ENDPOINT=$endpoints
export XACCT_TEST_PYTHON=$root/.venv/bin/python
if $nextest; then
  env -u RUSTC_WORKSPACE_WRAPPER -u CLIPPY_ARGS cargo nextest run \
    --binaries-metadata "$built/binaries.json" --cargo-metadata "$built/cargo-metadata.json" "$@"
  # The libraries the tests were built with, linted: nothing to build again for the doc tests.
  cargo test --workspace --locked --doc
else
  unset RUSTC_WORKSPACE_WRAPPER CLIPPY_ARGS
  # Without cargo-nextest: the same tests, each test binary on one emulator, one test at a time.
  echo "cargo-nextest is not installed: running the tests with cargo test, one emulator at a time" >&2
  cargo test --workspace --locked "$@"
fi
