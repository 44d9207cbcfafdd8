"""Messages (`tekseru.message.Message`) and explained exceptions put into the reader's words."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tekseru.i18n.catalogues import MissingMessage, translate
from tekseru.message import Message, Names, RegionName

if TYPE_CHECKING:
    from tekseru.catalog.regions import Regions


def say(language: str, said: Message, regions: Regions | None = None) -> str:
    """The message in `language`, its parameters (messages and names too) filled in; a region named by its
    key (`RegionName`) by its name in `regions` (the catalogue's regions the caller holds; without them, or
    for a key they do not know, the key itself)."""
    params = {name: _word(language, value, regions) for name, value in said.params.items()}
    if isinstance(params.get("count"), int):  # a message with plural forms picks its form by the count
        return translate(language, said.key, **params)
    return translate(language, said.key).format(**params)


def _word(language: str, value: object, regions: Regions | None) -> object:
    if isinstance(value, Message):  # a part of the sentence: a status, a role ("Approved" as "approved")
        said = say(language, value, regions)
        return said[:1].lower() + said[1:]
    if isinstance(value, Names):
        return value.in_language(language)
    if isinstance(value, RegionName):
        return value.key if regions is None else regions.name_of(value.key, language)
    if isinstance(value, tuple) and value and all(isinstance(part, Message) for part in value):
        return "; ".join(say(language, part, regions) for part in value)  # a list of problems
    return value


def say_error(language: str, error: BaseException, regions: Regions | None = None) -> str:
    """What went wrong, in `language` when the exception carries a message (a region in it named from
    `regions`, as `say` names it); else its own (English) text.

    A message missing from a catalogue falls back to the English text rather than hiding the refusal:
    tests/i18n/test_told_messages.py keeps every key the code says in all three catalogues."""
    said = getattr(error, "message", None)
    if isinstance(said, Message):
        try:
            return say(language, said, regions)
        except (MissingMessage, KeyError, IndexError):
            return str(error)
    return str(error)
