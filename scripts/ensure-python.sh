#!/usr/bin/env bash
# Installs the pinned Python test tools (moto server, cfn-lint, checkov) into .venv, once per
# requirements change. Safe to run repeatedly: a matching stamp makes it a no-op.
set -euo pipefail
cd "$(dirname "$0")/.."
req=requirements-test.txt
stamp=.venv/.requirements.sha256
want=$(sha256sum "$req" | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x .venv/bin/moto_server ]; then
  exit 0
fi
echo "Installing Python test tools from $req into .venv ..." >&2
python3 -m venv .venv
.venv/bin/pip install --quiet --disable-pip-version-check -r "$req"
echo "$want" > "$stamp"
