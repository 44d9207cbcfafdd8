"""Inspections given an actor, on SQLite and PostgreSQL: an inspector is kept to its region, a viewer reads,
and each change writes one audit entry in its own transaction (none when it is refused or fails)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from tekseru.services import audit, inspections
from tekseru.services.audit import AuditFilter, AuditRecord
from tekseru.services.permissions import Actor, Permission, PermissionDenied, Role
from tekseru.settings import Settings
from tekseru.store import Database, SubjectData
from tekseru.store.subjects import upsert_subjects
from tests.catalogue import CATALOGUE
from tests.services.inspection_data import (
    BINS,
    NOW,
    SYSTEM,
    TODAY,
    VISIT,
    add_subjects,
    answers,
    header,
    inspect,
    number_of,
)

OWN, OTHER = "astana", "shymkent"  # add_subjects puts every subject in Astana
OTHER_BIN = BINS[4]
INSPECTOR = Actor("i-own", Role.INSPECTOR, OWN)
STRANGER = Actor("i-other", Role.INSPECTOR, OTHER)
PLANNER = Actor("i-planner", Role.PLANNER)
VIEWER = Actor("i-viewer", Role.VIEWER)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def ids(database: Database) -> dict[int, int]:
    found = add_subjects(database)
    other = SubjectData(OTHER_BIN, "«Басқа» үйі", OTHER, "Шымкент, көше 4", ("stationary_care",))
    with database.transaction() as session:
        upsert_subjects(session, [other], now=NOW)
    return found


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(attachments_dir=str(tmp_path / "files"))


def entries(database: Database, **where: str) -> list[AuditRecord]:
    """The audit entries of inspections and violations, oldest first."""
    found = audit.browse(database, SYSTEM, AuditFilter(entity="inspection", **where)).entries
    return sorted(found, key=lambda entry: entry.id)


def create(database: Database, actor: Actor = INSPECTOR, bin: str = BINS[0]) -> inspections.InspectionRecord:
    return inspections.create_inspection(database, actor, bin, header(), now=NOW, catalogue=CATALOGUE)


def test_each_change_writes_one_audit_entry(
    database: Database, ids: dict[int, int], settings: Settings
) -> None:
    draft = create(database)
    assert draft.created_by == "i-own"
    rows = answers(draft.appendix, {5: "non_compliant"})
    written = inspections.answer_items(database, INSPECTOR, draft.id, rows, now=NOW, catalogue=CATALOGUE)
    assert written == dict.fromkeys(range(1, len(rows) + 1), 1)
    added = inspections.attach_file(
        database, INSPECTOR, draft.id, "photo.png", PNG, item=5, settings=settings, catalogue=CATALOGUE
    )
    report = inspections.complete_inspection(
        database, INSPECTOR, draft.id, inspected_on=VISIT, today=TODAY, catalogue=CATALOGUE
    )
    assert report.inspection.completed_by == "i-own" and [v.item for v in report.violations] == [5]
    view = inspections.follow_up(database, INSPECTOR, draft.id, 5, note="checked", today=TODAY)
    assert view.record.updated_by == "i-own"
    content, name, code = inspections.print_inspection(
        database, INSPECTOR, draft.id, format="docx", language="ru", catalogue=CATALOGUE
    )
    assert name == f"inspection-{number_of(database, draft.id)}-ru.docx"
    assert content.startswith(b"PK") and code is not None
    revision = inspections.revise_inspection(database, INSPECTOR, draft.id, reason="a typo in the act")

    log = entries(database, entity_key=str(draft.id))
    assert [entry.action for entry in log] == [
        "inspection.create",
        "inspection.answer",
        "inspection.attach",
        "inspection.complete",
        "violation.follow_up",
        "inspection.print",
        "inspection.revise",
    ]
    assert all((e.actor, e.region, e.before) == ("i-own", OWN, None) for e in log)
    after = {entry.action: entry.after or {} for entry in log}
    assert (after["inspection.create"]["id"], after["inspection.create"]["status"]) == (draft.id, "draft")
    assert after["inspection.answer"]["answers"]["5"] == "non_compliant"
    assert (after["inspection.attach"]["id"], after["inspection.attach"]["sha256"]) == (
        added.id,
        added.sha256,
    )
    assert after["inspection.complete"]["violations"] == [5]
    assert after["inspection.complete"]["inspected_on"] == VISIT.isoformat()
    assert (after["violation.follow_up"]["item"], after["violation.follow_up"]["note"]) == (5, "checked")
    assert after["inspection.print"] == {"code": code, "file": name}
    assert (after["inspection.revise"]["id"], after["inspection.revise"]["revises_id"]) == (
        revision.id,
        draft.id,
    )
    # A draft's working copy is not issued: printing it is not audited.
    _, _, unsealed = inspections.print_inspection(
        database, INSPECTOR, revision.id, format="pdf", language="kk", catalogue=CATALOGUE
    )
    assert unsealed is None and entries(database, entity_key=str(revision.id)) == []


def test_an_inspector_of_another_region_can_neither_read_nor_change(
    database: Database, ids: dict[int, int], settings: Settings
) -> None:
    draft = create(database, PLANNER)
    inspections.answer_items(
        database, Actor.system("planner"), draft.id, answers(draft.appendix), now=NOW, catalogue=CATALOGUE
    )
    done = inspect(database, 3, non_compliant=[5])
    before = entries(database)
    refused: dict[str, Callable[[], object]] = {
        "read": lambda: inspections.inspection_sheet(
            database, STRANGER, draft.id, catalogue=CATALOGUE, today=date.today()
        ),
        "list": lambda: inspections.list_inspections(database, STRANGER, region=OWN),
        "create": lambda: create(database, STRANGER),
        "new": lambda: inspections.subject_to_inspect(database, STRANGER, BINS[0]),
        "answer": lambda: inspections.answer_items(
            database, STRANGER, draft.id, answers(draft.appendix), catalogue=CATALOGUE
        ),
        "attach": lambda: inspections.attach_file(
            database, STRANGER, draft.id, "a.png", PNG, settings=settings, catalogue=CATALOGUE
        ),
        "complete": lambda: inspections.complete_inspection(
            database, STRANGER, draft.id, today=TODAY, catalogue=CATALOGUE
        ),
        "follow_up": lambda: inspections.follow_up(
            database, STRANGER, done.id, 5, note="mine", today=date.today()
        ),
        "revise": lambda: inspections.revise_inspection(database, STRANGER, done.id, reason="mine"),
        "print": lambda: inspections.print_inspection(
            database, STRANGER, done.id, format="pdf", language="kk", catalogue=CATALOGUE
        ),
        "form": lambda: inspections.checklist_form(
            database,
            STRANGER,
            3,
            format="pdf",
            language="kk",
            bin=BINS[0],
            catalogue=CATALOGUE,
            today=date.today(),
        ),
        "attachment": lambda: inspections.attachment(database, STRANGER, draft.id, 1),
    }
    for action, call in refused.items():
        with pytest.raises(PermissionDenied):
            call()
            pytest.fail(f"an inspector of {OTHER} may {action} in {OWN}")
    assert inspections.list_inspections(database, STRANGER) == []
    assert [record.status for record, _ in inspections.list_inspections(database, SYSTEM)] == [
        "draft",
        "completed",
    ]
    sheet = inspections.inspection_sheet(
        database, INSPECTOR, draft.id, catalogue=CATALOGUE, today=date.today()
    )
    assert sheet.inspection.status == "draft" and sheet.attachments == ()
    assert all(item.answer is not None and item.answer.answered_by == "planner" for item in sheet.items)
    assert (
        inspections.inspection_sheet(database, INSPECTOR, done.id, catalogue=CATALOGUE, today=date.today())
        .violations[0]
        .record.note
        == ""
    )
    assert entries(database) == before
    # In its own region the same inspector records inspections.
    own = create(database, STRANGER, OTHER_BIN)
    assert [
        (record.id, subject.region) for record, subject in inspections.list_inspections(database, STRANGER)
    ] == [(own.id, OTHER)]


def test_a_viewer_reads_and_changes_nothing(database: Database, ids: dict[int, int]) -> None:
    draft = create(database)
    assert (
        inspections.inspection_sheet(
            database, VIEWER, draft.id, catalogue=CATALOGUE, today=date.today()
        ).inspection.id
        == draft.id
    )
    assert [record.id for record, _ in inspections.list_inspections(database, VIEWER, region=OWN)] == [
        draft.id
    ]
    with pytest.raises(PermissionDenied):
        inspections.inspection_sheet(
            database,
            VIEWER,
            draft.id,
            permission=Permission.WRITE_INSPECTIONS,
            catalogue=CATALOGUE,
            today=date.today(),
        )
    with pytest.raises(PermissionDenied):
        inspections.subject_to_inspect(database, VIEWER, None)
    with pytest.raises(PermissionDenied):
        create(database, VIEWER)
    with pytest.raises(PermissionDenied):
        inspections.answer_items(database, VIEWER, draft.id, answers(draft.appendix), catalogue=CATALOGUE)
    assert [entry.action for entry in entries(database)] == ["inspection.create"]
    form, name = inspections.checklist_form(
        database, VIEWER, 3, format="pdf", language="kk", bin=BINS[0], catalogue=CATALOGUE, today=date.today()
    )
    assert form.startswith(b"%PDF-") and name == "checklist-3-kk.pdf"


def test_a_change_that_fails_writes_no_audit_entry(
    database: Database, ids: dict[int, int], settings: Settings
) -> None:
    draft = create(database)
    with pytest.raises(inspections.ChecklistIncomplete):
        inspections.complete_inspection(database, INSPECTOR, draft.id, today=TODAY, catalogue=CATALOGUE)
    with pytest.raises(inspections.AnswerFileError):
        inspections.answer_items(
            database, INSPECTOR, draft.id, [inspections.AnswerRow(999, "compliant")], catalogue=CATALOGUE
        )
    with pytest.raises(inspections.InspectionError, match="complete it before following up"):
        inspections.follow_up(database, INSPECTOR, draft.id, 5, note="too early", today=date.today())
    with pytest.raises(inspections.InspectionError, match="cannot be revised"):
        inspections.revise_inspection(database, INSPECTOR, draft.id, reason="too early")
    with pytest.raises(inspections.InspectionNotFound):
        inspections.answer_items(database, INSPECTOR, 999_999, answers(draft.appendix), catalogue=CATALOGUE)
    with pytest.raises(inspections.AttachmentNotFound):
        inspections.attachment(database, INSPECTOR, draft.id, 999_999)
    with pytest.raises(inspections.SubjectNotFound):
        create(database, PLANNER, BINS[9])
    assert [entry.action for entry in entries(database)] == ["inspection.create"]

    inspections.answer_items(database, INSPECTOR, draft.id, answers(draft.appendix), catalogue=CATALOGUE)
    inspections.complete_inspection(
        database, INSPECTOR, draft.id, inspected_on=VISIT, today=TODAY, catalogue=CATALOGUE
    )
    with pytest.raises(inspections.InspectionFrozen):
        inspections.answer_items(database, INSPECTOR, draft.id, answers(draft.appendix), catalogue=CATALOGUE)
    with pytest.raises(inspections.InspectionFrozen):
        inspections.attach_file(
            database, INSPECTOR, draft.id, "late.png", PNG, settings=settings, catalogue=CATALOGUE
        )
    with pytest.raises(inspections.InspectionError, match="before the inspection"):
        inspections.follow_up(
            database, INSPECTOR, draft.id, 5, deadline=VISIT.replace(day=1), today=date.today()
        )
    actions = [entry.action for entry in entries(database)]
    assert actions == ["inspection.create", "inspection.answer", "inspection.complete"]


def test_the_subject_of_a_new_inspection(database: Database, ids: dict[int, int]) -> None:
    assert inspections.subject_to_inspect(database, INSPECTOR, " ") is None
    subject = inspections.subject_to_inspect(database, INSPECTOR, f" {BINS[0]} ")
    assert subject is not None and (subject.bin, subject.region) == (BINS[0], OWN)
    with pytest.raises(inspections.SubjectNotFound):
        inspections.subject_to_inspect(database, PLANNER, BINS[9])
