"""`tekseru db upgrade` and `tekseru db check` in Kazakh and Russian (English: tests/store/test_db_cli.py)."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tekseru.cli.db_commands import app
from tekseru.store import migrate
from tests.cli.reader_language import assert_reader_language


@pytest.mark.parametrize(
    ("language", "upgraded", "match"),
    [
        ("kk", "ревизиясында", "Миграциялар модельдерге сәйкес келеді."),
        ("ru", "База данных на ревизии", "Миграции соответствуют моделям."),
    ],
)
def test_db_commands_read_in_kazakh_and_russian(
    tmp_path: Path, language: str, upgraded: str, match: str
) -> None:
    db = ["--db", str(tmp_path / "t.sqlite3"), "--lang", language]
    upgrade = CliRunner().invoke(app, ["upgrade", *db])
    assert upgrade.exit_code == 0 and upgraded in upgrade.output
    assert migrate.head_revision() in upgrade.output
    check = CliRunner().invoke(app, ["check", *db])
    assert check.exit_code == 0 and match in check.output
    for output in (upgrade.output, check.output):
        assert_reader_language(output)


def _throwaway_postgres_url() -> str:
    """A new, empty PostgreSQL database on the local test server (skipped without one, as every
    PostgreSQL test is), dropped by `_drop`."""
    from sqlalchemy.engine import make_url

    from tests.databases import postgres_test_server

    server = postgres_test_server().url
    if server is None:
        pytest.skip(str(postgres_test_server()))
    name = f"tekseru_today13_{uuid.uuid4().hex[:12]}"
    return make_url(server).set(database=name).render_as_string(hide_password=False)


def _drop(url: str) -> None:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    target = make_url(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
    admin.dispose()


@pytest.mark.postgres
@pytest.mark.parametrize("language", ["kk", "ru"])
def test_db_takes_a_postgresql_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, language: str) -> None:
    """`--db postgresql+psycopg://...` migrates that database: it made a folder `postgresql+psycopg:` and a
    SQLite file in it before."""
    from tekseru.cli.main import app as root

    url = _throwaway_postgres_url()
    monkeypatch.chdir(tmp_path)
    try:
        upgrade = CliRunner().invoke(root, ["db", "upgrade", "--db", url, "--lang", language])
        assert upgrade.exit_code == 0, upgrade.output
        assert migrate.head_revision() in upgrade.output
        assert list(tmp_path.iterdir()) == []  # no folder, no SQLite file
        check = CliRunner().invoke(root, ["db", "check", "--db", url, "--lang", language])
        assert check.exit_code == 0, check.output
        users = CliRunner().invoke(root, ["users", "list", "--db", url, "--lang", language])
        assert users.exit_code == 0, users.output
    finally:
        _drop(url)


@pytest.mark.parametrize(
    ("language", "said"),
    [
        (
            "kk",
            "tekseru SQLite және PostgreSQL дерекқорларымен жұмыс істейді; mysql:// олардың ешқайсысы емес",
        ),
        ("ru", "tekseru работает с базами данных SQLite и PostgreSQL; mysql:// — ни то, ни другое"),
    ],
)
@pytest.mark.parametrize(
    "command", [["db", "upgrade"], ["db", "check"], ["users", "list"], ["plans", "list"]]
)
def test_an_unknown_kind_of_database_url_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, language: str, said: str, command: list[str]
) -> None:
    from tekseru.cli.main import app as root

    monkeypatch.chdir(tmp_path)
    done = CliRunner().invoke(root, [*command, "--db", "mysql://root@localhost/tekseru", "--lang", language])
    assert done.exit_code == 1 and said in " ".join(done.output.split())
    assert list(tmp_path.iterdir()) == []


def test_db_takes_a_sqlite_url_or_a_file(tmp_path: Path) -> None:
    from tekseru.cli.main import app as root

    for given, file in (
        (f"sqlite:///{tmp_path / 'a.sqlite3'}", "a.sqlite3"),
        (str(tmp_path / "b.db"), "b.db"),
    ):
        done = CliRunner().invoke(root, ["db", "upgrade", "--db", given, "--lang", "ru"])
        assert done.exit_code == 0, done.output
        assert (tmp_path / file).is_file()


@pytest.mark.parametrize(
    ("language", "said"), [("kk", "сервері жауап бермейді"), ("ru", "сервер не отвечает")]
)
@pytest.mark.parametrize(
    "command", [["db", "upgrade"], ["db", "check"], ["users", "list"], ["plans", "list"], ["serve"]]
)
def test_a_postgresql_server_that_does_not_answer_is_said_in_the_readers_language(
    language: str, said: str, command: list[str]
) -> None:
    """It was psycopg's traceback in English (tester12); now one line naming the address, without the
    password, and the server's own reason."""
    from tekseru.cli.main import app as root
    from tests.cli.test_serve_log import free_port

    port = free_port()  # nothing listens there
    url = f"postgresql+psycopg://tekseru:secret@127.0.0.1:{port}/tekseru"
    done = CliRunner().invoke(root, [*command, "--db", url, "--lang", language])
    shown = " ".join(done.output.split())
    assert done.exit_code == 1 and isinstance(done.exception, SystemExit), done.exception
    assert said in shown and f"127.0.0.1:{port}" in shown and "secret" not in shown, shown


@pytest.mark.parametrize(("language", "said"), [("kk", "қосылу мүмкін болмады"), ("ru", "нет соединения")])
def test_a_sqlite_file_in_a_folder_that_cannot_be_made_is_said(language: str, said: str) -> None:
    from tekseru.cli.main import app as root

    for command in (["db", "upgrade"], ["plans", "list"]):
        done = CliRunner().invoke(root, [*command, "--db", "/proc/tekseru/x.sqlite3", "--lang", language])
        assert done.exit_code == 1 and isinstance(done.exception, SystemExit), done.exception
        assert said in " ".join(done.output.split()) and "/proc/tekseru/x.sqlite3" in done.output


@pytest.mark.parametrize(("language", "said"), [("kk", "қосылу мүмкін болмады"), ("ru", "нет соединения")])
def test_a_file_that_is_no_sqlite_database_is_said(tmp_path: Path, language: str, said: str) -> None:
    """`--db` naming a file of another kind (a PDF, a damaged copy): one line, not SQLite's traceback."""
    from tekseru.cli.main import app as root

    other = tmp_path / "form.pdf"
    other.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 16)
    for command in (["audit", "verify"], ["plans", "list"], ["db", "upgrade"]):
        done = CliRunner().invoke(root, [*command, "--db", str(other), "--lang", language])
        assert done.exit_code == 1 and isinstance(done.exception, SystemExit), done.exception
        assert said in " ".join(done.output.split()) and "form.pdf" in done.output
    assert other.read_bytes().startswith(b"%PDF-1.7\n")  # left as it was
