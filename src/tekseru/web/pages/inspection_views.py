"""The pages of one inspection as `tekseru.web.pages.inspections` shows them, and the checklist form's
saving: the files attached to items, then the answers changed, each at the version the page was loaded
with (else the conflict page, 409), and "save and complete" back to the checklist with its incomplete items
flagged on the items."""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from fastapi import Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import UploadFile as StarletteUpload

from tekseru.catalog import Catalogue
from tekseru.http.dependencies import get_settings, request_today
from tekseru.http.files import read_upload
from tekseru.http.language import request_language, said
from tekseru.message import tell
from tekseru.services import inspections
from tekseru.services.auth import Database
from tekseru.services.inspections import InspectionError
from tekseru.services.permissions import Actor, Permission
from tekseru.web.pages import answer_form
from tekseru.web.templating import render

WRITE = Permission.WRITE_INSPECTIONS


# The labels a date field is named by in a refusal (the page's own words for it).
DATE_LABELS = {
    "act_date": "inspections.act_date",
    "planned_on": "inspections.planned_on",
    "inspected_on": "inspection.inspected_on",
    "deadline": "inspections.deadline",
    "eliminated_on": "inspections.eliminated_on",
}


def form_date(text: str, field: str) -> date | None:
    """A date typed into field `field` of a form (empty: None); InspectionError naming the field's label."""
    try:
        return date.fromisoformat(text) if text.strip() else None
    except ValueError:
        raise InspectionError(f"{field}: give the date as yyyy-mm-dd").saying(
            "visits.error.date", field=tell(DATE_LABELS[field])
        ) from None


def redirect(request: Request, name: str, inspection_id: int, done: str = "", anchor: str = "") -> Response:
    target = request.app.url_path_for(name, inspection_id=str(inspection_id))
    return RedirectResponse(f"{target}{'?done=' + done if done else ''}{anchor}", status_code=303)


def show(
    request: Request,
    actor: Actor,
    db: Database,
    catalogue: Catalogue,
    inspection_id: int,
    template: str,
    status_code: int = 200,
    **extra: Any,
) -> Response:
    sheet = inspections.inspection_sheet(
        db,
        actor,
        inspection_id,
        language=request_language(request),
        today=request_today(request),
        catalogue=catalogue,
    )
    if isinstance(extra.get("error"), Exception):  # a refusal of a service, said in the page's language
        extra["error"] = said(request, extra["error"])
    record = sheet.inspection
    context = {
        "sheet": sheet,
        "record": record,
        "can_write": actor.can(WRITE, sheet.subject.region),
        "answered": sum(1 for item in sheet.items if item.answer is not None),
        "files": [*sheet.attachments, *(file for item in sheet.items for file in item.attachments)],
        "today": request_today(request),
        "done": request.query_params.get("done", ""),
        "error": None,
        "answers": inspections.ANSWERS,
        "limits": inspections.AttachmentLimits(),
        "values": {},
        "loaded": {},
        "conflict": None,
        "one_tap": inspections.ONE_TAP,
        "flags": answer_form.flags(sheet.items, check=False, values=extra.get("values")),
        "flagged": [],
        "inspected_on": "",
        # the number it goes by (REGION-YEAR-NNNN, printed on its forms); one recorded before numbers, its id
        "title_params": {"id": shown_number(sheet.origin, record.id), "name": sheet.subject.name},
        **extra,
    }
    return render(request, template, context, status_code=400 if context["error"] else status_code)


def shown_number(origin: Any, inspection_id: int) -> str:
    return str(origin.number) if origin is not None and origin.number else str(inspection_id)


def checked_page(
    request: Request,
    actor: Actor,
    db: Database,
    catalogue: Catalogue,
    inspection_id: int,
    status_code: int = 200,
    **extra: Any,
) -> Response:
    sheet = inspections.inspection_sheet(
        db,
        actor,
        inspection_id,
        language=request_language(request),
        today=request_today(request),
        catalogue=catalogue,
    )
    flags = answer_form.flags(sheet.items, check=True)
    flagged = [n for n in answer_form.incomplete(sheet.items)]
    page = "inspections/checklist.html"
    return show(
        request, actor, db, catalogue, inspection_id, page, status_code, flags=flags, flagged=flagged, **extra
    )


def upload_item(key: str) -> int | None:
    """The item a file field (`photo-N`, `file-N`) attaches to; None for another field."""
    kind, _, number = key.partition("-")
    return int(number) if kind in ("photo", "file") and number.isdigit() and len(number) < 6 else None


def save_answers(
    request: Request,
    actor: Actor,
    db: Database,
    catalogue: Catalogue,
    inspection_id: int,
    form: dict[str, str],
    uploads: list[tuple[int, StarletteUpload]] | None = None,
) -> Response:
    """Store the files attached to items, then the answers this user changed on the page. An item whose
    answer, comment and deadline are those the page was loaded with is not written, whoever changed it
    since; a changed one is written only while its stored version is the one loaded, else the conflict page
    (409) shows the stored value and this user's side by side and no answer is stored. A comment needs an
    answer. "Save and complete" with items still incomplete comes back to the checklist, each such item
    flagged on the item."""
    language = request_language(request)
    sheet = inspections.inspection_sheet(
        db,
        actor,
        inspection_id,
        language=language,
        permission=WRITE,
        today=request_today(request),
        catalogue=catalogue,
    )
    changes = answer_form.changes(form, sheet.items)
    rows, values, loaded = changes.rows, changes.values, changes.loaded
    try:
        for number, upload in uploads or []:
            keep_location = form.get(f"keep-location-{number}") == "yes"
            inspections.attach_file(
                db,
                actor,
                inspection_id,
                upload.filename or "",
                read_upload(cast(UploadFile, upload)),
                item=number,
                keep_location=keep_location,
                settings=get_settings(request),
                catalogue=catalogue,
            )
        if changes.stray:
            refused = InspectionError(f"items {changes.stray}: choose an answer to keep the comment")
            raise refused.saying(
                "inspections.refusal.stray_comment", items=", ".join(map(str, changes.stray))
            )
        if changes.bad_dates:
            refused = InspectionError(f"items {changes.bad_dates}: give the deadline as yyyy-mm-dd")
            raise refused.saying("phone.refusal.deadline", items=", ".join(map(str, changes.bad_dates)))
        if rows:
            inspections.answer_items(db, actor, inspection_id, rows, source="form", catalogue=catalogue)
    except inspections.StaleVersion as stale:
        then = form.get("then", "")
        return conflict_page(request, actor, db, catalogue, inspection_id, stale, rows, loaded, then)
    except InspectionError as problem:
        page = "inspections/checklist.html"
        return show(
            request, actor, db, catalogue, inspection_id, page, values=values, loaded=loaded, error=problem
        )
    done = "attached" if uploads and not rows else "saved"
    if form.get("then") == "complete":
        now = inspections.inspection_sheet(
            db, actor, inspection_id, language=language, today=request_today(request), catalogue=catalogue
        )
        if waiting := answer_form.incomplete(now.items):
            target = request.app.url_path_for("inspections_checklist", inspection_id=str(inspection_id))
            return RedirectResponse(f"{target}?check=yes#item-{waiting[0]}", status_code=303)
        return redirect(request, "inspections_confirm", inspection_id)
    return redirect(request, "inspections_checklist", inspection_id, done)


def conflict_page(
    request: Request,
    actor: Actor,
    db: Database,
    catalogue: Catalogue,
    inspection_id: int,
    stale: inspections.StaleVersion,
    rows: list[inspections.AnswerRow],
    loaded: dict[int, answer_form.Loaded],
    then: str,
) -> Response:
    """The items someone else changed since the page was loaded, the stored value and this user's side by
    side, with a choice of either; the user's other changes ride along in hidden fields."""
    conflicts = {conflict.key: conflict for conflict in stale.conflicts}
    pending = [row for row in rows if row.item not in conflicts]
    return show(
        request,
        actor,
        db,
        catalogue,
        inspection_id,
        "inspections/conflict.html",
        status_code=409,
        conflicts=conflicts,
        pending=pending,
        loaded=loaded,
        then=then if then == "complete" else "",
    )
