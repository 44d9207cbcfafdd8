"""The database of an inspection command, and its refusals: any error of the use case is printed in the
reader's language and ends the command with exit code 1."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from tekseru.cli.failures import fail, opened_database, print_problems
from tekseru.cli.language import Words

if TYPE_CHECKING:  # imported when a command runs: its `--help` needs neither the database nor the act
    from tekseru.services.database import Database


@contextmanager
def inspection_database(db: str | None, words: Words) -> Iterator[Database]:
    """The database for a command; any error of the use case is printed and exits with code 1."""
    from tekseru.catalog import UnknownCatalogueEntry
    from tekseru.services import inspections

    with opened_database(db) as database:
        try:
            yield database
        except inspections.AnswerFileError as error:
            print_problems(error.problems, words.language)
            fail(words("cli.inspection.nothing_stored", count=words.count(len(error.problems))))
        except (
            inspections.InspectionError,
            inspections.StaleVersion,
            UnknownCatalogueEntry,
            ValueError,
            OSError,
        ) as error:
            fail(error, words.language)
