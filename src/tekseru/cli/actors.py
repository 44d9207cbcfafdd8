"""Who a command acts as. The command line reaches the database file (or server) directly, so it acts with
every permission, as the system; what it changes is audited in the name given with `--by`, else as
"cli:<login>" (the operating-system user, marked so that it is not taken for an account's name)."""

from __future__ import annotations

import getpass
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from tekseru.services.permissions import Actor

ByOption = Annotated[
    str | None,
    typer.Option("--by", help="Whom the audit log names for this change (default: cli:<your login>)."),
]


def cli_actor(by: str | None = None) -> Actor:
    """The system, in the name given with --by, else "cli:<login>"."""
    from tekseru.i18n.actors import CLI_PREFIX
    from tekseru.services.permissions import Actor

    name = (by or "").strip()
    return Actor.system(name or f"{CLI_PREFIX}{os_user()}")


def os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no user name in some containers (no USER variable, no passwd entry)
        return "unknown"
