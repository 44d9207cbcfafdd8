"""The sub-commands of `tekseru`: each name, what loads it and its help text, for `tekseru.cli.main`.

A loader imports its module when called: the root help lists the names and texts without importing any
module, and a sub-command's module is imported only when that sub-command (or its help) is asked for.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any


@cache
def _serve() -> Any:
    from tekseru.cli import serve_command

    return serve_command.serve


@cache
def _demo() -> Any:
    from tekseru.cli import assess_commands

    return assess_commands.demo


@cache
def _assess() -> Any:
    from tekseru.cli import assess_commands

    return assess_commands.assess


@cache
def _explain() -> Any:
    from tekseru.cli import assess_commands

    return assess_commands.explain


@cache
def _plan() -> Any:
    from tekseru.cli import plan_commands

    return plan_commands.plan


@cache
def _verify() -> Any:
    from tekseru.cli import checklist_commands

    return checklist_commands.verify


@cache
def _sign() -> Any:
    from tekseru.cli import signature_commands

    return signature_commands.sign


@cache
def _backup() -> Any:
    from tekseru.cli import backup_commands

    return backup_commands.backup


@cache
def _restore() -> Any:
    from tekseru.cli import backup_commands

    return backup_commands.restore


@cache
def _backtest() -> Any:
    from tekseru.cli import backtest_commands

    return backtest_commands.backtest


@cache
def _catalog() -> Any:
    from tekseru.cli import catalog_commands

    return catalog_commands.app


@cache
def _import() -> Any:
    from tekseru.cli import import_commands

    return import_commands.app


@cache
def _plans() -> Any:
    from tekseru.cli import plan_commands

    return plan_commands.plans_app


@cache
def _checklist() -> Any:
    from tekseru.cli import checklist_commands

    return checklist_commands.app


@cache
def _inspection() -> Any:
    from tekseru.cli import inspection_commands, visit_commands

    visit_commands.register(inspection_commands.app)
    return inspection_commands.app


@cache
def _users() -> Any:
    from tekseru.cli import users_commands

    return users_commands.app


@cache
def _db() -> Any:
    from tekseru.cli import db_commands

    return db_commands.app


@cache
def _audit() -> Any:
    from tekseru.cli import audit_commands

    return audit_commands.app


@cache
def _jobs() -> Any:
    from tekseru.cli import jobs_commands

    return jobs_commands.app


@cache
def _rosters() -> Any:
    from tekseru.cli import roster_commands

    return roster_commands.app


@cache
def _outbox() -> Any:
    from tekseru.cli import outbox_commands

    return outbox_commands.app


# The loaders are cached: a loader that also adds commands to a group (as a `register(app)` does) runs once.
# Each sub-command in the order the help lists them: its name, what loads it (a function of a command or
# a Typer app of a group) and its help text, as its module says it (checked by tests/cli/test_main.py).
COMMANDS: dict[str, tuple[Callable[[], Any], str]] = {
    "serve": (_serve, "Serve the web application and the HTTP API until interrupted (Ctrl+C)."),
    "demo": (
        _demo,
        "Create the database, load the demo registry when it is empty, assess it and show the classes.",
    ),
    "assess": (
        _assess,
        "Score every subject of the registry in each of its groups, store the scores and show them.",
    ),
    "explain": (
        _explain,
        "Explain a subject's score in each of its groups: the formula, the criteria and evidence that "
        "counted,\nand the evidence that did not, with the reason.",
    ),
    "plan": (
        _plan,
        "Form the semi-annual list for HALF_YEAR from the latest risk assessment and store it as a draft.",
    ),
    "verify": (
        _verify,
        "Check a printed checklist (ok, or altered, unknown or unsealed) and the electronic digital "
        "signatures\nof a file (inside a PDF, or --signature FILE.cms): exit 0 only when everything holds.",
    ),
    "sign": (
        _sign,
        "Sign FILE with an electronic digital signature: a PDF gets a PAdES signature with a visible "
        "stamp,\nany other file a detached CMS signature.",
    ),
    "backup": (
        _backup,
        "Copy the database to FILE, consistently, while the server runs (SQLite: its online backup;\n"
        "PostgreSQL: pg_dump --format=custom, which must be installed).",
    ),
    "restore": (
        _restore,
        "Fill an empty database from FILE; a database that holds data is refused unless --force. Stop "
        "the\nserver first.",
    ),
    "backtest": (
        _backtest,
        "Replay the half-years FROM..TO from stored data and compare the risk order with the baselines.",
    ),
    "catalog": (_catalog, "Read the legal catalogue: criteria, checklists, groups, editions."),
    "import": (
        _import,
        "Import control subjects and evidence from CSV or XLSX files (see docs/import-formats.md).",
    ),
    "plans": (
        _plans,
        "Semi-annual lists of preventive control with a visit: list, show, compare, approve, publish.",
    ),
    "checklist": (_checklist, "Checklists (Appendices 2 to 7 of the act) as official forms."),
    "inspection": (
        _inspection,
        "Inspections and preventive control with a visit: record, answer, complete, correct, follow up, "
        "print.",
    ),
    "users": (_users, "User accounts: create, list, set a password."),
    "db": (_db, "The database: migrations and checks."),
    "audit": (_audit, "The audit log: check that nobody changed it."),
    "jobs": (
        _jobs,
        "Background jobs (imports and assessments started from the web or the API): list or cancel them.",
    ),
    "rosters": (
        _rosters,
        "Rosters of recipients, service delivery and accessibility from the information systems (source "
        "group 3; see docs/rosters.md).",
    ),
    "outbox": (_outbox, "Notices by e-mail: send the outbox, queue deadline reminders, show the outbox."),
}
