"""What base.html writes around every page that Python makes cheaper: the language switcher's and the main
navigation's `<li>`s (the markup the template's loops wrote, byte for byte), and the paths of the links
whose route and parameters are fixed in the template (`url('static', path='app.css')`).

Why: every page has them, and in the template each language and each section was a turn of a loop with a
call of `t()` and four escaped values; each fixed link was a call of `url()` through Jinja's `Context.call`.
Together they were most of the page's frame (about a million instructions of a search page's five).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from typing import Any
from urllib.parse import quote_plus

from fastapi import Request
from markupsafe import Markup

from tekseru.catalog import LANGUAGES
from tekseru.http.language import LANGUAGE_NAMES, QUERY_PARAMETER
from tekseru.i18n import translate
from tekseru.web.navigation import Section

# `quote_plus` remembered: a page quotes the same few keys and values (its filters) a dozen times
quoted = lru_cache(maxsize=4096)(quote_plus)


def escaped(text: str) -> str:
    """`text` escaped as markupsafe's `escape` escapes a text (& < > ' "), as a plain `str`: without the
    `Markup` object markupsafe makes for each, a fraction of the instructions."""
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("'", "&#39;")
        .replace('"', "&#34;")
    )


def language_items(request: Request, current: str) -> Markup:
    """The switcher's `<li>`s, each line ended: the current page (path and query) in each language, the
    query's `lang` set to it (where the query had it, else last) and its empty values left out, as
    `query_string` leaves them out."""
    encoded: list[str] = []
    slot = -1
    for key, value in request.query_params.items():
        if key == QUERY_PARAMETER:
            slot = len(encoded)
            encoded.append("")
        elif value not in (None, ""):
            encoded.append(quoted(str(key)) + "=" + quoted(str(value)))
    if slot < 0:
        slot = len(encoded)
        encoded.append("")
    path = request.url.path
    lines = []
    for code in LANGUAGES:
        encoded[slot] = quoted(QUERY_PARAMETER) + "=" + quoted(code)
        href = escaped(path + "?" + "&".join(encoded))
        marked = ' aria-current="true"' if code == current else ""
        name = escaped(LANGUAGE_NAMES[code])
        lines.append(
            f'            <li><a href="{href}" lang="{code}" hreflang="{code}"{marked}>{name}</a></li>\n'
        )
    return Markup("".join(lines))


def navigation_items(
    app: Any, lang: str, root: str, sections: tuple[Section, ...], path: str, current: str | None
) -> Markup:
    """The main navigation's `<li>`s, each line ended: a section's page marked `aria-current="page"` when
    it is the page shown (`path`, the request's), else `"true"` when the page belongs to it (`current`)."""
    lines = []
    for key, href, label in _sections(app, lang, root, tuple(section.key for section in sections)):
        marked = ' aria-current="page"' if path == href else ' aria-current="true"' if current == key else ""
        lines.append(f'        <li><a href="{escaped(href)}"{marked}>{label}</a></li>\n')
    return Markup("".join(lines))


def _sections(app: Any, lang: str, root: str, keys: tuple[str, ...]) -> list[tuple[str, str, str]]:
    """Each section's key, path and label (escaped), made once per app, language, root path and set of
    sections (a role's)."""
    made: dict[tuple[str, str, tuple[str, ...]], list[tuple[str, str, str]]] | None
    made = getattr(app.state, "navigation_items", None)
    if made is None:
        made = app.state.navigation_items = {}
    found = made.get((lang, root, keys))
    if found is None:
        by_key = {section.key: section for section in app.state.sections}
        found = made[lang, root, keys] = [
            (
                key,
                root + path_for(app, by_key[key].route_name, {}),
                escaped(translate(lang, by_key[key].label_key)),
            )
            for key in keys
        ]
    return found


class FixedPaths(Mapping[tuple[str, tuple[tuple[str, Any], ...]], str]):
    """The path (with the root path) of each link a template makes with fixed arguments, by (route name,
    its parameters): `url('static', path='app.css')` is compiled into `fixed_paths[('static', (('path',
    'app.css'),))]` (`page_words`), made on first use, once per app and root path."""

    def __init__(self, app: Any, root: str) -> None:
        self._app, self._root = app, root
        self._made: dict[tuple[str, tuple[tuple[str, Any], ...]], str] = {}

    def __getitem__(self, key: tuple[str, tuple[tuple[str, Any], ...]]) -> str:
        made = self._made.get(key)
        if made is None:
            name, params = key
            made = self._made[key] = self._root + path_for(self._app, name, dict(params))
        return made

    def __iter__(self) -> Any:
        return iter(self._made)

    def __len__(self) -> int:
        return len(self._made)


_PLACEHOLDER = "__tekseru_{}__"


def path_for(app: Any, name: str, params: Mapping[str, Any]) -> str:
    """`app.url_path_for(name, **params)`, with the route's path found once per name and parameter names:
    looking a route up walks every route, and a page makes dozens of links."""
    paths: dict[tuple[str, tuple[str, ...]], str] | None = getattr(app.state, "url_paths", None)
    if paths is None:
        paths = app.state.url_paths = {}
    key = (name, tuple(sorted(params)))
    template = paths.get(key)
    if template is None:
        template = str(app.url_path_for(name, **{k: _PLACEHOLDER.format(k) for k in params}))
        paths[key] = template
    for param, value in params.items():
        template = template.replace(_PLACEHOLDER.format(param), str(value))  # as url_path_for: unquoted
    return template


def fixed_paths(app: Any, root: str) -> FixedPaths:
    paths: dict[str, FixedPaths] | None = getattr(app.state, "fixed_paths", None)
    if paths is None:
        paths = app.state.fixed_paths = {}
    found = paths.get(root)
    if found is None:
        found = paths[root] = FixedPaths(app, root)
    return found
