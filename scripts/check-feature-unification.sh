#!/usr/bin/env bash
# Lists the dependencies that the demo (one example) and the tests (the whole workspace with its
# dev-dependencies) would build with different features: each one is built twice on a fresh
# machine, and everything above it with it. Empty output means the two README commands share
# one build. Fix a line by turning the feature on in xacct-deploy/Cargo.toml.
set -euo pipefail
cd "$(dirname "$0")/.."
features() { cargo tree "$@" -f '{p}|{f}' --prefix none | sed 's/ (\*)//' | sort -u; }
join -t'|' <(features -p shared-data -e normal,build) <(features --workspace) |
  awk -F'|' '$2 != $3 { print $1 ": demo [" $2 "] tests [" $3 "]" }'
