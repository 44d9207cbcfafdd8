"""Every benchmark command that bench/README.md and docs/PERFORMANCE.md show is one its script takes: each
is parsed by the script's own argument parser (which then stops, before any work), so an option renamed or
dropped in a script fails here, not in a reader's terminal."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
# A command of the docs: `.venv/bin/python bench/NAME.py ARGS`, a line ending in `\` continued.
COMMAND = re.compile(r"\.venv/bin/python (bench/\w+\.py)((?:\\\n|[^\n`#])*)")
# Run the script as `__main__` with the documented arguments; the parser's answer stops it.
PARSE_ONLY = """
import argparse, runpy, sys
def parsed(self, args=None, namespace=None):
    result = _parse(self, args, namespace)
    raise SystemExit(0)
_parse = argparse.ArgumentParser.parse_args
argparse.ArgumentParser.parse_args = parsed
sys.argv = sys.argv[1:]
runpy.run_path(sys.argv[0], run_name="__main__")
"""


def _documented() -> list[tuple[str, tuple[str, ...]]]:
    found: set[tuple[str, tuple[str, ...]]] = set()
    for doc in ("bench/README.md", "docs/PERFORMANCE.md"):
        for script, rest in COMMAND.findall((ROOT / doc).read_text(encoding="utf-8")):
            optional = re.sub(r"\[--[^\]]*\]", " ", rest)  # `[--repeat 5]`: what may be given
            found.add((script, tuple(shlex.split(optional.replace("\\\n", " ")))))
    return sorted(found)


COMMANDS = _documented()


def test_the_docs_show_the_offline_and_desk_benchmarks() -> None:
    scripts = {script for script, _ in COMMANDS}
    assert {"bench/bench_offline.py", "bench/bench_desk.py", "bench/run_all.py"} <= scripts


@pytest.mark.parametrize(("script", "words"), COMMANDS, ids=[" ".join([s, *w])[:80] for s, w in COMMANDS])
def test_a_documented_benchmark_command_is_taken_by_its_script(script: str, words: tuple[str, ...]) -> None:
    done = subprocess.run(
        [sys.executable, "-c", PARSE_ONLY, str(ROOT / script), *words],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
