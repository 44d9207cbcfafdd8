"""Every page and API path still reaches its router when routers skip paths outside their first segments
(`PathRouter`): each path of each router, with its parameters filled in, is matched by that router and by
no router before it; a path no router serves is matched by none."""

from __future__ import annotations

import re

import pytest
from fastapi import APIRouter
from starlette.routing import Match

from tekseru.api.router import API_PREFIX, api_router
from tekseru.http.routing import PathRouter, within
from tekseru.web.app import create_app
from tekseru.web.pages import PAGES

APP = create_app()


def _scope(path: str, method: str = "GET") -> dict[str, object]:
    return {
        "type": "http",
        "method": method,
        "path": path,
        "root_path": "",
        "query_string": b"",
        "headers": [],
    }


def _filled(path: str) -> str:
    return re.sub(r"\{[^}]*\}", "180140000001", path)


def _first_full_match(path: str, method: str) -> object:
    scope = _scope(path, method)
    for route in APP.router.routes:
        match, _ = route.matches(scope)
        if match == Match.FULL:
            return getattr(route, "original_router", route)
    return None


def _page_paths() -> list[tuple[str, str, str]]:
    found = []
    for page in PAGES:
        for route in page.router.routes:
            for method in sorted(getattr(route, "methods", None) or {"GET"}):
                found.append((page.__name__.rsplit(".", 1)[1], _filled(route.path), method))
    return found


@pytest.mark.parametrize(("page", "path", "method"), _page_paths())
def test_each_page_path_reaches_its_router(page: str, path: str, method: str) -> None:
    routers = {module.__name__.rsplit(".", 1)[1]: module.router for module in PAGES}
    assert _first_full_match(path, method) is routers[page]


def test_each_api_path_reaches_the_api_router() -> None:
    paths = APP.openapi()["paths"]
    assert len(paths) > 50
    for path, operations in paths.items():
        for method in operations:
            assert _first_full_match(_filled(path), method.upper()) is api_router, (method, path)


def test_a_router_with_a_prefix_refuses_other_paths_without_trying_its_routes() -> None:
    router = PathRouter(prefix="/things")

    @router.get("/{key}")
    def thing(key: str) -> str:
        return key

    assert router._first_segments() == frozenset({"things"})
    assert router.matches(_scope("/other/1")) == (Match.NONE, {})
    assert api_router._first_segments() == frozenset({API_PREFIX.strip("/").split("/")[0]})


def test_a_router_with_a_parameter_first_is_never_skipped() -> None:
    router = PathRouter()

    @router.get("/{anything}/page")
    def page(anything: str) -> str:
        return anything

    assert router._first_segments() is None


def test_no_router_serves_an_unknown_path() -> None:
    assert _first_full_match("/no-such-page/at-all", "GET") is None


def _api_modules() -> list[tuple[str, str, str]]:
    from tekseru.api import router as api

    found = []
    for name in dir(api):
        module = getattr(api, name)
        inner = getattr(module, "router", None)
        if getattr(module, "__name__", "").startswith("tekseru.api.") and inner is not None and inner.prefix:
            for route in inner.routes:
                for method in sorted(getattr(route, "methods", None) or {"GET"}):
                    found.append((name, API_PREFIX + _filled(route.path), method))
    return found


@pytest.mark.parametrize(("module", "path", "method"), _api_modules())
def test_each_api_path_reaches_its_module_s_router_first(module: str, path: str, method: str) -> None:
    """Under /api/v1 each module's router is wrapped (`within`): a call is tried only against the routers
    whose prefix its path starts with, and reaches its own module's before any other."""
    from tekseru.api import router as api

    inner = getattr(api, module).router
    scope = _scope(path, method)
    for route in api_router.routes:
        included = getattr(route, "original_router", route)
        match, _ = route.matches(scope)
        if match == Match.FULL:
            wrapped = [getattr(r, "original_router", r) for r in getattr(included, "routes", [])]
            assert included is inner or inner in wrapped, (path, included)
            return
    pytest.fail(f"no router of the API answers {method} {path}")


def test_a_wrapped_router_refuses_paths_outside_its_prefix_without_trying_its_routes() -> None:
    router = APIRouter(prefix="/things")

    @router.get("/{key}")
    def thing(key: str) -> str:
        return key

    wrapped = within("/api/v9", router)
    parent = APIRouter(prefix="/api/v9")
    parent.include_router(wrapped)

    def matched(path: str, method: str = "GET") -> list[Match]:
        return [route.matches(_scope(path, method))[0] for route in parent.routes]

    assert wrapped.matches(_scope("/api/v9/thingsmore/1")) == (Match.NONE, {})  # its routes not tried
    assert wrapped.matches(_scope("/api/v9/other/1")) == (Match.NONE, {})
    assert Match.FULL in matched("/api/v9/things/1")
    assert Match.PARTIAL in matched("/api/v9/things/1", "POST")  # 405, as before
    assert matched("/api/v9/other/1") == [Match.NONE] * len(parent.routes)
    assert within("/api/v9", bare := APIRouter()) is bare  # no prefix: any path may be its


def test_the_version_of_a_path_routers_routes_follows_a_change_anywhere_below_it() -> None:
    """`PathRouter` sums the counters of the routers below it instead of walking them: a route added to a
    router two includes down, or a router included later, still changes it, and the app then finds it."""
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    inner = APIRouter(prefix="/things")

    @inner.get("/{key}")
    def thing(key: str) -> str:
        return key

    wrapped = within("/api/v9", inner)
    parent = PathRouter(prefix="/api/v9")
    parent.include_router(wrapped)
    app = FastAPI()
    app.include_router(parent)
    client = TestClient(app)
    assert client.get("/api/v9/things/1").json() == "1"
    before = parent._get_routes_version()
    assert parent._get_routes_version() == before

    @inner.get("/{key}/more")
    def more(key: str) -> str:
        return key + " more"

    assert parent._get_routes_version() != before
    assert client.get("/api/v9/things/1/more").json() == "1 more"
    later = APIRouter(prefix="/later/now")

    @later.get("")
    def late() -> str:
        return "late"

    inner.include_router(later)
    assert client.get("/api/v9/things/later/now").json() == "late"
