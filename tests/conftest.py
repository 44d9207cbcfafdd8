"""Says once, at the top of every run and again at its end when they are skipped, whether the PostgreSQL
tests run, and on which server or why not."""

from __future__ import annotations

import weakref
from typing import Any

import pytest
import typer
import typer.testing

from tests.databases import postgres_test_server


def pytest_report_header(config: pytest.Config) -> str:
    return str(postgres_test_server())


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    choice = postgres_test_server()
    if choice.url is None:
        terminalreporter.write_line(str(choice), yellow=True)


# The longest tests (tens of seconds each, on a quiet machine), longest first. They run before the others,
# so that pytest-xdist hands them out while every worker is busy and the run ends on short tests: a long
# test handed out last would keep one worker busy while the other has nothing left. A prefix takes every
# test of a file or the cases of a parametrised test; the others keep their order.
SLOWEST_FIRST = (
    "tests/cli/test_backtest_docs.py",
    "tests/web/test_job_crashes.py",
    "tests/test_docs.py::test_the_readme_tour_runs_as_written",
    "tests/services/test_jobs.py",
    "tests/test_docs.py::test_every_example_file_of_the_docs_is_accepted",
    "tests/cli/test_signatures_doc.py",
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        return next(
            (n for n, prefix in enumerate(SLOWEST_FIRST) if item.nodeid.startswith(prefix)),
            len(SLOWEST_FIRST),
        )

    items.sort(key=rank)  # stable: tests of equal rank keep the order they were collected in


# Typer's CliRunner builds the click commands of an app again on every invocation: the introspection of each
# command's function and its annotations was a fifth of the command-line tests' time. The `tekseru` program
# builds them once per process, and so do the tests now: once per app object (an app is not changed after its
# first invocation; a test that wants other commands makes another app). Click keeps nothing of a run in a
# command (a run's state is in its Context), and the help of another language is drawn from a copy.
_BUILT: weakref.WeakKeyDictionary[typer.Typer, Any] = weakref.WeakKeyDictionary()
_build_command = typer.testing._get_command


def built_command(app: typer.Typer) -> Any:
    """The click command of `app`, built on its first invocation."""
    if app not in _BUILT:
        _BUILT[app] = _build_command(app)
    return _BUILT[app]


typer.testing._get_command = built_command
