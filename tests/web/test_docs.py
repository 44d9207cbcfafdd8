"""docs/web.md cannot drift: every page, every API path and every `tekseru serve` option is documented."""

from __future__ import annotations

import inspect
import re
import typing
from pathlib import Path

import pytest
from fastapi.routing import APIRoute

from tekseru.cli.serve_command import serve
from tekseru.services.accounts import DEMO_USERS
from tekseru.services.auth import LoginPolicy
from tekseru.web.app import create_app
from tekseru.web.pages import PAGES

DOC = (Path(__file__).parents[2] / "docs" / "web.md").read_text(encoding="utf-8")


def page_paths() -> list[str]:
    paths = [route.path for page in PAGES for route in page.router.routes if isinstance(route, APIRoute)]
    assert "/catalog/criteria" in paths and "/registry/{bin}" in paths
    return sorted(set(paths))


def api_operations() -> list[str]:
    paths = create_app().openapi()["paths"]
    operations = [f"{method.upper()} {path}" for path, methods in paths.items() for method in methods]
    assert "GET /api/v1/health" in operations and "POST /api/v1/auth/login" in operations
    return operations


@pytest.mark.parametrize("path", page_paths())
def test_every_page_is_documented(path: str) -> None:
    assert f"| `{path}` |" in DOC


@pytest.mark.parametrize("operation", api_operations())
def test_every_api_operation_is_documented(operation: str) -> None:
    documented = {
        re.sub(r"\?.*$", "", m) for m in re.findall(r"`((?:GET|POST|PATCH|PUT|DELETE) /api/v1/[^`]*)`", DOC)
    }
    assert operation in documented


def test_the_demo_users_are_documented() -> None:
    for username, *_ in DEMO_USERS:
        assert f"`{username}`" in DOC


def test_the_sign_in_limits_are_documented() -> None:
    policy = LoginPolicy()
    assert (
        f"{policy.max_failures} failed" in DOC
        and f"{int(policy.window.total_seconds() // 60)} minutes" in DOC
    )
    security = (Path(__file__).parents[2] / "docs" / "SECURITY.md").read_text(encoding="utf-8")
    rows = {
        "one account from one address": policy.max_failures,
        "one address, all accounts": policy.address_max_failures,
        "one account, all addresses": policy.account_max_failures,
    }
    for scope, limit in rows.items():
        assert f"| {scope} | {limit} failures" in security, scope
    assert f"The wait is {int(policy.first_delay.total_seconds())} seconds at the limit" in security


def test_every_serve_option_is_documented() -> None:
    hints = typing.get_type_hints(serve, include_extras=True)  # an option may be declared in its type
    declared = [
        p.default if p.default is not None else next(m for m in hints[p.name].__metadata__)
        for p in inspect.signature(serve).parameters.values()
    ]
    # in an Annotated type typer reads the first name as the option's default
    options = [option.param_decls[0] if option.param_decls else option.default for option in declared]
    assert options == ["--host", "--port", "--db", "--workers", "--access-log/--no-access-log", "--lang"]
    for option in options:
        assert "| `" + "` / `".join(option.split("/")) + "` |" in DOC


def test_the_deployment_section_names_its_settings() -> None:
    section = DOC.split("## Running on PostgreSQL with several workers behind a reverse proxy", 1)[1]
    for needle in ("TEKSERU_DATABASE_URL", "TEKSERU_SECRET_KEY", "X-Forwarded-Proto", "--workers", "secure"):
        assert needle in section
