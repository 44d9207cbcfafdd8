"""`tekseru inspection ...`, `tekseru checklist render` and `tekseru verify` as an inspector uses them, on
SQLite and PostgreSQL."""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path
from typing import Any

import pytest
import typer
import typer.main
from typer.testing import CliRunner, Result

from tekseru.cli import checklist_commands, inspection_commands
from tekseru.services import audit, inspections
from tekseru.store import Database
from tests.cli.reader_language import assert_reader_language
from tests.databases import database, database_url, postgres_server
from tests.services.inspection_data import BINS, SYSTEM, add_subjects, write_answer_csv

__all__ = ["database", "database_url", "postgres_server"]

runner = CliRunner()
JPEG = b"\xff\xd8\xff\xe0" + b"photo" * 10


@functools.cache  # one app, its click commands built once (tests/conftest.py)
def root_app() -> typer.Typer:
    """The root app wired as `tekseru.cli.main` wires these commands."""
    app = typer.Typer(pretty_exceptions_enable=False)
    app.add_typer(inspection_commands.app, name="inspection")
    app.add_typer(checklist_commands.app, name="checklist")
    app.command("verify")(checklist_commands.verify)
    return app


@pytest.fixture
def invoke(database: Database, database_url: str, tmp_path: Path) -> Any:
    add_subjects(database)
    env = {
        "TEKSERU_DATABASE_URL": database_url,
        "TEKSERU_ATTACHMENTS_DIR": str(tmp_path / "files"),
        "COLUMNS": "200",
    }

    def run(*args: str, code: int = 0) -> Result:
        result = runner.invoke(root_app(), list(args), env=env)
        assert result.exit_code == code, result.output
        return result

    return run


def create(invoke: Any, *extra: str, bin: str = BINS[0], kind: str = "preventive_control") -> int:
    output = invoke(
        "inspection", "create", "--bin", bin, "--kind", kind, "--act-number", "12-ПК",
        "--act-date", "2024-03-01", "--inspector", "Асқаров А.", "--inspector", "Петрова Е.", "--lang", "en",
        *extra,
    ).stdout  # fmt: skip
    found = re.search(r"Inspection (\d+) \(Draft", output)
    assert found, output
    return int(found.group(1))


def answer_file(tmp_path: Path, non_compliant: tuple[int, ...] = (1,)) -> Path:
    rows = [(n, "non_compliant" if n in non_compliant else "compliant", "") for n in range(1, 21)]
    return write_answer_csv(tmp_path / "answers.csv", rows)


def test_the_life_of_an_inspection(invoke: Any, tmp_path: Path) -> None:
    inspection = create(invoke)
    assert (
        "items answered: 20."
        in invoke("inspection", "answer", str(inspection), str(answer_file(tmp_path)), "--lang", "en").stdout
    )
    photo = tmp_path / "../photo.jpg"
    photo.write_bytes(JPEG)
    attached = invoke(
        "inspection", "attach", str(inspection), str(photo), "--item", "1", "--lang", "en"
    ).stdout
    assert "Attached photo.jpg (image/jpeg" in attached
    completed = invoke(
        "inspection", "complete", str(inspection), "--inspected-on", "2024-03-05", "--lang", "en"
    ).stdout
    assert f"Inspection {inspection} (Completed)" in completed and "evidence created 1" in completed
    invoke("inspection", "followup", str(inspection), "1", "--deadline", "2024-04-01")
    shown = json.loads(invoke("inspection", "show", str(inspection), "--format", "json").stdout)
    assert shown["inspection"]["status"] == "completed" and shown["subject"]["bin"] == BINS[0]
    assert shown["items"][0]["answer"] == "non_compliant" and shown["items"][0]["attachments"] == [
        "photo.jpg"
    ]
    assert [(v["item"], v["status"], v["deadline"]) for v in shown["violations"]] == [
        (1, "overdue", "2024-04-01")
    ]
    table = invoke("inspection", "show", str(inspection), "--lang", "en").stdout
    assert "Not compliant" in table and "Violation in item 1: Overdue" in table
    eliminated = invoke(
        "inspection", "followup", str(inspection), "1", "--status", "eliminated", "--lang", "en"
    ).stdout
    assert "Eliminated" in eliminated
    listed = invoke("inspection", "list", "--bin", BINS[0], "--lang", "en").stdout
    assert "Completed" in listed and BINS[0] in listed


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("kk", ("-тексеру (Жоба)", "жауап берілген тармақтар саны – 20", "Мерзімі өткен", "Жойылған")),
        ("ru", ("Проверка", "отвечено пунктов – 20", "Просрочено", "Устранено")),
    ],
)
def test_an_inspection_reads_in_kazakh_and_russian(
    invoke: Any, tmp_path: Path, language: str, words: tuple[str, ...]
) -> None:
    created, answered, overdue, eliminated = words
    lang = ("--lang", language)
    output = invoke(
        "inspection", "create", "--bin", BINS[0], "--kind", "preventive_control", "--act-number", "12-ПК",
        "--act-date", "2024-03-01", "--inspector", "Асқаров А.", *lang,
    ).stdout  # fmt: skip
    assert created in output
    inspection = create(invoke)
    photo = tmp_path / "photo.jpg"
    photo.write_bytes(JPEG)
    day = ("--inspected-on", "2024-03-05")
    outputs = [
        output,
        invoke("inspection", "answer", str(inspection), str(answer_file(tmp_path)), *lang).stdout,
        invoke("inspection", "attach", str(inspection), str(photo), "--item", "1", *lang).stdout,
        invoke("inspection", "complete", str(inspection), *day, *lang).stdout,
        invoke("inspection", "followup", str(inspection), "1", "--deadline", "2024-04-01", *lang).stdout,
        invoke("inspection", "show", str(inspection), *lang).stdout,
        invoke("inspection", "list", *lang).stdout,
        invoke("inspection", "followup", str(inspection), "1", "--status", "eliminated", *lang).stdout,
        invoke("inspection", "revise", str(inspection), "--reason", "акт", *lang).stdout,
        invoke("inspection", "list", "--all", *lang).stdout,
    ]
    assert answered in outputs[1] and "01.04.2024" in outputs[4] and overdue in outputs[5]
    assert eliminated in outputs[7] and "12-ПК" in outputs[6]
    for text in outputs:
        assert_reader_language(text)


def test_a_correction_is_a_revision(invoke: Any, tmp_path: Path) -> None:
    inspection = create(invoke)
    invoke("inspection", "answer", str(inspection), str(answer_file(tmp_path)))
    invoke("inspection", "complete", str(inspection), "--inspected-on", "2024-03-05")
    refused = invoke("inspection", "answer", str(inspection), str(answer_file(tmp_path)), code=1).stderr
    assert "аяқталған, оны өзгертуге болмайды" in refused
    revised = invoke(
        "inspection", "revise", str(inspection), "--reason", "wrong act", "--act-number", "13", "--lang", "en"
    ).stdout
    revision = int(re.search(r"Inspection (\d+) \(Draft, revision 2", revised).group(1))  # type: ignore[union-attr]
    invoke("inspection", "answer", str(revision), str(answer_file(tmp_path, (2,))))
    completed = invoke(
        "inspection", "complete", str(revision), "--inspected-on", "2024-03-05", "--lang", "en"
    ).stdout
    assert "removed 1 (earlier revision)" in completed
    assert "superseded by" in invoke("inspection", "list", "--all", "--lang", "en").stdout
    assert f"superseded by {revision}" not in invoke("inspection", "list", "--lang", "en").stdout
    old = json.loads(invoke("inspection", "show", str(inspection), "--format", "json").stdout)
    assert old["inspection"]["superseded_by_id"] == revision and old["items"][0]["answer"] == "non_compliant"


def test_answer_file_errors_name_file_row_and_field(invoke: Any, tmp_path: Path) -> None:
    inspection = create(invoke)
    bad = write_answer_csv(tmp_path / "bad.csv", [(1, "compliant", ""), (30, "yes", "")])
    output = invoke("inspection", "answer", str(inspection), str(bad), "--lang", "en", code=1).stderr
    assert "bad.csv, row 3, item: Appendix 3 has items 1 to 20, not '30'" in output
    assert "bad.csv, row 3, answer: 'yes' is not one of" in output
    assert "Nothing was stored: 2 problem(s)" in output
    russian = invoke("inspection", "answer", str(inspection), str(bad), "--lang", "ru", code=1).stderr
    assert "bad.csv, строка 3" in russian and "Ничего не сохранено: ошибок – 2." in russian
    # the file's own column names and answer values stay as the file has them
    assert_reader_language(russian.strip().splitlines()[-1])
    incomplete = invoke("inspection", "complete", str(inspection), code=1).stderr
    assert "тексеру парағы толтырылмаған: жауапсыз тармақтар: 1, 2," in incomplete


def test_errors_are_messages_not_tracebacks(invoke: Any, tmp_path: Path) -> None:
    assert "тізілімде БСН" in invoke(
        "inspection", "create", "--bin", BINS[9], "--kind", "preventive_control", "--act-number", "1",
        "--act-date", "2024-03-01", "--inspector", "A", code=1,
    ).stderr  # fmt: skip
    assert "№ 99 тексеру жоқ" in invoke("inspection", "show", "99", code=1).stderr
    inspection = create(invoke)
    exe = tmp_path / "tool.exe"
    exe.write_bytes(b"MZ")
    refused = invoke("inspection", "attach", str(inspection), str(exe), code=1).stderr
    assert ".exe түріндегі файлдар қабылданбайды" in refused


def test_print_and_verify(invoke: Any, tmp_path: Path) -> None:
    inspection = create(invoke)
    invoke("inspection", "answer", str(inspection), str(answer_file(tmp_path)))
    draft = invoke(
        "inspection", "print", str(inspection), "--output", str(tmp_path / "draft.pdf"), "--lang", "ru"
    ).stdout
    assert "проект: без кода проверки" in draft
    assert "без кода" in invoke("verify", str(tmp_path / "draft.pdf"), "--lang", "ru", code=1).stdout
    assert "unsealed" in invoke("verify", str(tmp_path / "draft.pdf"), "--lang", "en", code=1).stdout
    (tmp_path / "notes.pdf").write_text("hello", encoding="utf-8")
    refused = invoke("verify", str(tmp_path / "notes.pdf"), "--lang", "en", code=1).stderr
    assert f"{tmp_path / 'notes.pdf'}: the file is neither a PDF nor a DOCX, or cannot be read" in refused
    refused = invoke("inspection", "print", str(inspection), "--lang", "en", code=2).output
    assert "'en' is not one of 'kk', 'ru'." in refused
    invoke("inspection", "complete", str(inspection), "--inspected-on", "2024-03-05")
    for format, lang in (("pdf", "kk"), ("docx", "ru")):
        out = tmp_path / f"form.{format}"
        printed = invoke(
            "inspection", "print", str(inspection), "--format", format, "--lang", lang, "--output", str(out)
        ).stdout
        code = re.search(r"TK-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", printed)
        assert code, printed
        verified = invoke("verify", str(out), "--lang", "en").stdout
        number = re.search(r"Inspection (\d{2}-\d{4}-\d{4}) \(`tekseru inspection show (\d+)`\)", verified)
        assert verified.startswith("ok:") and number and number.group(2) == str(inspection), verified
        read = invoke("verify", str(out), "--lang", lang).stdout
        assert read.startswith({"kk": "түпнұсқа:", "ru": "подлинный:"}[lang]) and number.group(1) in read
        assert_reader_language(printed + read)
        altered = tmp_path / f"altered.{format}"
        altered.write_bytes(out.read_bytes() + b"\n")
        assert invoke("verify", str(altered), "--lang", "en", code=1).stdout.startswith("altered:")
        assert invoke("verify", str(altered), code=1).stdout.startswith("өзгертілген:")


def test_changes_are_audited_under_the_by_name(invoke: Any, database: Database, tmp_path: Path) -> None:
    inspection = create(invoke, "--by", "aigerim")
    invoke("inspection", "answer", str(inspection), str(answer_file(tmp_path)), "--by", "aigerim")
    early = ("--inspected-on", "2024-02-01", "--by", "boss")  # before the act: refused, no entry
    invoke("inspection", "complete", str(inspection), *early, code=1)
    invoke("inspection", "complete", str(inspection), "--inspected-on", "2024-03-05", "--by", "boss")
    invoke("inspection", "print", str(inspection), "--output", str(tmp_path / "form.pdf"), "--by", "boss")
    where = audit.AuditFilter(entity="inspection", entity_key=str(inspection))
    log = audit.browse(database, SYSTEM, where).entries
    assert sorted((entry.action, entry.actor, entry.region) for entry in log) == [
        ("inspection.answer", "aigerim", "astana"),
        ("inspection.complete", "boss", "astana"),
        ("inspection.create", "aigerim", "astana"),
        ("inspection.print", "boss", "astana"),
    ]


def test_checklist_render(invoke: Any, tmp_path: Path) -> None:
    out = tmp_path / "blank.docx"
    assert (
        f"Записан файл {out}"
        in invoke("checklist", "render", "7", "--lang", "ru", "--format", "docx", "--output", str(out)).stdout
    )
    filled = tmp_path / "filled.pdf"
    invoke(
        "checklist", "render", "3", "--bin", BINS[0], "--act-number", "5", "--act-date", "2024-03-01",
        "--lang", "kk", "--format", "pdf", "--output", str(filled),
    )  # fmt: skip
    assert filled.read_bytes().startswith(b"%PDF")
    assert "unsealed" in invoke("verify", str(filled), "--lang", "en", code=1).stdout
    assert "кодсыз" in invoke("verify", str(filled), code=1).stdout
    wrong = invoke("checklist", "render", "7", "--bin", BINS[0], "--output", str(tmp_path / "x.pdf"), code=1)
    assert "тексеру парағын таңдаңыз, қосымша: 3" in wrong.stderr


DOC = (Path(__file__).parents[2] / "docs" / "inspections.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "app", [inspection_commands.app, checklist_commands.app], ids=["inspection", "checklist"]
)
def test_every_command_and_option_is_documented(app: typer.Typer) -> None:
    group = typer.main.get_group(app)
    for name, command in group.commands.items():
        assert f"`{name}" in DOC, name
        for option in (param.opts[0] for param in command.params if param.opts[0].startswith("--")):
            assert f"`{option}`" in DOC, f"{name} {option}"


def test_the_answers_kinds_and_attachment_types_are_documented() -> None:
    for value in (*inspections.ANSWERS, *inspections.KINDS, *inspections.AttachmentLimits().types):
        assert f"`{value}`" in DOC, value
