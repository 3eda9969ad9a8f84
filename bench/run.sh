#!/usr/bin/env bash
# Benchmark: nginx (static copy) beside Broadsheet with its page cache off and
# on, a publishing spike, memory, Lighthouse and query counts, on 5,000 archive
# articles; writes docs/performance.md. Usage: make bench (or bash bench/run.sh
# [--seconds N] [--articles N] ...; see `bench/run.py --help`).
#
# Installs what it needs when missing: wrk, nginx and chromium from Debian
# (needs root), Lighthouse from npm into var/bench/node.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
command -v wrk >/dev/null || missing+=(wrk)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx)
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v npm >/dev/null || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing ${missing[*]} ..."
  sudo=()
  [ "$(id -u)" = 0 ] || sudo=(sudo)
  "${sudo[@]}" apt-get update -qq
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    --no-install-recommends "${missing[@]}" >/dev/null
fi
# The Debian package starts a system nginx on port 80; the benchmark runs its own.
if command -v systemctl >/dev/null && systemctl is-active --quiet nginx 2>/dev/null; then
  echo "note: a system nginx is running; the benchmark starts its own on a free port"
fi

LIGHTHOUSE_DIR=var/bench/node
if [ ! -x "$LIGHTHOUSE_DIR/node_modules/.bin/lighthouse" ]; then
  echo "Installing Lighthouse into $LIGHTHOUSE_DIR ..."
  mkdir -p "$LIGHTHOUSE_DIR"
  npm install --silent --no-audit --no-fund --prefix "$LIGHTHOUSE_DIR" lighthouse@12 \
    >/dev/null
fi

[ -x .venv/bin/broadsheet ] || make .venv/.installed
exec .venv/bin/python bench/run.py --lighthouse "$LIGHTHOUSE_DIR/node_modules/.bin/lighthouse" "$@"
