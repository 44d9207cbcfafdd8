"""docs/architecture.md tells a reader where each rule of the act lives: its tables must stay true. Every
file they name exists, every function or class named beside a file is in it, and every parameter named as
the rule's data is in the catalogue's files."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
PACKAGE = ROOT / "src" / "tekseru"
DATA = PACKAGE / "catalog" / "data"
EDITION = DATA / "editions" / "2022-29983"
DOC = ROOT / "docs" / "architecture.md"
CODE = re.compile(r"`([^`]+)`")
FILE = re.compile(r"^[\w.<>*/-]+\.(py|yaml|txt|md|html|js)$|^[\w/]+/$")


def table_rows(header: str) -> list[list[str]]:
    """The rows of the table whose header row starts with `header`, as lists of cells."""
    lines = DOC.read_text(encoding="utf-8").splitlines()
    start = next(number for number, line in enumerate(lines) if line.startswith(header))
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip("|").split("|")])
    return rows


RULE_TABLES = ("| rule | data | applied | tested |", "| what | data | applied | tested |")
DOMAIN_TABLE = "| domain | catalogue / core | store | services | interfaces |"
RULE_ROWS = [row for header in RULE_TABLES for row in table_rows(header)]


def find(name: str, folders: list[Path]) -> Path | None:
    """`name` (a path, maybe with a `<edition>` or `*`) below one of `folders`, else None."""
    pattern = name.replace("<edition>", "*").removeprefix("src/tekseru/")
    for folder in folders:
        found = sorted(folder.glob(pattern.rstrip("/"))) if "*" in pattern else [folder / pattern]
        if found and found[0].exists():
            return found[0]
    return None


def check_cell(cell: str, roots: list[Path]) -> list[str]:
    """A cell's files exist (a bare file name is beside the cell's previous file), and a name that is not
    a file is defined in the previous file (or `module.name` in the module beside it)."""
    wrong, last = [], None
    for name in CODE.findall(cell):
        if FILE.match(name):
            where = find(name, ([last.parent] if last else []) + roots)
            if where is None:
                wrong.append(f"no file {name}")
            last = where or last
        elif last is not None and last.is_file() and last.suffix == ".py":
            module, _, attribute = name.rpartition(".")
            # `name` and `Class.method` are in the file; `module.name` in the module beside it.
            beside = module and not module[0].isupper()
            source = last.with_name(f"{module}.py") if beside else last
            if not source.is_file() or not re.search(rf"\b{re.escape(attribute)}\b", source.read_text()):
                wrong.append(f"{name} is not in {source.relative_to(ROOT)}")
    return wrong


@pytest.mark.parametrize("row", RULE_ROWS, ids=lambda row: row[0][:40])
def test_a_rule_is_applied_and_tested_where_the_table_says(row: list[str]) -> None:
    _, _, applied, tested = row
    assert check_cell(applied, [PACKAGE]) == []
    assert check_cell(tested, [ROOT]) == []


@pytest.mark.parametrize("row", RULE_ROWS, ids=lambda row: row[0][:40])
def test_a_rule_is_data_where_the_table_says(row: list[str]) -> None:
    data = row[1]
    catalogue_text = "\n".join(path.read_text(encoding="utf-8") for path in DATA.rglob("*.yaml"))
    for name in CODE.findall(data):
        if FILE.match(name):
            assert find(name, [DATA, EDITION, PACKAGE, ROOT]) is not None, name
        else:
            assert re.search(rf"\b{re.escape(name)}\b", catalogue_text), f"{name} is in no catalogue file"


def test_the_domains_name_files_that_exist() -> None:
    rows = table_rows(DOMAIN_TABLE)
    assert len(rows) >= 10
    wrong = [problem for row in rows for cell in row[1:] for problem in check_cell(cell, [PACKAGE, EDITION])]
    assert wrong == []


def test_the_tables_are_read() -> None:
    """Else the tests above pass by reading nothing."""
    assert len(RULE_ROWS) >= 20
    assert check_cell("`scoring/engine.py` (`no_such_function`)", [PACKAGE]) == [
        "no_such_function is not in src/tekseru/scoring/engine.py"
    ]
    assert check_cell("`scoring/no_such_file.py`", [PACKAGE]) == ["no file scoring/no_such_file.py"]
