#!/usr/bin/env bash
# Benchmark: 5,000 articles, `broadsheet serve`, wrk on 127.0.0.1.
# Writes the figures to docs/performance.md. Usage: make bench  (or bash bench/run.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v wrk >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi
[ -x .venv/bin/broadsheet ] || make .venv/.installed
exec .venv/bin/python bench/run.py "$@"
