"""The API explains itself: `/api-reference` (linked from every page's footer) shows Swagger UI served by the
app from the swagger-ui-py package and the example scripts for the common jobs; the scripts, in curl and in
Python, run here against a live server on a fresh database of the demo registry, exactly as the page shows
them, and do what they say: import, assess, draft a list, read the results."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from fastapi.testclient import TestClient

from tekseru.catalog_files import load_catalogue
from tekseru.services.demo import write_demo_csv
from tekseru.services.demo_data import generate_demo
from tekseru.services.permissions import Actor
from tekseru.settings import Settings
from tekseru.web.api_examples import EXAMPLES, example
from tekseru.web.app import create_app
from tests.web.conftest import BrowserPage
from tests.web.htmltree import parse
from tests.web.live_app import free_port as _free_port
from tests.web.support import CHEAP_PASSWORDS, create_user
from tests.web.test_accessibility import AXE, BLOCKING

TODAY = date(2026, 12, 1)
PASSWORD = "examples-password-1"


def test_the_page_shows_the_example_files_as_they_are(client: TestClient) -> None:
    root = parse(client.get("/api-reference?lang=ru").text)
    shown = [" ".join(pre.text.split()) for pre in root.find_all("pre", class_="example")]
    assert shown == [" ".join(example(name).split()) for name in EXAMPLES]  # (the parser folds spaces)
    assert root.find("div", id="swagger-ui").attrs["data-spec"] == "/api/v1/openapi.json"
    footer = parse(client.get("/?lang=kk").text).find("footer")
    assert footer.find("a", href="/api-reference").text == "API анықтамалығы"
    for name in EXAMPLES:
        assert client.get(f"/api-reference/examples/{name}").text == example(name)


def test_swagger_ui_comes_from_the_package_not_a_cdn(client: TestClient) -> None:
    from importlib import resources

    script = client.get("/api-reference/assets/swagger-ui-bundle.js")
    assert script.status_code == 200 and script.headers["content-type"].startswith("text/javascript")
    packaged = (resources.files("swagger_ui") / "static" / "swagger-ui-bundle.js").read_bytes()
    assert script.content == packaged
    assert client.get("/api-reference/assets/swagger-ui.css").status_code == 200
    for name in ("../../settings.py", "index.html", "swagger-editor.js"):
        assert client.get(f"/api-reference/assets/{name}").status_code == 404
    page = client.get("/api-reference").text
    assert "http://" not in page.replace("http://127.0.0.1:8000", "") and "https://" not in page


@pytest.fixture(scope="module")
def fresh_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """A live server on a database of its own with one planner; the demo registry's files beside it."""
    folder = tmp_path_factory.mktemp("api-examples")
    settings = Settings(attachments_dir=str(folder / "files")).with_database_path(folder / "examples.sqlite3")
    app = create_app(settings, passwords=CHEAP_PASSWORDS)
    create_user(
        app.state.tekseru.database(),
        Actor.system("tests"),
        username="examples-planner",
        full_name="Examples",
        role="planner",
        password=PASSWORD,
    )
    catalogue = load_catalogue()
    write_demo_csv(generate_demo(catalogue.edition_at(TODAY), catalogue.regions, TODAY), folder)
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", folder
    server.should_exit = True
    thread.join(timeout=10)
    app.state.tekseru.close()


def _run(command: list[str], server: tuple[str, Path], half_year: str, tmp_path: Path) -> Any:
    url, folder = server
    env = {
        **os.environ,
        "TEKSERU_URL": url,
        "TEKSERU_USER": "examples-planner",
        "TEKSERU_PASSWORD": PASSWORD,
        "SUBJECTS": str(folder / "subjects.csv"),
        "EVIDENCE": str(folder / "evidence.csv"),
        "HALF_YEAR": half_year,
    }
    return subprocess.run(command, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize(
    ("name", "half_year"), [("common_jobs.sh", "2027-H1"), ("common_jobs.py", "2027-H2")]
)
def test_the_examples_run_as_shown(
    fresh_server: tuple[str, Path], tmp_path: Path, name: str, half_year: str
) -> None:
    script = tmp_path / name
    script.write_text(example(name), encoding="utf-8")
    command = ["sh", str(script)] if name.endswith(".sh") else [sys.executable, str(script)]
    done = _run(command, fresh_server, half_year, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert sum(line.endswith(": finished") for line in lines) == 3  # two imports and the assessment
    assert any(line.startswith("list ") for line in lines)
    ranked = [line.split() for line in lines if line[:1].isdigit() and len(line.split()) == 3]
    assert len(ranked) == 10 and [float(r[1]) for r in ranked] == sorted(
        (float(r[1]) for r in ranked), reverse=True
    )
    exported = (tmp_path / "results.csv").read_text(encoding="utf-8-sig").splitlines()
    assert exported[0].startswith("БИН,") and len(exported) > 10


@pytest.mark.browser
def test_swagger_ui_renders_the_api_and_the_page_passes_axe(shared_desktop: BrowserPage) -> None:
    page = shared_desktop.page
    shared_desktop.open("/api-reference?lang=kk")
    page.wait_for_selector("#swagger-ui .opblock-tag", timeout=20_000)
    assert page.locator("#swagger-ui .opblock").count() > 40
    assert "Search the registry" in page.inner_text("#swagger-ui")
    violations = AXE.run(page).response["violations"]
    ours = [v["id"] for v in violations if v["impact"] in BLOCKING]
    assert ours == [], violations
