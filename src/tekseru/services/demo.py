"""The demo: fill an empty registry with the synthetic one of `demo_data`, through the real import.

The rows are written as CSV files (their bytes, never on disk) and imported with `registry.import_subjects`
and `registry.import_evidence`, so they are validated exactly as a user's files are.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from tekseru.catalog import Catalogue
from tekseru.intake import Upload
from tekseru.services.accounts import Credentials, create_demo_users
from tekseru.services.assessments import run_assessment
from tekseru.services.demo_data import EVIDENCE_COLUMNS, SUBJECT_COLUMNS, DemoRegistry, generate_demo
from tekseru.services.passwords import Passwords
from tekseru.services.permissions import Actor
from tekseru.services.registry import import_evidence, import_subjects
from tekseru.store import Database
from tekseru.store.evidence import count_evidence
from tekseru.store.subjects import count_subjects

Progress = Callable[[int, int], None]
DEMO_ENTERED_BY = "tekseru demo"


@dataclass(frozen=True)
class DemoLoad:
    """What `load_demo` did: `loaded` is False when the registry was not empty (then nothing changed)."""

    loaded: bool
    subjects: int
    evidence: int
    message: str


def load_demo(
    db: Database,
    *,
    today: date,
    progress: Progress | None = None,
    catalogue: Catalogue,
    actor: Actor | None = None,
) -> DemoLoad:
    """Import the demo registry when the registry is empty; otherwise leave it as it is and say so.

    `progress(done, total)` follows the import of each file (rows of the subjects file, then of evidence).
    Both imports are audited in the name of `actor` (default: the system as "demo").
    """
    actor = actor or Actor.system("demo")
    with db.transaction() as session:
        subjects, evidence = count_subjects(session), count_evidence(session)
    if subjects or evidence:
        return DemoLoad(
            False,
            subjects,
            evidence,
            f"the registry is not empty ({subjects} subjects, {evidence} evidence records): "
            "the demo data was not loaded",
        )
    edition = catalogue.edition_at(today)
    demo = generate_demo(edition, catalogue.regions, today)
    subjects_file, evidence_file = demo_csv(demo)
    imported = import_subjects(
        db, subjects_file, edition, regions=catalogue.regions, today=today, progress=progress, actor=actor
    )
    facts = import_evidence(
        db,
        evidence_file,
        edition,
        entered_by=DEMO_ENTERED_BY,
        today=today,
        progress=progress,
        actor=actor,
    )
    message = f"loaded the demo registry: {imported.created} subjects and {facts.created} evidence records"
    return DemoLoad(True, imported.created, facts.created, message)


@dataclass(frozen=True)
class DemoStart:
    """What a first start on an empty registry did: the demo loaded and assessed, and its users."""

    load: DemoLoad
    users: list[Credentials]


def start_demo_when_empty(
    db: Database, *, today: date, passwords: Passwords, catalogue: Catalogue
) -> DemoStart | None:
    """On an empty registry: the demo registry, its assessment and one demo user per role (their passwords
    to show once). None, and nothing changed, when the registry holds anything."""
    actor = Actor.system("demo")
    loaded = load_demo(db, today=today, catalogue=catalogue, actor=actor)
    if not loaded.loaded:
        return None
    run_assessment(db, as_of=today, catalogue=catalogue, actor=actor)
    return DemoStart(loaded, create_demo_users(db, passwords, catalogue.regions))


def demo_csv(demo: DemoRegistry) -> tuple[Upload, Upload]:
    """subjects.csv and evidence.csv, in the import formats."""
    return _csv("subjects.csv", SUBJECT_COLUMNS, demo.subjects), _csv(
        "evidence.csv", EVIDENCE_COLUMNS, demo.evidence
    )


def write_demo_csv(demo: DemoRegistry, folder: Path) -> tuple[Path, Path]:
    """subjects.csv and evidence.csv in `folder`, in the import formats; their paths."""
    subjects, evidence = demo_csv(demo)
    for file in (subjects, evidence):
        (folder / file.name).write_bytes(file.content)
    return folder / subjects.name, folder / evidence.name


def _csv(name: str, columns: Sequence[str], rows: list[dict[str, str]]) -> Upload:
    text = io.StringIO(newline="")
    writer = csv.DictWriter(text, fieldnames=list(columns))
    writer.writeheader()
    writer.writerows(rows)
    return Upload(name, text.getvalue().encode("utf-8"))
