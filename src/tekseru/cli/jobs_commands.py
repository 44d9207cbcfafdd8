"""`tekseru jobs`: the background jobs (imports and assessments started from the web or the API): list them,
and cancel a queued or running one."""

from __future__ import annotations

import getpass
import uuid
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from tekseru.cli.database_option import DbOption
from tekseru.cli.failures import fail, opened_database
from tekseru.cli.language import LangOption, Words, chosen
from tekseru.cli.tables import print_table

if TYPE_CHECKING:  # imported where used: a command's `--help` needs none of them
    from tekseru.services.jobs import JobRecord
    from tekseru.services.permissions import Actor


app = typer.Typer(
    help="Background jobs (imports and assessments started from the web or the API): list or cancel them.",
    no_args_is_help=True,
)

ByOption = Annotated[str | None, typer.Option("--by", help="Who cancels (default: your login).")]
JobId = Annotated[str, typer.Argument(help="The job's id (see `tekseru jobs list`).")]


@app.command("list")
def list_jobs(
    limit: Annotated[int, typer.Option("--limit", min=1, max=500, help="How many jobs, newest first.")] = 20,
    db: DbOption = None,
    lang: LangOption = None,
) -> None:
    """The newest jobs: id, kind, status, progress, who started it and when."""
    from tekseru.i18n import format_datetime
    from tekseru.services.jobs import JobRunner
    from tekseru.settings import Settings

    with opened_database(db) as database:
        runner = JobRunner(database)
        try:
            jobs = runner.list(_actor(None), limit=limit)
        finally:
            runner.shutdown()
    words = Words(chosen(lang))
    if not jobs:
        Console(soft_wrap=True).print(words("cli.jobs.none"))
        return
    headers = ("id", "job_kind", "status", "progress", "started_by", "created_local", "file")
    table = Table(*(words(f"cli.jobs.column.{header}") for header in headers), box=None)
    zone = Settings.from_environment().time_zone
    for job in jobs:
        table.add_row(
            str(job.id),
            words(f"job.title.{job.kind}"),
            words(f"job.status.{job.status}"),
            _progress(job),
            job.created_by,
            format_datetime(job.created_at, words.language, zone),
            str(job.params.get("file") or ""),
        )
    print_table(Console(soft_wrap=True), table)


@app.command("cancel")
def cancel_job(
    job_id: JobId,
    by: ByOption = None,
    wait: Annotated[
        float, typer.Option("--wait", min=0, help="Seconds to wait for the server to stop a running job.")
    ] = 15.0,
    db: DbOption = None,
    lang: LangOption = None,
) -> None:
    """Cancel a queued or running job: it stops and nothing it did is kept. The server that runs it stops it
    within a second or two; the cancel is in the audit log under --by."""
    from tekseru.services.jobs import JobNotCancellable, JobNotFound, JobRunner, cancel

    words = Words(chosen(lang))
    try:
        key = uuid.UUID(job_id)
    except ValueError:
        fail(words("cli.jobs.not_an_id", job=repr(job_id)))
    with opened_database(db) as database:
        runner = JobRunner(database)
        try:
            job = cancel(runner, _actor(by), key, wait=wait)
        except (JobNotFound, JobNotCancellable) as error:
            fail(error, words.language)
        finally:
            runner.shutdown()
    if job.status == "cancelling":
        Console(soft_wrap=True).print(words("cli.jobs.cancelling", job=job.id), markup=False)
    else:
        status = words(f"job.status.{job.status}")
        Console(soft_wrap=True).print(words("cli.jobs.ended", job=job.id, status=status), markup=False)


def _actor(by: str | None) -> Actor:
    """The command line acts as an administrator, in the name given with --by (default: the login)."""
    from tekseru.services.permissions import Actor

    return Actor.system(by or getpass.getuser())


def _progress(job: JobRecord) -> str:
    if job.total <= 0:
        return ""
    return f"{job.done}/{job.total} ({job.percent}%)"
