"""Printed forms: an inspection's filled checklist, a blank or prefilled one, and the check of a printed file,
each for an actor who may read inspections (of the subject's region, for an inspector). Issuing a sealed
form is audited in the transaction that records it."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from tekseru.catalog import Catalogue
from tekseru.services.file_names import sanitise_file_name
from tekseru.services.inspections import forms
from tekseru.services.inspections.access import READ, record_change, region_of
from tekseru.services.inspections.forms import DocumentCheck
from tekseru.services.inspections.rules import subject_of
from tekseru.services.permissions import Actor
from tekseru.store import Database
from tekseru.store.inspections import InspectionError

VERIFIABLE = (".pdf", ".docx")


def print_inspection(
    db: Database,
    actor: Actor,
    inspection_id: int,
    *,
    format: str,
    language: str,
    now: datetime | None = None,
    catalogue: Catalogue,
) -> tuple[bytes, str, str | None]:
    """The inspection's checklist with its answers, printed (PDF or DOCX, kk or ru), its file name (by the
    inspection's number: `forms.form_file_name`) and its verification code. A completed inspection prints
    sealed, dated by its inspection date, and the file is recorded for `verify_document` and audited
    (`inspection.print`); a draft prints an unsealed working copy (code None)."""
    actor.require(READ)
    with db.transaction() as session:
        region = region_of(session, inspection_id)
        actor.require(READ, region)
        printed = forms.issue_form(
            session, inspection_id, format, language, issued_by=actor.username, now=now, catalogue=catalogue
        )
        name = forms.form_file_name(printed.number, language, format)
        if printed.code is not None:
            after = {"code": printed.code, "file": name}
            record_change(session, actor, "inspection.print", inspection_id, region, after, now)
    return printed.content, name, printed.code


def checklist_form(
    db: Database,
    actor: Actor,
    appendix: int,
    *,
    format: str,
    language: str,
    bin: str | None = None,
    act_number: str | None = None,
    act_date: date | None = None,
    today: date,
    catalogue: Catalogue,
) -> tuple[bytes, str]:
    """The checklist of `appendix` (of the edition in force on the act's date, else today), blank or
    prefilled with the subject of `bin` (of the actor's region) and the act's number and date, and its file
    name (checklist-APPENDIX-LANGUAGE.FORMAT)."""
    actor.require(READ)
    if bin:
        with db.transaction() as session:
            actor.require(READ, subject_of(session, bin).region)
    content = forms.render_checklist(
        db,
        appendix,
        bin=bin,
        act_number=act_number,
        act_date=act_date,
        language=language,
        format=format,
        today=today,
        catalogue=catalogue,
    )
    return content, f"checklist-{appendix}-{language}.{format}"


def verify_file(db: Database, actor: Actor, file_name: str, content: bytes) -> DocumentCheck:
    """Check a PDF or DOCX file that the caller read (`file_name`: where from) against the forms tekseru
    issued; InspectionError naming the file, in the reader's words, for another kind of
    file."""
    actor.require(READ)
    try:
        return forms.verify_document(db, file_name, content)
    except ValueError as error:
        refused = InspectionError(f"{file_name}: {error}")
        raise refused.saying("lang13.verify.unreadable", file=file_name) from None


def verify_document(db: Database, actor: Actor, file_name: str, content: bytes) -> DocumentCheck:
    """Check an uploaded PDF or DOCX against the forms tekseru issued; InspectionError for another file."""
    actor.require(READ)
    name = sanitise_file_name(file_name or "document.pdf")
    if Path(name).suffix.lower() not in VERIFIABLE:
        raise InspectionError(f"{name}: only a PDF or DOCX form printed by tekseru can be verified").saying(
            "lang13.verify.not_a_form", file=name
        )
    try:
        return forms.verify_document(db, name, content)
    except ValueError as error:
        raise InspectionError(f"{name}: {error}").saying("lang13.verify.unreadable", file=name) from None
