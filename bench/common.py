"""What every benchmark shares: its options, the machine's load, the versions, the ratio to the target and
the JSON result that `bench/run_all.py` gathers and `bench/report.py` turns into docs/PERFORMANCE.md.

A benchmark makes a `Run`, records figures with `run.figure(...)` (each against its target from issue 18,
the target being what the figure should reach, not a floor) and checks with `run.check(...)`; `run.finish()`
prints the machine's load and the versions, each figure with its ratio to the target, writes the JSON
(`--json PATH`) and exits 1 when a check failed: a benchmark that finds a wrong answer fails.

Load: the load average is read when the run starts and when it ends. A run is labelled `quiet` only when
the one at its start, before its own work, is below half the number of processors: nothing else was
running. The one at its end counts the benchmark itself (a single busy process is a load of 1, which on two
processors is already half), so it is shown, not judged. `run_all.py` waits for the load of the previous
benchmark to fall before starting the next. A run not labelled `quiet` is measured `under load`, and its
figures are not a claim that a target is met or missed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
LOCAL_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/"
LIBRARIES = ("tekseru", "numpy", "sqlalchemy", "psycopg", "fastapi", "uvicorn", "fpdf2", "pypdf", "typer")
LIBRARIES += ("playwright",)  # the browser benchmark's (bench_offline); absent ones are left out


def add_options(parser: argparse.ArgumentParser, database: bool = True) -> None:
    """`--json PATH` for every benchmark, `--database-url URL` for those that use a database."""
    parser.add_argument("--json", type=Path, help="also write the result as JSON to this file")
    if database:
        parser.add_argument(
            "--database-url",
            help="the database to run on: sqlite:///FILE or postgresql+psycopg://postgres@127.0.0.1:5432/DB "
            "(default: a new SQLite file in a temporary folder)",
        )


def database_kind(url: str | None) -> str:
    if url is None or url.startswith("sqlite"):
        return "sqlite"
    if url.startswith("postgresql"):
        return "postgresql"
    raise SystemExit(f"--database-url: not a SQLite or PostgreSQL URL: {url}")


def postgres_url(database: str) -> str:
    """The local PostgreSQL server's database `database` (the benchmarks' default server)."""
    return LOCAL_POSTGRES + database


def fresh_postgres(url: str) -> str:
    """Drop and create the database of `url` (a benchmark's own, never a shared one) and return `url`."""
    from sqlalchemy import create_engine, make_url, text

    target = make_url(url)
    name = target.database
    if not name or name in ("postgres", "template0", "template1"):
        raise SystemExit(f"--database-url must name a database of the benchmark's own, not {name!r}")
    from sqlalchemy.exc import OperationalError

    engine = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as error:  # no server there, or it refuses us: one line, not psycopg's traceback
        reason = str(error.orig).strip().splitlines()[0] if error.orig else str(error)
        where = target.render_as_string(hide_password=True)
        said = f"--database-url {where}: the PostgreSQL server does not answer ({reason})"
        raise SystemExit(said) from None
    finally:
        engine.dispose()
    return url


def load_average() -> list[float]:
    return [round(value, 2) for value in os.getloadavg()]


def postgres_version(url: str) -> str:
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return str(connection.execute(text("SHOW server_version")).scalar_one())
    except Exception as error:  # reported, not fatal: the version line is information
        return f"unknown ({type(error).__name__})"
    finally:
        engine.dispose()


def versions(database_url: str | None = None) -> dict[str, str]:
    """Python, SQLite, the PostgreSQL server when `database_url` names one, and the libraries that matter."""
    found = {"python": platform.python_version(), "sqlite": sqlite3.sqlite_version}
    if database_kind(database_url) == "postgresql":
        assert database_url is not None
        found["postgresql"] = postgres_version(database_url)
    for library in LIBRARIES:
        try:
            found[library] = version(library)
        except PackageNotFoundError:
            continue
    return found


def commit() -> str:
    try:
        done = subprocess.run(
            ["git", "-C", str(ROOT), "describe", "--always", "--dirty"],
            capture_output=True,
            text=True,
            timeout=10,
        )
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    return done.stdout.strip() or "unknown"


def ratio(value: float, target: float, better: str) -> float:
    """How far `value` is from `target`: >= 1 means the target is reached, whichever way is better."""
    if better == "higher":
        return value / target if target else float("inf")
    return target / value if value else float("inf")


@dataclass
class Run:
    """One benchmark's run: what it measured, what it checked, on what machine and database."""

    benchmark: str
    database_url: str | None = None
    uses_database: bool = True
    sizes: dict[str, Any] = field(default_factory=dict)
    figures: list[dict[str, Any]] = field(default_factory=list)
    checks: list[dict[str, Any]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    started: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))
    load_start: list[float] = field(default_factory=load_average)
    clock: float = field(default_factory=time.perf_counter)

    def figure(
        self,
        what: str,
        value: float,
        unit: str,
        target: float | None = None,
        better: str = "lower",
        **extra: Any,
    ) -> None:
        """A measured figure, against its target when it has one (`better`: "lower" or "higher")."""
        entry: dict[str, Any] = {"what": what, "value": value, "unit": unit, "load": load_average()}
        if target is not None:
            entry |= {"target": target, "better": better, "ratio": round(ratio(value, target, better), 3)}
        self.figures.append(entry | extra)

    def check(self, what: str, ok: bool, detail: str = "") -> bool:
        """A check of the benchmark's output; one that fails makes the whole run fail."""
        self.checks.append({"what": what, "ok": bool(ok), "detail": detail})
        if not ok:
            print(f"CHECK FAILED: {what}{': ' + detail if detail else ''}", file=sys.stderr)
        return bool(ok)

    @property
    def ok(self) -> bool:
        return all(check["ok"] for check in self.checks) and bool(self.checks)

    def result(self) -> dict[str, Any]:
        load_end = load_average()
        cpus = os.cpu_count() or 1
        quiet = self.load_start[0] < cpus / 2
        return {
            "benchmark": self.benchmark,
            "command": [Path(sys.argv[0]).name, *sys.argv[1:]],
            "started": self.started,
            "seconds": round(time.perf_counter() - self.clock, 2),
            "commit": commit(),
            "machine": {
                "platform": f"{platform.system()} {platform.machine()}",
                "cpus": cpus,
                "load_start": self.load_start,
                "load_end": load_end,
                "label": "quiet" if quiet else "under load",
            },
            "versions": versions(self.database_url),
            "database": database_kind(self.database_url) if self.uses_database else "none",
            "sizes": self.sizes,
            "figures": self.figures,
            "checks": self.checks,
            "notes": self.notes,
            "ok": self.ok,
        }

    def finish(self, json_path: Path | None = None) -> int:
        """Print the summary, write the JSON, and return the exit code (1 when a check failed)."""
        result = self.result()
        machine = result["machine"]
        print()
        print(f"== {self.benchmark}: {result['started']}, commit {result['commit']}, {result['database']}")
        print(
            f"machine: {machine['platform']}, {machine['cpus']} CPUs, load average "
            f"{machine['load_start']} at the start, {machine['load_end']} at the end: {machine['label']}"
        )
        print("versions: " + ", ".join(f"{name} {value}" for name, value in result["versions"].items()))
        for entry in self.figures:
            line = f"  {entry['what']}: {entry['value']:,.4g} {entry['unit']}"
            if "target" in entry:
                way = "<=" if entry["better"] == "lower" else ">="
                line += f" (target {way} {entry['target']:,.4g}; ratio to target {entry['ratio']:.2f})"
            print(line + f" [load {entry['load'][0]}]")
        if machine["label"] != "quiet":
            print("  measured under load: these figures do not show whether a target is met")
        failed = [check for check in self.checks if not check["ok"]]
        print(f"checks: {len(self.checks) - len(failed)} of {len(self.checks)} held")
        for check in failed:
            print(f"  FAILED: {check['what']} {check['detail']}")
        if json_path is not None:
            json_path.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        return 0 if result["ok"] else 1
