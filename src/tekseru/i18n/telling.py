"""Messages (`tekseru.message.Message`) and explained exceptions put into the reader's words."""

from __future__ import annotations

from tekseru.catalog_files import load_regions
from tekseru.i18n.catalogues import MissingMessage, translate
from tekseru.message import Message, Names, RegionName


def say(language: str, said: Message) -> str:
    """The message in `language`, its parameters (messages and names too) filled in."""
    params = {name: _word(language, value) for name, value in said.params.items()}
    if isinstance(params.get("count"), int):  # a message with plural forms picks its form by the count
        return translate(language, said.key, **params)
    return translate(language, said.key).format(**params)


def _word(language: str, value: object) -> object:
    if isinstance(value, Message):  # a part of the sentence: a status, a role ("Approved" as "approved")
        said = say(language, value)
        return said[:1].lower() + said[1:]
    if isinstance(value, Names):
        return value.in_language(language)
    if isinstance(value, RegionName):
        return region_name(value.key, language)
    if isinstance(value, tuple) and value and all(isinstance(part, Message) for part in value):
        return "; ".join(say(language, part) for part in value)  # a list of problems
    return value


def region_name(key: str, language: str) -> str:
    """The region's name in `language` (the key itself when no region has it), from the regions shipped
    with tekseru: the interfaces' one way to name a region by its key."""
    return load_regions().name_of(key, language)


def say_error(language: str, error: BaseException) -> str:
    """What went wrong, in `language` when the exception carries a message; else its own (English) text.

    A message missing from a catalogue falls back to the English text rather than hiding the refusal:
    tests/i18n/test_told_messages.py keeps every key the code says in all three catalogues."""
    said = getattr(error, "message", None)
    if isinstance(said, Message):
        try:
            return say(language, said)
        except (MissingMessage, KeyError, IndexError):
            return str(error)
    return str(error)
