"""The language of a command's output: its `--lang`, else the `language` setting (Kazakh by default)."""

from __future__ import annotations

from enum import StrEnum

import typer

from tekseru.i18n import translate
from tekseru.settings import Settings


class Language(StrEnum):
    kk = "kk"
    ru = "ru"
    en = "en"


LanguageOption = typer.Option(
    None, "--lang", help="kk is official; ru and en are unofficial (default: the TEKSERU_LANGUAGE setting)."
)


def chosen(option: Language | str | None) -> str:
    return str(option) if option else Settings.from_environment().language


class Words:
    """The interface's words in one language, for a command's tables and messages."""

    def __init__(self, language: str) -> None:
        self.language = language

    def __call__(self, key: str, **params: object) -> str:
        return translate(self.language, key, **params)

    def yes_no(self, value: bool) -> str:
        return self("cli.yes" if value else "cli.no")
