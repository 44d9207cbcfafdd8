"""`/`: the start page. Everyone sees the edition of the act in force; a signed-in user who may read the
registry also sees its figures: subjects by class and by region, the criteria most often violated and the
classes over the latest assessments, each as a chart drawn on the server with a table beside it."""

from __future__ import annotations

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup

from tekseru.catalog import Severity
from tekseru.catalog.regions import Regions
from tekseru.http.dependencies import app_state, get_catalog_service
from tekseru.http.language import request_language, translate
from tekseru.http.routing import PathRouter
from tekseru.http.security import optional_actor
from tekseru.i18n import format_date
from tekseru.services.catalog import CatalogService
from tekseru.services.dashboard import Dashboard, RegionFigure, dashboard
from tekseru.services.permissions import Actor, Permission, Role
from tekseru.services.registry_queries import CLASSES
from tekseru.web.charts import Bar, Segment, bar_chart
from tekseru.web.navigation import Section
from tekseru.web.templating import render

router = PathRouter(include_in_schema=False)
section = Section(key="dashboard", route_name="dashboard", prefix="/")

HIGH_FIRST = tuple(reversed(CLASSES))


@router.get("/", response_class=HTMLResponse, name="dashboard")
def start_page(
    request: Request,
    service: CatalogService = Depends(get_catalog_service),
    actor: Actor | None = Depends(optional_actor),
) -> Response:
    if actor is not None and actor.role is Role.SUBJECT:  # a subject's home page is its organisation
        return RedirectResponse(request.app.url_path_for("portal_home"), status_code=303)
    figures = None
    if actor is not None and actor.can(Permission.READ_REGISTRY):
        figures = dashboard(app_state(request).database(), actor)
    context = {
        "edition": service.edition(),
        "counts": service.criteria_counts(),
        "severities": list(Severity),
        "figures": figures,
        "charts": None if figures is None else charts(figures, request_language(request), service),
        "classes": HIGH_FIRST,
        "region_rows": [] if figures is None else ordered_regions(figures, service.catalogue.regions),
    }
    return render(request, "pages/dashboard.html", context)


def _segments(by_class: dict[str, int], lang: str, not_assessed: int | None = None) -> tuple[Segment, ...]:
    segments = [Segment(by_class.get(c, 0), f"bar-{c}", translate(lang, f"risk.{c}")) for c in HIGH_FIRST]
    if not_assessed is not None:
        segments.append(Segment(not_assessed, "bar-none", translate(lang, "risk.none")))
    return tuple(segments)


def charts(figures: Dashboard, lang: str, service: CatalogService) -> dict[str, Markup]:
    """The four charts of the dashboard, labelled in `lang`."""
    by_class = [
        Bar(segment.name, (segment,)) for segment in _segments(figures.by_class, lang, figures.not_assessed)
    ]
    regions = service.catalogue.regions
    by_region = [
        Bar(regions.name_of(r.region, lang), _segments(r.by_class, lang, r.not_assessed))
        for r in ordered_regions(figures, regions)
    ]
    criteria = [
        Bar(translate(lang, "criterion.title", number=n), (Segment(count, "bar-plain", ""),))
        for n, count in figures.top_criteria
    ]
    trend = [
        Bar(format_date(point.run.as_of, lang), _segments(point.by_class, lang)) for point in figures.trend
    ]
    charts = (
        ("classes", "dashboard.by_class", by_class),
        ("regions", "dashboard.by_region", by_region),
        ("criteria", "dashboard.top_criteria", criteria),
        ("trend", "dashboard.trend", trend),
    )
    return {
        key: bar_chart(
            f"chart-{key}",
            bars,
            title=translate(lang, title),
            description=translate(lang, f"{title}_desc"),
            language=lang,
        )
        for key, title, bars in charts
    }


def ordered_regions(figures: Dashboard, regions: Regions) -> list[RegionFigure]:
    """The regions in their official order (unknown keys last)."""
    keys = regions.keys()
    return sorted(
        figures.regions, key=lambda r: (keys.index(r.region) if r.region in keys else len(keys), r.region)
    )
