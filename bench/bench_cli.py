"""Benchmark of the command line's start: `tekseru --help`, a command's help and `tekseru catalog criteria`.

    .venv/bin/python bench/bench_cli.py [--runs 9]

Runs each command `--runs` times as a new process (the installed `tekseru` script next to this Python, as
a user runs it), checks that each answer has exit code 0 and the words it must show, and reports the median
wall time against the target (0.4 s for a help and 0.8 s, issue 18) and the median CPU time of the process
(user and system), which a shared machine disturbs less.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from common import Run, add_options

# Each command, the words its output must hold, and its target in seconds (wall clock, median).
COMMANDS = (
    ("tekseru --help", ["--help"], ("Usage", "catalog", "rosters", "serve"), 0.4),
    # A command's help costs what the root's does (its module imports the database, the web or the documents
    # only when the command runs): `serve --help` imported the web application (3.8 s of CPU), `plan --help`
    # the plan stack (2.0 s). The target is the root help's.
    ("tekseru serve --help", ["serve", "--help"], ("Usage", "--port", "--workers"), 0.4),
    ("tekseru plan --help", ["plan", "--help"], ("Usage", "HALF_YEAR", "--capacity-file"), 0.4),
    (
        "tekseru catalog criteria",
        ["catalog", "criteria", "--lang", "en"],
        ("Appendix 1", "Significant", "Criterion"),
        0.8,
    ),
)


def tekseru_command() -> list[str]:
    script = Path(sys.executable).parent / "tekseru"
    return [str(script)] if script.exists() else [sys.executable, "-m", "tekseru"]


def time_once(
    arguments: list[str], env: dict[str, str]
) -> tuple[float, float, subprocess.CompletedProcess[str]]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        tekseru_command() + arguments, capture_output=True, text=True, timeout=120, env=env, check=False
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9, help="runs of each command (median reported)")
    add_options(parser, database=False)
    args = parser.parse_args(argv)
    run = Run("cli", uses_database=False, sizes={"runs": args.runs})
    env = os.environ | {"COLUMNS": "120", "TEKSERU_LANGUAGE": "en"}
    for name, arguments, words, target in COMMANDS:
        walls, cpus = [], []
        for _ in range(args.runs):
            wall, cpu, done = time_once(arguments, env)
            walls.append(wall)
            cpus.append(cpu)
            missing = [word for word in words if word not in done.stdout]
            run.check(
                f"{name}: exit code 0 and the words {', '.join(words)}",
                done.returncode == 0 and not missing,
                f"exit {done.returncode}, missing {missing}, stderr {done.stderr[-300:]!r}"
                if done.returncode or missing
                else "",
            )
        run.figure(f"{name}, wall (median of {args.runs})", statistics.median(walls), "s", target, "lower")
        run.figure(f"{name}, CPU user+system (median)", statistics.median(cpus), "s")
    return run.finish(args.json)


if __name__ == "__main__":
    sys.exit(main())
