"""The search page's table rows and the options of its filters, written in Python.

Why: a page of 25 rows took some ninety thousand instructions a row when each row was an object whose
fields were looked up and escaped one by one (markupsafe's `escape` makes a `Markup` object for each), and
the filters' options were named again on every page. What a language says alike on every page (the regions'
and groups' names, the classes' badges, "never visited", the options' lines) is worked out once per process,
for each catalogue (its regions), edition (its groups) and language: the catalogue is immutable while the
process lives, and the caches hold it, so an object's identity in a key is never reused while cached. What a
row brings of its own (BIN, name, score, dates, counts) is escaped here with `escaped`, markupsafe's rules.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from markupsafe import Markup

from tekseru.catalog import Catalogue
from tekseru.catalog.regions import Regions
from tekseru.i18n import format_date, format_decimal, translate
from tekseru.services.registry_queries import CLASSES, SubjectRow
from tekseru.web.chrome import escaped
from tekseru.web.pages.subject_rows import RISK_WORDS

NOT_ASSESSED = "none"  # the class filter's value and the badge of a subject not assessed


@dataclass(frozen=True)
class RowWords:
    """What every row of a language says alike, escaped."""

    regions: Mapping[str, str]  # region key: its name
    groups: Mapping[str, str]  # group key: its name
    badges: Mapping[str | None, str]  # class (None: not assessed): what the macro `risk_badge` writes
    never: str  # the visit of a subject never visited


def badge(risk_class: str | None, lang: str) -> str:
    """What the macro `risk_badge` of macros.html writes."""
    key = risk_class or NOT_ASSESSED
    return f'<span class="badge risk-{escaped(key)}">{escaped(translate(lang, RISK_WORDS + key))}</span>'


@lru_cache(maxsize=64)
def row_words(catalogue: Catalogue, edition_id: str, lang: str) -> RowWords:
    groups = catalogue.edition(edition_id).groups.values()
    return RowWords(
        regions={region.key: escaped(region.name.in_language(lang)) for region in catalogue.regions},
        groups={group.key: escaped(group.name.in_language(lang)) for group in groups},
        badges={key: badge(key, lang) for key in (*CLASSES, None)},
        never=escaped(translate(lang, "registry.never_visited")),
    )


@lru_cache(maxsize=4096)
def _ties(lang: str, gross: int, significant: int, minor: int) -> str:
    # the counts repeat from row to row (most subjects have a few of each)
    words = translate(lang, "registry.tie_break_counts", gross=gross, significant=significant, minor=minor)
    return escaped(words)


@lru_cache(maxsize=4096)
def _score(score: float, lang: str) -> str:
    return escaped(format_decimal(score, lang))


def _visit(day: date | None, lang: str, never: str) -> str:
    return never if day is None else escaped(format_date(day, lang))


def subject_rows(rows: Iterable[SubjectRow], words: RowWords, lang: str, card: str) -> Markup:
    """The `<tr>`s of the search page's table, one per row and a line between them; `card` is the path of
    a subject's card without its BIN."""
    card = escaped(card)
    regions, names, badges = words.regions, words.groups, words.badges
    groups_shown: dict[tuple[str, ...], str] = {}
    written = []
    for row in rows:
        region = regions.get(row.region)
        if region is None:  # a key the catalogue does not have (old data) is shown as it is
            region = escaped(row.region)
        groups = groups_shown.get(row.groups)
        if groups is None:
            groups = groups_shown[row.groups] = ", ".join(
                escaped(key) if (name := names.get(key)) is None else name for key in row.groups
            )
        shown_badge = badges.get(row.risk_class) or badge(row.risk_class, lang)
        if row.score is None:
            score, meta_ties, ties = "—", "", "—"
        else:
            score = _score(row.score, lang)
            ties = _ties(lang, row.gross_count, row.significant_count, row.minor_count)
            meta_ties = f' · <span class="ties">{ties}</span>'
        bin = escaped(row.bin)
        written.append(
            "    <tr>\n"
            f'      <th scope="row"><a href="{card}{bin}">{bin}</a></th>\n'
            "      <td>\n"
            f"        {escaped(row.name)}\n"
            f'        <p class="narrow-only meta">{region} · {shown_badge} {score}{meta_ties}</p>\n'
            "      </td>\n"
            f'      <td class="wide-only">{region}</td>\n'
            f'      <td class="wide-only">{groups}</td>\n'
            f'      <td class="wide-only">{shown_badge}</td>\n'
            f'      <td class="num wide-only">{score}</td>\n'
            f'      <td class="num wide-only ties">{ties}</td>\n'
            f'      <td class="wide-only">{_visit(row.last_visit_on, lang, words.never)}</td>\n'
            "    </tr>"
        )
    return Markup("\n".join(written))


@dataclass(frozen=True)
class Options:
    """A filter's `<option>` lines (key and name), none selected, and each key's line when selected."""

    lines: str
    chosen: Mapping[str, tuple[str, str]]  # key: (its line, its line selected)

    def selecting(self, key: str) -> Markup:
        """The lines with `key`'s selected (none when no option has it), without the last line's end."""
        found = self.chosen.get(key)
        text = self.lines if found is None else self.lines.replace(found[0], found[1], 1)
        return Markup(text[:-1])


def _options(items: Sequence[tuple[str, str]], indent: str = "        ") -> Options:
    lines, chosen = [], {}
    for key, name in items:
        value, label = escaped(key), escaped(name)
        # each line ends with its newline, so that replacing one never touches another
        line = f'{indent}<option value="{value}">{label}</option>\n'
        chosen[key] = (line, f'{indent}<option value="{value}" selected>{label}</option>\n')
        lines.append(line)
    return Options("".join(lines), chosen)


@lru_cache(maxsize=64)
def region_options(regions: Regions, lang: str) -> Options:
    """The region filter's options in the order a reader of `lang` looks for them."""
    return _options([(region.key, region.name.in_language(lang)) for region in regions.reading_order(lang)])


@lru_cache(maxsize=64)
def group_options(catalogue: Catalogue, edition_id: str, lang: str) -> Options:
    """The group filter's options: the edition's groups."""
    groups = catalogue.edition(edition_id).groups.values()
    return _options([(group.key, group.name.in_language(lang)) for group in groups])


@lru_cache(maxsize=8)
def class_options(lang: str) -> Options:
    """The class filter's options: the classes from the highest, then "not assessed"."""
    keys = (*reversed(CLASSES), NOT_ASSESSED)
    return _options([(key, translate(lang, RISK_WORDS + key)) for key in keys])
