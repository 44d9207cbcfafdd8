"""A text for a user as a message key and its parameters, put into words where it is shown.

The pure core, the store and the services cannot read the gettext catalogues (`tekseru.i18n` belongs to
the interfaces' side), yet they refuse requests and write records that people read. They say what they
mean as a `Message` (a key of the catalogues, and the values to fill in); the API, the web pages, the
command line and the documents say it in the reader's language (`tekseru.i18n.say`). A parameter may be
a message itself (a role, a status: translated too), `Names`, a text per language, or `RegionName`, a
region by its key, named from the catalogue's regions where the message is said.

An exception that is `Explained` keeps its English text (`str(error)`, for logs and library callers) and
carries its `message` for the reader: `raise InvalidUser("...").saying("account.password_short", minimum=8)`.
This module is pure (no I/O) so that every layer may import it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Self


@dataclass(frozen=True)
class Names:
    """One text per language (`{"kk": ..., "ru": ..., "en": ...}`), such as a region's name from the
    catalogue; the reader's language is picked where it is shown, English (else any) when it is missing."""

    texts: Mapping[str, str]

    def in_language(self, language: str) -> str:
        return self.texts.get(language) or self.texts.get("en") or next(iter(self.texts.values()), "")


@dataclass(frozen=True)
class RegionName:
    """A region, by its key, in a message: the place that says the message names it in the reader's
    language from the catalogue's regions (`tekseru.i18n.say`), so that a service names a region without
    reading the catalogue's files."""

    key: str


@dataclass(frozen=True)
class Message:
    """A message of the catalogues (`key`) with the values of its `{placeholders}`."""

    key: str
    params: Mapping[str, object] = field(default_factory=lambda: MappingProxyType({}))

    def as_data(self) -> dict[str, object]:
        """A form JSON can keep (a stored record), read back by `Message.from_data`."""
        return {"key": self.key, "params": {name: _param_data(value) for name, value in self.params.items()}}

    @classmethod
    def from_data(cls, data: Mapping[str, object]) -> Message:
        params = data.get("params") or {}
        assert isinstance(params, Mapping)
        return cls(str(data["key"]), {str(name): _param_from_data(value) for name, value in params.items()})


def tell(key: str, /, **params: object) -> Message:
    """The message `key` with `params`."""
    return Message(key, MappingProxyType(dict(params)))


def _param_data(value: object) -> object:
    if isinstance(value, Message):
        return {"message": value.as_data()}
    if isinstance(value, Names):
        return {"names": dict(value.texts)}
    if isinstance(value, RegionName):
        return {"region": value.key}
    return value


def _param_from_data(value: object) -> object:
    if isinstance(value, Mapping):
        if "message" in value:
            return Message.from_data(value["message"])
        if "names" in value:
            return Names(dict(value["names"]))
        if "region" in value:
            return RegionName(str(value["region"]))
    return value


class Explained(Exception):
    """An exception whose reader gets its `message` in their language; `str()` stays English."""

    message: Message | None = None

    def saying(self, key: str, /, **params: object) -> Self:
        """This exception, carrying the message `key` with `params` (returned, to be raised)."""
        self.message = tell(key, **params)
        return self
