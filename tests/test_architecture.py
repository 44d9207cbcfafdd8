"""The layering DEVELOPERS.md describes, enforced: a pure core, and data that flows one way."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parents[1] / "src" / "tekseru"
TESTS = Path(__file__).parent
CORE = ("catalog", "scoring", "planning")
# catalog_files is the edge where the catalogue's YAML is read; the core only checks what it is handed.
OUTER = ("catalog_files", "i18n", "store", "intake", "documents", "services", "http", "cli", "api", "web")
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
    "yaml",
)
# Reading files, in any form: the core is handed what was read.
FILE_ACCESS_MODULES = ("os", "io", "pathlib", "importlib.resources", "importlib.abc", "shutil", "tempfile")
FILE_ACCESS_CALLS = ("open", "read_text", "read_bytes", "write_text", "write_bytes", "iterdir", "glob")
INTERFACES = ("cli", "api", "web")
# The one module that assembles the application from both HTTP interfaces, and so may import both.
APP_ASSEMBLY = PACKAGE / "web" / "app.py"


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)  # `from tekseru import web`
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


def file_access(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            called = node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", None)
            if called in FILE_ACCESS_CALLS:
                found.append(f"line {node.lineno}: {called}()")
    found += [
        f"imports {name}"
        for name in imported_modules(path)
        if name in FILE_ACCESS_MODULES
        or name.startswith(tuple(f"{module}." for module in FILE_ACCESS_MODULES))
    ]
    return found


@pytest.mark.parametrize("package", CORE)
def test_core_reads_no_file(package: str) -> None:
    """YAML and every other file is read at the edge (tekseru.catalog_files, the store, intake)."""
    found = {
        str(path.relative_to(PACKAGE)): hits for path in modules_of(package) if (hits := file_access(path))
    }
    assert found == {}


def test_the_file_access_check_sees_what_the_catalogue_edge_does() -> None:
    """Else the check above passes by seeing nothing."""
    found = file_access(PACKAGE / "catalog_files.py")
    assert "imports importlib.resources" in found and any("open()" in hit for hit in found)


def test_the_catalogue_edge_stands_on_the_core_alone() -> None:
    tekseru_modules = {
        name for name in imported_modules(PACKAGE / "catalog_files.py") if name.split(".")[0] == "tekseru"
    }
    assert tekseru_modules and all(name.startswith("tekseru.catalog.") for name in tekseru_modules)


@pytest.mark.parametrize("package", ("store", "intake", "documents", "services"))
def test_inner_layers_know_no_interface(package: str) -> None:
    for path in modules_of(package):
        for name in imported_modules(path):
            parts = name.split(".")
            assert not (parts[0] == "tekseru" and len(parts) > 1 and parts[1] in (*INTERFACES, "http")), (
                f"{path}: {name}"
            )


@pytest.mark.parametrize("package", (*INTERFACES, "http"))
def test_interfaces_do_not_reach_into_the_store(package: str) -> None:
    for path in modules_of(package):
        for name in imported_modules(path):
            assert not name.startswith(("sqlalchemy", "tekseru.store")), (
                f"{path}: imports {name}; call a service"
            )


def interfaces_imported(path: Path) -> set[str]:
    return {
        parts[1]
        for name in imported_modules(path)
        if len(parts := name.split(".")) > 1 and parts[0] == "tekseru" and parts[1] in INTERFACES
    }


def test_what_pages_and_the_api_share_knows_neither() -> None:
    for path in modules_of("http"):
        assert interfaces_imported(path) == set(), f"{path}: imports an interface"


@pytest.mark.parametrize(("package", "other"), [("api", "web"), ("web", "api")])
def test_the_api_and_the_pages_do_not_import_each_other(package: str, other: str) -> None:
    offenders = [
        str(path.relative_to(PACKAGE))
        for path in modules_of(package)
        if path != APP_ASSEMBLY and other in interfaces_imported(path)
    ]
    assert offenders == [], f"{package} imports {other}; share it through tekseru.http"


def test_the_app_assembly_imports_both_interfaces() -> None:
    """Else the exception above guards a module that no longer assembles anything."""
    assert {"api", "web"} <= interfaces_imported(APP_ASSEMBLY)


def hidden_imports(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module == "importlib":
            found += [f"from importlib import {a.name}" for a in node.names if a.name == "import_module"]
        elif isinstance(node, ast.Attribute) and node.attr == "import_module":
            found.append(f"line {node.lineno}: .import_module")
        elif isinstance(node, ast.Name) and node.id == "__import__":
            found.append(f"line {node.lineno}: __import__")
    return found


def test_no_module_is_imported_by_name_at_run_time() -> None:
    """Imports by name hide the dependency from readers, mypy and this test: import directly."""
    found = {
        str(path.relative_to(PACKAGE)): hidden
        for path in PACKAGE.rglob("*.py")
        if (hidden := hidden_imports(path))
    }
    assert found == {}


def test_modules_stay_small() -> None:
    too_long = {
        str(path.relative_to(PACKAGE)): length
        for path in PACKAGE.rglob("*.py")
        if (length := len(path.read_text(encoding="utf-8").splitlines())) > 400
    }
    assert too_long == {}


VAGUE_ALIASES = ("store", "service", "services", "flow")


def test_no_module_hides_behind_a_vague_alias() -> None:
    """A reader sees what a name is: no module, in the package or its tests, is imported as `store`,
    `service` or `flow` (a use case's name says whether it is the store's row or the service's use case)."""
    found = {
        str(path): alias.name
        for path in (*PACKAGE.rglob("*.py"), *TESTS.rglob("*.py"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
        if alias.asname in VAGUE_ALIASES
    }
    assert found == {}


TEST_FRAMEWORKS = ("pytest", "_pytest", "hypothesis", "playwright", "schemathesis")


def test_the_package_holds_no_test_support() -> None:
    """Test helpers live under tests/: the installed package must not need a test framework."""
    found = {
        str(path.relative_to(PACKAGE)): name
        for path in PACKAGE.rglob("*.py")
        for name in imported_modules(path)
        if name.split(".")[0] in TEST_FRAMEWORKS
    }
    assert found == {}


def test_services_hand_documents_around_as_bytes() -> None:
    """Documents are rendered to bytes (`tekseru.documents.rendering`), and uploads and the demo's files are
    read as bytes (`tekseru.intake.Upload`): neither services nor the pages and the API write them to
    temporary files and read them back."""
    staging = {
        str(path.relative_to(PACKAGE))
        for package in ("services", "http", "api", "web")
        for path in modules_of(package)
        if "tempfile" in {name.split(".")[0] for name in imported_modules(path)}
    }
    # Not a document: the body of a form, held (on disk past 1 MiB, as Starlette holds its files) while its
    # fields are measured, then handed to the route unchanged (tekseru.http.forms).
    assert staging - {"http/forms.py"} == set()


def test_services_take_the_catalogue_handed_in() -> None:
    """No service reads the catalogue's files (editions, regions, bodies, information systems): each takes
    the `Catalogue` (or its `regions`, or an edition) from its caller, as it takes the database (issue 14,
    item 7). A background job's process is handed the runner's catalogue with its work."""
    loading = {
        str(path.relative_to(PACKAGE))
        for path in modules_of("services")
        if any(name.startswith("tekseru.catalog_files") for name in imported_modules(path))
    }
    assert loading == set(), "take the catalogue (its regions, bodies) as a parameter"


# The edges that read the catalogue's files, once per process: the reading itself, the command line's one
# catalogue, the application's factory (its default catalogue), the migrations (which run outside both),
# and the library's names (`tekseru.load_catalogue`, for a Python user).
CATALOGUE_EDGES = ("catalog_files.py", "cli/catalogue.py", "web/app.py", "store/migrations/", "__init__.py")
CATALOGUE_LOADERS = ("load_catalogue", "load_regions", "load_bodies")


def _called(path: Path) -> set[str]:
    return {
        node.func.id if isinstance(node.func, ast.Name) else node.func.attr
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name | ast.Attribute)
    }


def test_only_the_edges_load_the_catalogue() -> None:
    """Everything else is handed the catalogue (or its regions) by its caller: the application's state, the
    command line's `cli_catalogue()` (issue 14, item 7)."""
    loading = {
        relative: sorted(_called(path) & set(CATALOGUE_LOADERS))
        for path in PACKAGE.rglob("*.py")
        if not (relative := str(path.relative_to(PACKAGE))).startswith(CATALOGUE_EDGES)
        and (
            any(name.startswith("tekseru.catalog_files") for name in imported_modules(path))
            or _called(path) & set(CATALOGUE_LOADERS)
        )
    }
    assert loading == {}


def test_routes_take_the_catalogue_as_a_dependency() -> None:
    """No route or page helper calls `get_catalogue(request)` itself: each declares it (`Depends`), so that
    a replaced dependency reaches it (tests/web/test_catalogue_handed_in.py)."""
    calling = {
        str(path.relative_to(PACKAGE)) for path in PACKAGE.rglob("*.py") if "get_catalogue" in _called(path)
    }
    assert calling == set()


# Where "today" is known: the date in the `time_zone` setting, told by `local_today` (i18n) and asked for
# only through the application's clock (`http.dependencies`) and the command line's (`cli.clock`).
TODAY_TELLERS = {
    PACKAGE / "i18n" / "formats.py",
    PACKAGE / "http" / "dependencies.py",
    PACKAGE / "cli" / "clock.py",
}
DATE_TAKERS = ("services", "cli", "api", "web", "http")


def _names_a_date_class(node: ast.expr) -> bool:
    named = node.attr if isinstance(node, ast.Attribute) else getattr(node, "id", "")
    return named in ("date", "datetime")


def date_guesses(source: str) -> list[str]:
    """The calls in `source` that find today's date other than in the `time_zone` setting, or outside the
    helpers that do: `date.today()`, `datetime.today()`, `<any>.now(...).date()`, `local_today(...)`."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, ast.Call):
            continue
        called = node.func
        name = called.attr if isinstance(called, ast.Attribute) else getattr(called, "id", "")
        if isinstance(called, ast.Attribute) and name == "today" and _names_a_date_class(called.value):
            found.append(f"line {node.lineno}: {ast.unparse(node)}")
        elif isinstance(called, ast.Attribute) and name == "date" and isinstance(called.value, ast.Call):
            inner = called.value.func
            inner_name = inner.attr if isinstance(inner, ast.Attribute) else getattr(inner, "id", "")
            if inner_name in ("now", "utcnow", "today"):
                found.append(f"line {node.lineno}: {ast.unparse(node)}")
        elif name in ("local_today", "today_utc"):
            found.append(f"line {node.lineno}: {ast.unparse(node)}")
    return found


@pytest.mark.parametrize(
    "source",
    [
        "date.today()",
        "datetime.date.today()",
        "datetime.now(UTC).date()",
        "datetime.datetime.now(tz=UTC).date()",
        "now().date()",
        "datetime.utcnow().date()",
        "local_today('Asia/Almaty')",
        "today_utc()",
    ],
)
def test_the_date_check_sees_every_way_of_guessing_today(source: str) -> None:
    assert date_guesses(f"x = {source}\n")


def test_the_date_check_leaves_dates_handed_in_alone() -> None:
    handed = "day = today\nmoment = datetime.now(UTC)\nrequest_today(request)\nx = y.date()\nstate.today()\n"
    assert date_guesses(handed) == []


@pytest.mark.parametrize("package", DATE_TAKERS)
def test_services_and_interfaces_are_handed_today(package: str) -> None:
    """Services never guess the date and interfaces ask for it only through the helpers: a server's own
    date, or UTC's, is still yesterday's until 05:00 in Almaty, which made overdue marks, deadline notices
    and the portal a day late."""
    for path in modules_of(package):
        if path not in TODAY_TELLERS:
            assert date_guesses(path.read_text(encoding="utf-8")) == [], path
