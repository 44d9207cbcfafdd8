"""Refusals of the command line said in the reader's language, not in English: a file given to `verify` that
is neither a PDF nor a DOCX, a checklist of an appendix the act does not have, an unknown edition, and the
differences of two editions."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tekseru.cli import catalog_commands
from tekseru.cli.main import app as root_app
from tekseru.i18n import translate
from tests.cli.reader_language import assert_reader_language
from tests.cli.test_inspection_commands import invoke
from tests.databases import database, database_url, postgres_server
from tests.web.support import two_edition_service

__all__ = ["database", "database_url", "invoke", "postgres_server"]

CHANGES = ("added", "removed", "changed")


def _said(text: str) -> str:
    """The output with the lines of rich's error frame joined (the frame breaks lines at its width)."""
    return " ".join(line.strip(" │╭╮╰╯─") for line in text.splitlines())


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_verify_a_file_that_is_no_form(invoke: Any, tmp_path: Path, lang: str) -> None:
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(b"\x00\x01 a photograph of the form, not the form")
    output = invoke("verify", str(scan), "--lang", lang, code=1).output
    assert translate(lang, "lang13.verify.unreadable", file=str(scan)) in output
    assert_reader_language(output, "PDF", "DOCX")


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_a_checklist_the_act_does_not_have(lang: str) -> None:
    result = CliRunner().invoke(
        root_app, ["catalog", "checklist", "9", "--lang", lang], env={"COLUMNS": "200"}
    )
    assert result.exit_code == 2
    known = "2, 3, 4, 5, 6, 7"
    said = translate(lang, "refusal.catalog.checklist", appendix=9, edition="2022-29983", known=known)
    assert said in _said(result.output)
    assert "no checklist" not in result.output


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_differences_of_two_editions(monkeypatch: pytest.MonkeyPatch, lang: str) -> None:
    """Each change said as the catalogue's diff page says it (it was "changed  criterion 5" in English)."""
    monkeypatch.setattr(catalog_commands, "cli_catalogue", lambda: two_edition_service().catalogue)
    result = CliRunner().invoke(
        root_app, ["catalog", "diff", "2022-29983", "2030-test", "--lang", lang], env={"COLUMNS": "200"}
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines and all(
        line.startswith(tuple(translate(lang, f"diff.change.{c}") for c in CHANGES)) for line in lines
    )
    assert f"{translate(lang, 'diff.kind.criterion')} " in result.output
    assert not re.search(r"\b(?:added|removed|changed|checklist item|class bound)\b", result.output)
