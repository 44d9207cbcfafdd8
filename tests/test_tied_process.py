"""A `tekseru serve` the tests start dies with the test process: the process that started it (standing in
for pytest) is killed with SIGKILL or SIGTERM, which run no finaliser, and within seconds the server and
the processes of its session are gone, its port closed."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from tekseru.services.auth import open_app_database
from tekseru.settings import Settings
from tests.cli.test_serve_log import free_port
from tests.databases import migrated_sqlite_file
from tests.process_sessions import session_processes
from tests.web.support import seed

ROOT = Path(__file__).resolve().parents[1]
# What the stand-in for pytest runs: the server, started as the tests start theirs, then a long sleep.
STAND_IN = """
import subprocess, sys, time
from tests.tied_process import tied
command = [sys.executable, "-m", "tekseru", "serve", "--port", sys.argv[1], "--no-access-log"]
server = subprocess.Popen(tied(command), start_new_session=True, stdout=subprocess.DEVNULL,
                          stderr=subprocess.STDOUT)
print(server.pid, flush=True)
time.sleep(600)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
@pytest.mark.parametrize("kill", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_the_server_dies_with_the_test_process(tmp_path: Path, kill: signal.Signals) -> None:
    database = tmp_path / "tekseru.sqlite3"
    shutil.copyfile(migrated_sqlite_file(), database)
    settings = Settings(database_url=f"sqlite:///{database}", attachments_dir=str(tmp_path / "files"))
    db = open_app_database(settings)
    try:
        seed(db, tmp_path)  # a registry that is not empty: the server starts without loading the demo
    finally:
        db.close()
    port = free_port()
    python_path = os.pathsep.join([str(ROOT / "src"), str(ROOT), os.environ.get("PYTHONPATH", "")])
    env = {**os.environ, **settings.environment(), "PYTHONPATH": python_path}
    stand_in = subprocess.Popen(
        [sys.executable, "-c", STAND_IN, str(port)], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True
    )
    server = 0
    try:
        assert stand_in.stdout is not None
        server = int(stand_in.stdout.readline())
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.2)
        assert server in session_processes(server)
        stand_in.send_signal(kill)
        stand_in.wait(10)
        deadline = time.monotonic() + 10
        while session_processes(server) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert session_processes(server) == [], "the server outlived the process that started it"
        with pytest.raises(httpx.TransportError):
            httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=1)
    finally:
        if stand_in.poll() is None:
            stand_in.kill()
        for pid in session_processes(server) if server else []:
            os.kill(pid, signal.SIGKILL)  # only when the test failed: no server is left behind
