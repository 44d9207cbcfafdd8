"""The semi-annual list as a printable table in Kazakh or Russian: what the XLSX and PDF renderers show.

Both renderers draw the same `PlanTable`, so the two documents cannot say different things. Kazakh is the
official text; Russian is a working translation and says so in the header. The words come from the
`documents.po` catalogues, handed in by the renderers (see `table_words` for their message ids).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from tekseru.planning.half_year import HalfYear
from tekseru.planning.model import ExcludedRow, ExclusionReason, Plan, PlanRow
from tekseru.planning.table_words import HALF_YEAR_WORDS, LIST_WORDS

__all__ = [
    "DOCUMENT_LANGUAGES",
    "HALF_YEAR_WORDS",
    "LIST_WORDS",
    "PlanTable",
    "Section",
    "criterion_numbers",
    "format_cell",
    "half_year_title",
    "plan_table",
]

DOCUMENT_LANGUAGES: tuple[str, ...] = ("kk", "ru")

Cell = str | int | float


@dataclass(frozen=True)
class Section:
    """One table of the list. `key` (included, overflow, excluded, annex) lets a renderer choose the
    column widths; `short_title` names its sheet in the XLSX."""

    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    empty_text: str
    key: str = ""
    short_title: str = ""


@dataclass(frozen=True)
class PlanTable:
    """The list laid out for printing. `running_title` (number, half-year, status) and `page_label`
    (a pattern with {page} and {total}) go on every page; `draft_mark` too, for a list not yet approved.
    The last section is the annex with the text of every criterion the rows cite by number."""

    language: str
    title: str
    header_lines: tuple[str, ...]
    sections: tuple[Section, ...]
    approval_block: tuple[str, ...] = ()
    running_title: str = ""
    page_label: str = "{page} / {total}"
    draft_mark: str | None = None


def plan_table(
    plan: Plan,
    *,
    language: str,
    words: Mapping[str, str],
    state_body: str,
    approval: tuple[str, date] | None,
    group_names: Mapping[str, str],
    reason_texts: Mapping[int, str],
    notice: str | None = None,
    number: int | None = None,
    status: str | None = None,
    excluded_in_full: bool = True,
) -> PlanTable:
    """Lay out the plan for printing. `words` are the list's words in `language` by message id (every id
    of `LIST_WORDS`; `tekseru.i18n.list_words` gives them). `group_names` and `reason_texts` are in
    `language`; a group or criterion without a text is shown by its key or number. `notice` replaces the
    default Russian notice. `number` is the stored list's number; `status` is draft, approved or published
    (by default: approved when there is an `approval`, else draft). Without `excluded_in_full` the subjects
    left off are counted by reason rather than listed one by one: on paper, the list of a large registry
    would otherwise run to a thousand pages of subjects it does not visit."""
    if language not in DOCUMENT_LANGUAGES:
        raise ValueError(f"the list is printed in kk or ru, not {language!r}")
    missing = [key for key in LIST_WORDS if not words.get(key)]
    if missing:
        raise ValueError(f"the words of the list lack {', '.join(missing)}")
    say = _Words(words)
    status = status or ("draft" if approval is None else "approved")
    status_name = words.get(f"document.status.{status}", status)
    period = half_year_title(plan.half_year, words)
    numbered = say("number").format(number=number) if number is not None else ""
    header = [f"{say('state_body')}: {state_body}", numbered, f"{say('period')}: {period}"]
    header += [say("status").format(status=status_name), _approval_line(approval, say)]
    if language == "ru":
        header.append(notice or say("unofficial_translation"))
    cells = _RowCells(words, group_names, reason_texts)
    empty = say("none")
    sections = (
        Section(
            say("included"),
            cells.columns(with_month=True),
            cells.rows(plan.included, True),
            empty,
            "included",
            say("sheet_included"),
        ),
        Section(
            say("overflow"),
            cells.columns(with_month=False),
            cells.rows(plan.overflow, False),
            empty,
            "overflow",
            say("sheet_overflow"),
        ),
        Section(
            say("excluded"),
            cells.excluded_columns(),
            cells.excluded_rows(plan.excluded),
            empty,
            "excluded",
            say("sheet_excluded"),
        )
        if excluded_in_full
        else Section(
            say("excluded_summary"),
            (say("reason"), say("count")),
            cells.excluded_counts(plan.excluded),
            empty,
            "excluded_summary",
            say("sheet_excluded"),
        ),
        *_remedied(plan, cells, say, excluded_in_full),
        Section(
            say("annex"),
            (say("criterion_number"), say("criterion")),
            cells.cited_criteria(plan.included + plan.overflow),
            empty,
            "annex",
            say("sheet_annex"),
        ),
    )
    running = " · ".join(part for part in (numbered, period, status_name) if part)
    return PlanTable(
        language,
        say("title"),
        tuple(line for line in header if line),
        sections,
        approval_block=_approval_block(approval, say),
        running_title=running,
        page_label=say("page"),
        draft_mark=status_name.upper() if status == "draft" else None,
    )


def _remedied(plan: Plan, cells: _RowCells, say: _Words, excluded_in_full: bool) -> tuple[Section, ...]:
    """Where the subjects left off are only counted, those left off because they remedied their violations
    are still named, each with the remediation reports that prove it (the exclusion is theirs to show)."""
    rows = tuple(row for row in plan.excluded if row.remediation_reports)
    if excluded_in_full or not rows:
        return ()
    return (
        Section(
            say("remedied"),
            cells.excluded_columns(),
            cells.excluded_rows(rows),
            say("none"),
            "excluded",
            say("sheet_remedied"),
        ),
    )


def half_year_title(half_year: HalfYear, words: Mapping[str, str]) -> str:
    """The half-year in words, from the `half_year.*` messages in `words` (ids in `HALF_YEAR_WORDS`):
    "2027 жылғы бірінші жартыжылдық", "первое полугодие 2027 года"."""
    return words[HALF_YEAR_WORDS[half_year.half - 1]].format(year=half_year.year)


def criterion_numbers(numbers: Sequence[int]) -> str:
    """The numbers in their order, with runs of three or more consecutive ones as a range: 1–3, 7, 12."""
    parts: list[str] = []
    index = 0
    while index < len(numbers):
        end = index
        while end + 1 < len(numbers) and numbers[end + 1] == numbers[end] + 1:
            end += 1
        if end - index >= 2:
            parts.append(f"{numbers[index]}–{numbers[end]}")
        else:
            parts.extend(str(number) for number in numbers[index : end + 1])
        index = end + 1
    return ", ".join(parts)


def format_date(day: date) -> str:
    return day.strftime("%d.%m.%Y")


def format_score(score: float) -> str:
    """Up to two decimals with a decimal comma, as Kazakh and Russian write numbers: 85, 42,5."""
    return f"{score:.2f}".rstrip("0").rstrip(".").replace(".", ",")


def format_cell(cell: Cell) -> str:
    if isinstance(cell, float):
        return format_score(cell)
    return str(cell)


@dataclass(frozen=True)
class _Words:
    """The list's own words (`document.list.*`) by their short key."""

    words: Mapping[str, str]

    def __call__(self, key: str) -> str:
        return self.words[f"document.list.{key}"]


def _approval_block(approval: tuple[str, date] | None, say: _Words) -> tuple[str, ...]:
    """The block in the top right corner: who approved the list and when, or blanks to fill in by hand."""
    if approval is None:
        return (say("approve"), "_" * 34, say("position"), say("signature"), say("blank_date"))
    approved_by, approved_on = approval
    return (say("approve"), approved_by, say("signature"), format_date(approved_on))


def _approval_line(approval: tuple[str, date] | None, say: _Words) -> str:
    if approval is None:
        return say("not_approved")
    approved_by, approved_on = approval
    return say("approved").format(by=approved_by, on=format_date(approved_on))


@dataclass(frozen=True)
class _RowCells:
    words: Mapping[str, str]
    group_names: Mapping[str, str]
    reason_texts: Mapping[int, str]

    def columns(self, *, with_month: bool) -> tuple[str, ...]:
        keys = ("rank", "region", "name", "bin", "address", "groups", "score", "class", "reasons")
        say = _Words(self.words)
        return tuple(say(key) for key in keys) + ((say("month"),) if with_month else ())

    def rows(self, rows: tuple[PlanRow, ...], with_month: bool) -> tuple[tuple[Cell, ...], ...]:
        return tuple(self.row(row, with_month=with_month) for row in rows)

    def excluded_columns(self) -> tuple[str, ...]:
        keys = ("region", "name", "bin", "group", "score", "class", "reason")
        return tuple(_Words(self.words)(key) for key in keys)

    def excluded_rows(self, rows: tuple[ExcludedRow, ...]) -> tuple[tuple[Cell, ...], ...]:
        return tuple(self.excluded(row) for row in rows)

    def excluded_counts(self, rows: tuple[ExcludedRow, ...]) -> tuple[tuple[Cell, ...], ...]:
        counted = Counter(row.reason for row in rows)
        return tuple(
            (self.words[f"document.exclusion.{reason.value}"], counted[reason])
            for reason in ExclusionReason
            if counted[reason]
        )

    def row(self, row: PlanRow, *, with_month: bool) -> tuple[Cell, ...]:
        cells: tuple[Cell, ...] = (
            row.rank,
            row.region,
            row.name,
            row.bin,
            row.address,
            "\n".join(self.group_names.get(group, group) for group in row.groups),
            row.score,
            self.risk_class(row.risk_class),
            criterion_numbers(row.main_reasons),
        )
        if with_month:
            month = row.planned_month
            cells += (self.words[f"document.month.{month}"] if month is not None else "",)
        return cells

    def excluded(self, row: ExcludedRow) -> tuple[Cell, ...]:
        return (
            row.region,
            row.name,
            row.bin,
            self.group_names.get(row.group, row.group),
            row.score,
            self.risk_class(row.risk_class),
            self.exclusion(row),
        )

    def risk_class(self, risk_class: str) -> str:
        return self.words.get(f"document.risk_class.{risk_class}", risk_class)

    def cited_criteria(self, rows: tuple[PlanRow, ...]) -> tuple[tuple[Cell, ...], ...]:
        cited = sorted({number for row in rows for number in row.main_reasons})
        return tuple((number, self.reason_texts.get(number, "")) for number in cited)

    def exclusion(self, row: ExcludedRow) -> str:
        label = self.words[f"document.exclusion.{row.reason.value}"]
        if row.reason is ExclusionReason.COVERED_BY_OTHER_GROUP and row.covered_by_rank is not None:
            return f"{label} (№ {row.covered_by_rank})"
        if row.reason is ExclusionReason.CLASS_NOT_CANDIDATE:
            return f"{label} ({self.risk_class(row.risk_class)})"
        if row.last_visit_on is not None:
            label = f"{label} ({format_date(row.last_visit_on)})"
        if row.remediation_reports:
            reports = ", ".join(str(number) for number in row.remediation_reports)
            label = f"{label}; {self.words['document.list.proof'].format(reports=reports)}"
        return label
