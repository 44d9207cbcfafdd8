"""`tekseru serve` as a real process speaks the reader's language from its first line to its last: its own
start and stop lines, each request in our own words, and none of uvicorn's English ("INFO: Started server
process", "Uvicorn running on ...", "Shutting down"), in Kazakh and Russian, stopped by Ctrl+C (SIGINT) or
by a service manager (SIGTERM)."""

from __future__ import annotations

import errno
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from tekseru.cli.main import app
from tekseru.cli.serve_log import BindFailure
from tests.cli.reader_language import assert_reader_language
from tests.databases import migrated_sqlite_file
from tests.tied_process import tied

SAID = {
    "kk": ("Сервер http://127.0.0.1:{port} мекенжайында жауап береді. Тоқтату үшін: Ctrl+C.",
           "Сервер тоқтады."),
    "ru": ("Сервер отвечает по адресу http://127.0.0.1:{port}. Чтобы остановить: Ctrl+C.",
           "Сервер остановлен."),
}  # fmt: skip
UVICORN = ("INFO", "Uvicorn", "Started", "Waiting", "Application", "Shutting", "Finished", "CTRL", "HTTP/1.1")


@pytest.fixture(scope="module")
def demo_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database with the demo loaded and assessed, so that each server starts at once."""
    database = tmp_path_factory.mktemp("serve-log") / "demo.sqlite3"
    shutil.copyfile(migrated_sqlite_file(), database)
    done = CliRunner().invoke(
        app, ["demo", "--lang", "ru"], env={"TEKSERU_DATABASE_URL": f"sqlite:///{database}"}
    )
    assert done.exit_code == 0, done.output
    return database


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.mark.parametrize(("language", "stop"), [("kk", signal.SIGINT), ("ru", signal.SIGTERM)])
def test_serve_says_every_line_in_the_readers_language(
    demo_database: Path, tmp_path: Path, language: str, stop: signal.Signals
) -> None:
    database, port = tmp_path / "tekseru.sqlite3", free_port()
    shutil.copyfile(demo_database, database)
    command = [sys.executable, "-m", "tekseru", "serve", "--port", str(port), "--db", str(database)]
    env = {**os.environ, "TEKSERU_ATTACHMENTS_DIR": str(tmp_path / "files"), "TEKSERU_LANGUAGE": language}
    out, err = tmp_path / "stdout.log", tmp_path / "stderr.log"  # files, not pipes: a pipe could block
    with out.open("w") as stdout, err.open("w") as stderr:
        server = subprocess.Popen(tied(command), env=env, stdout=stdout, stderr=stderr, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        assert _answers(base, server), out.read_text() + err.read_text()
        assert httpx.get(f"{base}/login", params={"lang": language}, timeout=30).status_code == 200
        assert httpx.get(f"{base}/no-such-page", timeout=30).status_code == 404
        server.send_signal(stop)
        # Ctrl+C ends it with 0; SIGTERM, as uvicorn does, by that signal once it has shut down
        assert server.wait(timeout=60) in (0, -stop)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait(timeout=30)
    printed, errors = out.read_text(), err.read_text()
    started, stopped = SAID[language]
    assert started.format(port=port) in printed and printed.rstrip().endswith(stopped)
    assert "127.0.0.1" in printed and "GET /login?lang=" in printed and "GET /no-such-page → 404" in printed
    assert errors == ""
    assert not [word for word in UVICORN if word in printed], printed
    # our lines but the startup block's address and the requests' method and path
    said = [line for line in printed.splitlines() if "GET " not in line and "sqlite" not in line]
    assert_reader_language("\n".join(said), "Ctrl", "C")


def _answers(base: str, server: subprocess.Popen[str]) -> bool:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and server.poll() is None:
        try:
            if httpx.get(f"{base}/api/v1/health", timeout=2).status_code == 200:
                return True
        except httpx.TransportError:
            time.sleep(0.2)
    return False


TAKEN = {
    "kk": "Сервер іске қосылмады: http://127.0.0.1:{port}/ мекенжайын басқа бағдарлама пайдаланып отыр.",
    "ru": "Сервер не запущен: адрес http://127.0.0.1:{port}/ уже занят другой программой.",
}


@pytest.mark.parametrize(("language", "workers"), [("kk", "1"), ("ru", "2")])
def test_a_port_already_taken_is_said_in_one_line(
    demo_database: Path, tmp_path: Path, language: str, workers: str
) -> None:
    """Another program listens on the port: `serve` says so in the reader's words, naming the address, and
    ends with a non-zero status, without uvicorn's English or a traceback (one process, or several: then
    uvicorn's parent binds)."""
    database = tmp_path / "tekseru.sqlite3"
    shutil.copyfile(demo_database, database)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        command = [sys.executable, "-m", "tekseru", "serve", "--port", str(port), "--db", str(database)]
        command += ["--workers", workers]
        env = {**os.environ, "TEKSERU_ATTACHMENTS_DIR": str(tmp_path / "files"), "TEKSERU_LANGUAGE": language}
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode != 0
    errors = done.stderr.strip().splitlines()
    assert len(errors) == 1 and errors[0].startswith(TAKEN[language].format(port=port)), done.stderr
    assert "Traceback" not in done.stderr + done.stdout and "Errno" not in done.stderr
    assert not [word for word in (*UVICORN, "address already in use") if word in done.stderr]


@pytest.mark.parametrize(
    ("number", "said"),
    [(errno.EACCES, "нет прав принимать соединения по адресу http://0.0.0.0:80/"),
     (errno.EADDRNOTAVAIL, "http://0.0.0.0:80/ не является адресом этого компьютера"),
     (errno.ENOBUFS, f"по адресу http://0.0.0.0:80/ (системная ошибка {errno.ENOBUFS})")],
)  # fmt: skip
def test_other_bind_failures_are_said_too(number: int, said: str) -> None:
    record = logging.LogRecord("uvicorn.error", logging.ERROR, "", 0, OSError(number, "English"), None, None)
    assert BindFailure("ru", "http://0.0.0.0:80/").filter(record) and said in record.getMessage()
    assert "English" not in record.getMessage()
