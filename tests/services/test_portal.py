"""A controlled subject's own pages and remediation reports, on SQLite and PostgreSQL: an account bound to
its BIN reads only its own inspections, violations and list rows; reports what it remedied with a file; an
inspector rejects with a reason and accepts; the accepted report closes the violation, and the next list
leaves the subject off citing the reports."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from tekseru.planning import ExclusionReason
from tekseru.services import inspections, plans, portal
from tekseru.services.accounts import InvalidUser, get_user
from tekseru.services.audit import AuditFilter, browse
from tekseru.services.auth import actor_of
from tekseru.services.inspections import AttachmentRefused
from tekseru.services.permissions import Actor, PermissionDenied, Role
from tekseru.settings import Settings
from tekseru.store import Database
from tests.catalogue import CATALOGUE
from tests.services.inspection_data import BINS, SYSTEM, TODAY, VISIT, add_subjects, inspect
from tests.services.plan_data import add_run
from tests.web.support import CHEAP_PASSWORDS, create_user

PDF = b"%PDF-1.4\n% remedied\n"
CHEAP = CHEAP_PASSWORDS


def _subject(db: Database, name: str, bins: list[str]) -> Actor:
    create_user(db, SYSTEM, username=name, full_name=name, role="subject", bins=bins, passwords=CHEAP)
    return actor_of(get_user(db, SYSTEM, name))


def _inspector(db: Database, region: str = "astana") -> Actor:
    create_user(
        db, SYSTEM, username=f"insp-{region}", full_name="И", role="inspector", region=region, passwords=CHEAP
    )
    return actor_of(get_user(db, SYSTEM, f"insp-{region}"))


def test_a_subject_reports_an_inspector_decides_and_the_next_list_cites_the_reports(
    database: Database, tmp_path: Path
) -> None:
    settings = Settings(attachments_dir=str(tmp_path / "files"))
    ids = add_subjects(database)
    mine = inspect(database, 0, non_compliant=[1, 3])
    inspect(database, 3, non_compliant=[1])
    own, other = _subject(database, "own-subject", [BINS[0]]), _subject(database, "other-subject", [BINS[3]])
    assert own.role is Role.SUBJECT and own.bins == frozenset({BINS[0]})

    seen = portal.my_organisation(database, own, settings=settings, catalogue=CATALOGUE, today=date.today())
    assert [s.bin for s in seen.subjects] == [BINS[0]]
    assert {v.record.item for v in seen.violations} == {1, 3}
    assert [r.id for r, _ in seen.inspections] == [mine.id] and seen.risk is None
    theirs = portal.my_organisation(
        database, other, settings=settings, catalogue=CATALOGUE, today=date.today()
    )
    assert {v.inspection.subject_id for v in theirs.violations} == {ids[3]}

    first, second = sorted(seen.violations, key=lambda v: v.record.item)
    with pytest.raises(portal.NotFound):  # another subject's violation is not there for it
        portal.submit_remediation(database, other, first.record.id, "done", settings=settings)
    with pytest.raises(AttachmentRefused):  # the attachments' limits and checks
        portal.submit_remediation(
            database, own, first.record.id, "done", [("a.exe", b"MZ")], settings=settings
        )
    with pytest.raises(portal.PortalError):
        portal.submit_remediation(database, own, first.record.id, "   ", settings=settings)

    report = portal.submit_remediation(
        database, own, first.record.id, "Пандус орнатылды", [("../акт.pdf", PDF)], settings=settings
    )
    (file,) = report.files
    assert file.file_name == "акт.pdf" and (tmp_path / "files" / file.stored_as).read_bytes() == PDF
    with pytest.raises(portal.PortalError):  # one report waits for review at a time
        portal.submit_remediation(database, own, first.record.id, "again", settings=settings)
    assert portal.file_reports(database, own, file.sha256) == [report.id]
    assert portal.file_reports(database, other, file.sha256) == []
    with pytest.raises(portal.NotFound):
        portal.remediation_file(database, other, report.id, file.id, settings)

    inspector, almaty = _inspector(database), _inspector(database, "almaty_city")
    assert [v.report.id for v in portal.reports_to_review(database, inspector)] == [report.id]
    assert portal.reports_to_review(database, almaty) == []
    with pytest.raises(PermissionDenied):
        portal.review_remediation(database, almaty, report.id, accept=True, reason="", today=date.today())
    with pytest.raises(PermissionDenied):
        portal.review_remediation(database, own, report.id, accept=True, reason="", today=date.today())
    with pytest.raises(portal.PortalError):  # a rejection gives its reason
        portal.review_remediation(
            database, inspector, report.id, accept=False, reason=" ", today=date.today()
        )
    rejected = portal.review_remediation(
        database, inspector, report.id, accept=False, reason="Фото жоқ", today=date.today()
    )
    assert (rejected.status, rejected.review_reason) == ("rejected", "Фото жоқ")

    accepted = []
    for violation in (first, second):
        again = portal.submit_remediation(
            database, own, violation.record.id, "Жойылды", [("photo.pdf", PDF)], settings=settings
        )
        accepted.append(
            portal.review_remediation(
                database, inspector, again.id, accept=True, reason="", today=date.today()
            ).id
        )
    after = portal.my_organisation(database, own, settings=settings, catalogue=CATALOGUE, today=date.today())
    assert {v.record.status for v in after.violations} == {"eliminated"}
    assert not any(v.may_report for v in after.violations)

    actions = [e.action for e in browse(database, SYSTEM, AuditFilter(entity="remediation_report")).entries]
    assert sorted(actions) == sorted(
        ["remediation.submit"] * 3 + ["remediation.reject"] + ["remediation.accept"] * 2
    )

    add_run(
        database,
        {0: ids[0], 1: ids[3]},
        {0: (100.0, "high", (7,)), 1: (100.0, "high", (7,))},
        as_of=date(2025, 6, 1),
    )
    drafted = plans.draft_plan(database, SYSTEM, "2025-H2", catalogue=CATALOGUE)
    (off,) = [row for row in drafted.plan.excluded if row.bin == BINS[0]]
    assert off.reason is ExclusionReason.VIOLATIONS_ELIMINATED_IN_FULL
    assert off.remediation_reports == tuple(sorted(accepted))
    assert all(f"№ {n}" in off.detail for n in accepted)
    assert BINS[3] in {row.bin for row in drafted.plan.included}
    _printed_lists_cite_the_reports(database, drafted.id, accepted)

    assert (
        portal.my_organisation(
            database, own, settings=settings, catalogue=CATALOGUE, today=date.today()
        ).lists
        == ()
    )  # a draft
    plans.approve_plan(database, SYSTEM, drafted.id)
    (listed,) = portal.my_organisation(
        database, own, settings=settings, catalogue=CATALOGUE, today=date.today()
    ).lists
    assert [row.bin for row in listed.plan.excluded] == [BINS[0]] and listed.plan.included == ()
    (their_list,) = portal.my_organisation(
        database, other, settings=settings, catalogue=CATALOGUE, today=date.today()
    ).lists
    assert {row.bin for row in their_list.plan.included + their_list.plan.excluded} == {BINS[3]}


PROOF = {"kk": "растау: жою туралы есептер №", "ru": "подтверждение: отчёты об устранении №"}
REMEDIED = {"kk": "толық жойғандықтан", "ru": "полностью устранили"}


def _printed_lists_cite_the_reports(database: Database, plan_id: int, accepted: list[int]) -> None:
    """The list's PDF (which counts the subjects left off) still names the one that remedied, and its XLSX
    row says why, each with the accepted reports as proof, in Kazakh and in Russian."""
    cited = ", ".join(str(n) for n in sorted(accepted))
    for language in ("kk", "ru"):
        pdf, _ = plans.plan_document(
            database,
            SYSTEM,
            plan_id,
            format="pdf",
            language=language,
            catalogue=CATALOGUE,
            zone="Asia/Almaty",
        )
        text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages)
        assert REMEDIED[language] in text and BINS[0] in text, text
        assert f"{PROOF[language]} {cited}" in text, text
        xlsx, _ = plans.plan_document(
            database,
            SYSTEM,
            plan_id,
            format="xlsx",
            language=language,
            catalogue=CATALOGUE,
            zone="Asia/Almaty",
        )
        cells = [
            (row, str(value))
            for sheet in load_workbook(io.BytesIO(xlsx)).worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        ]
        (row,) = {row for row, value in cells if value == BINS[0]}
        assert any(f"{PROOF[language]} {cited}" in str(value) for value in row), row


def test_a_subject_account_needs_valid_bins_and_other_use_cases_refuse_it(database: Database) -> None:
    add_subjects(database)
    with pytest.raises(InvalidUser):
        create_user(database, SYSTEM, username="nobin", full_name="", role="subject", passwords=CHEAP)
    with pytest.raises(InvalidUser):
        create_user(
            database,
            SYSTEM,
            username="badbin",
            full_name="",
            role="subject",
            bins=["123456789012"],
            passwords=CHEAP,
        )
    with pytest.raises(InvalidUser):
        create_user(
            database, SYSTEM, username="viewer1", full_name="", role="viewer", bins=[BINS[0]], passwords=CHEAP
        )
    own = _subject(database, "own", [BINS[0], BINS[1]])
    assert own.bins == frozenset(BINS[:2])
    with pytest.raises(PermissionDenied):
        plans.list_plans(database, own)
    with pytest.raises(PermissionDenied):
        portal.reports_to_review(database, own)


def test_the_risk_score_is_shown_only_when_the_setting_allows(database: Database, tmp_path: Path) -> None:
    add_subjects(database)
    own = _subject(database, "own", [BINS[0]])
    hidden = portal.my_organisation(
        database, own, settings=Settings(), catalogue=CATALOGUE, today=date.today()
    )
    shown = portal.my_organisation(
        database, own, settings=Settings(subjects_see_risk=True), catalogue=CATALOGUE, today=date.today()
    )
    assert hidden.risk is None
    assert shown.risk is not None and [e.bin for e in shown.risk] == [BINS[0]]


def test_a_revision_keeps_the_reports_on_the_violations_it_carries_over(
    database: Database, tmp_path: Path
) -> None:
    """A completed inspection is revised: its follow-up moves to the revision's new violations, and the
    reports the subject made on the old ones go with it, on its page and as the next list's proof."""
    settings = Settings(attachments_dir=str(tmp_path / "files"))
    ids = add_subjects(database)
    first = inspect(database, 0, non_compliant=[1])
    own, inspector = _subject(database, "own-subject", [BINS[0]]), _inspector(database)
    (violation,) = portal.my_organisation(
        database, own, settings=settings, catalogue=CATALOGUE, today=date.today()
    ).violations
    report = portal.submit_remediation(
        database, own, violation.record.id, "Жойылды", [("акт.pdf", PDF)], settings=settings
    )
    portal.review_remediation(database, inspector, report.id, accept=True, reason="", today=date.today())

    revision = inspections.revise_inspection(database, SYSTEM, first.id, reason="act number corrected")
    inspections.complete_inspection(
        database, SYSTEM, revision.id, inspected_on=VISIT, today=TODAY, catalogue=CATALOGUE
    )
    (carried,) = portal.my_organisation(
        database, own, settings=settings, catalogue=CATALOGUE, today=date.today()
    ).violations
    assert carried.record.id != violation.record.id and carried.record.status == "eliminated"
    assert [r.id for r in carried.reports] == [report.id]

    add_run(database, {0: ids[0]}, {0: (100.0, "high", (7,))}, as_of=date(2025, 6, 1))
    drafted = plans.draft_plan(database, SYSTEM, "2025-H2", catalogue=CATALOGUE)
    (off,) = [row for row in drafted.plan.excluded if row.bin == BINS[0]]
    assert off.remediation_reports == (report.id,)
