#!/usr/bin/env bash
# Installs what the browser tests (tests/browser/) drive: Debian's headless
# Chromium and its matching chromedriver. Idempotent: does nothing when both
# are already there. Needs root (apt-get), as the lab's other installs do.
set -euo pipefail
if command -v chromium >/dev/null && command -v chromedriver >/dev/null; then
    exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends chromium chromium-driver
