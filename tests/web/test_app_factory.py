"""`tekseru serve` builds its application with `create_served_app`: the table FastAPI finds a link's path in
is built before the first request, so the first page a new worker serves does not wait for it (0.7 s)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi import routing

from tekseru.cli.serve_command import APP_FACTORY
from tekseru.settings import Settings
from tekseru.web import app as web_app
from tekseru.web.chrome import path_for


@pytest.fixture
def contexts_built(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[object]]:
    built: list[object] = []
    original = routing._EffectiveRouteContext.from_api_route

    def counted(*args: object, **kwargs: object) -> object:
        built.append(args)
        return original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(routing._EffectiveRouteContext, "from_api_route", staticmethod(counted))
    yield built


def test_the_served_app_has_its_route_table_before_the_first_link(
    contexts_built: list[object], tmp_path: object
) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path}/app.sqlite3")
    plain = web_app.create_app(settings)
    contexts_built.clear()
    assert path_for(plain, "registry_subject", {"bin": "1"}) == "/registry/1"
    assert contexts_built, "a plain app builds the table on its first lookup"

    served = web_app.create_served_app(settings)
    contexts_built.clear()
    assert path_for(served, "registry_subject", {"bin": "1"}) == "/registry/1"
    assert path_for(served, "registry_index", {}) == "/registry"
    assert contexts_built == []


def test_serve_starts_workers_from_the_served_factory() -> None:
    module, name = APP_FACTORY.split(":")
    assert module == web_app.__name__ and getattr(web_app, name) is web_app.create_served_app
