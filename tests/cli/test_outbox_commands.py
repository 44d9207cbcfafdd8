"""`tekseru outbox` as an operator uses it, in kk and ru: set a subject's address, publish a list, see the
outbox, send it through a real SMTP server on loopback (refused clearly without one), queue reminders."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from tekseru.cli.main import app
from tekseru.store import Database
from tests.databases import database, database_url, postgres_server
from tests.mail_server import HOST, MailServer
from tests.public_data import EMAILS, SUBJECTS, add_hostile_registry, published

__all__ = ["database", "database_url", "postgres_server"]

runner = CliRunner()
pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@pytest.fixture
def tekseru(database_url: str, tmp_path: Path) -> Any:
    def run(*args: str, code: int = 0, **env: str) -> Result:
        environment = {"TEKSERU_DATABASE_URL": database_url, "COLUMNS": "250", **env}
        result = runner.invoke(app, list(args), env=environment)
        assert result.exit_code == code, result.output
        assert "Traceback" not in result.output
        return result

    return run


def test_an_operator_sends_the_notices_of_a_published_list(database: Database, tekseru: Any) -> None:
    add_hostile_registry(database)
    assert (
        "сохранён"
        in tekseru("outbox", "subject-email", SUBJECTS[5].bin, "shapagat@example.kz", "--lang", "ru").output
    )
    refused = tekseru("outbox", "subject-email", SUBJECTS[5].bin, "жоқ", "--lang", "kk", code=1)
    assert "электрондық пошта мекенжайы емес" in refused.output
    published(database)
    status = tekseru("outbox", "status", "--lang", "ru").output
    assert "Ожидает: 3" in status and "shapagat@example.kz" in status

    assert "TEKSERU_SMTP_HOST" in tekseru("outbox", "send", "--lang", "kk", code=1).output
    server = MailServer()
    server.start()
    try:
        smtp = {
            "TEKSERU_SMTP_HOST": HOST,
            "TEKSERU_SMTP_PORT": str(server.port),
            "TEKSERU_SMTP_SECURITY": "none",
        }
        sent = tekseru("outbox", "send", "--lang", "ru", **smtp).output
        assert "Отправлено: 3, отложено для повтора: 0, отклонено: 0" in sent
        assert sorted(str(m["To"]) for m in server.received.messages) == sorted(
            [*EMAILS.values(), "shapagat@example.kz"]
        )
        assert "Жіберілді: 0" in tekseru("outbox", "work", "--passes", "1", "--lang", "kk", **smtp).output
    finally:
        server.stop()
    assert "Кезекке қойылған еске салулар: 0" in tekseru("outbox", "remind", "--lang", "kk").output
    assert "Жіберілді: 3" in tekseru("outbox", "status", "--status", "sent", "--lang", "kk").output
    assert "not-a-status" in tekseru("outbox", "status", "--status", "not-a-status", code=1).output
