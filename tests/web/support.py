"""Shared by the web and API tests: a catalogue with a second edition, and the pages every test visits."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from functools import partial
from pathlib import Path

from argon2 import PasswordHasher
from fastapi import FastAPI

from tekseru.catalog import Catalogue, CatalogueEdition
from tekseru.catalog.identifiers import demo_bins
from tekseru.catalog_files import load_catalogue, load_edition, load_regions
from tekseru.http.dependencies import get_today
from tekseru.services import accounts
from tekseru.services.assessments import run_assessment
from tekseru.services.auth import Database
from tekseru.services.catalog import CatalogService
from tekseru.services.jobs import JobKind, JobRunner, start_assessment, start_import
from tekseru.services.passwords import Passwords
from tekseru.services.permissions import Actor
from tekseru.services.registry import import_evidence, import_subjects
from tekseru.settings import Settings
from tekseru.web.app import create_app
from tests.catalogue import CATALOGUE

# argon2 with tiny costs, so that tests sign in fast; handed to the services and apps the tests make.
CHEAP_PASSWORDS = Passwords(PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))
create_user = partial(accounts.create_user, passwords=CHEAP_PASSWORDS, regions=CATALOGUE.regions)

TEST_EDITION = Path(__file__).parents[1] / "catalog" / "editions" / "2030-test"
TODAY = date(2024, 6, 1)
PACKAGED = "2022-29983"

# Every catalogue page, with the variants that render different parts of the templates (a filter nothing
# matches, another edition, a diff with and without changes, a checklist with items no criterion matches).
CATALOGUE_PAGES = (
    "/catalog",
    "/catalog/criteria",
    "/catalog/criteria?severity=gross&source_group=1",
    "/catalog/criteria?source_group=9",
    "/catalog/criteria/7",
    "/catalog/checklists",
    "/catalog/checklists/7",
    "/catalog/groups",
    "/catalog/editions",
    "/catalog/diff",
    f"/catalog/diff?a={PACKAGED}&b=2030-test",
    f"/catalog/diff?a={PACKAGED}&b={PACKAGED}",
    "/catalog/criteria?edition=2030-test",
)
OTHER_PAGES = ("/",)
ERROR_PAGES = ("/no-such-page", "/catalog/criteria/999")
LANGUAGES = ("kk", "ru", "en")


def two_edition_service() -> CatalogService:
    """The packaged edition and the small test edition of 2030, on a fixed date (the 2022 one in force)."""
    packaged = load_catalogue()
    editions = [*packaged.editions, load_edition(TEST_EDITION)]
    catalogue = Catalogue(editions, regions=packaged.regions, bodies=packaged.bodies)
    return CatalogService(catalogue, today=lambda: TODAY)


def two_edition_app(settings: Settings, service: CatalogService | None = None) -> FastAPI:
    """The real app handed the catalogue of `two_edition_service` (through `get_catalogue`: the pages, the
    API and the services read it alike), its date pinned as that service's."""
    service = service or two_edition_service()
    app = create_app(settings, passwords=CHEAP_PASSWORDS, catalogue=service.catalogue)
    app.dependency_overrides[get_today] = lambda: service.today
    return app


def with_lang(path: str, lang: str) -> str:
    return f"{path}{'&' if '?' in path else '?'}lang={lang}"


# Accounts and a small registry, shared by the page, API and browser tests

PASSWORD = "correct-horse-battery"
AS_OF = date(2024, 6, 1)
OWN_REGION, OTHER_REGION = "astana", "almaty_city"


@dataclass(frozen=True)
class SeedUser:
    username: str
    role: str
    region: str | None = None


USERS = {
    "admin": SeedUser("t-admin", "admin"),
    "planner": SeedUser("t-planner", "planner"),
    "inspector": SeedUser("t-inspector", "inspector", OWN_REGION),
    "viewer": SeedUser("t-viewer", "viewer"),
}
ROLES = tuple(USERS)

BINS = list(demo_bins(6, prefix="1901500"))
# bin, name, region, group, the class the evidence gives it
SUBJECTS = (
    (BINS[0], "«Мейірім» орталығы", OWN_REGION, "stationary_care", "high"),
    (BINS[1], "Шапағат үйі", OWN_REGION, "home_care", "medium"),
    (BINS[2], "Үміт", OWN_REGION, "stationary_care", "low"),
    (BINS[3], "Almaty Care LLP", OTHER_REGION, "stationary_care", "high"),
    (BINS[4], "Қамқор", OTHER_REGION, "home_care", "low"),
    (BINS[5], "Нұр", "shymkent", "home_care", "low"),
)
OWN_BIN, OTHER_BIN = BINS[0], BINS[3]


def _criteria(edition: CatalogueEdition, group: str, severity: str) -> list[int]:
    """Criteria of the group with this severity, outside source group 4 (complaints count from two)."""
    numbers = sorted(edition.group(group).applicable_criteria)
    return [
        n
        for n in numbers
        if edition.criterion(n).severity.value == severity and edition.criterion(n).source_group < 4
    ]


def evidence_rows(edition: CatalogueEdition) -> list[tuple[str, int]]:
    """(BIN, criterion) pairs that give each subject the class SUBJECTS names."""
    rows: list[tuple[str, int]] = []
    for bin, _, _, group, risk_class in SUBJECTS:
        if risk_class == "high":
            rows.append((bin, _criteria(edition, group, "gross")[0]))
        elif risk_class == "medium":
            significant = _criteria(edition, group, "significant")
            rows += [(bin, n) for n in significant[: len(significant) // 2 + 2]]
    return rows


def seed(db: Database, folder: Path) -> uuid.UUID:
    """The test users (password PASSWORD), the subjects and their evidence, and an assessment as of AS_OF."""
    actor = Actor.system("tests")
    for user in USERS.values():
        create_user(
            db,
            actor,
            username=user.username,
            full_name=user.username,
            role=user.role,
            region=user.region,
            password=PASSWORD,
        )
    edition = load_catalogue().edition_at(AS_OF)
    subjects, evidence = folder / "seed-subjects.csv", folder / "seed-evidence.csv"
    subjects.write_text(
        "bin,name,region,address,groups\n"
        + "".join(f"{bin},{name},{region},Street 1,{group}\n" for bin, name, region, group, _ in SUBJECTS),
        encoding="utf-8",
    )
    evidence.write_text(
        "bin,criterion,source_group,observed_on,reference,confirmed\n"
        + "".join(f"{bin},{n},,2024-03-01,Act {n},\n" for bin, n in evidence_rows(edition)),
        encoding="utf-8",
    )
    import_subjects(db, subjects, edition, regions=load_regions(), today=date.today())
    import_evidence(db, evidence, edition, entered_by="tests", today=date.today())
    return run_assessment(db, as_of=AS_OF, catalogue=CATALOGUE).run_id


# Pages of a signed-in user, for the layout and axe tests; {name} stands for an id from `example_ids`.
SIGNED_IN_PAGES = (
    "/",
    "/registry",
    "/registry?q=zzzz",
    f"/registry?risk_class=high&region={OWN_REGION}&group=stationary_care",
    f"/registry/{OWN_BIN}",
    f"/registry/{BINS[5]}",
    "/assessments",
    "/assessments/{run}",
    "/assessments/{run}?risk_class=medium&region=astana",
    "/assessments/{run}?sort=-last_visit",
    "/registry?sort=score",
    "/assessments/jobs/{assessment_job}",
    "/rosters?as_of=2023-06-01",
    "/imports",
    "/imports/{import_job}",
    "/imports/{failed_import}",
    "/admin/users",
    "/admin/users/t-inspector",
    "/admin/audit",
    "/admin/audit?entity=user",
    "/account",
)
SIGNED_OUT_PAGES = ("/login",)


def example_jobs(runner: JobRunner, db: Database, folder: Path) -> dict[str, str]:
    """A finished import (with rejected rows), a failed one and an assessment job; their ids by name."""
    admin = Actor.system("t-admin")
    good = folder / "example-subjects.csv"
    good.write_text(
        f"bin,name,region,groups\n{BINS[5]},Нұр,shymkent,home_care\n1,Bad,nowhere,x\n", encoding="utf-8"
    )
    bad = folder / "example-evidence.csv"
    bad.write_text(
        f"bin,criterion,source_group,observed_on,reference\n{BINS[5]},999,,2024-01-01,x\n", encoding="utf-8"
    )
    jobs = {
        "import_job": start_import(
            runner, db, admin, kind=JobKind.IMPORT_SUBJECTS, path=good, skip_invalid=True, today=date.today()
        ),
        "failed_import": start_import(
            runner, db, admin, kind=JobKind.IMPORT_EVIDENCE, path=bad, today=date.today()
        ),
        "assessment_job": start_assessment(runner, db, admin, as_of=AS_OF),
    }
    for job in jobs.values():
        runner.wait(job.id, timeout=60)
    return {name: str(job.id) for name, job in jobs.items()}


def resolve(path: str, ids: dict[str, str]) -> str:
    return path.format(**ids)
