"""The search page's column headers written in Python (`templating.sort_header`) are the markup of the
macro `sort_header` of sorting.html, for every column, order and kind of filter."""

from __future__ import annotations

import itertools

import pytest
from markupsafe import Markup

from tekseru.web.templating import sort_header, templates

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
            values = {"key": key, "label": label, "current": current, "base": "/registry?x=<1>"}
            values |= {"query": {**query, "sort": current}, "natural": natural, "extra_class": extra_class}
            assert sort_header(**values) == MACRO.render(**values), values
