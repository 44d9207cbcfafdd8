"""The checklist of an inspection: attachments, the sheet, printed and verified forms (answer files are
read by `tekseru.services.inspection_answers`).

A completed inspection prints sealed, and each file is recorded (code, form fingerprint, file SHA-256) so
`verify_document` tells a genuine file from an altered one or one never issued; a draft prints unsealed.
`attach_file_in` and `render_inspection_document_in` work in the caller's session, so that
`tekseru.services.inspection_actions` writes them and their audit entries in one transaction.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from types import MappingProxyType

from sqlalchemy.orm import Session

from tekseru.catalog import Catalogue, CatalogueEdition, load_catalogue
from tekseru.catalog.bodies import control_body
from tekseru.documents import checklist_form as forms
from tekseru.documents.checklist_docx import checklist_docx_bytes
from tekseru.documents.checklist_pdf import checklist_pdf_bytes
from tekseru.documents.revisions import earlier_revisions
from tekseru.documents.verification import VerificationStatus, check_document, read_verification, seal_of
from tekseru.i18n import translate
from tekseru.services import inspections as flow
from tekseru.services.inspection_answers import ANSWER_COLUMNS as ANSWER_COLUMNS
from tekseru.services.inspection_answers import read_answer_file as read_answer_file
from tekseru.services.transactions import in_transaction
from tekseru.settings import Settings
from tekseru.store import Database, SubjectRecord
from tekseru.store import documents_store as documents
from tekseru.store import inspections as store
from tekseru.store.inspections import AnswerRecord, AttachmentData, AttachmentRecord, InspectionRecord
from tekseru.store.subjects import find_subject_by_bin

FORMATS = ("pdf", "docx")
LANGUAGES = ("kk", "ru")
_RENDERERS = {"pdf": checklist_pdf_bytes, "docx": checklist_docx_bytes}
_MARKS = {
    "required": (forms.Requirement.REQUIRED, None),
    "not_required": (forms.Requirement.NOT_REQUIRED, None),
    "compliant": (forms.Requirement.REQUIRED, forms.Compliance.COMPLIANT),
    "non_compliant": (forms.Requirement.REQUIRED, forms.Compliance.NON_COMPLIANT),
}


def _edition(catalogue: Catalogue | None, edition_id: str) -> CatalogueEdition:
    return (catalogue or load_catalogue()).edition(edition_id)


# Attachments ----------------------------------------------------------------------------------------------


_OFFICE = "application/vnd.openxmlformats-officedocument"
# The documents and photos an inspector produces, each with the bytes its content must start with.
ATTACHMENT_TYPES: Mapping[str, tuple[str, bytes]] = MappingProxyType(
    {
        ".pdf": ("application/pdf", b"%PDF-"),
        ".jpg": ("image/jpeg", b"\xff\xd8\xff"),
        ".jpeg": ("image/jpeg", b"\xff\xd8\xff"),
        ".png": ("image/png", b"\x89PNG\r\n\x1a\n"),
        ".docx": (f"{_OFFICE}.wordprocessingml.document", b"PK\x03\x04"),
        ".xlsx": (f"{_OFFICE}.spreadsheetml.sheet", b"PK\x03\x04"),
        ".txt": ("text/plain", b""),  # checked as UTF-8 text without NUL bytes
    }
)


class AttachmentRefused(flow.InspectionError, ValueError):
    """The file is too large, of a type not accepted, or does not contain what its name says."""


@dataclass(frozen=True)
class AttachmentLimits:
    """What an attachment may be, each limit with its reason; `attach_file` takes other limits.

    `max_bytes`: photos and scans of a few pages fit in 20 MiB; larger files (videos, whole archives) are
    not part of a checklist and would fill the server's disk. `max_files`: a checklist has a few dozen items,
    a few files each. `types`: nothing that can run (programs, scripts, HTML) or hide other files
    (archives) is accepted, and the content must start as the type its name claims.
    """

    max_bytes: int = 20 * 1024 * 1024
    max_files: int = 200
    max_name: int = 120  # characters of a file's name kept: readable in any listing
    types: Mapping[str, tuple[str, bytes]] = field(default_factory=lambda: ATTACHMENT_TYPES)


ATTACHMENTS_FOLDER = "inspections"  # under Settings.attachments_dir; each file is named by its SHA-256


def sanitise_file_name(name: str, max_length: int = AttachmentLimits.max_name) -> str:
    """A name safe to show and offer for download: the last part of whatever path the client sent, in NFC,
    every character but letters, digits, space and `._-()` replaced by "_", no leading dots."""
    base = unicodedata.normalize("NFC", name.replace("\\", "/").rsplit("/", 1)[-1])
    cleaned = "".join(ch if ch.isalnum() or ch in " ._-()" else "_" for ch in base)
    cleaned = re.sub(r"_+", "_", re.sub(r"\s+", " ", cleaned)).strip(" ._")
    stem, dot, suffix = cleaned.rpartition(".")
    stem, suffix = (stem, suffix[:10].lower()) if dot else (cleaned, "")
    stem = stem[: max_length - len(suffix) - 1].rstrip(" ._") or "attachment"
    return f"{stem}.{suffix}" if suffix else stem


def _media_type(name: str, content: bytes, limits: AttachmentLimits) -> str:
    suffix = Path(name).suffix.lower()
    if len(content) > limits.max_bytes:
        raise AttachmentRefused(f"{name}: {len(content)} bytes, more than the limit of {limits.max_bytes}")
    if suffix not in limits.types:
        accepted = ", ".join(sorted(limits.types))
        raise AttachmentRefused(f"{name}: files of type {suffix or '(none)'} are not accepted ({accepted})")
    media_type, magic = limits.types[suffix]
    if not content.startswith(magic) or not (magic or _is_text(content)):
        raise AttachmentRefused(f"{name}: the content is not a {suffix} file")
    return media_type


def _is_text(content: bytes) -> bool:
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return b"\x00" not in content


def attach_file_in(
    session: Session,
    inspection_id: int,
    file_name: str,
    content: bytes,
    *,
    added_by: str,
    item: int | None = None,
    settings: Settings | None = None,
    limits: AttachmentLimits | None = None,
    now: datetime | None = None,
    catalogue: Catalogue | None = None,
) -> AttachmentRecord:
    """Attach a file to a draft, to one `item` or to the whole inspection. The client's name is sanitised
    (its path ignored), the content checked against `limits` and kept under its SHA-256."""
    checked = limits or AttachmentLimits()
    name = sanitise_file_name(file_name, checked.max_name)
    media_type, digest = _media_type(name, content, checked), hashlib.sha256(content).hexdigest()
    record = store.draft_or_raise(session, inspection_id, "attach files to it")
    checklist = _edition(catalogue, record.edition_id).checklist(record.appendix)
    if item is not None and item not in {i.number for i in checklist.items}:
        raise flow.InspectionError(f"Appendix {record.appendix} has no item {item}")
    if len(store.attachments_of(session, inspection_id)) >= checked.max_files:
        raise AttachmentRefused(f"inspection {inspection_id} has {checked.max_files} files, the limit")
    stored = f"{ATTACHMENTS_FOLDER}/{digest[:2]}/{digest}"
    documents.keep_file(Path((settings or Settings.from_environment()).attachments_dir), stored, content)
    data = AttachmentData(item, name, media_type, len(content), digest, stored)
    return store.add_attachment(session, inspection_id, data, added_by=added_by, now=now or datetime.now(UTC))


attach_file = in_transaction(attach_file_in)


def attachment_path(attachment: AttachmentRecord, settings: Settings | None = None) -> Path:
    return Path((settings or Settings.from_environment()).attachments_dir) / attachment.stored_as


# The sheet ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemView:
    number: int
    text: str
    criterion: int | None
    answer: AnswerRecord | None
    previous_answer: AnswerRecord | None  # of the previous inspection of the subject on this checklist
    open_violations: tuple[flow.ViolationView, ...]  # found by earlier inspections and not eliminated yet
    attachments: tuple[AttachmentRecord, ...]


@dataclass(frozen=True)
class InspectionSheet:
    """An inspection as `show` presents it: items with previous answers, violations, revisions."""

    inspection: InspectionRecord
    subject: SubjectRecord
    items: tuple[ItemView, ...]
    previous: InspectionRecord | None
    violations: tuple[flow.ViolationView, ...]
    attachments: tuple[AttachmentRecord, ...]  # attached to the whole inspection
    revisions: tuple[InspectionRecord, ...]


def inspection_sheet(
    db: Database,
    inspection_id: int,
    *,
    language: str = "kk",
    today: date | None = None,
    catalogue: Catalogue | None = None,
) -> InspectionSheet:
    """The inspection item by item, each with the previous inspection's answer and the violations earlier
    inspections found in it that are still open (or overdue)."""
    day = today or flow.today_utc()
    with db.transaction() as session:
        got = documents.inspection_contents(session, inspection_id)
    record, earlier = got.record, {r.id: r for r in got.earlier}
    still_open: defaultdict[int, list[flow.ViolationView]] = defaultdict(list)
    for v in got.still_open:
        still_open[v.item].append(
            flow.ViolationView(v, flow.violation_status(v, day), earlier[v.inspection_id])
        )
    files = got.attachments
    items = tuple(
        ItemView(
            item.number, item.text.in_language(language), item.criterion, got.answers.get(item.number),
            got.previous_answers.get(item.number), tuple(still_open[item.number]),
            tuple(f for f in files if f.item == item.number),
        )
        for item in _edition(catalogue, record.edition_id).checklist(record.appendix).items
    )  # fmt: skip
    own = tuple(flow.ViolationView(v, flow.violation_status(v, day), record) for v in got.violations)
    previous, general = got.earlier[0] if got.earlier else None, tuple(f for f in files if f.item is None)
    return InspectionSheet(record, got.subject, items, previous, own, general, got.revisions)


# Printed forms and their verification ---------------------------------------------------------------------


@dataclass(frozen=True)
class PrintedForm:
    path: Path
    code: str | None  # None for an unsealed form: a blank one, or a draft's working copy
    fingerprint: str | None
    inspection_id: int | None = None


@dataclass(frozen=True)
class DocumentCheck:
    """ok (issued here, unchanged), signed (the issued file followed by electronic signatures only, which
    this check does not verify), altered (seal or content changed), unknown (code), unsealed (no code)."""

    status: str
    message: str
    code: str | None = None
    inspection_id: int | None = None
    document: documents.DocumentRecord | None = None

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def _check_output(format: str, language: str) -> None:
    if format not in FORMATS or language not in LANGUAGES:
        raise ValueError(f"a checklist prints as {' or '.join(FORMATS)} in {' or '.join(LANGUAGES)}")


def render_inspection_document_in(
    session: Session,
    inspection_id: int,
    format: str,
    language: str,
    out: Path,
    *,
    issued_by: str = "tekseru",
    settings: Settings | None = None,
    now: datetime | None = None,
    catalogue: Catalogue | None = None,
) -> PrintedForm:
    """Print the inspection's checklist with its answers to `out`. A completed inspection is sealed, dated
    by its inspection date, and the file is recorded for `verify_document`; a draft prints unsealed."""
    _check_output(format, language)
    got = documents.inspection_contents(session, inspection_id)
    record, subject = got.record, got.subject
    kind = forms.ActKind.PREVENTIVE_CONTROL if record.kind == "preventive_control" else None
    act = (kind or forms.ActKind.INSPECTION, record.act_number, record.act_date)
    named = (subject.name, subject.bin, subject.address)
    body = control_body(subject.region).name.in_language(language)
    header = forms.FormHeader(body, *act, *named, officials=record.inspectors)
    answers = {n: forms.ItemAnswer(*_MARKS[a.answer], comment=a.comment) for n, a in got.answers.items()}
    reference = translate(language, "document.form.reference", id=record.id, revision=record.revision)
    sealed = record.status == "completed"
    identity = forms.DocumentIdentity(reference, record.inspected_on) if sealed else None
    edition = _edition(catalogue, record.edition_id)
    form = forms.build_checklist_form(
        edition, record.appendix, language, header=header, answers=answers, identity=identity
    )
    content, seal = _RENDERERS[format](form), seal_of(form)
    out.write_bytes(content)
    if seal is None:
        return PrintedForm(out, None, None, record.id)
    file = (hashlib.sha256(content).hexdigest(), format, language, record.appendix, record.id)
    data = documents.DocumentData(seal.code, seal.fingerprint, *file, reference, record.inspected_on)
    documents.record_document(session, data, created_by=issued_by, now=now or datetime.now(UTC))
    return PrintedForm(out, seal.code, seal.fingerprint, record.id)


render_inspection_document = in_transaction(render_inspection_document_in)


def render_checklist(
    db: Database,
    appendix: int,
    *,
    bin: str | None = None,
    act_number: str | None = None,
    act_date: date | None = None,
    language: str,
    format: str,
    out: Path,
    settings: Settings | None = None,
    today: date | None = None,
    catalogue: Catalogue | None = None,
) -> Path:
    """Print the checklist of `appendix` (of the edition in force on the act's date, else today) blank, or
    prefilled with the subject of `bin` from the registry and the act's number and date."""
    _check_output(format, language)
    edition = (catalogue or load_catalogue()).edition_at(act_date or today or flow.today_utc())
    header = forms.FormHeader(act_number=act_number or "", act_date=act_date)
    if bin is not None:
        with db.transaction() as session:
            subject = find_subject_by_bin(session, bin.strip())
        if subject is None:
            raise flow.SubjectNotFound(f"no subject with BIN {bin} is in the registry")
        flow.checklist_groups(edition, subject.groups, appendix)
        named = (subject.name, subject.bin, subject.address)
        body = control_body(subject.region).name.in_language(language)
        header = forms.FormHeader(body, None, act_number or "", act_date, *named)
    out.write_bytes(
        _RENDERERS[format](forms.build_checklist_form(edition, appendix, language, header=header))
    )
    return out


def _signed_issue(data: bytes, issued: list[documents.DocumentRecord]) -> documents.DocumentRecord | None:
    """The issued file that `data` is, signed: an earlier revision of it that tekseru issued, followed by
    signatures only (docs/signatures.md)."""
    revisions = earlier_revisions(data)
    found = next((document for document in issued if document.file_sha256 in revisions), None)
    if found is None:
        return None
    from tekseru.documents.signatures.verifying import only_signed_after  # pyHanko: only for a signed file

    return found if only_signed_after(data, revisions[found.file_sha256]) else None


def verify_document(db: Database, path: Path) -> DocumentCheck:
    """Check a PDF or DOCX file against the documents tekseru issued (ValueError for any other file)."""
    seal = read_verification(path)
    if seal is None:
        return DocumentCheck("unsealed", f"{path.name} carries no tekseru verification code")
    with db.transaction() as session:
        issued = documents.documents_with_code(session, seal.code)
        ids = {document.inspection_id for document in issued if document.inspection_id is not None}
        corrected = {i: r.superseded_by_id for i in ids if (r := store.get_inspection(session, i))}
    if not issued:
        return DocumentCheck("unknown", f"no document with the code {seal.code} was issued here", seal.code)
    first, data = issued[0], path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    same = next((document for document in issued if document.file_sha256 == digest), None)
    signed = None if same is not None else _signed_issue(data, issued)
    if check_document(path, first.fingerprint).status is not VerificationStatus.GENUINE:
        message = f"the seal in {path.name} does not match the document issued with the code {seal.code}"
    elif signed is not None:
        message = (
            f"{path.name} is {signed.reference}, issued on {signed.issued_on}, followed by signatures only"
        )
        return DocumentCheck("signed", message, seal.code, signed.inspection_id, signed)
    elif same is None:
        message = f"{path.name} carries the seal {seal.code}, but its content differs from the issued file"
    else:
        message = f"{path.name} is {same.reference}, issued on {same.issued_on}, unchanged"
        later = None if same.inspection_id is None else corrected.get(same.inspection_id)
        message += "" if later is None else f"; it was corrected since by inspection {later}"
        return DocumentCheck("ok", message, seal.code, same.inspection_id, same)
    return DocumentCheck("altered", message, seal.code, first.inspection_id, first)
