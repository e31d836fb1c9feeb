#!/usr/bin/env bash
# Sets up .venv and runs the whole test suite: lint, unit and functional
# tiers (SQLite always; MariaDB/PostgreSQL when reachable), then the
# integration tier against the real OpenStack lab (skip it with
# TRICIRCLE_SKIP_LAB=1 on a machine that cannot run it).
set -euo pipefail
cd "$(dirname "$0")/.."
TRICIRCLE_EXTRAS=server,test source tools/venv.sh

ruff check .
# The lab boots (a cold build takes minutes) while the tiers that need no lab run.
lab_log=$(mktemp -t tricircle-lab-up.XXXXXX)
if [ "${TRICIRCLE_SKIP_LAB:-0}" != 1 ]; then
    tricircle-lab up > "$lab_log" 2>&1 &
    lab_pid=$!
fi
pytest -m "not integration" tests "$@"
if [ "${TRICIRCLE_SKIP_LAB:-0}" != 1 ] && [ -d tests/integration ]; then
    if ! wait "$lab_pid"; then
        tail -n 60 "$lab_log" >&2
        echo "tricircle-lab up failed; full log: $lab_log" >&2
        exit 1
    fi
    rc=0
    pytest -m integration tests/integration "$@" || rc=$?
    # 5 = no integration test collected yet; anything else is a failure.
    [ "$rc" = 0 ] || [ "$rc" = 5 ] || exit "$rc"
    # The Neutron plugins' unit tests need neutron, which only the lab venv has.
    lab_venv=$(.venv/bin/python -c \
        "from tricircle.lab.layout import Layout; print(Layout.default().venv)")
    PYTHONPATH="$PWD" "$lab_venv/bin/python" -m pytest -q -p no:cacheprovider tests/neutron
fi
if [ "${TRICIRCLE_SKIP_LAB:-0}" != 1 ]; then
    # Our tempest plugin (tempest_plugin/) against the lab, in the lab's tempest venv.
    python tempest_plugin/run_in_lab.py
fi
