"""`tekseru serve --workers N` as a reader and the machine see it, with real processes: the line "the server
answers at ..." comes when every worker accepts connections, not when the parent binds the address (7-14 s
before, on a busy machine); and the workers' shared connection counters leave no file behind, even when
the parent is killed with SIGKILL and runs no finaliser."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tekseru.i18n import translate
from tekseru.services.auth import open_app_database
from tekseru.settings import Settings
from tests.cli.test_serve_log import free_port
from tests.databases import migrated_sqlite_file
from tests.process_sessions import session_processes
from tests.tied_process import tied
from tests.web.support import seed
from tests.web.test_serve_command import _listening_sockets

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="SO_REUSEPORT and /proc")


class Served:
    """`tekseru serve --workers 2` in a session of its own, on a seeded database (no demo to load), its
    temporary folder (TMPDIR) one of the test's own, its output in a file."""

    def __init__(self, tmp_path: Path, language: str, port: int | None = None) -> None:
        database = tmp_path / "tekseru.sqlite3"
        shutil.copyfile(migrated_sqlite_file(), database)
        settings = Settings(database_url=f"sqlite:///{database}", attachments_dir=str(tmp_path / "files"))
        db = open_app_database(settings)
        try:
            seed(db, tmp_path)
        finally:
            db.close()
        self.port, self.temporary, self.printed = (
            port or free_port(),
            tmp_path / "tmp",
            tmp_path / "serve.log",
        )
        self.temporary.mkdir()
        command = [sys.executable, "-m", "tekseru", "serve", "--workers", "2", "--port", str(self.port)]
        command += ["--no-access-log", "--lang", language]
        env = {**os.environ, **settings.environment(), "TMPDIR": str(self.temporary)}
        with self.printed.open("w") as log:
            self.process = subprocess.Popen(
                tied(command), env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )

    def wait_for(self, line: str, seconds: float = 180) -> None:
        deadline = time.monotonic() + seconds
        while line not in self.printed.read_text():
            assert self.process.poll() is None, self.printed.read_text()
            assert time.monotonic() < deadline, "not said: " + line + "\n" + self.printed.read_text()
            time.sleep(0.02)

    def end(self) -> None:
        """Every process of its session killed (whatever a failing test left running)."""
        for pid in session_processes(self.process.pid):
            os.kill(pid, signal.SIGKILL)
        if self.process.poll() is None:
            self.process.wait(10)


@pytest.fixture
def language() -> str:
    return "kk"


@pytest.fixture
def served(tmp_path: Path, language: str) -> Iterator[Served]:
    server = Served(tmp_path, language)
    try:
        yield server
    finally:
        server.end()


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_server_says_it_answers_once_every_worker_accepts_connections(
    served: Served, language: str
) -> None:
    address = f"http://127.0.0.1:{served.port}"
    said = translate(language, "today13.serve.listening", address=address)
    served.wait_for(said)
    # Read at once: when the line is printed, both workers listen and the address answers (it was printed
    # when the parent bound the address, before either worker listened).
    assert len(_listening_sockets(served.port)) == 2, served.printed.read_text()
    assert httpx.get(f"{address}/api/v1/health", timeout=10).status_code == 200
    assert served.printed.read_text().count(said) == 1


def test_a_parent_killed_with_sigkill_leaves_no_file_of_connection_counters(served: Served) -> None:
    said = translate("kk", "today13.serve.listening", address=f"http://127.0.0.1:{served.port}")
    served.wait_for(said)
    deadline = time.monotonic() + 120  # the workers listen (they did not yet when the line came too soon)
    while len(_listening_sockets(served.port)) < 2:
        assert time.monotonic() < deadline, served.printed.read_text()
        time.sleep(0.1)
    workers = [pid for pid in session_processes(served.process.pid) if pid != served.process.pid]
    mapped = [Path(f"/proc/{pid}/maps").read_text() for pid in workers]
    assert sum("tekseru-connections" in maps or str(served.temporary) in maps for maps in mapped) == 2
    os.kill(served.process.pid, signal.SIGKILL)
    served.process.wait(10)
    assert list(served.temporary.glob("tekseru-connections-*")) == []


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_the_workers_of_a_parent_killed_with_sigkill_end_and_the_port_serves_again(
    served: Served, language: str, tmp_path: Path
) -> None:
    """Killed by SIGKILL, the parent cannot stop its workers: they went on answering on the port, so the
    next `tekseru serve` on it was told the address is taken until someone found and killed them."""
    address = f"http://127.0.0.1:{served.port}"
    said = translate(language, "today13.serve.listening", address=address)
    served.wait_for(said)
    workers = [pid for pid in session_processes(served.process.pid) if pid != served.process.pid]
    assert len(workers) >= 2
    os.kill(served.process.pid, signal.SIGKILL)
    served.process.wait(10)
    deadline = time.monotonic() + 60
    while _listening_sockets(served.port) or session_processes(served.process.pid):
        assert time.monotonic() < deadline, f"still running: {session_processes(served.process.pid)}"
        time.sleep(0.1)
    (tmp_path / "again").mkdir()
    again = Served(tmp_path / "again", language, port=served.port)
    try:
        again.wait_for(said)
        assert httpx.get(f"{address}/api/v1/health", timeout=10).status_code == 200
    finally:
        again.end()
