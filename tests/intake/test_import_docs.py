"""docs/import-formats.md cannot drift from the code: every column and every error kind is described."""

from __future__ import annotations

from pathlib import Path

import pytest

from tekseru.intake import EVIDENCE_COLUMNS, SUBJECT_COLUMNS, ErrorKind

DOC = Path(__file__).parents[2] / "docs" / "import-formats.md"


@pytest.mark.parametrize("kind", list(ErrorKind), ids=str)
def test_every_error_kind_is_documented(kind: ErrorKind) -> None:
    assert f"`{kind.value}`" in DOC.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("section", "column", "required"),
    [("subjects", c, True) for c in SUBJECT_COLUMNS.required]
    + [("subjects", c, False) for c in SUBJECT_COLUMNS.optional]
    + [("evidence", c, True) for c in EVIDENCE_COLUMNS.required]
    + [("evidence", c, False) for c in EVIDENCE_COLUMNS.optional],
)
def test_every_column_is_documented_as_required_or_optional(
    section: str, column: str, required: bool
) -> None:
    text = DOC.read_text(encoding="utf-8")
    part = text.split(f"<!-- {section} columns -->")[1].split("<!-- end -->")[0]
    assert f"| `{column}` | {'yes' if required else 'no'} |" in part
