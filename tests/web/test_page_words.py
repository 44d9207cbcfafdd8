"""What pages work out once per process say the same as what they said when made on every page: the fixed
words compiled into each language's templates (`page_words`), and the search page's rows and filter options
named once per catalogue and language (`registry_rows`); and one process serving kk, ru and en, and several
users, shows each page in its language and each user their own name."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

import pytest
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient
from jinja2.loaders import PackageLoader
from markupsafe import escape

from tekseru.http.language import LANGUAGE_NAMES
from tekseru.i18n import translate
from tekseru.i18n.catalogues import MissingMessage
from tekseru.services.catalog import CatalogService
from tekseru.web.chrome import escaped, fixed_paths, language_items
from tekseru.web.pages.registry_rows import class_options, group_options, region_options
from tekseru.web.templating import _page_environment, query_string, templates
from tests.web.conftest import SignedIn
from tests.web.htmltree import parse
from tests.web.support import BINS, USERS

LANGUAGES = ("kk", "ru", "en")
SOURCE = (
    "<p title=\"{{ t('layout.tagline') }}\">{{ t('layout.skip_to_content') }}</p>"
    "{{ t('registry.count', total=3) }} {{ t('risk.' ~ kind) }}"
)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_fixed_word_is_compiled_in_and_the_page_is_the_same(lang: str) -> None:
    env = _page_environment(lang)
    code = env.compile(SOURCE, raw=True)
    tagline = str(escape(translate(lang, "layout.tagline")))
    assert tagline in code and "'layout.tagline'" not in code and "'layout.skip_to_content'" not in code
    assert "'registry.count'" in code  # a call with parameters, or with a computed key, stays a call
    values = {"lang": lang, "kind": "high"}
    written = env.from_string(SOURCE).render(values)
    assert written == templates.env.from_string(SOURCE).render(values)
    assert translate(lang, "risk.high") in written and translate(lang, "registry.count", total=3) in written


def test_a_template_that_names_something_else_t_keeps_its_calls() -> None:
    env = _page_environment("ru")
    for source in (
        "{% set t = tn %}{{ t('layout.tagline') }}",
        "{% macro m(t) %}{{ t('layout.tagline') }}{% endmacro %}{{ m(t) }}",
        "{% for t in [t] %}{{ t('layout.tagline') }}{% endfor %}",
    ):
        assert "'layout.tagline'" in env.compile(source, raw=True), source
    assert env.from_string("{% for t in [t] %}{{ t('layout.tagline') }}{% endfor %}").render(
        lang="ru"
    ) == translate("ru", "layout.tagline")


def test_a_missing_word_fails_only_on_the_page_that_reaches_it() -> None:
    env = _page_environment("kk")
    page = env.from_string("{% if show %}{{ t('no.such.message') }}{% endif %}ok")
    assert page.render(lang="kk", show=False) == "ok"
    with pytest.raises(MissingMessage):
        page.render(lang="kk", show=True)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_template_compiles_in_every_language(lang: str) -> None:
    env = _page_environment(lang)
    loader = env.loader
    assert isinstance(loader, PackageLoader)
    names = loader.list_templates()
    assert "base.html" in names and "registry/index.html" in names
    for name in names:
        env.get_template(name)
    base = env.compile(loader.get_source(env, "base.html")[0], raw=True)
    assert str(escape(translate(lang, "layout.footer_act"))) in base


def test_escaped_is_markupsafes_escape() -> None:
    for text in ("", "plain", "A & B <i>'q'</i> \"w\"", "&amp;", "Мейірім «Ана» & <>", "\u00a0—"):
        assert escaped(text) == str(escape(text)), text


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_filter_options_select_the_one_asked_for(catalog_service: CatalogService, lang: str) -> None:
    catalogue, edition = catalog_service.catalogue, catalog_service.edition()
    regions = catalogue.regions.reading_order(lang)
    made = region_options(catalogue.regions, lang)
    for wanted in (regions[0].key, regions[-1].key, "", "no_such_region", 'x"><script>'):
        root = parse(f"<select>{made.selecting(wanted)}</select>")
        options = root.find_all("option")
        assert [option.attrs["value"] for option in options] == [region.key for region in regions]
        assert [option.text for option in options] == [region.name.in_language(lang) for region in regions]
        chosen = [option.attrs["value"] for option in options if "selected" in option.attrs]
        assert chosen == ([wanted] if wanted in {region.key for region in regions} else [])
    groups = list(edition.groups.values())
    root = parse(f"<select>{group_options(catalogue, edition.id, lang).selecting(groups[-1].key)}</select>")
    assert [option.text for option in root.find_all("option")] == [g.name.in_language(lang) for g in groups]
    assert [option.attrs["value"] for option in root.find_all("option") if "selected" in option.attrs] == [
        groups[-1].key
    ]
    root = parse(f"<select>{class_options(lang).selecting('none')}</select>")
    assert [option.attrs["value"] for option in root.find_all("option")] == ["high", "medium", "low", "none"]
    assert root.find("option", value="none").attrs.get("selected") == ""
    assert root.find("option", value="high").text == translate(lang, "risk.high")


def test_one_process_serves_each_language_and_each_user_their_own(
    signed_in: Callable[[str], SignedIn],
) -> None:
    """The words compiled in, the rows' words and the options named once are each language's own, whatever
    language the process served before; the header names the user signed in, not one seen before."""
    clients = {role: signed_in(role) for role in ("planner", "inspector")}
    for lang in ("kk", "ru", "kk", "en", "ru"):
        for role, user in clients.items():
            root = parse(user.client.get(f"/registry?lang={lang}&risk_class=high").text)
            assert root.find("html").attrs["lang"] == lang
            assert root.find("legend").text == translate(lang, "registry.search")
            assert root.find("a", class_="who").text.startswith(USERS[role].username + " ")
            assert translate(lang, f"role.{USERS[role].role}") in root.find("a", class_="who").text
            current = root.find("nav", class_="languages").find("a", aria_current="true")
            assert current.attrs["lang"] == lang
            chosen = root.find("select", id="risk_class").find("option", value="high")
            assert chosen.attrs.get("selected") == "" and chosen.text == translate(lang, "risk.high")
            badges = root.find("table", class_="subjects").find_all("span", class_="risk-high")
            assert badges and {badge.text for badge in badges} == {translate(lang, "risk.high")}
            token = root.find("form", class_="inline-action").find("input", name="csrf_token").attrs["value"]
            assert token == user.csrf


def _old_language_hrefs(path: str, query: list[tuple[str, str]]) -> list[str]:
    """What the template's loop linked each language to: `{**request.query_params, 'lang': code}` with its
    empty values left out, through urlencode."""
    params = dict(query)  # the last value of a repeated key, at its first place
    hrefs = []
    for code in LANGUAGES:
        kept = {key: value for key, value in {**params, "lang": code}.items() if value not in (None, "")}
        hrefs.append(path + "?" + urlencode(kept))
    return hrefs


@pytest.mark.parametrize(
    "query",
    [
        [],
        [("lang", "ru")],
        [("q", "a&b <c> \"d\" 'e'"), ("lang", "en"), ("page", "2")],
        [("q", ""), ("region", "astana"), ("q", "Мейірім «Ана»"), ("x y", "1+1=2")],
        [("lang", ""), ("sort", "-score"), ("per_page", "")],
    ],
)
def test_the_language_links_keep_the_query_as_the_loop_did(query: list[tuple[str, str]]) -> None:
    scope = {"type": "http", "path": "/registry/1 2", "root_path": "", "headers": [], "server": ("t", 80)}
    request = Request({**scope, "query_string": urlencode(query).encode()})
    root = parse(f"<ul>{language_items(request, 'ru')}</ul>")
    links = root.find_all("a")
    assert [link.attrs["href"] for link in links] == _old_language_hrefs(request.url.path, query)
    assert [link.attrs["hreflang"] for link in links] == list(LANGUAGES)
    assert [link.attrs.get("aria-current") for link in links] == [None, "true", None]
    assert [link.text for link in links] == [LANGUAGE_NAMES[code] for code in LANGUAGES]


def test_query_string_is_urlencode() -> None:
    for query in (
        {},
        {"q": "", "page": None},
        {"q": "provider 00123", "page": 2, "sort": "-score", "empty": ""},
        {"q": "a&b=c?d#e/f", "x y": "Мейірім «Ана»", "n": 0},
    ):
        kept = {key: str(value) for key, value in query.items() if value not in (None, "")}
        assert query_string(query) == ("?" + urlencode(kept) if kept else "")


def test_a_fixed_link_is_read_from_the_apps_paths_and_a_macros_stays_a_call(app: FastAPI) -> None:
    env = _page_environment("en")
    code = env.compile("{{ url('static', path='app.css') }} {{ url('registry_index', query=q) }}", raw=True)
    assert "fixed_paths" in code and "'registry_index'" in code  # with a query it stays a call
    macro = "{% macro m() %}{{ url('dashboard') }}{% endmacro %}{{ m() }}"
    assert "fixed_paths" not in env.compile(macro, raw=True)
    for root in ("", "/tekseru"):
        paths = fixed_paths(app, root)
        assert paths["static", (("path", "app.css"),)] == root + "/static/app.css"
        assert paths["registry_subject", (("bin", "123"),)] == root + "/registry/123"
        assert fixed_paths(app, root) is paths


@pytest.mark.parametrize("root", ["", "/tekseru"])
def test_the_navigation_marks_the_page_and_its_section(
    signed_in: Callable[[str], SignedIn], app: FastAPI, root: str
) -> None:
    user = signed_in("planner")
    client = TestClient(app, root_path=root, cookies=user.client.cookies)
    for path in ("/registry", "/registry?lang=ru&q=x"):
        nav = parse(client.get(root + path).text).find("nav", class_="main-nav")
        assert [a.attrs["href"] for a in nav.find_all("a", aria_current="page")] == [root + "/registry"]
    card = parse(client.get(f"{root}/registry/{BINS[0]}?lang=ru").text).find("nav", class_="main-nav")
    assert [a.attrs["href"] for a in card.find_all("a", aria_current="true")] == [root + "/registry"]
    assert not card.find_all("a", aria_current="page")
    assert card.find("a", aria_current="true").text == translate("ru", "nav.registry")
