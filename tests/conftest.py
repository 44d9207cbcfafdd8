"""Says once, at the top of every run and again at its end when they are skipped, whether the PostgreSQL
tests run, and on which server or why not."""

from __future__ import annotations

import pytest

from tests.databases import postgres_test_server


def pytest_report_header(config: pytest.Config) -> str:
    return str(postgres_test_server())


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    choice = postgres_test_server()
    if choice.url is None:
        terminalreporter.write_line(str(choice), yellow=True)
