"""The planning core is pure: it imports only the standard library and tekseru's pure core."""

import ast
import sys
from pathlib import Path

import pytest

import tekseru.planning

PACKAGE = Path(tekseru.planning.__file__).parent
MODULES = sorted(PACKAGE.rglob("*.py"))
# tekseru.message is pure too: a refusal says its message key there, put into words at the edges.
ALLOWED_TEKSERU = ("tekseru.planning", "tekseru.catalog", "tekseru.message")


def imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", MODULES, ids=[path.name for path in MODULES])
def test_planning_module_imports_only_the_standard_library_and_the_core(path: Path) -> None:
    for name in imported_modules(path):
        top = name.split(".")[0]
        if top == "tekseru":
            assert name.startswith(ALLOWED_TEKSERU), f"{path.name} imports {name}"
        else:
            assert top in sys.stdlib_module_names or top == "__future__", f"{path.name} imports {name}"
