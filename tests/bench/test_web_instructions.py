"""bench/bench_web_instructions.py end to end at a small size: a real server under valgrind's callgrind,
every kind counted, its answers checked, and the count the same when the same requests are counted again."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).parents[2] / "bench"


def _counted(tmp_path: Path, name: str, *extra: str) -> dict[str, float]:
    out = tmp_path / f"{name}.json"
    command = [sys.executable, str(BENCH / "bench_web_instructions.py"), "--subjects", "300"]
    command += ["--requests", "3", "--warmup", "2", "--json", str(out), *extra]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    result = json.loads(out.read_text(encoding="utf-8"))
    assert result["ok"] and len(result["checks"]) == 2 and all(check["ok"] for check in result["checks"])
    assert "instructions per request" in done.stdout and "times a health check" in done.stdout
    return {figure["what"]: figure["value"] for figure in result["figures"]}


def test_each_kind_is_counted_and_costs_more_than_a_health_check(tmp_path: Path) -> None:
    database = tmp_path / "web.sqlite3"
    first = _counted(tmp_path, "first", "--database-url", f"sqlite:///{database}")
    kinds = ("search page", "card page", "search API", "subject API")
    health = first["health: instructions per request"]
    assert 0.1 < health < 20, health  # millions: a bare request of the framework
    for kind in kinds:
        assert first[f"{kind}: instructions per request"] > health
        assert first[f"{kind}: times the work of a health check"] > 1
    # The same requests on the same data counted again: the same work within a few percent (what makes
    # the figure worth having on a busy machine).
    again = _counted(tmp_path, "again", "--database-url", f"sqlite:///{database}", "--reuse-db")
    for kind in kinds:
        before, after = first[f"{kind}: instructions per request"], again[f"{kind}: instructions per request"]
        assert abs(after - before) / before < 0.05, (kind, before, after)
