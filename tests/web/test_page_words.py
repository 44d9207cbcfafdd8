"""What pages work out once per process say the same as what they said when made on every page: the fixed
words compiled into each language's templates (`page_words`), and the search page's rows and filter options
named once per catalogue and language (`registry_rows`); and one process serving kk, ru and en, and several
users, shows each page in its language and each user their own name."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from jinja2.loaders import PackageLoader
from markupsafe import escape

from tekseru.i18n import translate
from tekseru.i18n.catalogues import MissingMessage
from tekseru.services.catalog import CatalogService
from tekseru.web.pages.registry_rows import class_options, escaped, group_options, region_options
from tekseru.web.templating import _page_environment, templates
from tests.web.conftest import SignedIn
from tests.web.htmltree import parse
from tests.web.support import USERS

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
