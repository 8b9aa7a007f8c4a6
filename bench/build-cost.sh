#!/usr/bin/env bash
# What compile-time checking costs the user: builds a crate of 200 grants written with `grants!`
# and a crate with the same documents written by hand with `serde_json::json!`, alternating,
# and reports the ratio of their build times (same machine, same run: the ratio, not the
# seconds, is the result). Also times a cold build of policy-macros with its dependencies.
#
#   bash bench/build-cost.sh [ROUNDS]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
rounds=${1:-5}
work=$root/target/bench-build
mkdir -p "$work"
export CARGO_TARGET_DIR=$work/target

python3 "$root/bench/gen_grants.py" checked "$work/checked" "$root"
(cd "$work/checked" && cargo build -q)
"$CARGO_TARGET_DIR/debug/bench-checked" > "$work/documents.json"
python3 "$root/bench/gen_grants.py" handwritten "$work/handwritten" "$root" "$work/documents.json"
(cd "$work/handwritten" && cargo build -q)
"$CARGO_TARGET_DIR/debug/bench-handwritten" > "$work/handwritten.json"
python3 - "$work/documents.json" "$work/handwritten.json" <<'PY'
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
assert a == b, "the hand-written crate must produce the same documents"
print(f"both crates produce the same {len(a)} documents")
PY

time_build() { # crate dir → seconds for rebuilding just that crate
  touch "$1/src/main.rs"
  local start end
  start=$(date +%s.%N)
  (cd "$1" && cargo build -q)
  end=$(date +%s.%N)
  python3 -c "print(round($end - $start, 3))"
}
checked=(); hand=()
for _ in $(seq "$rounds"); do
  checked+=("$(time_build "$work/checked")")
  hand+=("$(time_build "$work/handwritten")")
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
mc=$(median "${checked[@]}"); mh=$(median "${hand[@]}")
echo "200 grants, dev build of the crate alone, median of $rounds:"
echo "  grants! (checked)        ${mc}s   [${checked[*]}]"
echo "  json! by hand (unchecked) ${mh}s   [${hand[*]}]"
echo "  ratio checked/handwritten: $(python3 -c "print(round($mc / $mh, 3))")"

cold=$work/cold-target
rm -rf "$cold"
start=$(date +%s.%N)
CARGO_TARGET_DIR=$cold cargo build -q -p policy-macros
end=$(date +%s.%N)
echo "cold debug build of policy-macros with its dependencies: $(python3 -c "print(round($end - $start, 3))")s"
rm -rf "$cold"
