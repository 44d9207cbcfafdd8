"""The problems of a request that does not fit the API's document (FastAPI's 422), in the reader's language.

Each problem keeps the structure clients read (`type`, `loc`, `input`, `ctx`): only `msg` is said again,
from the catalogue message `validation.<type>` with the limits of `ctx` filled in. English keeps pydantic's
own sentence, which may say more (the parser's detail of a bad date), and so does a type the catalogue
has no message for.

The refused `input` is echoed only in part: a client sending a megabyte must not get two back (nor have
proxies and logs keep them); a text is cut to its first `INPUT_SHOWN` characters, anything larger left out.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from contextlib import suppress
from typing import Any

from tekseru.i18n import messages, say_error

KEY_PREFIX = "validation."
INPUT_SHOWN = 100


def _shortened(problem: dict[str, Any]) -> dict[str, Any]:
    value = problem.get("input")
    if isinstance(value, str) and len(value) > INPUT_SHOWN:
        problem["input"] = value[:INPUT_SHOWN] + "…"
    elif isinstance(value, (bytes, list, dict)) and len(repr(value)) > INPUT_SHOWN:
        del problem["input"]
    elif not _finite(value):  # NaN or Infinity, which Python's JSON reads: the answer cannot write them
        problem["input"] = str(value)
    return problem


def _finite(value: object) -> bool:
    """Whether `value` holds no NaN or infinite number, which JSON has no words for (and the 422 answer
    that echoed one failed with a 500)."""
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, dict):
        return all(_finite(item) for item in value.values())
    if isinstance(value, list):
        return all(_finite(item) for item in value)
    return True


def translated_problems(problems: Iterable[Mapping[str, Any]], language: str) -> list[dict[str, Any]]:
    return [_translated(_shortened(dict(problem)), language) for problem in problems]


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
