"""Server-rendered pages: the Jinja2 environment and `render`, the one way a page router answers.

Templates extend `base.html` and get, besides what the route passes: `lang`, `t(key, **params)` (interface
messages), `|local` (a catalogue `Text` in the page language), `|date` (dd.mm.yyyy), `url(route_name,
query={...}, **path_params)` (a path inside the app), the navigation `sections`, the language switcher's
`languages`, `unofficial` (true when the page is not in the official language), the signed-in `actor`
(or None) and the session's `csrf_token` for forms. `|region` names a region key in the page language,
`|datetime` shows a moment as dd.mm.yyyy HH:MM in the `time_zone` setting's zone, `|number` a score with its
decimals (CLDR separators), and `tn(key, count, **params)` a message with plural forms.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from functools import cache
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, PackageLoader, StrictUndefined, Template, pass_context, select_autoescape
from jinja2.runtime import Context
from markupsafe import Markup, escape

from tekseru.catalog import Text
from tekseru.http.dependencies import app_regions, app_state
from tekseru.http.language import OFFICIAL_LANGUAGE, request_language
from tekseru.http.security import csrf_token, current_session, optional_actor
from tekseru.i18n import (
    format_date,
    format_datetime,
    format_decimal,
    format_half_year,
    messages,
    plural,
    say_stored,
    translate,
)
from tekseru.i18n.actors import who
from tekseru.web.audit_words import audit_subject, audit_value, roster_value
from tekseru.web.chrome import fixed_paths, language_items, navigation_items, path_for, quoted
from tekseru.web.navigation import Section, visible
from tekseru.web.page_words import WordsWritten


@pass_context
def _t(context: Context, key: str, **params: object) -> str:
    return translate(context["lang"], key, **params)


@pass_context
def _tn(context: Context, key: str, count: int, **params: object) -> str:
    return plural(context["lang"], key, count, **params)


@pass_context
def _half_year(context: Context, value: object) -> str:
    return format_half_year(str(value), context["lang"])


@pass_context
def _word(context: Context, code: str, prefix: str) -> str:
    """A stored code in words (`entry.action|word('audit.action.')`); a code that this version has no
    words for, such as an action recorded by a newer version, is shown as it is."""
    key = prefix + code
    return translate(context["lang"], key) if key in messages(context["lang"]) else code


@pass_context
def _stored(context: Context, text: str | None) -> str:
    """A text tekseru wrote into a record (an evidence reference, why a job ended) in the page's language;
    what a person typed stays as it is (`tekseru.i18n.stored`)."""
    return say_stored(context["lang"], text)


@pass_context
def _audit_value(context: Context, value: object, key: str, entity: str) -> str:
    """A value an audit entry keeps, in the words of the page's language (`tekseru.web.audit_words`)."""
    request: Request = context["request"]
    zone, catalogue = request.app.state.settings.time_zone, app_state(request).catalogue
    return audit_value(context["lang"], zone, value, key, entity, catalogue)


@pass_context
def _audit_subject(context: Context, entry: Any) -> str:
    """What an audit entry is about, in words of the page's language (`tekseru.web.audit_words`)."""
    zone = context["request"].app.state.settings.time_zone
    return audit_subject(context["lang"], zone, entry.entity, str(entry.entity_key), entry.after)


@pass_context
def _roster_value(context: Context, value: object, key: str) -> str:
    """A value of a roster record in words of the page's language (`tekseru.web.audit_words`)."""
    request: Request = context["request"]
    return roster_value(context["lang"], request.app.state.settings.time_zone, value, key)


@pass_context
def _who(context: Context, name: str | None) -> str:
    """Who did something: an account's name, or the command line's and the demo's identities in words."""
    return who(context["lang"], name)


@pass_context
def _local(context: Context, text: Text) -> str:
    return text.in_language(context["lang"])


@pass_context
def _url(context: Context, name: str, query: Mapping[str, object] | None = None, **path_params: Any) -> str:
    request: Request = context["request"]
    root: str = request.scope.get("root_path", "")
    return root + path_for(request.app, name, path_params) + query_string(query or {})


@pass_context
def _date(context: Context, value: date) -> str:
    return format_date(value, context["lang"])


@pass_context
def _datetime(context: Context, value: datetime) -> str:
    request: Request = context["request"]
    return format_datetime(value, context["lang"], request.app.state.settings.time_zone)


@pass_context
def _region(context: Context, key: str | None) -> str:
    """The region's name in the page's language, from the application's catalogue (the key itself when
    unknown; "" for None)."""
    return "" if key is None else app_regions(context["request"]).name_of(key, context["lang"])


@pass_context
def _number(context: Context, value: float | None, decimals: int = 2) -> str:
    if value is None:
        return "—"
    return format_decimal(value, context["lang"], decimals)


def query_string(query: Mapping[str, object]) -> str:
    """`?a=1&b=2` without the empty values, or an empty string."""
    kept = [
        quoted(str(key)) + "=" + quoted(str(value)) for key, value in query.items() if value not in (None, "")
    ]
    return "?" + "&".join(kept) if kept else ""  # what urlencode makes of them, the quoting remembered


_OTHER_WAY = {"ascending": "descending", "descending": "ascending"}


def sort_header(
    key: str,
    label: str,
    current: str,
    base: str,
    query: Mapping[str, object],
    natural: str = "ascending",
    extra_class: str = "",
) -> Markup:
    """The macro `sort_header` of sorting.html written in Python, the same markup (a test holds them equal),
    for the search page: its eight macro calls, each with its dictionaries and escaping, cost about a tenth
    of the page's processor time."""
    reverse = current == "-" + key
    active = current == key or reverse
    order = (_OTHER_WAY[natural] if reverse else natural) if active else "none"
    href = base + query_string({**query, "sort": "-" + key if current == key else key, "page": None})
    css = f' class="{escape(extra_class)}"' if extra_class else ""
    arrow = f' <span aria-hidden="true">{"↓" if order == "descending" else "↑"}</span>' if active else ""
    link = f'<a class="sort" href="{escape(href)}">{escape(label)}{arrow}</a>'
    return Markup(f'<th scope="col"{css} aria-sort="{escape(order)}">{link}</th>')


@pass_context
def pager(context: Context, paging: Any, base: str, query: Mapping[str, object]) -> Markup:
    """The macro `pager` of macros.html (its default name and anchor) written in Python, the same markup."""
    if paging.pages <= 1:
        return Markup("")
    lang = context["lang"]

    def link(page: int, rel: str, key: str) -> str:
        href = escape(base + query_string({**query, "page": page}))
        return f'<li><a href="{href}" rel="{rel}">{escape(translate(lang, key))}</a></li>'

    previous = "" if paging.page <= 1 else link(paging.page - 1, "prev", "pager.previous")
    following = "" if paging.page >= paging.pages else link(paging.page + 1, "next", "pager.next")
    position = escape(translate(lang, "pager.position", page=paging.page, pages=paging.pages))
    label = escape(translate(lang, "pager.label"))
    return Markup(
        f'<nav class="pager" aria-label="{label}">\n  <ul>\n{previous}    <li>{position}</li>\n{following}'
        "  </ul>\n</nav>\n"
    )


@pass_context
def export_links(context: Context, href: str, query: Mapping[str, object]) -> Markup:
    """The macro `export_links` of sorting.html (its default id and label) written in Python, the same
    markup."""
    lang = context["lang"]
    links = " · ".join(
        f'<a href="{escape(href + query_string({**query, "format": kind, "page": None, "per_page": None}))}"'
        f" download>{kind.upper()}</a>"
        for kind in ("csv", "xlsx", "json")
    )
    label, hint = (escape(translate(lang, key)) for key in ("export.download", "export.hint"))
    return Markup(
        f'<p class="export-links" id="export-links">{label}\n{links}  <span class="hint">{hint}</span>\n</p>'
    )


def _environment(language: str | None = None) -> Environment:
    """The templates' environment; with a `language`, one whose templates have that language's fixed words
    written in when they are compiled (`page_words`), which is what `render` uses."""
    options: dict[str, Any] = {
        "loader": PackageLoader("tekseru.web", "templates"),
        "autoescape": select_autoescape(default=True),
        "undefined": StrictUndefined,
        "trim_blocks": True,
        "lstrip_blocks": True,
        "auto_reload": False,  # the templates are part of the installed package: no stat of a file per page
    }
    env = Environment(**options) if language is None else WordsWritten(language, **options)
    env.globals.update(t=_t, tn=_tn, url=_url, qs=query_string)
    env.globals.update(sort_header_html=sort_header, pager_html=pager, export_links_html=export_links)
    env.filters.update(
        local=_local,
        date=_date,
        datetime=_datetime,
        region=_region,
        number=_number,
        half_year=_half_year,
        word=_word,
        stored=_stored,
        audit_value=_audit_value,
        audit_subject=_audit_subject,
        who=_who,
        roster_value=_roster_value,
    )
    return env


templates = Jinja2Templates(env=_environment())


@cache
def _page_environment(language: str) -> Environment:
    return _environment(language)


_page_templates: dict[tuple[str, str], Template] = {}


def page_template(language: str, name: str) -> Template:
    """Template `name` compiled for `language` (its fixed words written in), found without Jinja's cache
    (a lock and a weak reference per page)."""
    template = _page_templates.get((language, name))
    if template is None:
        template = _page_templates[language, name] = _page_environment(language).get_template(name)
    return template


def _notice_dismissed(request: Request) -> bool:
    """Whether the signed-in user closed the unofficial-translation notice (remembered on the user)."""
    live = current_session(request)
    return live is not None and live.notice_dismissed


def render(
    request: Request, template: str, context: Mapping[str, Any], status_code: int = 200
) -> HTMLResponse:
    lang = request_language(request)
    actor = optional_actor(request)
    sections: tuple[Section, ...] = visible(request.app.state.sections, actor)
    root = request.scope.get("root_path", "")
    path = request.url.path.removeprefix(root) or "/"
    current = next((s.key for s in sections if s.contains(path)), None)
    page = {
        "lang": lang,
        "official_language": OFFICIAL_LANGUAGE,
        "unofficial": lang != OFFICIAL_LANGUAGE,
        "notice_dismissed": _notice_dismissed(request),
        "language_items": language_items(request, lang),
        "sections": sections,
        "navigation_items": navigation_items(request.app, lang, root, sections, request.url.path, current),
        "current_section": current,
        "fixed_paths": fixed_paths(request.app, root),
        "actor": actor,
        "csrf_token": csrf_token(request),
        "request": request,
        **context,
    }
    # Starlette's TemplateResponse would look the template up again and send it and its context to a test
    # client's debug extension; the page is the template's text
    return HTMLResponse(page_template(lang, template).render(page), status_code=status_code)
