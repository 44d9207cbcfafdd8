"""The checklist as a printed form: an inspection's filled form, a blank or prefilled one, and the check of a
printed file.

A completed inspection prints sealed, and each file is recorded (code, form fingerprint, file SHA-256) so
`verify_document` tells a genuine file from an altered one or one never issued; a draft prints unsealed.
`print_in` works in the caller's session, so that the use case in `tekseru.services.inspections` records
the file and its audit entry in one transaction.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import PurePath

from sqlalchemy.orm import Session

from tekseru.catalog import Catalogue
from tekseru.documents import checklist_form
from tekseru.documents.rendering import CHECKLIST, FORMATS, render
from tekseru.documents.revisions import earlier_revisions
from tekseru.i18n import format_date, say_stored, translate
from tekseru.services.file_names import download_name
from tekseru.services.inspections.rules import SubjectNotFound, checklist_groups
from tekseru.store import Database
from tekseru.store.documents_store import (
    DocumentData,
    DocumentRecord,
    documents_with_code,
    inspection_contents,
    record_document,
)
from tekseru.store.inspections import get_inspection
from tekseru.store.subjects import find_subject_by_bin
from tekseru.store.workflow import origins_of

LANGUAGES = ("kk", "ru")
_MARKS = {
    "required": (checklist_form.Requirement.REQUIRED, None),
    "not_required": (checklist_form.Requirement.NOT_REQUIRED, None),
    "compliant": (checklist_form.Requirement.REQUIRED, checklist_form.Compliance.COMPLIANT),
    "non_compliant": (checklist_form.Requirement.REQUIRED, checklist_form.Compliance.NON_COMPLIANT),
}


@dataclass(frozen=True)
class PrintedForm:
    content: bytes
    code: str | None  # None for an unsealed form: a blank one, or a draft's working copy
    fingerprint: str | None
    inspection_id: int | None = None
    number: str = ""  # the number the inspection goes by (its id, for one recorded before numbers)


@dataclass(frozen=True)
class DocumentCheck:
    """ok (issued here, unchanged), signed (the issued file followed by electronic signatures only, which
    this check does not verify), altered (seal or content changed), unknown (code), unsealed (no code)."""

    status: str
    message: str
    code: str | None = None
    inspection_id: int | None = None
    document: DocumentRecord | None = None
    file_name: str = ""
    corrected_by: int | None = None
    inspection_number: str = ""  # the number the inspection goes by, for a person to read
    corrected_by_revision: int | None = None  # the revision of `corrected_by` (of the same number)

    def said(self, language: str) -> str:
        """What the check found, in `language` (`message` is the same in English, for logs)."""
        document, code, file = self.document, self.code or "", self.file_name
        if self.status in ("ok", "signed") and document is not None:
            issued_on = format_date(document.issued_on, language) if document.issued_on else "—"
            reference = say_stored(language, document.reference)
            said = translate(
                language, f"cli.verify.{self.status}", file=file, reference=reference, issued_on=issued_on
            )
            if self.corrected_by is not None and self.corrected_by_revision is not None:
                number, revision = self.inspection_number, self.corrected_by_revision
                said += translate(language, "docs13.verify.corrected", number=number, revision=revision)
            elif self.corrected_by is not None:
                said += translate(language, "cli.verify.corrected", id=self.corrected_by)
            return said
        if self.status == "altered":
            return translate(language, "cli.verify.altered", file=file, code=code)
        if self.status == "unknown":
            return translate(language, "cli.verify.unknown", code=code)
        return translate(language, "cli.verify.unsealed", file=file)

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def _check_output(format: str, language: str) -> None:
    if format not in FORMATS[CHECKLIST] or language not in LANGUAGES:
        formats = " or ".join(FORMATS[CHECKLIST])
        raise ValueError(f"a checklist prints as {formats} in {' or '.join(LANGUAGES)}")


def issue_form(
    session: Session,
    inspection_id: int,
    format: str,
    language: str,
    *,
    issued_by: str,
    now: datetime | None = None,
    catalogue: Catalogue,
) -> PrintedForm:
    """Print the inspection's checklist with its answers. A completed inspection is sealed, dated
    by its inspection date, and the file is recorded for `verify_document`; a draft prints unsealed."""
    _check_output(format, language)
    got = inspection_contents(session, inspection_id)
    record, subject = got.record, got.subject
    kind = checklist_form.ActKind.PREVENTIVE_CONTROL if record.kind == "preventive_control" else None
    act = (kind or checklist_form.ActKind.INSPECTION, record.act_number, record.act_date)
    named = (subject.name, subject.bin, subject.address)
    body = catalogue.bodies.control_body(subject.region).name.in_language(language)
    header = checklist_form.FormHeader(body, *act, *named, officials=record.inspectors)
    answers = {
        n: checklist_form.ItemAnswer(*_MARKS[a.answer], comment=a.comment) for n, a in got.answers.items()
    }
    origin = origins_of(session, [record.series_id]).get(record.series_id)
    shown = shown_number(origin.number if origin else "", record.id)
    # Forms sealed before inspections were numbered say the id here; they verify as they were issued, by the
    # fingerprint recorded with them, whatever this text says now.
    reference = translate(language, "document.form.reference", number=shown, revision=record.revision)
    sealed = record.status == "completed"
    identity = checklist_form.DocumentIdentity(reference, record.inspected_on) if sealed else None
    edition = catalogue.edition(record.edition_id)
    annex = tuple(
        checklist_form.AnnexEntry(str(file.item or ""), file.file_name, file.size, file.sha256)
        for file in sorted(got.attachments, key=lambda file: (file.item is not None, file.item or 0, file.id))
    )
    form = checklist_form.build_checklist_form(
        edition,
        record.appendix,
        language,
        header=header,
        answers=answers,
        identity=identity,
        number=origin.number if origin else "",
        attachments=annex,
    )
    from tekseru.documents.verification import seal_of  # QR codes and images: only to print

    content, seal = render(CHECKLIST, format, form), seal_of(form)
    if seal is None:
        return PrintedForm(content, None, None, record.id, shown)
    file = (hashlib.sha256(content).hexdigest(), format, language, record.appendix, record.id)
    data = DocumentData(seal.code, seal.fingerprint, *file, reference, record.inspected_on)
    record_document(session, data, created_by=issued_by, now=now or datetime.now(UTC))
    return PrintedForm(content, seal.code, seal.fingerprint, record.id, shown)


def shown_number(number: str | None, inspection_id: int) -> str:
    """The number a person reads for an inspection: its number (region-year-sequence), or its id for one
    recorded before inspections were numbered."""
    return number.strip() if number and number.strip() else str(inspection_id)


def form_file_name(number: str, language: str, format: str) -> str:
    """The file name of an inspection's printed form, by the number it goes by
    (`inspection-10-2027-0001-kk.pdf`), safe on every system whatever the number holds."""
    return download_name("inspection", number, language, suffix=format)


def render_checklist(
    db: Database,
    appendix: int,
    *,
    bin: str | None = None,
    act_number: str | None = None,
    act_date: date | None = None,
    language: str,
    format: str,
    today: date,
    catalogue: Catalogue,
) -> bytes:
    """Print the checklist of `appendix` (of the edition in force on the act's date, else today) blank, or
    prefilled with the subject of `bin` from the registry and the act's number and date."""
    _check_output(format, language)
    edition = catalogue.edition_at(act_date or today)
    header = checklist_form.FormHeader(act_number=act_number or "", act_date=act_date)
    if bin is not None:
        with db.transaction() as session:
            subject = find_subject_by_bin(session, bin.strip())
        if subject is None:
            refused = SubjectNotFound(f"no subject with BIN {bin} is in the registry")
            raise refused.saying("refusal.subject.not_found", bin=bin)
        checklist_groups(edition, subject.groups, appendix)
        named = (subject.name, subject.bin, subject.address)
        body = catalogue.bodies.control_body(subject.region).name.in_language(language)
        header = checklist_form.FormHeader(body, None, act_number or "", act_date, *named)
    form = checklist_form.build_checklist_form(edition, appendix, language, header=header)
    return render(CHECKLIST, format, form)


def _signed_issue(data: bytes, issued: list[DocumentRecord]) -> DocumentRecord | None:
    """The issued file that `data` is, signed: an earlier revision of it that tekseru issued, followed by
    signatures only (docs/signatures.md)."""
    revisions = earlier_revisions(data)
    found = next((document for document in issued if document.file_sha256 in revisions), None)
    if found is None:
        return None
    from tekseru.documents.signatures.verifying import only_signed_after  # pyHanko: only for a signed file

    return found if only_signed_after(data, revisions[found.file_sha256]) else None


def verify_document(db: Database, file_name: str, content: bytes) -> DocumentCheck:
    """Check the content of a PDF or DOCX file against the documents tekseru issued (ValueError for any
    other file); the messages name the file by the last part of `file_name`."""
    from tekseru.documents.verification import VerificationStatus, check_document, read_verification

    seal, name = read_verification(content), PurePath(file_name).name
    if seal is None:
        return DocumentCheck("unsealed", f"{name} carries no tekseru verification code", file_name=name)
    with db.transaction() as session:
        issued = documents_with_code(session, seal.code)
        ids = {document.inspection_id for document in issued if document.inspection_id is not None}
        records = {i: r for i in ids if (r := get_inspection(session, i))}
        corrected = {i: r.superseded_by_id for i, r in records.items()}
        origins = origins_of(session, {r.series_id for r in records.values()})
        numbers = {
            i: shown_number(origins[r.series_id].number if r.series_id in origins else "", i)
            for i, r in records.items()
        }
        revisions = {i: r.revision for i in corrected.values() if i and (r := get_inspection(session, i))}
    if not issued:
        message = f"no document with the code {seal.code} was issued here"
        return DocumentCheck("unknown", message, seal.code, file_name=name)
    first, digest = issued[0], hashlib.sha256(content).hexdigest()
    same = next((document for document in issued if document.file_sha256 == digest), None)
    signed = None if same is not None else _signed_issue(content, issued)
    if check_document(content, first.fingerprint).status is not VerificationStatus.GENUINE:
        message = f"the seal in {name} does not match the document issued with the code {seal.code}"
    elif signed is not None:
        message = f"{name} is {signed.reference}, issued on {signed.issued_on}, then signed only"
        return _found("signed", message, seal.code, signed, name, numbers, corrected, revisions)
    elif same is None:
        message = f"{name} carries the seal {seal.code}, but its content differs from the issued file"
    else:
        message = f"{name} is {same.reference}, issued on {same.issued_on}, unchanged"
        later = None if same.inspection_id is None else corrected.get(same.inspection_id)
        message += "" if later is None else f"; it was corrected since by inspection {later}"
        return _found("ok", message, seal.code, same, name, numbers, corrected, revisions)
    return _found("altered", message, seal.code, first, name, numbers, {}, {})


def _found(
    status: str,
    message: str,
    code: str,
    document: DocumentRecord,
    name: str,
    numbers: dict[int, str],
    corrected: dict[int, int | None],
    revisions: dict[int, int],
) -> DocumentCheck:
    """The check of an issued document, naming its inspection by the number it goes by, and the revision
    that corrected it since, if any."""
    inspection_id = document.inspection_id
    later = None if inspection_id is None else corrected.get(inspection_id)
    return DocumentCheck(
        status,
        message,
        code,
        inspection_id,
        document,
        name,
        later,
        inspection_number="" if inspection_id is None else numbers.get(inspection_id, str(inspection_id)),
        corrected_by_revision=None if later is None else revisions.get(later),
    )
