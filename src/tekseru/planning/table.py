"""The semi-annual list as a printable table in Kazakh or Russian: what the XLSX and PDF renderers show.

Both renderers draw the same `PlanTable`, so the two documents cannot say different things. Kazakh is the
official text; Russian is a working translation and says so in the header.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from tekseru.planning.half_year import HalfYear
from tekseru.planning.model import ExcludedRow, ExclusionReason, Plan, PlanRow
from tekseru.planning.table_words import (
    MONTH_NAMES,
    REASON_LABELS,
    RISK_CLASS_NAMES,
    STATUS_NAMES,
    UNOFFICIAL_TRANSLATION_NOTICE,
    WORDS,
)

__all__ = [
    "DOCUMENT_LANGUAGES",
    "MONTH_NAMES",
    "REASON_LABELS",
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
    state_body: str,
    approval: tuple[str, date] | None,
    group_names: Mapping[str, str],
    reason_texts: Mapping[int, str],
    notice: str | None = None,
    number: int | None = None,
    status: str | None = None,
) -> PlanTable:
    """Lay out the plan for printing. `group_names` and `reason_texts` are in `language`; a group or
    criterion without a text is shown by its key or number. `notice` replaces the default Russian notice.
    `number` is the stored list's number; `status` is draft, approved or published (by default: approved
    when there is an `approval`, else draft)."""
    if language not in DOCUMENT_LANGUAGES:
        raise ValueError(f"the list is printed in kk or ru, not {language!r}")
    words = WORDS[language]
    status = status or ("draft" if approval is None else "approved")
    status_name = STATUS_NAMES[language].get(status, status)
    period = half_year_title(plan.half_year, language)
    numbered = words["number"].format(number=number) if number is not None else ""
    header = [f"{words['state_body']}: {state_body}", numbered, f"{words['period']}: {period}"]
    header += [words["status"].format(status=status_name), _approval_line(approval, words)]
    if language == "ru":
        header.append(notice or UNOFFICIAL_TRANSLATION_NOTICE)
    cells = _RowCells(language, group_names, reason_texts)
    empty = words["none"]
    sections = (
        Section(
            words["included"],
            cells.columns(with_month=True),
            cells.rows(plan.included, True),
            empty,
            "included",
            words["sheet_included"],
        ),
        Section(
            words["overflow"],
            cells.columns(with_month=False),
            cells.rows(plan.overflow, False),
            empty,
            "overflow",
            words["sheet_overflow"],
        ),
        Section(
            words["excluded"],
            cells.excluded_columns(),
            cells.excluded_rows(plan.excluded),
            empty,
            "excluded",
            words["sheet_excluded"],
        ),
        Section(
            words["annex"],
            (words["criterion_number"], words["criterion"]),
            cells.cited_criteria(plan.included + plan.overflow),
            empty,
            "annex",
            words["sheet_annex"],
        ),
    )
    running = " · ".join(part for part in (numbered, period, status_name) if part)
    return PlanTable(
        language,
        words["title"],
        tuple(line for line in header if line),
        sections,
        approval_block=_approval_block(approval, words),
        running_title=running,
        page_label=words["page"],
        draft_mark=status_name.upper() if status == "draft" else None,
    )


def half_year_title(half_year: HalfYear, language: str) -> str:
    """The half-year in words: "2027 жылғы бірінші жартыжылдық", "первое полугодие 2027 года"."""
    words = WORDS[language]
    ordinal = words["ordinals"].split("|")[half_year.half - 1]
    return words["half_year"].format(year=half_year.year, ordinal=ordinal)


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


def _approval_block(approval: tuple[str, date] | None, words: Mapping[str, str]) -> tuple[str, ...]:
    """The block in the top right corner: who approved the list and when, or blanks to fill in by hand."""
    if approval is None:
        return (words["approve"], "_" * 34, words["position"], words["signature"], words["blank_date"])
    approved_by, approved_on = approval
    return (words["approve"], approved_by, words["signature"], format_date(approved_on))


def _approval_line(approval: tuple[str, date] | None, words: Mapping[str, str]) -> str:
    if approval is None:
        return words["not_approved"]
    approved_by, approved_on = approval
    return words["approved"].format(by=approved_by, on=format_date(approved_on))


@dataclass(frozen=True)
class _RowCells:
    language: str
    group_names: Mapping[str, str]
    reason_texts: Mapping[int, str]

    def columns(self, *, with_month: bool) -> tuple[str, ...]:
        keys = ("rank", "region", "name", "bin", "address", "groups", "score", "class", "reasons")
        words = WORDS[self.language]
        return tuple(words[key] for key in keys) + ((words["month"],) if with_month else ())

    def rows(self, rows: tuple[PlanRow, ...], with_month: bool) -> tuple[tuple[Cell, ...], ...]:
        return tuple(self.row(row, with_month=with_month) for row in rows)

    def excluded_columns(self) -> tuple[str, ...]:
        keys = ("region", "name", "bin", "group", "score", "class", "reason")
        return tuple(WORDS[self.language][key] for key in keys)

    def excluded_rows(self, rows: tuple[ExcludedRow, ...]) -> tuple[tuple[Cell, ...], ...]:
        return tuple(self.excluded(row) for row in rows)

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
            cells += (MONTH_NAMES[self.language][month - 1] if month is not None else "",)
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
        return RISK_CLASS_NAMES[self.language].get(risk_class, risk_class)

    def cited_criteria(self, rows: tuple[PlanRow, ...]) -> tuple[tuple[Cell, ...], ...]:
        cited = sorted({number for row in rows for number in row.main_reasons})
        return tuple((number, self.reason_texts.get(number, "")) for number in cited)

    def exclusion(self, row: ExcludedRow) -> str:
        label = REASON_LABELS[self.language][row.reason]
        if row.reason is ExclusionReason.COVERED_BY_OTHER_GROUP and row.covered_by_rank is not None:
            return f"{label} (№ {row.covered_by_rank})"
        if row.reason is ExclusionReason.CLASS_NOT_CANDIDATE:
            return f"{label} ({self.risk_class(row.risk_class)})"
        if row.last_visit_on is not None:
            return f"{label} ({format_date(row.last_visit_on)})"
        return label
