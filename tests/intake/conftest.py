"""Intake tests: a small catalogue edition of their own, files written on the fly, both databases."""

from __future__ import annotations

import csv
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path

import pytest

from tekseru.catalog.edition import CatalogueEdition
from tekseru.catalog.identifiers import demo_bins
from tekseru.catalog.schema import (
    ControlGroup,
    Criterion,
    Edition,
    FormLayout,
    MethodologyFile,
    Severity,
    Text,
)
from tests.databases import database, database_url, postgres_server

__all__ = ["database", "database_url", "postgres_server"]


def _text(en: str) -> Text:
    return Text(kk=en, ru=en, en=en)


def _criterion(number: int, source_group: int, severity: Severity) -> Criterion:
    return Criterion(number=number, source_group=source_group, severity=severity, text=_text(f"row {number}"))


def _group(key: str, appendix: int, criteria: tuple[int, ...]) -> ControlGroup:
    return ControlGroup(
        key=key,
        name=_text(key),
        checklist_appendix=appendix,
        objective_high_risk=True,
        objective_basis=_text("test"),
        applicable_criteria=criteria,
        reasoning=Text(kk="сынақ", ru="тест", en="test"),
    )


def make_edition() -> CatalogueEdition:
    """Six criteria over the four source groups and three control groups; not the real act."""
    criteria = [
        _criterion(1, 1, Severity.SIGNIFICANT),
        _criterion(2, 1, Severity.MINOR),
        _criterion(3, 1, Severity.GROSS),
        _criterion(10, 2, Severity.SIGNIFICANT),
        _criterion(20, 3, Severity.MINOR),
        _criterion(85, 4, Severity.SIGNIFICANT),
    ]
    groups = [
        _group("stationary", 3, (1, 2, 3, 10, 20, 85)),
        _group("home_care", 4, (1, 2, 20, 85)),
        _group("accessibility", 6, (10, 20)),
    ]
    # Intake reads only the id, the criteria and the groups; the rest is left unvalidated on purpose, so
    # that this fixture does not break when the parts intake never reads gain fields.
    return CatalogueEdition(
        edition=Edition.model_construct(id="test-edition", effective_from=date(2022, 10, 14)),
        criteria={criterion.number: criterion for criterion in criteria},
        checklists={},
        groups={group.key: group for group in groups},
        methodology=MethodologyFile.model_construct(id="test", parameters=(), class_bounds=()),
        form=FormLayout.model_construct(),
    )


@pytest.fixture(scope="session")
def edition() -> CatalogueEdition:
    return make_edition()


@pytest.fixture(scope="session")
def bins() -> list[str]:
    """Valid, made-up BINs."""
    return list(demo_bins(50))


WriteFile = Callable[..., Path]


@pytest.fixture
def write_csv(tmp_path: Path) -> WriteFile:
    """Write rows (the header first) to tmp_path/name as CSV; options: delimiter, bom."""

    def write(
        name: str, rows: Sequence[Sequence[object]], *, delimiter: str = ",", bom: bool = False
    ) -> Path:
        path = tmp_path / name
        with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
            csv.writer(handle, delimiter=delimiter).writerows(rows)
        return path

    return write


@pytest.fixture
def write_xlsx(tmp_path: Path) -> WriteFile:
    """Write rows (the header first) to the first sheet of tmp_path/name."""
    from openpyxl import Workbook

    def write(name: str, rows: Sequence[Sequence[object]]) -> Path:
        workbook = Workbook()
        sheet = workbook.active
        assert sheet is not None
        for row in rows:
            sheet.append(list(row))
        path = tmp_path / name
        workbook.save(path)
        return path

    return write
