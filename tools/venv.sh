# Sourced by the other tools: makes sure .venv exists and holds the project
# installed (editable) with the extras named in $TRICIRCLE_EXTRAS, pinned by
# constraints.txt. Re-installs only when pyproject.toml or the pins change.
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
extras=${TRICIRCLE_EXTRAS:-server}
venv="$top/.venv"
stamp="$venv/.tricircle-installed-$extras"
want=$(cat "$top/pyproject.toml" "$top/constraints.txt" | sha1sum | cut -c1-12)
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q -U pip > /dev/null
fi
if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    echo "installing tricircle[$extras] into .venv (pinned by constraints.txt)..." >&2
    if ! "$venv/bin/pip" install -q -c "$top/constraints.txt" -e "$top[$extras]" \
            > "$venv/pip-install.log" 2>&1; then
        tail -n 40 "$venv/pip-install.log" >&2
        echo "pip install failed; full log: $venv/pip-install.log" >&2
        exit 1
    fi
    echo "$want" > "$stamp"
fi
export PATH="$venv/bin:$PATH"
