"""`/registry`: search the subjects (name or BIN, region, control group, risk class; paged) and the subject
card: score and class, the explanation, score history, evidence (with a form to add one), inspections and
the checklists to print. An inspector sees its own region only (the services refuse the others)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

from fastapi import Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup, escape

from tekseru.catalog import Catalogue
from tekseru.http.dependencies import Today, get_catalog_service, get_catalogue, get_database
from tekseru.http.language import request_language, said, translate
from tekseru.http.refusals import INSPECTION_ERRORS, service_errors
from tekseru.http.routing import PathRouter
from tekseru.http.security import page_actor
from tekseru.i18n import format_date, format_decimal
from tekseru.message import tell
from tekseru.services.auth import Database
from tekseru.services.catalog import CatalogService
from tekseru.services.permissions import Actor, Permission
from tekseru.services.registry_queries import (
    CLASS_FILTERS,
    CRITERION_MAX,
    MAX_PAGE,
    MAX_PER_PAGE,
    PER_PAGE,
    EvidenceInput,
    InvalidEvidence,
    SubjectRow,
    SubjectSearch,
    SubjectSort,
    search,
    subject_card,
    subject_checklist,
    without_control_characters,
)
from tekseru.services.registry_queries import add_evidence as add_evidence_to
from tekseru.web.charts import Bar, Segment, bar_chart
from tekseru.web.chrome import path_for
from tekseru.web.navigation import Section
from tekseru.web.pages.registry_rows import (
    class_options,
    group_options,
    region_options,
    row_words,
    subject_rows,
)
from tekseru.web.pages.subject_rows import (
    document_links,
    evidence_rows,
    history_rows,
    result_rows,
)
from tekseru.web.templating import render

router = PathRouter(prefix="/registry", include_in_schema=False)
section = Section(
    key="registry", route_name="registry_index", prefix="/registry", permission=Permission.READ_REGISTRY
)

DOCUMENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
Catalog = Depends(get_catalog_service)
Db = Depends(get_database)
Signed = Depends(page_actor)


@router.get("", response_class=HTMLResponse, name="registry_index")
def index(
    request: Request,
    q: str = "",
    region: str = "",
    group: str = "",
    risk_class: str = "",
    criterion: int | None = Query(None, ge=1, le=CRITERION_MAX),
    run: uuid.UUID | None = None,
    page: int = Query(1, ge=1, le=MAX_PAGE),
    per_page: int = Query(PER_PAGE, ge=1, le=MAX_PER_PAGE),
    sort: str = "",
    actor: Actor = Signed,
    db: Database = Db,
    catalog: CatalogService = Catalog,
) -> HTMLResponse:
    wanted = SubjectSearch(
        text=q.strip(),
        region=region or None,
        group=group or None,
        risk_class=risk_class if risk_class in CLASS_FILTERS else None,
        criterion=criterion,
    )
    order = SubjectSort.from_parameter(sort)
    lang = request_language(request)
    result = search(db, actor, wanted, page=page, per_page=per_page, sort=order, run_id=run)
    # shown back in the search box: a NUL or a bidirectional control typed or pasted is no part of a search
    filters = {
        "q": without_control_characters(q).strip(),
        "region": region,
        "group": group,
        "risk_class": wanted.risk_class or "",
    }
    filters["criterion"] = "" if criterion is None else str(criterion)
    filters["run"] = "" if run is None else str(run)
    filters["per_page"] = "" if per_page == PER_PAGE else str(per_page)
    filters["sort"] = sort if order is not None else ""
    edition_id = catalog.edition().id
    context = {
        "result": result,
        "rows_html": _rows(request, result.rows, catalog, edition_id),
        "filters": filters,
        # the filters' options, named once per process (`registry_rows`)
        "region_options": region_options(catalog.catalogue.regions, lang).selecting(region),
        "group_options": group_options(catalog.catalogue, edition_id, lang).selecting(group),
        "class_options": class_options(lang).selecting(filters["risk_class"]),
        # `url('registry_index')` for the column headers: a `set` in the template's block would make every
        # call after it copy the template's context
        "search_path": request.scope.get("root_path", "") + path_for(request.app, "registry_index", {}),
    }
    return render(request, "registry/index.html", context)


def _rows(request: Request, rows: Sequence[SubjectRow], catalog: CatalogService, edition_id: str) -> Markup:
    """The `<tr>`s of the page's rows (`registry_rows.subject_rows`)."""
    lang = request_language(request)
    card = request.scope.get("root_path", "") + path_for(request.app, "registry_subject", {"bin": ""})
    return subject_rows(rows, row_words(catalog.catalogue, edition_id, lang), lang, card)


def _card_context(
    request: Request, actor: Actor, db: Database, catalog: CatalogService, bin: str, **extra: Any
) -> dict[str, Any]:
    lang = request_language(request)
    card = subject_card(db, actor, bin, language=lang, catalogue=catalog.catalogue, visits=True)
    edition = catalog.edition()
    groups = [edition.groups[key] for key in card.subject.groups if key in edition.groups]
    applicable = sorted({n for group in groups for n in group.applicable_criteria} or set(edition.criteria))
    appendices = sorted({group.checklist_appendix for group in groups})
    words = _card_words(lang)
    app, root = request.app, request.scope.get("root_path", "")
    context: dict[str, Any] = {
        "card": card,
        "lines": card.explanation,
        "edition": edition,
        "groups": groups,
        "criteria": [edition.criteria[n] for n in applicable if n in edition.criteria],
        "appendices": appendices,
        "can_add": actor.can(Permission.WRITE_EVIDENCE, card.subject.region),
        "title_params": {"name": card.subject.name},
        "form": {"criterion": "", "observed_on": "", "reference": "", "confirmed": ""},
        "error": None,
        "added": request.query_params.get("added") == "1",
        "history_chart": _history_chart(card.history, edition, lang),
        "visits": card.visits,
        "can_start_unplanned": actor.can(Permission.WRITE_INSPECTIONS, card.subject.region),
        "subject_bin": card.subject.bin,
        "subject": card.subject,
        # the rows of the tables and the document links, made in Python (`subject_rows`)
        "result_rows": result_rows(card.results, edition, lang),
        "history_rows": history_rows(card.history, edition, lang, app, root),
        "evidence_rows": evidence_rows(card.evidence, words["confirmed_words"], lang, app, root),
        "document_links": document_links(
            appendices, card.subject.bin, words["document_words"], lang, app, root
        ),
    }
    return {**context, **extra}


def _card_words(lang: str) -> dict[str, Any]:
    """What the card says alike in every row of its evidence and of its documents, worked out once."""
    words = {
        # what the macro yes_no writes for True, False and None
        "confirmed_words": {
            True: escape(translate(lang, "form.yes")),
            False: escape(translate(lang, "form.no")),
            None: Markup("—"),
        },
        "document_words": {
            (format, written_in): translate(
                lang,
                "registry.subject.document",
                format=format.upper(),
                written_in=translate(lang, f"language.{written_in}"),
            )
            for format in ("pdf", "docx")
            for written_in in ("kk", "ru")
        },
    }
    return words


def _history_chart(history: list[Any], edition: Any, lang: str) -> Markup | None:
    """A subject's score in each assessment (per group), oldest first, as bars on the scale 0-100; the
    history table on the card is its text alternative."""
    if not history:
        return None

    def label(point: Any) -> str:
        group = (
            edition.groups[point.group_key].name.in_language(lang)
            if point.group_key in edition.groups
            else None
        )
        return f"{format_date(point.as_of, lang)} · {group or point.group_key}"

    bars = [
        Bar(
            label(point),
            (
                Segment(
                    float(point.score), f"bar-{point.risk_class}", translate(lang, f"risk.{point.risk_class}")
                ),
            ),
            shown=format_decimal(float(point.score), lang),
            longest=100.0,
        )
        for point in history
    ]
    return bar_chart(
        "chart-history",
        bars,
        title=translate(lang, "registry.subject.history_chart"),
        description=translate(lang, "registry.subject.history_chart_desc"),
        language=lang,
    )


@router.get("/{bin}", response_class=HTMLResponse, name="registry_subject")
def subject(
    request: Request, bin: str, actor: Actor = Signed, db: Database = Db, catalog: CatalogService = Catalog
) -> HTMLResponse:
    return render(request, "registry/subject.html", _card_context(request, actor, db, catalog, bin))


def _evidence(criterion: str, observed_on: str, reference: str, confirmed: str) -> EvidenceInput:
    if not criterion.isdigit():
        raise InvalidEvidence("criterion: choose a criterion").saying("lang13.error.choose_criterion")
    try:
        day = date.fromisoformat(observed_on)
    except ValueError:
        raise InvalidEvidence("observed_on: give the date as yyyy-mm-dd").saying(
            "visits.error.date", field=tell("evidence.observed_on")
        ) from None
    answer = {"yes": True, "no": False}.get(confirmed)
    return EvidenceInput(int(criterion), day, reference, answer)


@router.post("/{bin}/evidence", name="registry_add_evidence")
def add_evidence(
    request: Request,
    bin: str,
    criterion: str = Form(""),
    observed_on: str = Form(""),
    reference: str = Form(""),
    confirmed: str = Form(""),
    actor: Actor = Signed,
    db: Database = Db,
    catalog: CatalogService = Catalog,
) -> Response:
    try:
        evidence = _evidence(criterion, observed_on, reference, confirmed)
        add_evidence_to(db, actor, bin, evidence, catalogue=catalog.catalogue)
    except InvalidEvidence as problem:
        form = {
            "criterion": criterion,
            "observed_on": observed_on,
            "reference": reference,
            "confirmed": confirmed,
        }
        context = _card_context(request, actor, db, catalog, bin, form=form, error=said(request, problem))
        return render(request, "registry/subject.html", context, status_code=400)
    target = request.app.url_path_for("registry_subject", bin=bin.strip())
    return RedirectResponse(f"{target}?added=1#evidence", status_code=303)


# a checklist the subject's groups have none of (or the act no longer has) is refused on a page in the
# reader's language, as the inspections' pages refuse it, not as a server error
@router.get(
    "/{bin}/checklists/{appendix}",
    name="registry_checklist",
    dependencies=[Depends(service_errors(INSPECTION_ERRORS, page=True))],
)
def checklist(
    bin: str,
    appendix: int,
    format: str = Query("pdf", pattern="^(pdf|docx)$"),
    lang: str = Query("kk", pattern="^(kk|ru)$"),
    actor: Actor = Signed,
    db: Database = Db,
    catalogue: Catalogue = Depends(get_catalogue),
    today: date = Today,
) -> Response:
    content = subject_checklist(db, actor, bin, appendix, lang, format, today=today, catalogue=catalogue)
    name = f"checklist-{appendix}-{bin.strip()}-{lang}.{format}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    return Response(content, media_type=DOCUMENT_TYPES[format], headers=headers)
