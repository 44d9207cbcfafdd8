"""One language at a time: a Kazakh or Russian page shows no English interface words and no internal keys
(control group keys, region keys, audit action codes, message keys, half-years written "2027-H1")."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from fastapi import FastAPI

from tekseru.catalog_files import load_catalogue, load_regions
from tekseru.i18n import messages
from tekseru.services.permissions import Actor, Role
from tekseru.services.plans import draft_plan
from tests.web.htmltree import Element, parse
from tests.web.support import AS_OF, SIGNED_IN_PAGES, resolve

HIDDEN = {"script", "style", "code", "template"}
ENGLISH_MARK = "\x00english\x00"
# The only English a kk or ru page may show: the catalogue's notes on how groups were derived from the act,
# labelled "(in English)" on the page; they are the developers' reasoning, not the act or the interface.
LABELLED_ENGLISH = {"/catalog/groups"}
HALF_YEAR_CODE = re.compile(r"\b\d{4}-H[12]\b")
ENGLISH_WORDS = ("Appendix", "Severity", "Criterion", "Score", "Region", "Results", "edition", "page of")


def visible_text(element: Element) -> str:
    parts: list[str] = []
    for child in element.children:
        if isinstance(child, str):
            parts.append(child)
        elif child.tag in HIDDEN or child.classes & {"changes", "languages"}:  # code, stored values, switcher
            continue
        elif child.attrs.get("lang") == "en":
            parts.append(ENGLISH_MARK)
        else:
            parts.append(visible_text(child))
    return " ".join(" ".join(parts).split())


def internal_keys() -> set[str]:
    edition = load_catalogue().latest()
    return set(edition.groups) | {region.key for region in load_regions()} | set(messages("en"))


@pytest.fixture(scope="module")
def plan_pages(app: FastAPI, seeded: uuid.UUID) -> list[str]:
    stored = draft_plan(
        app.state.tekseru.database(), Actor("t-planner", Role.PLANNER), "2027-H1", as_of=AS_OF
    )
    return [f"/plans/{stored.id}", "/plans"]


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_pages_speak_one_language(
    language: str,
    signed_in: Callable[[str], Any],
    example_ids: dict[str, str],
    plan_pages: list[str],
) -> None:
    admin = signed_in("admin")
    keys = internal_keys()
    pages = [resolve(path, example_ids) for path in SIGNED_IN_PAGES if "import" not in path] + plan_pages
    pages += ["/catalog/criteria", "/catalog/checklists/3", "/catalog/groups"]
    for path in pages:
        separator = "&" if "?" in path else "?"
        response = admin.client.get(f"{path}{separator}lang={language}")
        assert response.status_code == 200, path
        text = visible_text(parse(response.text))
        if ENGLISH_MARK in text:
            assert path in LABELLED_ENGLISH, f"{path} ({language}) shows a text in English"
            text = text.replace(ENGLISH_MARK, " ")
        words = set(re.findall(r"[A-Za-z_][A-Za-z0-9_.]*[A-Za-z0-9_]", text))
        leaked = sorted(word for word in words if word in keys and ("_" in word or "." in word))
        assert not leaked, f"{path} ({language}) shows internal keys {leaked}"
        assert not HALF_YEAR_CODE.search(text), f"{path} ({language}) writes a half-year as a code"
        english = [word for word in ENGLISH_WORDS if word in text]
        assert not english, f"{path} ({language}) shows English {english}"
