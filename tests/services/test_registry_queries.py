"""The registry's use cases for people, each given an actor: search, the card, evidence, results and the
dashboard; an inspector is kept to its region. On SQLite and on PostgreSQL."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

import pytest

from tekseru.catalog_files import load_catalogue
from tekseru.services import audit
from tekseru.services.permissions import Actor, PermissionDenied, Role
from tekseru.services.registry_queries import (
    EvidenceInput,
    InvalidEvidence,
    RunNotFound,
    SubjectNotFound,
    SubjectSearch,
    add_evidence,
    explanation,
    run_results,
    runs,
    search,
    subject_card,
    subject_checklist,
)
from tekseru.store import Database
from tests.catalogue import CATALOGUE
from tests.web.support import (
    AS_OF,
    BINS,
    OTHER_BIN,
    OTHER_REGION,
    OWN_BIN,
    OWN_REGION,
)

PLANNER = Actor("t-planner", Role.PLANNER)
VIEWER = Actor("t-viewer", Role.VIEWER)
INSPECTOR = Actor("t-inspector", Role.INSPECTOR, OWN_REGION)
NOW = datetime(2024, 6, 20, 9, 0, tzinfo=UTC)


def test_search_pages_and_scopes(database: Database, seeded: uuid.UUID) -> None:
    everything = search(database, VIEWER, SubjectSearch(), per_page=4)
    assert (everything.paging.total, everything.paging.pages, len(everything.rows)) == (6, 2, 4)
    assert everything.run is not None and everything.run.id == seeded and everything.region_scope is None
    second = search(database, VIEWER, SubjectSearch(), page=2, per_page=4)
    assert len(second.rows) == 2 and second.paging.offset == 4
    own = search(database, INSPECTOR, SubjectSearch())
    assert sorted(row.bin for row in own.rows) == sorted(BINS[:3]) and own.region_scope == OWN_REGION
    with pytest.raises(PermissionDenied):
        search(database, INSPECTOR, SubjectSearch(region=OTHER_REGION))
    high = search(database, VIEWER, SubjectSearch(risk_class="high"))
    assert sorted(row.bin for row in high.rows) == sorted([OWN_BIN, OTHER_BIN])
    assert search(database, VIEWER, SubjectSearch(), per_page=10_000).paging.per_page == 200


def test_the_card(database: Database, seeded: uuid.UUID) -> None:
    card = subject_card(database, INSPECTOR, OWN_BIN, catalogue=CATALOGUE)
    assert (card.subject.risk_class, card.subject.score, card.subject.groups) == (
        "high",
        100.0,
        ("stationary_care",),
    )
    assert [(r.group_key, r.risk_class) for r in card.results] == [("stationary_care", "high")]
    assert [p.run_id for p in card.history] == [seeded]
    assert card.evidence and card.inspections == []
    with pytest.raises(PermissionDenied):
        subject_card(database, INSPECTOR, OTHER_BIN, catalogue=CATALOGUE)
    with pytest.raises(SubjectNotFound):
        subject_card(database, VIEWER, "990140000384", catalogue=CATALOGUE)


def test_the_explanation_is_of_the_latest_assessment(database: Database, seeded: uuid.UUID) -> None:
    lines = explanation(database, VIEWER, OWN_BIN, "en", catalogue=CATALOGUE)
    assert lines and AS_OF.isoformat() in lines[0] and "100" in lines[0]
    with pytest.raises(PermissionDenied):
        explanation(database, INSPECTOR, OTHER_BIN, "en", catalogue=CATALOGUE)


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_the_card_tells_the_same_explanation_when_asked_for_a_language(
    database: Database, seeded: uuid.UUID, language: str
) -> None:
    card = subject_card(database, VIEWER, OWN_BIN, language=language, catalogue=CATALOGUE)
    assert card.explanation == explanation(database, VIEWER, OWN_BIN, language, catalogue=CATALOGUE)
    assert card.explanation and "100" in card.explanation[0]
    assert (
        subject_card(database, VIEWER, OWN_BIN, catalogue=CATALOGUE).explanation == []
    )  # not asked for: not computed
    with pytest.raises(ValueError, match="language"):
        subject_card(database, VIEWER, OWN_BIN, language="de", catalogue=CATALOGUE)


def test_adding_evidence(database: Database, seeded: uuid.UUID) -> None:
    data = EvidenceInput(criterion=3, observed_on=date(2024, 6, 1), reference="Act 1/2024", confirmed=None)
    record, created = add_evidence(database, INSPECTOR, BINS[2], data, now=NOW, catalogue=CATALOGUE)
    assert created and (record.source_group, record.entered_by, record.origin) == (
        1,
        "t-inspector",
        "web:t-inspector",
    )
    again, created_again = add_evidence(database, INSPECTOR, BINS[2], data, now=NOW, catalogue=CATALOGUE)
    assert again.id == record.id and not created_again
    entries = audit.browse(database, Actor.system(), audit.AuditFilter(action="evidence.add")).entries
    assert len(entries) == 1 and entries[0].entity_key == BINS[2] and entries[0].region == OWN_REGION
    with pytest.raises(PermissionDenied):
        add_evidence(database, INSPECTOR, OTHER_BIN, data, now=NOW, catalogue=CATALOGUE)
    with pytest.raises(PermissionDenied):
        add_evidence(database, VIEWER, OWN_BIN, data, now=NOW, catalogue=CATALOGUE)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (EvidenceInput(999, date(2024, 6, 1), "x"), "criterion"),
        (EvidenceInput(3, date(2024, 7, 1), "x"), "observed_on"),
        (EvidenceInput(3, date(2024, 6, 1), " "), "reference"),
        (EvidenceInput(3, date(2024, 6, 1), "x" * 501), "reference"),
    ],
)
def test_invalid_evidence(database: Database, seeded: uuid.UUID, data: EvidenceInput, field: str) -> None:
    with pytest.raises(InvalidEvidence, match=f"^{field}"):
        add_evidence(database, PLANNER, OWN_BIN, data, now=NOW, catalogue=CATALOGUE)


def test_runs_and_results(database: Database, seeded: uuid.UUID) -> None:
    assert [run.id for run in runs(database, VIEWER)] == [seeded]
    page = run_results(database, VIEWER, seeded, per_page=2)
    assert page.paging.total == 6 and [row.score for row in page.rows] == [100.0, 100.0]
    own = run_results(database, INSPECTOR, seeded)
    assert {row.region for row in own.rows} == {OWN_REGION} and own.paging.total == 3
    assert run_results(database, VIEWER, seeded, risk_class="medium").rows[0].bin == BINS[1]
    with pytest.raises(RunNotFound):
        run_results(database, VIEWER, uuid.uuid4())


def test_the_prefilled_checklist_is_refused_in_another_region(database: Database, seeded: uuid.UUID) -> None:
    edition = load_catalogue().edition_at(AS_OF)
    appendix = edition.group("stationary_care").checklist_appendix
    assert subject_checklist(
        database, INSPECTOR, OWN_BIN, appendix, "kk", "pdf", catalogue=CATALOGUE, today=date.today()
    ).startswith(b"%PDF")
    with pytest.raises(PermissionDenied):
        subject_checklist(
            database, INSPECTOR, OTHER_BIN, appendix, "kk", "pdf", catalogue=CATALOGUE, today=date.today()
        )
