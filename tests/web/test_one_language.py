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
from tekseru.services import audit
from tekseru.services.permissions import Actor, Role
from tekseru.services.plans import draft_plan
from tests.catalogue import CATALOGUE
from tests.web.htmltree import Element, parse
from tests.web.support import AS_OF, SIGNED_IN_PAGES, resolve

HIDDEN = {"script", "style", "code", "template"}
ENGLISH_MARK = "\x00english\x00"
# Pages that may show a text marked as English (none: the catalogue's notes on how groups were derived
# from the act are in all three languages).
LABELLED_ENGLISH: set[str] = set()
HALF_YEAR_CODE = re.compile(r"\b\d{4}-H[12]\b")
ENGLISH_WORDS = ("Appendix", "Severity", "Criterion", "Score", "Region", "Results", "edition", "page of")


def visible_text(element: Element) -> str:
    parts: list[str] = []
    for child in element.children:
        if isinstance(child, str):
            parts.append(child)
        elif child.tag in HIDDEN or child.classes & {"value", "languages"}:  # code, stored values, switcher
            continue
        elif child.attrs.get("lang") == "en":
            parts.append(ENGLISH_MARK)
        else:
            parts.append(visible_text(child))
    return " ".join(" ".join(parts).split())


def internal_keys() -> set[str]:
    edition = load_catalogue().latest()
    return set(edition.groups) | {region.key for region in load_regions()} | set(messages("en"))


def audit_keys(app: FastAPI) -> set[str]:
    """The codes the seeded audit log keeps: its actions (`inspection.print`), entities and the fields of
    what each entry kept (`content_sha256`); the audit page must say each in words."""
    db, admin = app.state.tekseru.database(), Actor.system("t-admin")
    found = audit.choices(db, admin)
    keys = set(found.actions) | set(found.entities)
    for entry in audit.browse(db, admin, per_page=500).entries:
        keys |= set(entry.before or {}) | set(entry.after or {})
    return keys


@pytest.fixture(scope="module")
def plan_pages(app: FastAPI, seeded: uuid.UUID) -> list[str]:
    stored = draft_plan(
        app.state.tekseru.database(),
        Actor("t-planner", Role.PLANNER),
        "2027-H1",
        as_of=AS_OF,
        catalogue=CATALOGUE,
    )
    return [f"/plans/{stored.id}", "/plans"]


# Pages SIGNED_IN_PAGES leaves out that a user of each role reads.
MORE_PAGES = (
    "/plans?lang=",
    "/inspections",
    "/visits",
    "/backtest",
    "/rosters",
    "/catalog/editions",
    "/catalog/criteria/7",
    "/public",
    "/admin/outbox",
    "/admin/audit/verify",
    "/assessments/compare",
)


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_pages_speak_one_language(
    language: str,
    app: FastAPI,
    signed_in: Callable[[str], Any],
    example_ids: dict[str, str],
    plan_pages: list[str],
) -> None:
    admin = signed_in("admin")
    keys = internal_keys() | audit_keys(app)
    pages = [resolve(path, example_ids) for path in SIGNED_IN_PAGES if "import" not in path] + plan_pages
    pages += ["/catalog/criteria", "/catalog/checklists/3", "/catalog/groups"]
    pages += [path.removesuffix("?lang=") for path in MORE_PAGES]
    pages += [f"{path}/diff" for path in plan_pages if path != "/plans"]
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
        leaked += sorted(word for word in words if word.startswith("cli:"))  # the CLI's identity, in words
        assert not leaked, f"{path} ({language}) shows internal keys {leaked}"
        assert not HALF_YEAR_CODE.search(text), f"{path} ({language}) writes a half-year as a code"
        english = [word for word in ENGLISH_WORDS if word in text]
        assert not english, f"{path} ({language}) shows English {english}"
