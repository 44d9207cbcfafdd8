"""A small registry and inspections for the tests of inspections and checklists (store, services, CLI).

The packaged 2022 edition is used. Appendix 3 (stationary care) links every item to a criterion: item 1 to
criterion 3 (significant), item 3 to 5 (minor), item 5 to 7 (gross), item 9 to 11 (minor). Appendix 7
(rehabilitation programme) has items 12 to 16 with no criterion.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime
from pathlib import Path

from tekseru.catalog.identifiers import demo_bins
from tekseru.catalog_files import load_catalogue
from tekseru.scoring import EvidenceFact, GroupProfile, GroupScore, ScoringRules, score_group
from tekseru.services import inspections
from tekseru.services.permissions import Actor
from tekseru.store import Database, EvidenceData, EvidenceRecord, SubjectData
from tekseru.store.evidence import evidence_for_subjects, upsert_evidence
from tekseru.store.inspections import get_inspection
from tekseru.store.subjects import subject_ids_by_bin, upsert_subjects
from tekseru.store.workflow import origins_of
from tests.catalogue import CATALOGUE

EDITION = load_catalogue().edition("2022-29983")
NOW = datetime(2024, 6, 30, 12, 0, tzinfo=UTC)
TODAY = date(2024, 6, 30)
ACT_DATE = date(2024, 3, 1)
VISIT = date(2024, 3, 5)
SYSTEM = Actor.system()  # every permission: the tests of the workflow itself, not of who may do it
BINS = list(demo_bins(10, prefix="1901500"))
# index -> (name, groups): 0 and 3 are checked with Appendix 3, 1 with Appendix 7, 2 with Appendix 3 or 4.
SUBJECTS: Mapping[int, tuple[str, tuple[str, ...]]] = {
    0: ("«Мейірім» орталығы", ("stationary_care",)),
    1: ("«Жол» оңалту орталығы", ("rehabilitation_programme",)),
    2: ("«Қамқор» КММ", ("stationary_care", "home_care")),
    3: ("«Шапағат» үйі", ("stationary_care",)),
}


def add_subjects(db: Database) -> dict[int, int]:
    """The registry of SUBJECTS; their ids by index."""
    rows = [
        SubjectData(BINS[index], name, "astana", f"Астана, көше {index}", groups)
        for index, (name, groups) in SUBJECTS.items()
    ]
    with db.transaction() as session:
        upsert_subjects(session, rows, now=NOW)
        ids = subject_ids_by_bin(session, [row.bin for row in rows])
    return {index: ids[BINS[index]] for index in SUBJECTS}


def header(
    kind: str = "preventive_control", act_date: date = ACT_DATE, act_number: str = "12-ПК"
) -> inspections.InspectionHeader:
    return inspections.InspectionHeader(kind, act_number, act_date, ("Асқаров А.", "Петрова Е."))


def answers(
    appendix: int, overrides: Mapping[int, str] | None = None, **comments: str
) -> list[inspections.AnswerRow]:
    """An answer for every item of the checklist: compliant unless `overrides` says otherwise."""
    given = dict(overrides or {})
    return [
        inspections.AnswerRow(
            item.number, given.get(item.number, "compliant"), comments.get(f"c{item.number}", "")
        )
        for item in EDITION.checklist(appendix).items
    ]


def inspect(
    db: Database,
    index: int,
    non_compliant: Iterable[int] = (),
    *,
    kind: str = "preventive_control",
    act_date: date = ACT_DATE,
    visit: date | None = VISIT,
    appendix: int | None = None,
) -> inspections.InspectionRecord:
    """An inspection of subject `index` with these items non-compliant, completed on `visit` (or a draft)."""
    record = inspections.create_inspection(
        db,
        Actor.system("inspector"),
        BINS[index],
        header(kind, act_date),
        appendix=appendix,
        now=NOW,
        catalogue=CATALOGUE,
    )
    overrides = dict.fromkeys(non_compliant, "non_compliant")
    inspections.answer_items(
        db,
        Actor.system("inspector"),
        record.id,
        answers(record.appendix, overrides),
        now=NOW,
        catalogue=CATALOGUE,
    )
    if visit is None:
        return record
    report = inspections.complete_inspection(
        db, Actor.system("inspector"), record.id, inspected_on=visit, today=TODAY, catalogue=CATALOGUE
    )
    return report.inspection


def add_evidence(db: Database, subject_id: int, criterion: int, observed_on: date, reference: str) -> None:
    row = EvidenceData(subject_id, criterion, 2, observed_on, reference, None, "test.csv:2")
    with db.transaction() as session:
        upsert_evidence(session, [row], entered_by="test", entered_at=NOW)


def evidence_of(db: Database, subject_id: int) -> list[EvidenceRecord]:
    with db.transaction() as session:
        return evidence_for_subjects(session, [subject_id])


def score(db: Database, subject_id: int, group: str = "stationary_care", as_of: date = TODAY) -> GroupScore:
    """The subject's score in `group` on `as_of` from the evidence stored, as the risk engine computes it."""
    facts = [
        EvidenceFact(e.id, e.criterion, e.source_group, e.observed_on, e.confirmed, e.used_on)
        for e in evidence_of(db, subject_id)
    ]
    return score_group(
        ScoringRules.from_edition(EDITION), GroupProfile.from_edition(EDITION, group), facts, as_of
    )


def write_answer_csv(path: Path, rows: Iterable[tuple[object, str, str]]) -> Path:
    lines = ["item,answer,comment", *(f"{item},{answer},{comment}" for item, answer, comment in rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def number_of(db: Database, inspection_id: int) -> str:
    """The number the inspection goes by (region-year-sequence), which its forms and file names print."""
    with db.transaction() as session:
        record = get_inspection(session, inspection_id)
        assert record is not None
        return origins_of(session, [record.series_id])[record.series_id].number
