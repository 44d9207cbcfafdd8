"""Printed forms for people: an inspection's filled checklist, a blank or prefilled checklist, and the check
of a printed form, each given the `Actor`, who must be allowed to read inspections (of the subject's region,
for an inspector). Issuing a sealed form is written to the audit log in the transaction that records it.
"""

from __future__ import annotations

import tempfile
from datetime import date, datetime
from pathlib import Path

from tekseru.services import checklists
from tekseru.services import inspections as flow
from tekseru.services.inspection_actions import READ, record_change, region_of
from tekseru.services.permissions import Actor
from tekseru.settings import Settings
from tekseru.store import Database

VERIFIABLE = (".pdf", ".docx")


def print_inspection(
    db: Database,
    actor: Actor,
    inspection_id: int,
    *,
    format: str,
    language: str,
    settings: Settings | None = None,
    now: datetime | None = None,
) -> tuple[bytes, str, str | None]:
    """The printed form (`checklists.render_inspection_document_in`), its file name and its verification
    code (None for a draft's unsealed working copy). Issuing a sealed form is audited (`inspection.print`)."""
    actor.require(READ)
    name = f"inspection-{inspection_id}-{language}.{format}"
    with db.transaction() as session, tempfile.TemporaryDirectory() as folder:
        region = region_of(session, inspection_id)
        actor.require(READ, region)
        printed = checklists.render_inspection_document_in(
            session,
            inspection_id,
            format,
            language,
            Path(folder) / name,
            issued_by=actor.username,
            settings=settings,
            now=now,
        )
        if printed.code is not None:
            after = {"code": printed.code, "file": name}
            record_change(session, actor, "inspection.print", inspection_id, region, after, now)
        return printed.path.read_bytes(), name, printed.code


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
    settings: Settings | None = None,
) -> tuple[bytes, str]:
    """The checklist of `appendix`, blank or prefilled with the subject of `bin` (of the actor's region) and
    an act (`checklists.render_checklist`), and its file name."""
    actor.require(READ)
    if bin:
        with db.transaction() as session:
            actor.require(READ, flow.subject_of(session, bin).region)
    name = f"checklist-{appendix}-{language}.{format}"
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / name
        checklists.render_checklist(
            db,
            appendix,
            bin=bin,
            act_number=act_number,
            act_date=act_date,
            language=language,
            format=format,
            out=out,
            settings=settings,
        )
        return out.read_bytes(), name


def verify_document(db: Database, actor: Actor, file_name: str, content: bytes) -> checklists.DocumentCheck:
    """Check an uploaded PDF or DOCX against the forms tekseru issued; InspectionError for another file."""
    actor.require(READ)
    name = checklists.sanitise_file_name(file_name or "document.pdf")
    if Path(name).suffix.lower() not in VERIFIABLE:
        raise flow.InspectionError(f"{name}: only a PDF or DOCX form printed by tekseru can be verified")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(content)
        try:
            return checklists.verify_document(db, path)
        except ValueError as error:
            raise flow.InspectionError(f"{name}: {error}") from None
