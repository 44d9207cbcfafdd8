"""Every benchmark command that bench/README.md and docs/PERFORMANCE.md show is one its script takes: each
is parsed by the script's own argument parser (which then stops, before any work), so an option renamed or
dropped in a script fails here, not in a reader's terminal."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).parents[2]
# A command of the docs: `.venv/bin/python bench/NAME.py ARGS`, a line ending in `\` continued.
COMMAND = re.compile(r"\.venv/bin/python (bench/\w+\.py)((?:\\\n|[^\n`#])*)")
# Run each script as `__main__` with the documented arguments; the parser's answer stops it. All the commands
# run in one new interpreter, one after the other: an interpreter per command imported the same modules
# again (62 commands, a second of a core each). Each still runs its script from the top as a reader's
# terminal would, with its own argv; its exit code and what it said on stderr are reported for its own test.
PARSE_ONLY = """
import argparse, contextlib, io, json, runpy, sys, traceback
def parsed(self, args=None, namespace=None):
    result = _parse(self, args, namespace)
    raise SystemExit(0)
_parse = argparse.ArgumentParser.parse_args
argparse.ArgumentParser.parse_args = parsed
answers = []
for script, *words in json.loads(sys.stdin.read()):
    sys.argv = [script, *words]
    said, code = io.StringIO(), 0
    try:
        with contextlib.redirect_stderr(said), contextlib.redirect_stdout(io.StringIO()):
            runpy.run_path(script, run_name="__main__")
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
        if not isinstance(stop.code, int | None):
            said.write(str(stop.code))
    except BaseException:
        code = 1
        said.write(traceback.format_exc())
    answers.append({"code": code, "stderr": said.getvalue()})
print(json.dumps(answers))
"""


def _documented() -> list[tuple[str, tuple[str, ...]]]:
    found: set[tuple[str, tuple[str, ...]]] = set()
    for doc in ("bench/README.md", "docs/PERFORMANCE.md"):
        for script, rest in COMMAND.findall((ROOT / doc).read_text(encoding="utf-8")):
            optional = re.sub(r"\[--[^\]]*\]", " ", rest)  # `[--repeat 5]`: what may be given
            found.add((script, tuple(shlex.split(optional.replace("\\\n", " ")))))
    return sorted(found)


COMMANDS = _documented()


def _parse_in_one_interpreter(commands: list[list[str]]) -> list[dict[str, Any]]:
    """Each command's exit code and stderr, its script's options parsed in one child interpreter."""
    done = subprocess.run(
        [sys.executable, "-c", PARSE_ONLY],
        input=json.dumps(commands),
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    answers: list[dict[str, Any]] = json.loads(done.stdout.splitlines()[-1])
    return answers


@pytest.fixture(scope="module")
def parsed() -> dict[tuple[str, tuple[str, ...]], dict[str, Any]]:
    """What each documented command's script answered: its exit code and its stderr."""
    answers = _parse_in_one_interpreter([[str(ROOT / script), *words] for script, words in COMMANDS])
    assert len(answers) == len(COMMANDS)
    return dict(zip(COMMANDS, answers, strict=True))


def test_the_docs_show_the_offline_and_desk_benchmarks() -> None:
    scripts = {script for script, _ in COMMANDS}
    assert {"bench/bench_offline.py", "bench/bench_desk.py", "bench/run_all.py"} <= scripts


@pytest.mark.parametrize(("script", "words"), COMMANDS, ids=[" ".join([s, *w])[:80] for s, w in COMMANDS])
def test_a_documented_benchmark_command_is_taken_by_its_script(
    script: str, words: tuple[str, ...], parsed: dict[tuple[str, tuple[str, ...]], dict[str, Any]]
) -> None:
    answer = parsed[(script, words)]
    assert answer["code"] == 0, answer["stderr"][-2000:]


def test_a_wrong_option_fails_its_command_and_only_its_own(
    parsed: dict[tuple[str, tuple[str, ...]], dict[str, Any]],
) -> None:
    """The one interpreter tells commands apart: an option no script takes fails that command alone, with
    the parser's words, and the command after it is still parsed."""
    script, words = next(command for command in COMMANDS if command[0] == "bench/run_all.py")
    commands = [[str(ROOT / script), *words, "--no-such-option"], [str(ROOT / script), *words]]
    wrong, right = _parse_in_one_interpreter(commands)
    assert wrong["code"] == 2 and "--no-such-option" in wrong["stderr"]
    assert right == parsed[(script, words)] and right["code"] == 0
