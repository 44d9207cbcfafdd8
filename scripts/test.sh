#!/usr/bin/env bash
# One entry point for checks: install the test dependencies, then lint, type-check and run the whole suite.
# Used unchanged by .ci/run and by README's Quick start.
set -euo pipefail
cd "$(dirname "$0")/.."

python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -c requirements.lock -e '.[test]'

# Browser tests drive Debian's chromium, document tests convert DOCX/XLSX with Debian's LibreOffice headless
# and a benchmark's test counts instructions with Debian's valgrind; install what is missing when we may (root with apt), never download a browser or an office suite.
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v soffice >/dev/null 2>&1 || missing+=(libreoffice-writer-nogui libreoffice-calc-nogui)
command -v valgrind >/dev/null 2>&1 || missing+=(valgrind)  # bench_web_instructions.py counts with it
if [ "${#missing[@]}" -gt 0 ] && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

# PostgreSQL tests use TEKSERU_TEST_POSTGRES_URL, else the local server at 127.0.0.1:5432 when it answers;
# the run's first lines say which, or why they are skipped (tests/databases.py).

.venv/bin/ruff check src tests bench
.venv/bin/ruff format --check src tests bench
.venv/bin/mypy
# Each xdist worker imports every test module; with PYTHONDONTWRITEBYTECODE set (as on some machines) each would
# rewrite and compile them all again instead of reading what the first one cached.
unset PYTHONDONTWRITEBYTECODE
.venv/bin/python -m pytest -n 2 "$@"
