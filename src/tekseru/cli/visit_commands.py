"""`tekseru inspection start|assign|fulfilment`: from the list to the visit (docs/web.md, "From the list to
the visit"): start the inspection of an approved list's row, assign inspectors to an inspection, and show a
list's fulfilment row by row. Each command parses, calls a service and presents; they join the commands
of `tekseru inspection` (tekseru.cli.inspection_commands)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer
from rich.table import Table

from tekseru.cli.actors import ByOption, cli_actor
from tekseru.cli.catalogue import cli_catalogue
from tekseru.cli.database_option import DbOption
from tekseru.cli.inspection_commands import InspectionId, _console, _day
from tekseru.cli.inspection_database import inspection_database as _database
from tekseru.cli.language import LangOption, Words, chosen
from tekseru.cli.tables import print_table

PlanId = Annotated[int, typer.Option("--plan", help="The approved or published list (see `tekseru plans`).")]


def start(
    plan: PlanId,
    row: Annotated[int, typer.Option("--row", help="The row's rank on the list.")],
    act_number: Annotated[str, typer.Option("--act-number", help="Number of the appointing act.")],
    act_date: Annotated[datetime, _day("Date of the appointing act")],
    inspector: Annotated[
        list[str], typer.Option("--inspector", help="An inspector's name (repeat for more).")
    ],
    appendix: Annotated[
        int | None, typer.Option("--appendix", help="The checklist, when the subject's groups have several.")
    ] = None,
    db: DbOption = None,
    by: ByOption = None,
    lang: LangOption = None,
) -> None:
    """Start the inspection of a row of an approved list: numbered (region-year-sequence), keeping the row."""
    from tekseru.services import inspections
    from tekseru.services.inspections import InspectionHeader

    header = InspectionHeader(inspections.PREVENTIVE_CONTROL, act_number, act_date.date(), tuple(inspector))
    words = Words(chosen(lang))
    with _database(db, words) as database:
        actor = cli_actor(by)
        record = inspections.start_inspection(
            database, actor, plan, row, header, appendix=appendix, catalogue=cli_catalogue()
        )
        visit = inspections.inspection_visit(database, actor, record.id)
    _console().print(words("cli.visits.started", number=visit.number, id=record.id, plan=plan, rank=row))


def assign(
    inspection_id: InspectionId,
    inspector: Annotated[
        list[str], typer.Option("--inspector", help="An inspector's username (repeat for more).")
    ],
    db: DbOption = None,
    by: ByOption = None,
    lang: LangOption = None,
) -> None:
    """Assign inspectors (users, active inspectors of the subject's region) to an inspection."""
    from tekseru.services import inspections

    words = Words(chosen(lang))
    with _database(db, words) as database:
        assigned = inspections.assign_inspectors(
            database, cli_actor(by), inspection_id, inspector, catalogue=cli_catalogue()
        )
    _console().print(words("cli.visits.assigned", id=inspection_id, names=", ".join(assigned)))


def fulfilment(
    plan: PlanId,
    db: DbOption = None,
    by: ByOption = None,
    lang: LangOption = None,
) -> None:
    """Each row of a list with its visit (done, started, a reason, not started); is the list fulfilled?"""
    from tekseru.services import inspections

    words = Words(chosen(lang))
    with _database(db, words) as database:
        progress = inspections.plan_progress(database, cli_actor(by), plan)
    table = Table(title=words("visits.fulfilment"))
    for key in ("plans.rank", "visits.subject", "registry.bin", "visits.number", "visits.visit"):
        table.add_column(words(key))
    for one in progress.rows:
        visit = one.visit
        if one.state == "done" and visit is not None and visit.inspected_on is not None:
            state = words("visits.state.done", date=visit.inspected_on.isoformat())
        elif one.state == "reason" and one.reason is not None:
            state = words("visits.state.reason", reason=one.reason.reason)
        else:
            state = words(f"visits.state.{one.state}")
        number = visit.number if visit is not None else "—"
        table.add_row(str(one.row.rank), one.row.name, one.row.bin, number, state)
    console = _console()
    print_table(console, table)
    counts = {state: progress.count(state) for state in ("done", "reason", "started", "open")}
    console.print(
        words("visits.fulfilled")
        if progress.fulfilled
        else words("visits.not_fulfilled", total=len(progress.rows), **counts)
    )


def register(inspection: typer.Typer) -> None:
    """Add `start`, `assign` and `fulfilment` to the commands of `tekseru inspection` (once)."""
    known = {info.callback for info in inspection.registered_commands}
    for command in (start, assign, fulfilment):
        if command not in known:
            inspection.command()(command)
