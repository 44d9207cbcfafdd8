"""The rows of the subject card's tables (results, score history, evidence) and its document links, made
in Python: the markup the template's loops wrote, byte for byte.

Why: inside a loop every call of `t()` or `url()` made Jinja copy the page's whole context for it (the loop's
variables must be visible to it), and a card has up to dozens of evidence rows with eight such calls each:
those copies and calls were the larger part of the card's rendering. Here each word is looked up once per
page (the labels) and each path is made from its route's path once per page.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from markupsafe import Markup

from tekseru.i18n import format_date, format_decimal, say_stored, translate
from tekseru.i18n.actors import who
from tekseru.services.registry_queries import EvidenceRecord, ResultRow, ScorePoint
from tekseru.web.chrome import escaped, path_for
from tekseru.web.templating import query_string

RISK_WORDS = "risk."  # the classes' words: risk.high, risk.none...

SYSTEM_REPORT = "system-report:"  # an evidence reference to a roster check's report


def _path(app: Any, root: str, name: str, param: str) -> Callable[[object], str]:
    """The path of route `name` for a value of its one parameter (what `url(name, param=value)` gives)."""
    made = root + path_for(app, name, {param: "\0"})
    before, _, after = made.partition("\0")
    return lambda value: before + str(value) + after


def badge(risk_class: str | None, lang: str) -> Markup:
    """What the macro `risk_badge` of macros.html writes."""
    key = risk_class or "none"
    return Markup(
        f'<span class="badge risk-{escaped(key)}">{escaped(translate(lang, RISK_WORDS + key))}</span>'
    )


def _group_name(edition: Any, key: str, lang: str) -> str:
    group = edition.groups.get(key)
    return key if group is None else group.name.in_language(lang)


def result_rows(results: Iterable[ResultRow], edition: Any, lang: str) -> Markup:
    """The `<tr>`s of the table of results."""
    violated_word = escaped(translate(lang, "registry.subject.violated"))
    rows = []
    for result in results:
        violated = escaped(", ".join(str(n) for n in result.violated_criteria) or "—")
        rows.append(
            "    <tr>\n"
            f'      <th scope="row">{escaped(_group_name(edition, result.group_key, lang))}</th>\n'
            f'      <td class="num">{escaped(format_decimal(result.score, lang))}</td>\n'
            f"      <td>{badge(result.risk_class, lang)}"
            f'<p class="narrow-only meta">{violated_word}: {violated}</p></td>\n'
            f'      <td class="wide-only">{violated}</td>\n'
            "    </tr>"
        )
    return Markup("\n".join(rows))


def history_rows(history: Iterable[ScorePoint], edition: Any, lang: str, app: Any, root: str) -> Markup:
    """The `<tr>`s of the table of the score history."""
    run_path = _path(app, root, "assessments_run", "run_id")
    as_of, group, score, risk = (
        escaped(translate(lang, key))
        for key in ("assessments.as_of", "registry.group", "registry.score", "registry.class")
    )
    badges: dict[str, Markup] = {}
    rows = []
    for point in history:
        shown = badges.get(point.risk_class)
        if shown is None:
            shown = badges[point.risk_class] = badge(point.risk_class, lang)
        rows.append(
            "    <tr>\n"
            f'      <th scope="row" data-label="{as_of}"><a href="{escaped(run_path(point.run_id))}">'
            f"{escaped(format_date(point.as_of, lang))}</a></th>\n"
            f'      <td data-label="{group}">{escaped(_group_name(edition, point.group_key, lang))}</td>\n'
            f'      <td class="num" data-label="{score}">{escaped(format_decimal(point.score, lang))}</td>\n'
            f'      <td data-label="{risk}">{shown}</td>\n'
            "    </tr>"
        )
    return Markup("\n".join(rows))


def evidence_rows(
    evidence: Iterable[EvidenceRecord],
    confirmed_words: Mapping[bool | None, Markup],
    lang: str,
    app: Any,
    root: str,
) -> Markup:
    """The `<tr>`s of the table of evidence (the record's number first: the explanation names the evidence it
    counted by it)."""
    criterion_path = _path(app, root, "catalog_criterion", "number")
    report_path = _path(app, root, "rosters_report", "report_id")
    number, observed_on, criterion, reference = (
        escaped(translate(lang, key))
        for key in (
            "tester.evidence.number",
            "evidence.observed_on",
            "evidence.criterion",
            "evidence.reference",
        )
    )
    confirmed_word = escaped(translate(lang, "evidence.confirmed"))
    rows = []
    for item in evidence:
        confirmed, entered_by = confirmed_words[item.confirmed], escaped(who(lang, item.entered_by))
        link = escaped(translate(lang, "criterion.link", number=item.criterion))
        day, href = escaped(format_date(item.observed_on, lang)), escaped(criterion_path(item.criterion))
        if item.reference.startswith(SYSTEM_REPORT):
            report = item.reference[len(SYSTEM_REPORT) :]
            words = escaped(translate(lang, "lang13.evidence.system_report", id=report[:8]))
            source = f'<a href="{escaped(report_path(report))}" title="{escaped(item.reference)}">{words}</a>'
        else:
            source = escaped(say_stored(lang, item.reference))
        rows.append(
            f'    <tr id="evidence-{item.id}">\n'
            f'      <td class="num" data-label="{number}">{item.id}</td>\n'
            f'      <th scope="row" data-label="{observed_on}">{day}</th>\n'
            f'      <td class="num" data-label="{criterion}"><a href="{href}"'
            f' aria-label="{link}">{item.criterion}</a></td>\n'
            f'      <td data-label="{reference}">{source}'
            f'<p class="narrow-only meta">{confirmed_word}: {confirmed} · {entered_by}</p></td>\n'
            f'      <td class="wide-only">{confirmed}</td>\n'
            f'      <td class="wide-only">{entered_by}</td>\n'
            "    </tr>"
        )
    return Markup("\n".join(rows))


def document_links(
    appendices: Iterable[int],
    bin: str,
    document_words: Mapping[tuple[str, str], str],
    lang: str,
    app: Any,
    root: str,
) -> Markup:
    """The `<li>`s of the checklists to print: each appendix in PDF and DOCX, in Kazakh and in Russian."""
    path = root + path_for(app, "registry_checklist", {"bin": bin, "appendix": "\0"})
    before, _, after = path.partition("\0")
    items = []
    for appendix in appendices:
        checklist = before + str(appendix) + after
        links = ",\n".join(
            f'    <a href="{escaped(checklist + query_string({"format": kind, "lang": written_in}))}"'
            f' hreflang="{written_in}">{escaped(document_words[kind, written_in])}</a>'
            for kind in ("pdf", "docx")
            for written_in in ("kk", "ru")
        )
        label = escaped(translate(lang, "checklists.appendix_n", appendix=appendix))
        items.append(f"  <li>{label}:\n{links}\n  </li>")
    return Markup("\n".join(items))
