"""A stored list printed as XLSX or PDF, in Kazakh or Russian, for the body it is addressed to."""

from __future__ import annotations

from dataclasses import replace

from tekseru.catalog import Catalogue
from tekseru.catalog.bodies import Bodies
from tekseru.catalog.regions import Regions
from tekseru.documents.rendering import FORMATS, PLAN, PlanDocument, render
from tekseru.planning import Plan
from tekseru.services.plans.stored import StoredPlan

DOCUMENT_FORMATS = FORMATS[PLAN]
PLAN_LANGUAGES = ("kk", "ru")


def state_body(plan: Plan, language: str, bodies: Bodies) -> str:
    """The body a list is printed for (catalogue data): its region's territorial department when every row
    is of one region, else the Committee."""
    regions = (row.region for row in plan.included + plan.overflow)
    return bodies.control_body_of(regions).name.in_language(language)


def render_stored_plan(
    stored: StoredPlan, *, format: str, language: str, zone: str, catalogue: Catalogue
) -> bytes:
    """`stored` (as `visible_plan` scoped it) printed as XLSX or PDF in Kazakh or Russian, dated in time zone
    `zone` (the `time_zone` setting)."""
    if format not in DOCUMENT_FORMATS:
        raise ValueError(f"a list is printed as {' or '.join(DOCUMENT_FORMATS)}, not {format!r}")
    if language not in PLAN_LANGUAGES:
        raise ValueError(f"a list is printed in kk or ru, not {language!r}")
    edition = catalogue.edition(stored.record.edition_id)
    groups = {key: group.name.in_language(language) for key, group in edition.groups.items()}
    # The rows cite criteria by number; the document's annex gives each cited criterion's whole text.
    reasons = {
        number: " ".join(item.text.in_language(language).split()) for number, item in edition.criteria.items()
    }
    document = PlanDocument(
        printable_plan(stored.plan, language, catalogue.regions),
        language=language,
        state_body=state_body(stored.plan, language, catalogue.bodies),
        approval=stored.approval(zone),
        group_names=groups,
        reason_texts=reasons,
        number=stored.id,
        status=stored.record.status,
    )
    return render(PLAN, format, document)


def printable_plan(plan: Plan, language: str, regions: Regions) -> Plan:
    """The plan with region keys replaced by the regions' names in `language`."""

    def name(key: str) -> str:
        return regions.name_of(key, language)

    return replace(
        plan,
        included=tuple(replace(row, region=name(row.region)) for row in plan.included),
        overflow=tuple(replace(row, region=name(row.region)) for row in plan.overflow),
        excluded=tuple(replace(row, region=name(row.region)) for row in plan.excluded),
    )
