"""Signed records for the tests of the audit chain: a completed inspection and an approved list, each made
through its use case (so that its audit entry seals it)."""

from __future__ import annotations

from dataclasses import dataclass

from tekseru.services import inspections, plans
from tekseru.services.permissions import Actor, Role
from tekseru.store import Database
from tests.catalogue import CATALOGUE
from tests.services import inspection_data
from tests.services.plan_data import NOW, add_assessed_registry, no_history

ADMIN = Actor("a-admin", Role.ADMIN)
PLANNER = Actor("a-planner", Role.PLANNER, full_name="Planner Person")
INSPECTOR = Actor("a-inspector", Role.INSPECTOR, "astana")


@dataclass(frozen=True)
class Signed:
    inspection_id: int
    plan_id: int


def sign_records(database: Database) -> Signed:
    """A few entries, a completed inspection and an approved, then published list, all through the use
    cases."""
    inspection_data.add_subjects(database)
    draft = inspections.create_inspection(
        database,
        INSPECTOR,
        inspection_data.BINS[0],
        inspection_data.header(),
        now=inspection_data.NOW,
        catalogue=CATALOGUE,
    )
    rows = inspection_data.answers(draft.appendix, {5: "non_compliant"})
    inspections.answer_items(
        database, INSPECTOR, draft.id, rows, now=inspection_data.NOW, catalogue=CATALOGUE
    )
    inspections.complete_inspection(
        database,
        INSPECTOR,
        draft.id,
        inspected_on=inspection_data.VISIT,
        today=inspection_data.TODAY,
        catalogue=CATALOGUE,
    )
    add_assessed_registry(database)
    plan = plans.draft_plan(
        database, PLANNER, "2027-H1", visit_histories=no_history, now=NOW, catalogue=CATALOGUE
    )
    plans.approve_plan(database, ADMIN, plan.id, now=NOW)
    plans.publish_plan(database, PLANNER, plan.id, now=NOW, catalogue=CATALOGUE)  # sealed again, as published
    return Signed(draft.id, plan.id)
