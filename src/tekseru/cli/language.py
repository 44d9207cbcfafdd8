"""The language of a command's output: its `--lang`, else the `language` setting (Kazakh by default)."""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, cast

import typer

from tekseru.cli.catalogue import cli_catalogue
from tekseru.i18n import translate

if TYPE_CHECKING:  # imported where used: the catalogue, settings, planning and scoring are slow to import
    from tekseru.i18n.plan_changes import Naming
    from tekseru.scoring.phrases import Language as LanguageCode


class Language(StrEnum):
    kk = "kk"
    ru = "ru"
    en = "en"


class DocumentLanguage(StrEnum):
    """The languages a document (a checklist form, a printed inspection, a list as XLSX or PDF, the stamp of
    a signed PDF) is made in: the official forms are Kazakh and Russian only, so a document command neither
    offers English in its help nor takes it (`--lang en` is a usage error in the reader's words; an English
    setting or root `--lang` gets `cli.document_language`)."""

    kk = "kk"
    ru = "ru"


LANGUAGE_HELP = "kk is official; ru and en are unofficial (default: the TEKSERU_LANGUAGE setting)."
DOCUMENT_LANGUAGE_HELP = (
    "The document's language: kk (official) or ru; documents are made in no other (default: the"
    " TEKSERU_LANGUAGE setting)."
)
LanguageOption = typer.Option(None, "--lang", help=LANGUAGE_HELP)
LangOption = Annotated[Language | None, typer.Option("--lang", help=LANGUAGE_HELP)]
DocumentLangOption = Annotated[DocumentLanguage | None, typer.Option("--lang", help=DOCUMENT_LANGUAGE_HELP)]


def chosen(option: Language | str | None) -> LanguageCode:
    """The command's `--lang`, else the root's (`tekseru --lang ru COMMAND`), else the setting."""
    from tekseru.cli.usage_words import asked_language
    from tekseru.settings import Settings

    if option:
        return cast("LanguageCode", str(option))
    return cast("LanguageCode", asked_language() or Settings.from_environment().language)


def document_words(option: DocumentLanguage | str | None) -> Words:
    """The words of a command that makes a document, once its language is one documents are made in (an
    English setting or root `--lang` is told so, before anything is looked for)."""
    from tekseru.cli.failures import fail

    words = Words(chosen(option))
    if words.language not in DocumentLanguage.__members__:
        fail(words("cli.document_language"))
    return words


class Words:
    """The interface's words in one language, for a command's tables and messages."""

    def __init__(self, language: str) -> None:
        self.language = language

    def __call__(self, key: str, **params: object) -> str:
        return translate(self.language, key, **params)

    def yes_no(self, value: bool) -> str:
        return self("cli.yes" if value else "cli.no")

    def count(self, value: int) -> str:
        from tekseru.i18n import format_decimal

        return format_decimal(value, self.language, decimals=0)

    def risk_class(self, name: str) -> str:
        return self(f"risk.{name}")


def region_name(key: str, language: str) -> str:
    """A region's name in `language`, from the command line's catalogue (the key itself when unknown)."""
    return cli_catalogue().regions.name_of(key, language)


def group_name(key: str, language: str, edition_id: str | None = None) -> str:
    """A control group's name in `language` (the key itself for a group the edition does not know)."""
    from tekseru.catalog import UnknownCatalogueEntry

    catalogue = cli_catalogue()
    edition = catalogue.edition(edition_id) if edition_id else catalogue.latest()
    try:
        return edition.group(key).name.in_language(language)
    except UnknownCatalogueEntry:
        return key


def cli_naming(edition_id: str | None) -> Naming:
    """Regions and the groups of edition `edition_id` (the latest for None) named as the CLI names them."""
    from tekseru.i18n.plan_changes import Naming

    return Naming(region_name, lambda key, language: group_name(key, language, edition_id))
