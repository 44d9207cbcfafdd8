"""`tekseru inspection ...`, `tekseru checklist render` and `tekseru verify` as an inspector uses them, on
SQLite and PostgreSQL."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import typer
import typer.main
from typer.testing import CliRunner, Result

from tekseru.cli import checklist_commands, inspection_commands
from tekseru.services import audit, checklists
from tekseru.services import inspections as service
from tekseru.services.permissions import Actor
from tekseru.store import Database
from tekseru.store.testing import database, database_url, postgres_server
from tests.services.inspection_data import BINS, add_subjects, write_answer_csv

__all__ = ["database", "database_url", "postgres_server"]

runner = CliRunner()
JPEG = b"\xff\xd8\xff\xe0" + b"photo" * 10


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
        "--act-date", "2024-03-01", "--inspector", "Асқаров А.", "--inspector", "Петрова Е.", *extra,
    ).stdout  # fmt: skip
    found = re.search(r"Inspection (\d+) \(draft", output)
    assert found, output
    return int(found.group(1))


def answer_file(tmp_path: Path, non_compliant: tuple[int, ...] = (1,)) -> Path:
    rows = [(n, "non_compliant" if n in non_compliant else "compliant", "") for n in range(1, 21)]
    return write_answer_csv(tmp_path / "answers.csv", rows)


def test_the_life_of_an_inspection(invoke: Any, tmp_path: Path) -> None:
    inspection = create(invoke)
    assert (
        "1 item(s)" not in invoke("inspection", "answer", str(inspection), str(answer_file(tmp_path))).stdout
    )
    photo = tmp_path / "../photo.jpg"
    photo.write_bytes(JPEG)
    attached = invoke("inspection", "attach", str(inspection), str(photo), "--item", "1").stdout
    assert "Attached photo.jpg (image/jpeg" in attached
    completed = invoke("inspection", "complete", str(inspection), "--inspected-on", "2024-03-05").stdout
    assert f"Inspection {inspection} (completed)" in completed and "evidence created 1" in completed
    invoke("inspection", "followup", str(inspection), "1", "--deadline", "2024-04-01")
    shown = json.loads(invoke("inspection", "show", str(inspection), "--format", "json").stdout)
    assert shown["inspection"]["status"] == "completed" and shown["subject"]["bin"] == BINS[0]
    assert shown["items"][0]["answer"] == "non_compliant" and shown["items"][0]["attachments"] == [
        "photo.jpg"
    ]
    assert [(v["item"], v["status"], v["deadline"]) for v in shown["violations"]] == [
        (1, "overdue", "2024-04-01")
    ]
    table = invoke("inspection", "show", str(inspection), "--lang", "ru").stdout
    assert "non_compliant" in table and "Violation in item 1: overdue" in table
    eliminated = invoke("inspection", "followup", str(inspection), "1", "--status", "eliminated").stdout
    assert "eliminated" in eliminated
    listed = invoke("inspection", "list", "--bin", BINS[0]).stdout
    assert "completed" in listed and BINS[0] in listed


def test_a_correction_is_a_revision(invoke: Any, tmp_path: Path) -> None:
    inspection = create(invoke)
    invoke("inspection", "answer", str(inspection), str(answer_file(tmp_path)))
    invoke("inspection", "complete", str(inspection), "--inspected-on", "2024-03-05")
    refused = invoke("inspection", "answer", str(inspection), str(answer_file(tmp_path)), code=1).stderr
    assert "completed and cannot change" in refused
    revised = invoke(
        "inspection", "revise", str(inspection), "--reason", "wrong act", "--act-number", "13"
    ).stdout
    revision = int(re.search(r"Inspection (\d+) \(draft, revision 2", revised).group(1))  # type: ignore[union-attr]
    invoke("inspection", "answer", str(revision), str(answer_file(tmp_path, (2,))))
    completed = invoke("inspection", "complete", str(revision), "--inspected-on", "2024-03-05").stdout
    assert "removed 1 (earlier revision)" in completed
    assert "superseded by" in invoke("inspection", "list", "--all").stdout
    assert f"superseded by {revision}" not in invoke("inspection", "list").stdout
    old = json.loads(invoke("inspection", "show", str(inspection), "--format", "json").stdout)
    assert old["inspection"]["superseded_by_id"] == revision and old["items"][0]["answer"] == "non_compliant"


def test_answer_file_errors_name_file_row_and_field(invoke: Any, tmp_path: Path) -> None:
    inspection = create(invoke)
    bad = write_answer_csv(tmp_path / "bad.csv", [(1, "compliant", ""), (30, "yes", "")])
    output = invoke("inspection", "answer", str(inspection), str(bad), code=1).stderr
    assert "bad.csv, row 3, item: Appendix 3 has items 1 to 20, not '30'" in output
    assert "bad.csv, row 3, answer: 'yes' is not one of" in output
    assert "nothing was stored: 2 problem(s)" in output
    incomplete = invoke("inspection", "complete", str(inspection), code=1).stderr
    assert "the checklist is not complete" in incomplete


def test_errors_are_messages_not_tracebacks(invoke: Any, tmp_path: Path) -> None:
    assert "no subject with BIN" in invoke(
        "inspection", "create", "--bin", BINS[9], "--kind", "preventive_control", "--act-number", "1",
        "--act-date", "2024-03-01", "--inspector", "A", code=1,
    ).stderr  # fmt: skip
    assert "there is no inspection 99" in invoke("inspection", "show", "99", code=1).stderr
    inspection = create(invoke)
    exe = tmp_path / "tool.exe"
    exe.write_bytes(b"MZ")
    assert "not accepted" in invoke("inspection", "attach", str(inspection), str(exe), code=1).stderr


def test_print_and_verify(invoke: Any, tmp_path: Path) -> None:
    inspection = create(invoke)
    invoke("inspection", "answer", str(inspection), str(answer_file(tmp_path)))
    draft = invoke("inspection", "print", str(inspection), "--output", str(tmp_path / "draft.pdf")).stdout
    assert "no verification code" in draft
    assert "unsealed" in invoke("verify", str(tmp_path / "draft.pdf"), code=1).stdout
    invoke("inspection", "complete", str(inspection), "--inspected-on", "2024-03-05")
    for format, lang in (("pdf", "kk"), ("docx", "ru")):
        out = tmp_path / f"form.{format}"
        printed = invoke(
            "inspection", "print", str(inspection), "--format", format, "--lang", lang, "--output", str(out)
        ).stdout
        code = re.search(r"TK-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", printed)
        assert code, printed
        verified = invoke("verify", str(out)).stdout
        assert verified.startswith("ok:") and f"Inspection {inspection}" in verified
        altered = tmp_path / f"altered.{format}"
        altered.write_bytes(out.read_bytes() + b"\n")
        assert invoke("verify", str(altered), code=1).stdout.startswith("altered:")


def test_changes_are_audited_under_the_by_name(invoke: Any, database: Database, tmp_path: Path) -> None:
    inspection = create(invoke, "--by", "aigerim")
    invoke("inspection", "answer", str(inspection), str(answer_file(tmp_path)), "--by", "aigerim")
    early = ("--inspected-on", "2024-02-01", "--by", "boss")  # before the act: refused, no entry
    invoke("inspection", "complete", str(inspection), *early, code=1)
    invoke("inspection", "complete", str(inspection), "--inspected-on", "2024-03-05", "--by", "boss")
    invoke("inspection", "print", str(inspection), "--output", str(tmp_path / "form.pdf"), "--by", "boss")
    where = audit.AuditFilter(entity="inspection", entity_key=str(inspection))
    log = audit.browse(database, Actor.system(), where).entries
    assert sorted((entry.action, entry.actor, entry.region) for entry in log) == [
        ("inspection.answer", "aigerim", "astana"),
        ("inspection.complete", "boss", "astana"),
        ("inspection.create", "aigerim", "astana"),
        ("inspection.print", "boss", "astana"),
    ]


def test_checklist_render(invoke: Any, tmp_path: Path) -> None:
    out = tmp_path / "blank.docx"
    assert (
        f"Wrote {out}"
        in invoke("checklist", "render", "7", "--lang", "ru", "--format", "docx", "--output", str(out)).stdout
    )
    filled = tmp_path / "filled.pdf"
    invoke(
        "checklist", "render", "3", "--bin", BINS[0], "--act-number", "5", "--act-date", "2024-03-01",
        "--lang", "kk", "--format", "pdf", "--output", str(filled),
    )  # fmt: skip
    assert filled.read_bytes().startswith(b"%PDF")
    assert "unsealed" in invoke("verify", str(filled), code=1).stdout
    wrong = invoke("checklist", "render", "7", "--bin", BINS[0], "--output", str(tmp_path / "x.pdf"), code=1)
    assert "choose the checklist" in wrong.stderr


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
    for value in (*service.ANSWERS, *service.KINDS, *checklists.AttachmentLimits().types):
        assert f"`{value}`" in DOC, value
