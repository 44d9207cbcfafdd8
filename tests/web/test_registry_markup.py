"""The search page's column headers, pager and export links written in Python (`templating.sort_header`,
`pager`, `export_links`) are the markup of the macros of sorting.html and macros.html, for every column,
order, page, language and kind of filter."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from markupsafe import Markup

from tekseru.services.registry_queries import Page
from tekseru.web.templating import export_links, pager, sort_header, templates

MACRO = templates.env.from_string(
    '{% from "sorting.html" import sort_header %}'
    "{{ sort_header(key, label, current, base, query, natural, extra_class) }}"
)
KEYS = ("registry", "name", "class", "last_visit")
FILTERS = (
    {"q": "", "region": "", "sort": ""},
    {"q": "a&b <c>", "region": "astana", "group": "home_care", "risk_class": "high", "per_page": "50"},
    {"q": "провайдер 12", "criterion": "3", "run": "1b2c", "sort": "-score", "page": "4"},
)


@pytest.mark.parametrize("key", KEYS)
@pytest.mark.parametrize("query", FILTERS)
def test_the_python_header_is_the_macros(key: str, query: dict[str, str]) -> None:
    currents = ("", key, "-" + key, "score", "-score")
    choices = itertools.product(currents, ("ascending", "descending"), ("", "wide-only", "num wide-only"))
    for current, natural, extra_class in choices:
        for label in ("БСН", Markup("<abbr>x</abbr>"), 'a "b" & c'):
            values: dict[str, Any] = {
                "key": key,
                "label": label,
                "current": current,
                "base": "/registry?x=<1>",
            }
            values |= {"query": {**query, "sort": current}, "natural": natural, "extra_class": extra_class}
            assert sort_header(**values) == MACRO.render(**values), values


BASE, HREF = "/registry?x=<1>", "/exports/registry?<a>"
PAGER = templates.env.from_string(
    '{% from "macros.html" import pager with context %}{{ pager(paging, base, query) }}'
)
EXPORTS = templates.env.from_string(
    '{% from "sorting.html" import export_links with context %}{{ export_links(href, query) }}'
)


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
@pytest.mark.parametrize("query", FILTERS)
def test_the_python_pager_and_export_links_are_the_macros(lang: str, query: dict[str, str]) -> None:
    for page, pages in ((1, 1), (1, 2), (2, 2), (3, 40), (40, 40), (1, 1_000_001)):
        paging = Page(page=page, per_page=25, total=pages * 25)
        assert paging.pages == pages
        values: dict[str, Any] = {"paging": paging, "base": BASE, "query": query, "lang": lang}
        assert str(pager(PAGER.new_context(values), paging, BASE, query)) == PAGER.render(values)
    links = {"href": HREF, "query": query, "lang": lang}
    assert str(export_links(EXPORTS.new_context(links), HREF, query)) == EXPORTS.render(links)
