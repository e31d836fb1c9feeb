#!/usr/bin/env bash
# Stops the tricircle-api that tools/up.sh started (by its pid file only).
set -euo pipefail
cd "$(dirname "$0")/.."
pidfile=.state/tricircle-api.pid
if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    kill "$(cat "$pidfile")"
    echo "tricircle-api (pid $(cat "$pidfile")) stopped"
else
    echo "tricircle-api is not running"
fi
rm -f "$pidfile"
