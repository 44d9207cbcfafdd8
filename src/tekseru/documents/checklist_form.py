"""A checklist (Appendices 2 to 7) as a form to print: every text resolved, nothing left to look up.

`build_checklist_form` takes the edition, the appendix, the language and optionally what an inspector wrote
(the header, the answers per item, the document's identity) and returns a frozen `ChecklistForm`. The PDF and
DOCX renderers print that value and nothing else, so both documents carry the same content in the same order,
and `verification.document_fingerprint` hashes exactly what is printed. With no header and no answers the
form is blank, ready to be filled in by hand.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, replace
from dataclasses import fields as dataclass_fields
from datetime import date
from enum import StrEnum
from functools import cached_property
from typing import Any

from tekseru.catalog import LANGUAGES, CatalogueEdition, Checklist, UnknownCatalogueEntry
from tekseru.catalog.schema import FormLayout, HeaderField
from tekseru.documents.printable import printable
from tekseru.i18n import format_decimal, plural, translate

__all__ = [
    "ANNEX_WORDS",
    "FULL_NAME",
    "MARK",
    "ActKind",
    "Annex",
    "AnnexEntry",
    "ChecklistForm",
    "Compliance",
    "DocumentIdentity",
    "FormColumn",
    "FormField",
    "FormHeader",
    "FormLabels",
    "FormRow",
    "ItemAnswer",
    "Requirement",
    "SignatureBlock",
    "build_checklist_form",
]

OFFICIAL_LANGUAGE = "kk"
OFFICIALS = "officials"  # the signature block (form.yaml) of the officials who inspect
FULL_NAME = "full_name"  # the signature line (form.yaml) a signatory's name is written on
MARK = "✓"  # what both renderers print in an answered column
INSPECTION_NUMBER = "inspection_number"  # the header field of an inspection's number (region-year-sequence)
# The words of the annex of attached files: its title and the headings of item, file and hash.
ANNEX_WORDS = tuple(f"document.annex.{key}" for key in ("title", "item", "file", "hash"))


class ActKind(StrEnum):
    """What the appointing act appoints (the form's header names both)."""

    INSPECTION = "inspection"
    PREVENTIVE_CONTROL = "preventive_control"


@dataclass(frozen=True)
class FormLabels:
    """The few words tekseru adds to the official form: comment, kind of subject, verification footer (the
    messages `document.form.<field>` of the `documents.po` catalogues)."""

    comment: str
    verification_code: str
    document: str
    page: str
    subject_kind: str
    # Printed on every page of a form that is not a completed inspection's sealed form (a blank form, a
    # draft's working copy): in both languages of the country whatever the form's language, as drafts are
    # marked there, and in English too on an English working copy.
    draft_mark: str

    @classmethod
    def in_language(cls, language: str) -> FormLabels:
        return cls(*(translate(language, f"document.form.{label.name}") for label in dataclass_fields(cls)))


class Requirement(StrEnum):
    """The first pair of answer columns; the values are the column keys of form.yaml."""

    REQUIRED = "required"
    NOT_REQUIRED = "not_required"


class Compliance(StrEnum):
    """The second pair of answer columns; the values are the column keys of form.yaml."""

    COMPLIANT = "compliant"
    NON_COMPLIANT = "non_compliant"


@dataclass(frozen=True)
class ItemAnswer:
    """What the official marked for one item; compliance is only answered for a required item."""

    requirement: Requirement | None = None
    compliance: Compliance | None = None
    comment: str = ""

    def __post_init__(self) -> None:
        if self.compliance is not None and self.requirement is Requirement.NOT_REQUIRED:
            raise ValueError("an item that is not required cannot be compliant or non-compliant")

    @property
    def marked_columns(self) -> frozenset[str]:
        return frozenset(str(mark) for mark in (self.requirement, self.compliance) if mark is not None)


@dataclass(frozen=True)
class FormHeader:
    """The header values; an empty value prints as a blank line to fill in by hand."""

    ordering_body: str = ""
    act_kind: ActKind | None = None
    act_number: str = ""
    act_date: date | None = None
    subject_name: str = ""
    subject_identifier: str = ""  # IIN or BIN, 12 digits
    subject_address: str = ""
    officials: tuple[str, ...] = ()  # the officials the act names, printed in their signature block


@dataclass(frozen=True)
class DocumentIdentity:
    """What makes a filled form one document: a reference (e.g. the inspection id) and its date of issue."""

    reference: str
    issued_on: date | None = None

    def __post_init__(self) -> None:
        if not self.reference.strip():
            raise ValueError("a document identity needs a reference")


@dataclass(frozen=True)
class FormField:
    key: str
    label: str
    value: str  # "" when blank


@dataclass(frozen=True)
class FormColumn:
    key: str
    label: str


@dataclass(frozen=True)
class FormRow:
    number: int
    text: str
    answer: ItemAnswer | None = None

    @property
    def marked_columns(self) -> frozenset[str]:
        return self.answer.marked_columns if self.answer else frozenset()

    @property
    def comment(self) -> str:
        return self.answer.comment if self.answer else ""


@dataclass(frozen=True)
class SignatureBlock:
    """A block of signature lines: one set of `lines` for each of `names`, or one blank set if none."""

    key: str
    label: str
    lines: tuple[FormColumn, ...]
    names: tuple[str, ...] = ()

    @property
    def signatories(self) -> tuple[str, ...]:
        """The name written on each set of lines; "" for a set left blank."""
        return self.names or ("",)


@dataclass(frozen=True)
class AnnexEntry:
    """One file attached to the inspection: the item it belongs to ("" for the whole inspection), its name,
    size in bytes and SHA-256, which identifies the file kept."""

    item: str
    file_name: str
    size: int
    sha256: str


@dataclass(frozen=True)
class Annex:
    """The annex listing the files attached to the inspection, with its title and column headings."""

    title: str
    item_heading: str
    file_heading: str
    hash_heading: str
    entries: tuple[AnnexEntry, ...]
    language: str = "kk"

    def size_text(self, size: int) -> str:
        """A file's size in the annex's language, in bytes as stored ("3 612 байт")."""
        return plural(self.language, "document.annex.size", size, size=format_decimal(size, self.language, 0))

    @classmethod
    def of(cls, language: str, entries: tuple[AnnexEntry, ...]) -> Annex | None:
        """The annex in `language`, or None with no entries (a form without attachments has no annex)."""
        if not entries:
            return None
        title, item, file, sha256 = (translate(language, key) for key in ANNEX_WORDS)
        return cls(title, item, file, sha256, entries, language)


@dataclass(frozen=True)
class ChecklistForm:
    """One checklist form in one language, with every printed text resolved."""

    edition_id: str
    edition_effective_from: date
    appendix: int
    language: str
    appendix_reference: str
    title: str
    subject_kind: str  # "<label>: <kind>", under the title: Appendices 2 and 3 have the same title
    fields: tuple[FormField, ...]
    number_heading: str
    requirements_heading: str
    answer_columns: tuple[FormColumn, ...]
    rows: tuple[FormRow, ...]
    signature_blocks: tuple[SignatureBlock, ...]
    labels: FormLabels
    notice: str | None = None  # the unofficial-translation notice, on every form not in Kazakh
    identity: DocumentIdentity | None = field(default=None)
    annex: Annex | None = None  # the files attached, item by item; printed after the signatures

    @property
    def draft_mark(self) -> str | None:
        """The mark on every page of a form that is not sealed (no identity), None on a sealed one."""
        return None if self.identity else self.labels.draft_mark

    @property
    def is_blank(self) -> bool:
        return not any(f.value for f in self.fields) and not any(row.answer for row in self.rows)

    @property
    def document_date(self) -> date:
        """The date the document file is dated by: its issue, else the edition's effective date."""
        if self.identity and self.identity.issued_on:
            return self.identity.issued_on
        return self.edition_effective_from

    def canonical_json(self) -> str:
        """The form as JSON with sorted keys and no spacing: the same form always gives the same text."""
        return self._canonical_json

    @cached_property
    def _canonical_json(self) -> str:  # computed once: both the fingerprint and the PDF's fonts read it
        form = asdict(self)
        if form["annex"] is None:  # a form without attachments hashes as it did before annexes
            del form["annex"]
        else:  # the annex's language is the form's: it says how sizes print, it is not content
            del form["annex"]["language"]
        data = {"kind": "tekseru.checklist-form", "version": 1, "form": form}
        return json.dumps(
            data, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=_json_default
        )


def _json_default(value: Any) -> str:
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"cannot put {type(value).__name__} in a checklist form")


def build_checklist_form(
    edition: CatalogueEdition,
    appendix: int,
    language: str,
    *,
    header: FormHeader | None = None,
    answers: Mapping[int, ItemAnswer] | None = None,
    identity: DocumentIdentity | None = None,
    number: str = "",
    attachments: tuple[AnnexEntry, ...] = (),
) -> ChecklistForm:
    """The checklist of `appendix` in `language` ("kk" is official), blank unless header or answers given;
    an inspection's `number` is printed as the first header field (a form without one has no such field)."""
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}; use one of {', '.join(LANGUAGES)}")
    checklist = edition.checklist(appendix)
    layout = edition.form
    labels = FormLabels.in_language(language)
    header = header or FormHeader()
    return ChecklistForm(
        edition_id=edition.id,
        edition_effective_from=edition.effective_from,
        appendix=appendix,
        language=language,
        appendix_reference=_appendix_reference(edition, appendix, language),
        title=checklist.title.in_language(language),
        subject_kind=f"{labels.subject_kind}: {checklist.subject_kind.in_language(language)}",
        fields=_number_field(number, language) + _fields(checklist, layout, header, language),
        number_heading=layout.number_heading.in_language(language),
        requirements_heading=(checklist.requirements_heading or layout.requirements_heading).in_language(
            language
        ),
        answer_columns=_columns(layout.answer_columns, language),
        rows=_rows(checklist, answers or {}, language),
        signature_blocks=_signature_blocks(layout, language, header.officials),
        labels=labels,
        notice=None
        if language == OFFICIAL_LANGUAGE
        else edition.edition.unofficial_translation_notice.in_language(language),
        identity=identity,
        annex=Annex.of(language, tuple(replace(a, file_name=printable(a.file_name)) for a in attachments)),
    )


def _appendix_reference(edition: CatalogueEdition, appendix: int, language: str) -> str:
    return edition.form.appendix_reference.in_language(language).format(appendix=appendix)


def _columns(fields: tuple[HeaderField, ...], language: str) -> tuple[FormColumn, ...]:
    return tuple(FormColumn(f.key, f.label.in_language(language)) for f in fields)


def _fields(
    checklist: Checklist, layout: FormLayout, header: FormHeader, language: str
) -> tuple[FormField, ...]:
    labels = {f.key: f.label.in_language(language) for f in layout.header_fields}
    values = _header_values(header, language)
    return tuple(FormField(key, labels[key], values.get(key, "")) for key in checklist.header_fields)


def _number_field(number: str, language: str) -> tuple[FormField, ...]:
    if not number.strip():
        return ()
    return (
        FormField(
            INSPECTION_NUMBER,
            translate(language, "document.form.inspection_number"),
            printable(number.strip()),
        ),
    )


def _header_values(header: FormHeader, language: str) -> dict[str, str]:
    return {
        "ordering_body": printable(header.ordering_body.strip()),
        "appointing_act": printable(_appointing_act(header, language)),
        "subject_name": printable(header.subject_name.strip()),
        "subject_identifier": printable(header.subject_identifier.strip()),
        "subject_address": printable(header.subject_address.strip()),
    }


def _appointing_act(header: FormHeader, language: str) -> str:
    parts = [
        translate(language, f"document.form.act_kind.{header.act_kind.value}") if header.act_kind else "",
        f"№ {header.act_number.strip()}" if header.act_number.strip() else "",
        header.act_date.strftime("%d.%m.%Y") if header.act_date else "",
    ]
    return ", ".join(part for part in parts if part)


def _rows(checklist: Checklist, answers: Mapping[int, ItemAnswer], language: str) -> tuple[FormRow, ...]:
    unknown = sorted(set(answers) - {item.number for item in checklist.items})
    if unknown:
        raise UnknownCatalogueEntry(f"the checklist of Appendix {checklist.appendix} has no items {unknown}")
    return tuple(
        FormRow(item.number, item.text.in_language(language), _printable_answer(answers.get(item.number)))
        for item in checklist.items
    )


def _printable_answer(answer: ItemAnswer | None) -> ItemAnswer | None:
    if answer is None or printable(answer.comment) == answer.comment:
        return answer
    return replace(answer, comment=printable(answer.comment))


def _signature_blocks(
    layout: FormLayout, language: str, officials: tuple[str, ...]
) -> tuple[SignatureBlock, ...]:
    lines = _columns(layout.signature_lines, language)
    names = {OFFICIALS: tuple(printable(name.strip()) for name in officials if name.strip())}
    return tuple(
        SignatureBlock(b.key, b.label.in_language(language), lines, names.get(b.key, ()))
        for b in layout.signature_blocks
    )
