"""What every page shares, checked on every page in every language, signed out and signed in as the admin
(who sees every section): WCAG structure in the HTML itself."""

from __future__ import annotations

import itertools
import re

import pytest
from fastapi.testclient import TestClient

from tests.web.conftest import sign_in
from tests.web.htmltree import Element, parse
from tests.web.support import (
    CATALOGUE_PAGES,
    ERROR_PAGES,
    LANGUAGES,
    OTHER_PAGES,
    SIGNED_IN_PAGES,
    SIGNED_OUT_PAGES,
    USERS,
    resolve,
    with_lang,
)

PAGES = (*OTHER_PAGES, *CATALOGUE_PAGES, *ERROR_PAGES, *SIGNED_OUT_PAGES)
ADMIN_PAGES = tuple(f"admin:{path}" for path in SIGNED_IN_PAGES)
FOCUSABLE = ("a", "button", "select", "input", "textarea")


@pytest.fixture(scope="module")
def documents(app: object, example_ids: dict[str, str]) -> dict[tuple[str, str], Element]:
    """Every page in every language: signed out, and signed in as the admin for the `admin:` ones."""
    found = {}
    with TestClient(app) as client:  # type: ignore[arg-type]
        for path in PAGES:
            for lang in LANGUAGES:
                found[(path, lang)] = parse(client.get(with_lang(path, lang)).text)
        sign_in(client, USERS["admin"].username)
        for path in ADMIN_PAGES:
            for lang in LANGUAGES:
                response = client.get(with_lang(resolve(path.removeprefix("admin:"), example_ids), lang))
                assert response.status_code == 200, (path, response.text[-500:])
                found[(path, lang)] = parse(response.text)
    return found


@pytest.fixture(
    params=[(path, lang) for path in (*PAGES, *ADMIN_PAGES) for lang in LANGUAGES],
    ids=lambda p: f"{p[1]}:{p[0]}",
)
def document(
    request: pytest.FixtureRequest, documents: dict[tuple[str, str], Element]
) -> tuple[str, Element]:
    path, lang = request.param
    return lang, documents[(path, lang)]


def test_language_title_and_one_h1(document: tuple[str, Element]) -> None:
    lang, root = document
    assert root.find("html").attrs["lang"] == lang
    title = root.find("title").text
    assert title.endswith(" — tekseru") and len(title) > len(" — tekseru")
    assert [h.text for h in root.find_all("h1")] == [title.removesuffix(" — tekseru")]


def test_headings_do_not_skip_levels(document: tuple[str, Element]) -> None:
    levels = [int(e.tag[1]) for e in document[1].iter() if re.fullmatch(r"h[1-6]", e.tag)]
    assert levels[0] == 1
    assert all(later - earlier <= 1 for earlier, later in itertools.pairwise(levels)), levels


def test_skip_link_first_then_landmarks(document: tuple[str, Element]) -> None:
    body = document[1].find("body")
    first = next(e for e in body.iter() if e.tag in FOCUSABLE)
    assert first.attrs == {"class": "skip-link", "href": "#main"}
    main = body.find("main")
    assert main.attrs["id"] == "main" and main.attrs["tabindex"] == "-1"
    assert [e.tag for e in body.children if isinstance(e, Element)] == ["a", "header", "main", "footer"]
    labels = [nav.attrs["aria-label"] for nav in body.find_all("nav")]
    assert len(labels) == len(set(labels)) >= 2


def test_unofficial_notice_only_outside_kazakh(document: tuple[str, Element]) -> None:
    lang, root = document
    assert bool(root.find_all(id="unofficial-notice")) == (lang != "kk")


def test_tables_have_captions_and_scoped_headers(document: tuple[str, Element]) -> None:
    for table in document[1].find_all("table"):
        assert table.find("caption").text
        for th in table.find("thead").find_all("th"):
            assert th.attrs.get("scope") == "col"
        for th in table.find("tbody").find_all("th"):
            assert th.attrs.get("scope") in ("row", "rowgroup")


def test_form_fields_are_labelled(document: tuple[str, Element]) -> None:
    root = document[1]
    for field in root.find_all("select") + [
        i for i in root.find_all("input") if i.attrs.get("type") != "hidden"
    ]:
        assert root.find("label", for_=field.attrs["id"]).text
    for form in root.find_all("form"):
        if form.attrs.get("class") == "inline-action":  # a single button, such as "Sign out"
            assert form.find("button").text and not form.find_all("select")
            continue
        assert form.find("legend").text and form.find("button").text


def test_ids_are_unique(document: tuple[str, Element]) -> None:
    ids = [e.attrs["id"] for e in document[1].iter() if "id" in e.attrs]
    assert len(ids) == len(set(ids))


def test_everything_is_served_by_the_app(document: tuple[str, Element]) -> None:
    root = document[1]
    assert not root.find_all("style")
    assert not [e for e in root.iter() if "style" in e.attrs]
    for script in root.find_all("script"):
        assert script.attrs["src"].startswith("/static/") and not script.text
    for element in root.iter():
        for name in ("href", "src", "action", "hx-get"):
            value = element.attrs.get(name)
            if value is not None:
                assert value.startswith(("/", "#", "data:")), f"{element.tag} {name}={value}"


def test_navigation_lists_the_sections_the_reader_may_open(documents: dict[tuple[str, str], Element]) -> None:
    for (path, _), root in documents.items():
        hrefs = [a.attrs["href"] for a in root.find("nav", class_="main-nav").find_all("a")]
        if path.startswith("admin:"):  # every section (plans and inspections once their pages exist)
            assert [h for h in hrefs if h not in ("/plans", "/inspections", "/backtest", "/visits")] == [
                "/",
                "/registry",
                "/assessments",
                "/remediation",
                "/rosters",
                "/imports",
                "/catalog",
                "/admin/users",
            ], path
        else:
            assert hrefs == ["/", "/catalog"], path


def test_every_form_that_changes_something_carries_the_csrf_token(document: tuple[str, Element]) -> None:
    for form in document[1].find_all("form"):
        if form.attrs.get("method") == "post":
            fields = {i.attrs.get("name") for i in form.find_all("input") if i.attrs.get("type") == "hidden"}
            assert "csrf_token" in fields, form.attrs
