"""Starting an inspection: one page and one handler for a subject found by its BIN (`/inspections/new`) and
for an unplanned one from the subject card, with its reason (`/visits/new`); the header fields they and a
list row's "Start inspection" (`/plans/{id}/rows/{rank}`) post are read here once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from fastapi import Form, Request
from fastapi.responses import Response

from tekseru.http.dependencies import request_today
from tekseru.http.language import said
from tekseru.services import inspections
from tekseru.services.auth import Database
from tekseru.services.catalog import CatalogService
from tekseru.services.inspections import InspectionError, InspectionHeader
from tekseru.services.permissions import Actor
from tekseru.web.pages.inspection_views import form_date, redirect
from tekseru.web.templating import render


@dataclass(frozen=True)
class StartForm:
    """What a start form posts, as typed (shown again with the error when it cannot be recorded)."""

    bin: str = ""
    kind: str = ""
    reason: str = ""
    appendix: str = ""
    act_number: str = ""
    act_date: str = ""
    inspectors: str = ""
    planned_on: str = ""

    def header(self, kind: str | None = None) -> InspectionHeader:
        """The inspection's header; InspectionError naming the field that cannot be read."""
        act_day = form_date(self.act_date, "act_date")
        if act_day is None:
            raise InspectionError("act_date: give the date of the act").saying("visits.error.act_date")
        names = tuple(line.strip() for line in self.inspectors.splitlines() if line.strip())
        planned_on = form_date(self.planned_on, "planned_on")
        return InspectionHeader(kind or self.kind, self.act_number, act_day, names, planned_on)

    @property
    def chosen_appendix(self) -> int | None:
        return int(self.appendix) if self.appendix.isdigit() else None


def start_form(
    bin: str = Form(""),
    kind: str = Form(""),
    reason: str = Form(""),
    appendix: str = Form(""),
    act_number: str = Form(""),
    act_date: str = Form(""),
    inspectors: str = Form(""),
    planned_on: str = Form(""),
) -> StartForm:
    """The posted start form (a dependency of the routes that take one)."""
    return StartForm(bin, kind, reason, appendix, act_number, act_date, inspectors, planned_on)


def _first_form(actor: Actor, unplanned: bool, today: date) -> StartForm:
    if not unplanned:
        return StartForm(kind=inspections.PREVENTIVE_CONTROL)
    header = inspections.default_header(actor, today)
    return StartForm(
        kind="unscheduled_inspection",
        reason="complaint",
        act_date=header.act_date.isoformat(),
        inspectors="\n".join(header.inspectors),
    )


def start_page(
    request: Request,
    actor: Actor,
    db: Database,
    catalog: CatalogService,
    bin: str,
    *,
    unplanned: bool,
    form: StartForm | None = None,
    error: str | None = None,
) -> Response:
    """The form for the subject of `bin`: without one (or an unknown one) a planned start asks for the BIN,
    an unplanned one (started from a subject's card) is refused."""
    try:
        subject = inspections.subject_to_inspect(db, actor, bin)
    except inspections.SubjectNotFound:
        if unplanned:
            raise
        subject, error = None, error or "inspections.new.unknown_bin"
    if subject is None and unplanned:
        refused = inspections.SubjectNotFound("give the BIN of a subject")
        raise refused.saying("refusal.subject.not_found", bin="")
    edition = catalog.edition()
    groups = [] if subject is None else [edition.groups[k] for k in subject.groups if k in edition.groups]
    context = {
        "unplanned": unplanned,
        "bin": bin.strip(),
        "subject": subject,
        "groups": groups,
        "appendices": sorted({group.checklist_appendix for group in groups}),
        "kinds": inspections.KINDS,
        "reasons": inspections.UNPLANNED_REASONS,
        "form": form or _first_form(actor, unplanned, request_today(request)),
        "error": error,
    }
    return render(request, "inspections/new.html", context, status_code=400 if error else 200)


def start(
    request: Request,
    actor: Actor,
    db: Database,
    catalog: CatalogService,
    form: StartForm,
    *,
    unplanned: bool,
) -> Response:
    """Record the inspection the form describes and open it (a planned one at its checklist); the form again
    with the error when it cannot be recorded."""
    try:
        record = inspections.create_inspection(
            db,
            actor,
            form.bin.strip(),
            form.header(),
            appendix=form.chosen_appendix,
            reason=(form.reason or None) if unplanned else None,
            catalogue=catalog.catalogue,
        )
    except InspectionError as problem:
        error = said(request, problem)
        return start_page(request, actor, db, catalog, form.bin, unplanned=unplanned, form=form, error=error)
    opened = "inspections_inspection" if unplanned else "inspections_checklist"
    return redirect(request, opened, record.id, "created")
