"""The layering DEVELOPERS.md describes, enforced: a pure core, and data that flows one way."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parents[1] / "src" / "tekseru"
CORE = ("catalog", "scoring", "planning")
OUTER = ("i18n", "store", "intake", "documents", "services", "cli", "api", "web")
IO_LIBRARIES = (
    "sqlalchemy",
    "alembic",
    "fastapi",
    "starlette",
    "uvicorn",
    "typer",
    "rich",
    "openpyxl",
    "docx",
    "fpdf",
    "psycopg",
    "httpx",
    "requests",
)
INTERFACES = ("cli", "api", "web")


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def modules_of(package: str) -> list[Path]:
    return sorted((PACKAGE / package).rglob("*.py"))


@pytest.mark.parametrize("package", CORE)
def test_core_does_no_io_and_knows_no_outer_layer(package: str) -> None:
    for path in modules_of(package):
        for name in imported_modules(path):
            top, _, rest = name.partition(".")
            assert not (top == "tekseru" and rest.split(".")[0] in OUTER), f"{path}: imports {name}"
            assert top not in IO_LIBRARIES, f"{path}: imports {name}"


@pytest.mark.parametrize("package", ("store", "intake", "documents", "services"))
def test_inner_layers_know_no_interface(package: str) -> None:
    for path in modules_of(package):
        for name in imported_modules(path):
            parts = name.split(".")
            assert not (parts[0] == "tekseru" and len(parts) > 1 and parts[1] in INTERFACES), (
                f"{path}: {name}"
            )


@pytest.mark.parametrize("package", INTERFACES)
def test_interfaces_do_not_reach_into_the_store(package: str) -> None:
    for path in modules_of(package):
        for name in imported_modules(path):
            assert not name.startswith(("sqlalchemy", "tekseru.store")), (
                f"{path}: imports {name}; call a service"
            )


def test_modules_stay_small() -> None:
    too_long = {
        str(path.relative_to(PACKAGE)): length
        for path in PACKAGE.rglob("*.py")
        if (length := len(path.read_text(encoding="utf-8").splitlines())) > 400
    }
    assert too_long == {}
