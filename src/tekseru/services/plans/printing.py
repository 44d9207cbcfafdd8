"""A stored list printed as XLSX or PDF, in Kazakh or Russian, for the body it is addressed to."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from tekseru.catalog import Catalogue
from tekseru.catalog.regions import Regions, UnknownRegion
from tekseru.catalog_files import load_bodies, load_catalogue, load_regions
from tekseru.documents.plan_pdf import render_plan_pdf
from tekseru.documents.plan_xlsx import render_plan_xlsx
from tekseru.planning import Plan
from tekseru.services.plans.stored import StoredPlan

DOCUMENT_FORMATS = ("xlsx", "pdf")
PLAN_LANGUAGES = ("kk", "ru")


def state_body(plan: Plan, language: str) -> str:
    """The body a list is printed for (catalogue data): its region's territorial department when every row
    is of one region, else the Committee."""
    regions = (row.region for row in plan.included + plan.overflow)
    return load_bodies().control_body_of(regions).name.in_language(language)


def render_stored_plan(
    stored: StoredPlan, *, format: str, language: str, out: Path, catalogue: Catalogue | None = None
) -> Path:
    """Print `stored` (as `visible_plan` scoped it) as XLSX or PDF in Kazakh or Russian to `out`; `out`."""
    if format not in DOCUMENT_FORMATS:
        raise ValueError(f"a list is printed as {' or '.join(DOCUMENT_FORMATS)}, not {format!r}")
    if language not in PLAN_LANGUAGES:
        raise ValueError(f"a list is printed in kk or ru, not {language!r}")
    edition = (catalogue or load_catalogue()).edition(stored.record.edition_id)
    render = render_plan_xlsx if format == "xlsx" else render_plan_pdf
    groups = {key: group.name.in_language(language) for key, group in edition.groups.items()}
    # The rows cite criteria by number; the document's annex gives each cited criterion's whole text.
    reasons = {
        number: " ".join(item.text.in_language(language).split()) for number, item in edition.criteria.items()
    }
    return render(
        printable_plan(stored.plan, language),
        language=language,
        state_body=state_body(stored.plan, language),
        approval=stored.approval,
        group_names=groups,
        reason_texts=reasons,
        out=out,
        number=stored.id,
        status=stored.record.status,
    )


def printable_plan(plan: Plan, language: str, regions: Regions | None = None) -> Plan:
    """The plan with region keys replaced by the regions' names in `language`."""
    known = regions or load_regions()

    def name(key: str) -> str:
        try:
            return known.get(key).name.in_language(language)
        except UnknownRegion:
            return key

    return replace(
        plan,
        included=tuple(replace(row, region=name(row.region)) for row in plan.included),
        overflow=tuple(replace(row, region=name(row.region)) for row in plan.overflow),
        excluded=tuple(replace(row, region=name(row.region)) for row in plan.excluded),
    )
