"""How `tekseru plan` and `tekseru plans show|diff` put a list on the screen, in the reader's language:
half-years, dates, numbers, regions, groups, classes and reasons in words, never their keys."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console
from rich.table import Column, Table

from tekseru.cli.language import Words, cli_naming, group_name, region_name
from tekseru.cli.tables import print_table

if TYPE_CHECKING:  # imported where used: a command's `--help` needs none of them
    from tekseru.planning import AddedRow, MovedRow, RemovedRow
    from tekseru.services.plans import PlanComparison, StoredPlan


def print_plan(console: Console, stored: StoredPlan, words: Words) -> None:
    from tekseru.i18n import format_date, format_decimal, format_half_year

    formed, language = stored.plan, words.language
    console.print(
        words(
            "cli.plans.heading",
            id=stored.id,
            half_year=format_half_year(formed.half_year, language),
            status=words(f"plans.status.{stored.record.status}"),
            as_of=format_date(stored.record.as_of, language),
        )
    )
    bin_column = words("cli.column.bin")
    headers = ("name", "region", "groups", "score", "risk_class", "reasons", "month")
    for title, rows in (
        (words("cli.plans.on_list_title"), formed.included),
        (words("cli.plans.beyond_title"), formed.overflow),
    ):
        fixed = [
            Column(words("cli.column.rank"), no_wrap=True),
            Column(bin_column, no_wrap=True, min_width=12),
        ]
        table = Table(*fixed, *(words(f"cli.column.{header}") for header in headers), title=title)
        for row in rows:
            month = "" if row.planned_month is None else words(f"plans.month.{row.planned_month}")
            table.add_row(
                str(row.rank),
                row.bin,
                row.name,
                region_name(row.region, language),
                "; ".join(group_name(group, language) for group in row.groups),
                format_decimal(row.score, language),
                words.risk_class(row.risk_class),
                ", ".join(str(number) for number in row.main_reasons),
                month,
            )
        if rows:
            print_table(console, table)
        else:
            console.print(words("cli.plans.none_in", title=title))
    not_listed = words("cli.plans.excluded_title")
    excluded = Table(
        Column(bin_column, no_wrap=True, min_width=12),
        *(words(f"cli.column.{header}") for header in ("name", "group", "reason")),
        title=not_listed,
    )
    for item in formed.excluded:
        reason = words(f"plans.reason.{item.reason.value}")
        excluded.add_row(item.bin, item.name, group_name(item.group, language), reason)
    if formed.excluded:
        print_table(console, excluded)
    else:
        console.print(words("cli.plans.none_in", title=not_listed))


def print_diff(console: Console, comparison: PlanComparison, words: Words) -> None:
    if comparison.previous is None or comparison.diff is None:
        console.print(words("cli.plans.diff_first", id=comparison.plan.id))
        return
    console.print(words("cli.plans.diff_heading", id=comparison.plan.id, previous=comparison.previous.id))
    changes, edition = comparison.diff, comparison.plan.record.edition_id
    rank = words("cli.column.rank")
    for item in changes.added:
        line = f"+ {item.row.bin} {item.row.name} ({rank} {item.row.rank}): {_why(item, words)}"
        console.print(line, markup=False)
    for gone in changes.removed:
        console.print(f"- {gone.row.bin} {gone.row.name}: {_why(gone, words)}", markup=False)
    for moved in changes.moved:
        line = f"~ {moved.current.bin} {moved.current.name}: {'; '.join(_moves(moved, words, edition))}"
        console.print(line, markup=False)
    if changes.is_empty:
        console.print(words("cli.plans.diff_same"))


def _why(item: AddedRow | RemovedRow, words: Words) -> str:
    """The reason in words, with the exclusions behind it (the planner's English detail stays in JSON)."""
    reasons = [words(f"plans.diff.reason.{item.reason.value}")]
    reasons += [words(f"plans.reason.{reason.value}") for reason in item.exclusions]
    return "; ".join(reasons)


def _moves(moved: MovedRow, words: Words, edition: str) -> list[str]:
    """What changed for a subject on both lists, as "rank 3 → 2"."""
    from tekseru.i18n.plan_changes import change_lines

    return change_lines(moved, words.language, cli_naming(edition))
