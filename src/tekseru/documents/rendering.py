"""Every document tekseru prints, behind one interface: `render(document, format, content) -> bytes`.

A caller names the document ("checklist": an official checklist form; "plan": the semi-annual list) and
the format, and hands what the document shows; it gets the file's bytes and decides where they go (an HTTP
answer, a file the command line was asked to write). `FORMATS` says which formats each document has.

Each format's writer (fpdf2, openpyxl, python-docx and the fonts: about a second of CPU to import) is
imported when a document is first rendered in it: the services that print import this module, and a
command that only reads a list or an inspection then costs none of it (issue 18).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, Final, Literal, overload

from tekseru.i18n import list_words

if TYPE_CHECKING:
    from tekseru.documents.checklist_form import ChecklistForm
    from tekseru.planning.model import Plan
    from tekseru.planning.table import PlanTable

CHECKLIST: Final = "checklist"
PLAN: Final = "plan"


class UnknownDocumentFormat(ValueError):
    """A document asked for in a format it does not have."""


@dataclass(frozen=True)
class PlanDocument:
    """What a printed list shows: the plan, in `language` (kk or ru), with the words around it.

    `approval` is (approved by, approved on), or None for a draft. `group_names` and `reason_texts` are in
    `language`; `notice` replaces the default note that the Russian text is an unofficial translation.
    `number` is the stored list's number and `status` its status (draft, approved, published).
    """

    plan: Plan
    language: str
    state_body: str
    approval: tuple[str, date] | None
    group_names: Mapping[str, str]
    reason_texts: Mapping[int, str]
    notice: str | None = None
    number: int | None = None
    status: str | None = None

    def table(self, *, excluded_in_full: bool = True) -> PlanTable:
        """The list laid out for printing: both formats draw this same table (the PDF counts the subjects
        left off by reason, the workbook lists each)."""
        from tekseru.planning.table import plan_table

        return plan_table(
            self.plan,
            language=self.language,
            words=list_words(self.language),
            state_body=self.state_body,
            approval=self.approval,
            group_names=self.group_names,
            reason_texts=self.reason_texts,
            notice=self.notice,
            number=self.number,
            status=self.status,
            excluded_in_full=excluded_in_full,
        )


def _checklist_pdf(form: ChecklistForm) -> bytes:
    from tekseru.documents.checklist_pdf import checklist_pdf_bytes

    return checklist_pdf_bytes(form)


def _checklist_docx(form: ChecklistForm) -> bytes:
    from tekseru.documents.checklist_docx import checklist_docx_bytes

    return checklist_docx_bytes(form)


def _plan_xlsx(table: PlanTable) -> bytes:
    from tekseru.documents.plan_xlsx import plan_xlsx_bytes

    return plan_xlsx_bytes(table)


def _plan_pdf(table: PlanTable) -> bytes:
    from tekseru.documents.plan_pdf import plan_pdf_bytes

    return plan_pdf_bytes(table)


def _plan(write: Callable[[PlanTable], bytes], *, excluded_in_full: bool) -> Callable[[PlanDocument], bytes]:
    return lambda document: write(document.table(excluded_in_full=excluded_in_full))


_RENDERERS: dict[str, dict[str, Callable[[Any], bytes]]] = {
    CHECKLIST: {"pdf": _checklist_pdf, "docx": _checklist_docx},
    PLAN: {
        "xlsx": _plan(_plan_xlsx, excluded_in_full=True),
        "pdf": _plan(_plan_pdf, excluded_in_full=False),
    },
}
FORMATS: Mapping[str, tuple[str, ...]] = {document: tuple(by) for document, by in _RENDERERS.items()}


@overload
def render(document: Literal["checklist"], format: str, content: ChecklistForm) -> bytes: ...
@overload
def render(document: Literal["plan"], format: str, content: PlanDocument) -> bytes: ...
def render(document: str, format: str, content: Any) -> bytes:
    """The document as a file of `format`, or UnknownDocumentFormat."""
    formats = _RENDERERS.get(document, {})
    if format not in formats:
        known = " or ".join(formats) or "nothing"
        raise UnknownDocumentFormat(f"a {document} is printed as {known}, not {format!r}")
    return formats[format](content)
