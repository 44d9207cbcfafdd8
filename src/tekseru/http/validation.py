"""The problems of a request that does not fit the API's document (FastAPI's 422), in the reader's language.

Each problem keeps the structure clients read (`type`, `loc`, `input`, `ctx`): only `msg` is said again,
from the catalogue message `validation.<type>` with the limits of `ctx` filled in. English keeps pydantic's
own sentence, which may say more (the parser's detail of a bad date), and so does a type the catalogue
has no message for.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from contextlib import suppress
from typing import Any

from tekseru.i18n import messages, say_error

KEY_PREFIX = "validation."


def translated_problems(problems: Iterable[Mapping[str, Any]], language: str) -> list[dict[str, Any]]:
    return [_translated(dict(problem), language) for problem in problems]


def _translated(problem: dict[str, Any], language: str) -> dict[str, Any]:
    if language == "en":
        return problem
    context = problem.get("ctx") or {}
    cause = context.get("error")
    if isinstance(cause, BaseException) and getattr(cause, "message", None) is not None:
        problem["msg"] = say_error(language, cause)
        return problem
    text = messages(language).get(KEY_PREFIX + str(problem.get("type", "")))
    if not text:
        return problem
    values = {name: _value(value) for name, value in context.items()}
    # A limit pydantic did not give this time: its own sentence is better than a broken one.
    with suppress(KeyError, IndexError):
        problem["msg"] = text.format(**values)
    return problem


def _value(value: object) -> str:
    """A limit as the message shows it: `'a' or 'b'` (pydantic's English) as `'a', 'b'`; 2.0 as 2."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).replace(" or ", ", ")
