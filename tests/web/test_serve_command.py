"""`tekseru serve` prepares the database (first admin, interrupted jobs), builds the app and hands it to
uvicorn; `tekseru users` creates, lists and resets users."""

from __future__ import annotations

import contextlib
import http.client
import os
import re
import socket
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
import typer
import uvicorn
from fastapi import FastAPI
from typer.testing import CliRunner

from tekseru.cli import serve_command, serve_workers, users_commands
from tekseru.services.accounts import list_users
from tekseru.services.auth import LoginRefused, log_in, open_app_database
from tekseru.services.demo import load_demo
from tekseru.services.permissions import Actor
from tekseru.settings import Settings
from tests.catalogue import CATALOGUE
from tests.tied_process import tied
from tests.web.support import CHEAP_PASSWORDS


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> dict[str, Any]:
    calls: dict[str, Any] = {}

    def run(app: FastAPI, **options: Any) -> None:
        calls.update(app=app, **options)

    monkeypatch.setattr(uvicorn, "run", run)
    monkeypatch.setattr(serve_workers, "run", run)
    monkeypatch.delenv("TEKSERU_DATABASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    return calls


def invoke(*args: str) -> str:
    cli = typer.Typer()
    cli.command()(serve_command.serve)
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_defaults(served: dict[str, Any], tmp_path: Path) -> None:
    output = invoke()
    assert (served["host"], served["port"]) == ("127.0.0.1", 8000)
    assert isinstance(served["app"], FastAPI)
    assert served["app"].state.settings.database_url == "sqlite:///tekseru.sqlite3"
    assert "http://127.0.0.1:8000/" in output
    assert (tmp_path / "tekseru.sqlite3").exists()


def test_host_port_and_database_file(served: dict[str, Any], tmp_path: Path) -> None:
    invoke("--host", "0.0.0.0", "--port", "8080", "--db", str(tmp_path / "web.sqlite3"))
    assert (served["host"], served["port"], served["access_log"]) == ("0.0.0.0", 8080, True)
    assert served["app"].state.settings.database_url == f"sqlite:///{tmp_path / 'web.sqlite3'}"


def test_the_access_log_can_be_turned_off(served: dict[str, Any]) -> None:
    invoke("--no-access-log")
    assert served["access_log"] is False


def test_the_database_url_comes_from_the_environment(
    served: dict[str, Any], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("TEKSERU_DATABASE_URL", f"sqlite:///{tmp_path / 'env.sqlite3'}")
    invoke()
    assert served["app"].state.settings.database_url == f"sqlite:///{tmp_path / 'env.sqlite3'}"


def passwords(output: str) -> dict[str, str]:
    """The table of users `serve` prints on first use: user name -> password."""
    rows = [re.split(r" {2,}", line.strip()) for line in output.splitlines() if line.startswith("    ")]
    return {row[0]: row[-1] for row in rows[1:]}


def test_the_first_start_prints_one_block_with_the_demo_users(served: dict[str, Any], tmp_path: Path) -> None:
    output = invoke("--port", "8123", "--lang", "en")
    assert output.startswith("tekseru: http://127.0.0.1:8123/ (API: /api/v1, database: sqlite:///")
    assert "Sign in at http://127.0.0.1:8123/login as one of these users" in output
    assert re.search(r"^    user +role +region +password$", output, flags=re.MULTILINE), output
    found = passwords(output)
    assert list(found) == ["demo-admin", "demo-planner", "demo-inspector", "demo-viewer"]
    assert output.count("shown only now") == 1  # one block, not one line per user
    assert len(output.splitlines()) <= 10
    db = open_app_database(Settings().with_database_path(tmp_path / "tekseru.sqlite3"))
    try:
        for user, password in found.items():
            assert log_in(db, user, password, client="test", passwords=CHEAP_PASSWORDS).actor.username == user
        assert (
            log_in(
                db, "demo-inspector", found["demo-inspector"], client="t", passwords=CHEAP_PASSWORDS
            ).actor.region
            == "astana"
        )
        second = invoke()
        assert len(second.strip().splitlines()) == 1 and "password" not in second  # the address only
        names = [user.username for user in list_users(db, Actor.system())]
        assert names == ["demo-admin", "demo-inspector", "demo-planner", "demo-viewer"]
    finally:
        db.close()


def test_a_registry_without_users_gets_the_admin(served: dict[str, Any], tmp_path: Path) -> None:
    db = open_app_database(Settings().with_database_path(tmp_path / "tekseru.sqlite3"))
    try:
        assert load_demo(
            db, today=date.today(), catalogue=CATALOGUE
        ).loaded  # a registry, imported before any user exists
    finally:
        db.close()
    output = invoke("--port", "8124", "--lang", "en")
    assert "The database was empty" not in output
    assert list(passwords(output)) == ["admin"]


def test_several_workers_get_the_factory_and_the_settings_through_the_environment(
    served: dict[str, Any], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for name in Settings().environment():
        monkeypatch.delenv(name, raising=False)  # restored after the test, whatever serve sets
    output = invoke("--workers", "3", "--lang", "en", "--db", str(tmp_path / "many.sqlite3"))
    assert served["app"] == serve_command.APP_FACTORY and served["factory"] is True
    assert served["workers"] == 3 and "3 worker processes" in output
    passed_on = Settings.from_environment()
    assert passed_on.database_url == f"sqlite:///{tmp_path / 'many.sqlite3'}"
    assert passed_on == Settings().with_database_path(tmp_path / "many.sqlite3")


def test_several_workers_answer_on_one_sqlite_file(tmp_path: Path) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [
        sys.executable,
        "-m",
        "tekseru",
        "serve",
        "--workers",
        "2",
        "--port",
        str(port),
        "--lang",
        "en",
    ]
    command += ["--db", str(tmp_path / "workers.sqlite3")]
    env = {**os.environ, "TEKSERU_ATTACHMENTS_DIR": str(tmp_path / "files")}
    # The server's output goes to a file, not a pipe: reading a pipe of a server that never exits could block
    # the test forever when the expected line does not come.
    printed = tmp_path / "serve.log"
    with printed.open("w") as log:
        server = subprocess.Popen(tied(command), env=env, stdout=log, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        assert _started(base, server), "the server did not start: " + printed.read_text()
        assert len(_children(server.pid)) >= 2
        with httpx.Client(base_url=base, timeout=30) as client:
            credentials = {"username": "demo-admin", "password": _admin(printed)}
            signed = client.post("/api/v1/auth/login", json=credentials)
            assert signed.status_code == 200, signed.text
            answers = [client.get("/api/v1/subjects", params={"q": "орталығы"}) for _ in range(30)]
        assert {answer.status_code for answer in answers} == {200}
        assert len({answer.json()["total"] for answer in answers}) == 1
        deadline = time.monotonic() + 60  # health answered from one worker; the other may still start
        while len(listening := _listening_sockets(port)) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        owners = {pid: _socket_inodes(pid) & listening for pid in _children(server.pid)}
        workers = [pid for pid, inodes in owners.items() if inodes]
        # Each worker listens on a socket of its own (SO_REUSEPORT), which the kernel spreads connections
        # over; uvicorn's workers all shared one, and the first to wake took most connections.
        assert len(workers) == 2 and len(listening) == 2, owners
        assert owners[workers[0]].isdisjoint(owners[workers[1]])
        # The kernel spreads connections by a hash (15 to 5 was seen); a worker over its share ends one
        # connection after an answer, and the clients' new ones even them out (serve_balance).
        held = _connections_held(port, workers, KEPT_OPEN)
        assert sum(held) == KEPT_OPEN and max(held) - min(held) <= 2, held
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=30)


KEPT_OPEN = 20


def _connections_held(port: int, workers: list[int], clients: int) -> list[int]:
    """How many of `clients` keep-alive connections each worker holds after a few rounds of requests (a
    connection the server ended is opened again by http.client at its next request)."""
    connections = [http.client.HTTPConnection("127.0.0.1", port, timeout=30) for _ in range(clients)]
    try:
        for _ in range(15):
            for connection in connections:
                connection.request("GET", "/api/v1/health")
                answer = connection.getresponse()
                answer.read()
                assert answer.status == 200
        established = _sockets_of(port, "01")
        return [len(_socket_inodes(pid) & established) for pid in workers]
    finally:
        for connection in connections:
            connection.close()


def _started(base: str, server: subprocess.Popen[str]) -> bool:
    deadline = time.monotonic() + 120  # the first start loads and assesses the demo registry
    while time.monotonic() < deadline and server.poll() is None:
        try:
            if httpx.get(f"{base}/api/v1/health", timeout=2).status_code == 200:
                return True
        except httpx.TransportError:
            time.sleep(0.2)
    return False


def _admin(printed: Path) -> str:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        found = re.search(r"^    demo-admin +administrator +(\S+)$", printed.read_text(), re.MULTILINE)
        if found:
            return found.group(1)
        time.sleep(0.2)
    raise AssertionError("serve did not print the demo administrator's password:\n" + printed.read_text())


def _listening_sockets(port: int) -> set[int]:
    """The inodes of the TCP sockets listening on `port` (Linux /proc/net/tcp, state 0A)."""
    return _sockets_of(port, "0A")


def _sockets_of(port: int, state: str) -> set[int]:
    """The inodes of the TCP sockets of local port `port` in `state` (Linux /proc/net/tcp: 0A listening,
    01 established)."""
    inodes = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if int(fields[1].rsplit(":", 1)[1], 16) == port and fields[3] == state:
            inodes.add(int(fields[9]))
    return inodes


def _socket_inodes(pid: int) -> set[int]:
    inodes = set()
    with contextlib.suppress(OSError):  # the process or a descriptor went away meanwhile
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            with contextlib.suppress(OSError):
                target = os.readlink(fd)
                if target.startswith("socket:["):
                    inodes.add(int(target[8:-1]))
    return inodes


def _children(pid: int) -> list[int]:
    """The processes whose parent is `pid` (Linux /proc)."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            children.append(int(stat.parent.name))
    return children


def users(*args: str) -> Any:
    return CliRunner().invoke(users_commands.app, [*args, "--lang", "en"])


def test_users_create_list_and_set_password(tmp_path: Path) -> None:
    db_file = str(tmp_path / "users.sqlite3")
    created = users(
        "create",
        "Aigerim",
        "--role",
        "inspector",
        "--region",
        "Астана",
        "--full-name",
        "A. S.",
        "--db",
        db_file,
    )
    assert created.exit_code == 0, created.output
    password = re.search(r"Password: (\S+)", created.output)
    assert password and "Created aigerim (inspector)" in created.output
    listing = users("list", "--db", db_file)
    assert "aigerim" in listing.output and "Astana" in listing.output and "inspector" in listing.output
    reset = users("set-password", "aigerim", "--db", db_file)
    new = re.search(r"Password: (\S+)", reset.output)
    assert reset.exit_code == 0 and new and new.group(1) != password.group(1)
    db = open_app_database(Settings().with_database_path(Path(db_file)))
    try:
        with pytest.raises(LoginRefused):
            log_in(db, "aigerim", password.group(1), client="test", passwords=CHEAP_PASSWORDS)
        assert (
            log_in(db, "aigerim", new.group(1), client="test", passwords=CHEAP_PASSWORDS).actor.region
            == "astana"
        )
    finally:
        db.close()


def test_users_commands_explain_their_errors(tmp_path: Path) -> None:
    db_file = str(tmp_path / "errors.sqlite3")
    no_region = users("create", "someone", "--role", "inspector", "--db", db_file)
    assert no_region.exit_code == 1 and "an inspector needs a region" in no_region.output
    unknown = users("set-password", "nobody", "--db", db_file)
    assert unknown.exit_code == 1 and "no user 'nobody'" in unknown.output


def test_users_create_can_ask_for_the_password(tmp_path: Path) -> None:
    db_file = str(tmp_path / "ask.sqlite3")
    result = CliRunner().invoke(
        users_commands.app,
        ["create", "asker", "--ask", "--db", db_file],
        input="typed-password\ntyped-password\n",
    )
    assert result.exit_code == 0 and "typed-password" in result.output


@pytest.mark.parametrize(
    ("language", "empty", "sign_in", "header"),
    [
        ("kk", "Дерекқор бос еді", "осы пайдаланушылардың бірі ретінде кіріңіз", r"пайдаланушы +рөл +өңір"),
        (
            "ru",
            "База данных была пуста",
            "Войдите на http://127.0.0.1:8125/login",
            r"пользователь +роль +регион",
        ),
    ],
)
def test_the_first_start_speaks_the_readers_language(
    served: dict[str, Any], language: str, empty: str, sign_in: str, header: str
) -> None:
    output = invoke("--port", "8125", "--lang", language)
    assert empty in output and sign_in in output and re.search(header, output)
    assert not re.search(r"\b(The|Sign in|shown only|(?<!set-)password|region|role)\b", output), output
    found = passwords(output)
    assert list(found) == ["demo-admin", "demo-planner", "demo-inspector", "demo-viewer"]
    inspector = next(line for line in output.splitlines() if line.startswith("    demo-inspector"))
    assert ("Астана" in inspector) and ("astana" not in inspector)  # the region's name, not its key
