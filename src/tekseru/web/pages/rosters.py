"""`/rosters`: the reconciliation of the three rosters on a date (a count per provider and kind of
discrepancy, the records behind each, as XLSX too), and the planners' button that turns what the
information systems' data show into evidence. IINs are masked unless the reader's role is entitled to them;
the date is the only thing in the URL."""

from __future__ import annotations

from datetime import date

from fastapi import Depends, Form, HTTPException, Query, Request
from fastapi.responses import HTMLResponse, Response

from tekseru.catalog import Catalogue
from tekseru.http.dependencies import get_catalogue, get_database, request_today
from tekseru.http.files import attachment
from tekseru.http.language import request_language
from tekseru.http.routing import PathRouter
from tekseru.http.security import page_actor
from tekseru.services import roster_reports
from tekseru.services.auth import Database
from tekseru.services.permissions import Actor, Permission
from tekseru.web.navigation import Section
from tekseru.web.templating import render

router = PathRouter(prefix="/rosters", include_in_schema=False)
section = Section(
    key="rosters", route_name="rosters_index", prefix="/rosters", permission=Permission.READ_REGISTRY
)

Db = Depends(get_database)
Signed = Depends(page_actor)


def _day(text: str | None, today: date) -> date | None:
    try:
        return date.fromisoformat(text) if text else today
    except ValueError:
        return None


def _page(
    request: Request,
    actor: Actor,
    db: Database,
    day: date | None,
    *,
    outcome: object = None,
    status: int = 200,
) -> Response:
    report = None if day is None else roster_reports.reconcile(db, day, actor=actor)
    context = {
        "as_of": (day or request_today(request)).isoformat(),
        "error": "rosters.bad_date" if day is None else None,
        "report": None if report is None else report.to_json(reveal=roster_reports.sees_iins(actor)),
        "kinds": roster_reports.KINDS,
        "can_make_evidence": actor.can(Permission.IMPORT) and actor.can(Permission.WRITE_EVIDENCE),
        "outcome": outcome,
    }
    return render(request, "rosters/index.html", context, status_code=400 if day is None else status)


@router.get("", response_class=HTMLResponse, name="rosters_index")
def index(
    request: Request, as_of: str | None = Query(None), actor: Actor = Signed, db: Database = Db
) -> Response:
    return _page(request, actor, db, _day(as_of, request_today(request)))


@router.get("/reconciliation.xlsx", name="rosters_xlsx")
def workbook(
    request: Request, as_of: str | None = Query(None), actor: Actor = Signed, db: Database = Db
) -> Response:
    day = _day(as_of, request_today(request))
    if day is None:
        return _page(request, actor, db, None)
    report = roster_reports.reconcile(db, day, actor=actor).to_json(reveal=roster_reports.sees_iins(actor))
    content = roster_reports.reconciliation_xlsx(report, request_language(request))
    return attachment(content, f"reconciliation-{day.isoformat()}.xlsx", "xlsx")


@router.post("/evidence", name="rosters_evidence")
def evidence(
    request: Request,
    as_of: str = Form(""),
    actor: Actor = Signed,
    db: Database = Db,
    catalogue: Catalogue = Depends(get_catalogue),
) -> Response:
    day = _day(as_of, request_today(request))
    if day is None:
        return _page(request, actor, db, None)
    outcome = roster_reports.make_evidence(db, catalogue.edition_at(request_today(request)), day, actor=actor)
    return _page(request, actor, db, day, outcome=outcome)


@router.get("/reports/{report_id}", response_class=HTMLResponse, name="rosters_report")
def stored_report(request: Request, report_id: str, actor: Actor = Signed, db: Database = Db) -> Response:
    """The stored report a piece of evidence of rows 78 to 84 refers to, with the records behind it."""
    found = roster_reports.report_for_evidence(db, roster_reports.REFERENCE_PREFIX + report_id, actor=actor)
    if found is None:
        raise HTTPException(status_code=404)
    return render(request, "rosters/report.html", {"report": found})
