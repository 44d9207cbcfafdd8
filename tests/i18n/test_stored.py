"""Texts tekseru writes into records (evidence references, the demo's references, why a job ended) are said
in the reader's language where shown; each is made here by the code that writes it. What a person typed,
and a text that only looks like tekseru's, stays as it is."""

from __future__ import annotations

import random

import pytest

from tekseru.i18n import say_stored
from tekseru.intake.errors import ErrorKind, ImportFileError, RowError
from tekseru.services.demo_data import _reference
from tekseru.services.job_process import crash_message
from tekseru.services.job_runner import INTERRUPTED_MESSAGE as INTERRUPTED
from tekseru.store import Database
from tests.databases import database, database_url, postgres_server
from tests.services.inspection_data import add_subjects, evidence_of, inspect

__all__ = ["database", "database_url", "postgres_server"]


def test_the_evidence_of_a_completed_inspection_in_each_language(database: Database) -> None:
    ids = add_subjects(database)
    done = inspect(database, 0, [1])
    [evidence] = evidence_of(database, ids[0])
    stored = evidence.reference
    assert stored == f"inspection {done.id} (act № 12-ПК of 2024-03-01), Appendix 3 item 1"  # as kept
    said = {language: say_stored(language, stored) for language in ("kk", "ru", "en")}
    assert said["kk"] == f"№ {done.id} тексеру (01.03.2024 № 12-ПК акт), 3-қосымша, 1-тармақ"
    assert said["ru"] == f"проверка № {done.id} (акт № 12-ПК от 01.03.2024), приложение 3, пункт 1"
    assert said["en"] == f"inspection {done.id} (act № 12-ПК of 01.03.2024), Appendix 3 item 1"


@pytest.mark.parametrize(
    ("source_group", "complaint", "kk", "ru"),
    [
        (1, False, "тексеру актісі", "акт проверки №"),
        (2, False, "БАҚ жарияланымы", "публикация в СМИ №"),
        (3, False, "E-Sobes жүйесіндегі", "запись E-Sobes №"),
        (3, True, "шағым", "жалоба №"),
    ],
)
def test_the_demos_references_in_each_language(source_group: int, complaint: bool, kk: str, ru: str) -> None:
    stored = _reference(random.Random(7), source_group, complaint, 12, 1)
    number = stored.rsplit(" ", 1)[-1]
    assert kk in say_stored("kk", stored) and number in say_stored("kk", stored)
    assert say_stored("ru", stored).startswith(ru) and number in say_stored("ru", stored)
    assert say_stored("en", stored) == stored


def test_why_a_job_ended_in_each_language() -> None:
    assert say_stored("kk", INTERRUPTED).startswith("үзілді: сервер")
    assert say_stored("ru", INTERRUPTED).startswith("прервано: сервер остановился")
    assert say_stored("kk", "cancelled by t-admin") == "t-admin тоқтатты"
    assert say_stored("ru", "stopped after its time limit of 1800 s") == (
        "остановлено по истечении лимита времени 1800 с"
    )
    assert say_stored("kk", "the job's process ended unexpectedly (exit code -9)").endswith("(шығу коды -9)")
    crashed = crash_message(ZeroDivisionError("division by zero"))
    assert say_stored("kk", crashed) == (
        "тапсырма күтпеген қатеге байланысты орындалмады; "
        "техникалық мәлімет: ZeroDivisionError: division by zero"
    )
    assert say_stored("ru", crashed).startswith("задание не выполнено из-за непредвиденной ошибки")
    assert say_stored("ru", "ValueError: x").endswith(
        "техническая подробность: ValueError: x"
    )  # an older row
    assert say_stored("en", crashed).startswith("the job failed because of an unexpected error")
    error = RowError("subjects.csv", 3, "bin", ErrorKind.INVALID_BIN, "not a valid BIN")
    failed = str(ImportFileError([error], 4))
    assert say_stored("ru", failed) == "subjects.csv не импортирован: ошибок: 4. Ничего не сохранено."


@pytest.mark.parametrize(
    "typed",
    [
        "Act 77/2024",
        "inspection 1 (act № 5 of 2024-13-45), Appendix 2 item 2",  # no such date: not tekseru's
        "inspection act No. <script>alert(1)</script>",
        "cancelled by",
        "",
        "акт № 5",
    ],
)
def test_a_text_a_person_typed_stays_as_it_is(typed: str) -> None:
    for language in ("kk", "ru", "en"):
        assert say_stored(language, typed) == typed
    assert say_stored("kk", None) == ""
