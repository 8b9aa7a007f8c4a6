#!/usr/bin/env bash
# The local AWS emulator (moto server, pinned) for the tests and the demo.
#
#   scripts/emulator.sh install   create .venv with moto, boto3 and cfn-lint (once)
#   scripts/emulator.sh start [N] start N (default 1) independent emulators on free loopback
#                                 ports; prints their endpoint URLs, comma-separated
#   scripts/emulator.sh stop      stop them
#
# State lives in .emulator/ (pids, and a log per emulator).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
venv=$root/.venv
state=$root/.emulator
MOTO_VERSION=5.2.5
CFN_LINT_VERSION=1.58.0

install() {
  if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c "import moto, boto3; assert moto.__version__ == '$MOTO_VERSION'" 2>/dev/null \
    && [ "$("$venv/bin/cfn-lint" --version 2>/dev/null)" = "cfn-lint $CFN_LINT_VERSION" ]; then
    return
  fi
  echo "installing moto[server]==$MOTO_VERSION and cfn-lint==$CFN_LINT_VERSION into $venv" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "moto[server]==$MOTO_VERSION" boto3 "cfn-lint==$CFN_LINT_VERSION"
}

# Starts one emulator as number $1; prints its endpoint URL once it answers.
start_one() {
  local n=$1 port
  port=$("$venv/bin/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  # MOTO_ACCOUNT_ID must stay unset: it would pin every request to one account.
  env -u MOTO_ACCOUNT_ID "$venv/bin/python" "$root/scripts/moto_server.py" 127.0.0.1 "$port" >"$state/log.$n" 2>&1 &
  local pid=$!
  echo "$pid" >>"$state/pids"
  for _ in $(seq 100); do
    if "$venv/bin/python" -c "import urllib.request, sys; urllib.request.urlopen(sys.argv[1], timeout=1)" "http://127.0.0.1:$port/moto-api/" >/dev/null 2>&1; then
      echo "http://localhost:$port"
      return
    fi
    if ! kill -0 "$pid" 2>/dev/null; then
      echo "the emulator exited; its log:" >&2; cat "$state/log.$n" >&2; return 1
    fi
    sleep 0.2
  done
  echo "the emulator did not answer on port $port within 20 s; its log:" >&2
  cat "$state/log.$n" >&2
  return 1
}

start() {
  local count=${1:-1} urls=() n
  install
  stop >/dev/null 2>&1 || true
  mkdir -p "$state"
  for n in $(seq "$count"); do
    urls+=("$(start_one "$n")")
  done
  (IFS=,; echo "${urls[*]}")
}

stop() {
  if [ -f "$state/pids" ]; then
    xargs kill <"$state/pids" 2>/dev/null || true
    rm -f "$state/pids"
  fi
}

case "${1:-}" in
  install) install ;;
  start) start "${2:-1}" ;;
  stop) stop ;;
  *) echo "usage: $0 install|start [N]|stop" >&2; exit 2 ;;
esac
