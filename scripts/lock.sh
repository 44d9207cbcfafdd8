#!/usr/bin/env bash
# Make requirements.lock anew: install tekseru with its test extras into a fresh environment from the newest
# versions that pyproject.toml allows, and write down every version installed. Review the diff, run the
# tests, commit. scripts/test.sh installs with these versions as constraints, so CI is repeatable.
set -euo pipefail
cd "$(dirname "$0")/.."
folder=$(mktemp -d)
python3 -m venv "$folder/venv"
"$folder/venv/bin/python" -m pip install --quiet --upgrade pip
"$folder/venv/bin/python" -m pip install --quiet -e '.[test]'
{
    echo "# Versions that scripts/test.sh (and so .ci/run) installs, as pip constraints; made by scripts/lock.sh."
    "$folder/venv/bin/python" -m pip freeze --exclude-editable | grep -v '^tekseru'
} > requirements.lock
rm -rf "$folder"
