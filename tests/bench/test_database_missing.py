"""A benchmark given a PostgreSQL server that does not answer says so in one line and exits, as a newcomer
without the server running would meet it: it ended with a traceback of psycopg's (tester12)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.test_serve_log import free_port

BENCH = Path(__file__).parents[2] / "bench"


@pytest.mark.parametrize("script", ["bench_web_instructions.py", "bench_offline.py"])
def test_a_server_that_does_not_answer_is_said_without_a_traceback(script: str) -> None:
    port = free_port()  # nothing listens there
    url = f"postgresql+psycopg://postgres@127.0.0.1:{port}/tekseru_bench_missing"
    command = [sys.executable, str(BENCH / script), "--database-url", url]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode != 0
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    assert "--database-url" in done.stderr and f"127.0.0.1:{port}" in done.stderr, done.stderr[-2000:]
