#!/usr/bin/env bash
# Sets up .venv and starts tricircle-api on its embedded defaults: a SQLite
# database and in-process messaging under .state/, no RabbitMQ, no Keystone
# (auth_strategy = noauth, for local development). Prints where it listens.
# Stop it with: kill "$(cat .state/tricircle-api.pid)"
set -euo pipefail
cd "$(dirname "$0")/.."
source tools/venv.sh

state="$PWD/.state"
port=${TRICIRCLE_API_PORT:-19999}
mkdir -p "$state"
conf="$state/tricircle.conf"
if [ ! -f "$conf" ]; then
    cat > "$conf" <<CONF
[DEFAULT]
state_path = $state
auth_strategy = noauth

[api]
bind_host = 127.0.0.1
bind_port = $port
CONF
fi

pidfile="$state/tricircle-api.pid"
if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    echo "tricircle-api already running (pid $(cat "$pidfile"))"
else
    tricircle-manage --config-file "$conf" db sync
    nohup tricircle-api --config-file "$conf" > "$state/tricircle-api.log" 2>&1 &
    echo $! > "$pidfile"
fi
url="http://127.0.0.1:$port"
for _ in $(seq 1 100); do
    curl -fsS -o /dev/null "$url/" 2>/dev/null && break
    sleep 0.1
done
if ! curl -fsS -o /dev/null "$url/"; then
    echo "tricircle-api did not come up; last log lines:" >&2
    tail -n 30 "$state/tricircle-api.log" >&2
    exit 1
fi
echo "tricircle-api listening on $url (config $conf, log $state/tricircle-api.log)"
echo "try: curl -s -H 'X-Auth-Token: admin:admin' $url/v1.0/pods"
