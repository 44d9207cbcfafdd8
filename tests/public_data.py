"""A published list for the tests of the public register and of notices: a registry with hostile data.

Subject 0 is a legal person whose name holds a formula, markup and a director's IIN, and whose address holds
another IIN with a space in it; subject 1 is a natural person known by its IIN; subject 2 has a legal
person's BIN but its name says it is an individual entrepreneur; subject 5 is an ordinary legal person.
All four are candidates (plan_data.FIRST_RUN), so all four are on the list.
"""

from __future__ import annotations

from datetime import timedelta

from tekseru.services import plans
from tekseru.services.notices import set_subject_email
from tekseru.store import Database, SubjectData
from tekseru.store.subjects import subject_ids_by_bin, upsert_subjects
from tests.catalogue import CATALOGUE
from tests.services.plan_data import BINS, FIRST_RUN, NOW, SYSTEM, add_run, no_history

DIRECTOR_IIN = "850312300121"
ADDRESS_IIN = "751215300453"
PERSON_IIN = "900101400013"
PERSON_NAME = "Иванова Айгүл Серікқызы"
ENTREPRENEUR_NAME = "ИП Петров Пётр Петрович"
HOSTILE_NAME = f'=HYPERLINK("http://evil.example";"{DIRECTOR_IIN}") «Қамқор» <b>КММ</b>'
PERSONAL = (DIRECTOR_IIN, ADDRESS_IIN, PERSON_IIN, "Иванова", "Петров", "Сейфуллин", "751215 300453")
ON_LIST = (0, 1, 2, 5)

SUBJECTS = {
    0: SubjectData(BINS[0], HOSTILE_NAME, "astana", "Астана, Абай 1, 751215 300453", ("stationary_care",)),
    1: SubjectData(PERSON_IIN, PERSON_NAME, "astana", "Астана, Сейфуллин 5, пәтер 3", ("stationary_care",)),
    2: SubjectData(BINS[2], ENTREPRENEUR_NAME, "almaty_city", "Алматы, Сейфуллин 9", ("home_care",)),
    5: SubjectData(BINS[5], "«Шапағат» КММ", "shymkent", "Шымкент, Тәуке хан 7", ("stationary_care",)),
}
EMAILS = {0: "kamkor@example.kz", 1: "ivanova@example.kz"}


def add_hostile_registry(db: Database) -> dict[int, int]:
    with db.transaction() as session:
        upsert_subjects(session, list(SUBJECTS.values()), now=NOW)
        ids = subject_ids_by_bin(session, [row.bin for row in SUBJECTS.values()])
    found = {index: ids[row.bin] for index, row in SUBJECTS.items()}
    add_run(db, found, {index: FIRST_RUN[index] for index in ON_LIST})
    for index, email in EMAILS.items():
        set_subject_email(db, SYSTEM, SUBJECTS[index].bin, email)
    return found


def drafted(db: Database, half_year: str = "2027-H1") -> int:
    stored = plans.draft_plan(db, SYSTEM, half_year, visit_histories=no_history, now=NOW, catalogue=CATALOGUE)
    return stored.id


def published(db: Database, half_year: str = "2027-H1") -> int:
    """A list drafted, approved and published; its id."""
    plan_id = drafted(db, half_year)
    plans.approve_plan(db, SYSTEM, plan_id, now=NOW + timedelta(days=1))
    plans.publish_plan(db, SYSTEM, plan_id, now=NOW + timedelta(days=2), catalogue=CATALOGUE)
    return plan_id
