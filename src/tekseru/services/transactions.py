"""A use case written for a session, offered for a database.

The use cases of plans and inspections are written as functions of a `Session`, so that the services that
check the actor's permission (`plan_actions`, `inspection_actions`) can run one together with its audit
entry in a single transaction; `in_transaction(use_case)` is the same use case in a transaction of its own,
for the callers that need no audit entry (tests, tools).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Concatenate, ParamSpec, TypeVar

from sqlalchemy.orm import Session

from tekseru.store import Database

P = ParamSpec("P")
R = TypeVar("R")


def in_transaction(use_case: Callable[Concatenate[Session, P], R]) -> Callable[Concatenate[Database, P], R]:
    """`use_case(session, ...)` as `f(db, ...)`: committed when it returns, rolled back when it raises.
    `answer_items_in` becomes `answer_items`, with the same documentation."""

    def run(db: Database, /, *args: P.args, **kwargs: P.kwargs) -> R:
        with db.transaction() as session:
            return use_case(session, *args, **kwargs)

    name = use_case.__name__.removesuffix("_in")
    run.__name__, run.__qualname__, run.__module__ = name, name, use_case.__module__
    run.__doc__ = use_case.__doc__
    return run
