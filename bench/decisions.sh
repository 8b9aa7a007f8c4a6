#!/usr/bin/env bash
# Decisions per second: the xacct evaluator against cedar-policy on an equivalent policy set.
#   bash bench/decisions.sh [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/decisions"
CARGO_TARGET_DIR=../../target/bench-decisions cargo run -q --release -- "$@"
