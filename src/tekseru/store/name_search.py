"""Finding subjects by part of their name, through the text index of migrations 0005 and 0012.

Both the names and the typed fragment are compared as search keys (tekseru.store.name_keys): lower case
and folded, so Умит finds Үміт, Ümit and Umit too, and a fragment of any length behaves the same in every
alphabet on both databases (no reliance on the database's idea of case).
SQLite: the FTS5 trigram table `subjects_name_index` over the keys finds a fragment of three or more
letters without reading every name. Its matches come in id order, so a search that wants the first
thousand matches in registry order stops after them (SQLite may instead start from a region's subjects
and ask the index about each). A shorter fragment is looked for with LIKE on the keys.
PostgreSQL: LIKE on the keys, which the trigram GIN index (pg_trgm) serves when the server allowed it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Select,
    bindparam,
    column,
    func,
    literal_column,
    select,
    table,
)
from sqlalchemy.orm import Session

from tekseru.store.models import Subject
from tekseru.store.name_keys import search_key

NAME_INDEX = "subjects_name_index"
TRIGRAM = 3  # the trigram tokenizer cannot find a shorter fragment

_index = table(NAME_INDEX, column("rowid"), column(NAME_INDEX))


def normalised(text: str) -> str:
    return " ".join(text.split())


def is_bin_prefix(text: str) -> bool:
    """Digits, perhaps typed in groups ("0405 4000"): the start of a BIN."""
    return text.replace(" ", "").isdigit()


def bin_prefix(text: str) -> str:
    return text.replace(" ", "")


def indexed_name_ids(session: Session, text: str, condition: Any, *, limit: int) -> Select[Any] | None:
    """The ids (in id order, at most `limit`) of subjects whose name contains `text` and that meet
    `condition`, found through the SQLite text index; None when the index is not the way to find them (not
    SQLite, a fragment shorter than a trigram)."""
    text = search_key(text)
    if session.get_bind().dialect.name != "sqlite" or len(text) < TRIGRAM:
        return None
    words = _words(text)
    if len(words) > 1:  # the index finds names holding each word; the name's key holds the whole fragment
        condition = Subject.name_key.contains(text, autoescape=True) & condition
    return (
        select(Subject.id)
        .select_from(_index.join(Subject.__table__, Subject.id == _index.c.rowid))
        .where(_index.c[NAME_INDEX].match(match_expression(text)) & condition)
        .order_by(_index.c.rowid)
        .limit(limit)
    )


def _words(text: str) -> list[str]:
    return [word for word in text.split(" ") if len(word) >= TRIGRAM]


def match_expression(text: str) -> str:
    """The FTS5 query for names that may contain `text`: each of its words of three letters or more as a
    phrase, joined by AND (a fragment of one such word or none: the whole text as one phrase). The whole
    fragment as a phrase would make FTS5 walk the positions of every trigram in every name holding each of
    them (a fragment like "provider 00123", where every name has "provider", takes twice the time or more),
    so the words find the candidates and the name's search key, compared with LIKE, says which hold the
    whole fragment (`indexed_name_ids`)."""
    words = _words(text)
    parts = words if len(words) > 1 else [text]
    return " AND ".join(_phrase(part) for part in parts)


def _phrase(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def name_contains(session: Session, text: str) -> ColumnElement[bool]:
    """A condition on subjects: the name's key contains the key of `text` (read name by name, or through
    PostgreSQL's trigram index).

    The pattern is written into the statement (quoted), not sent as a parameter: psycopg prepares a
    statement on the server after a few runs, and PostgreSQL's plan for an unknown pattern walks every
    subject by id (55 ms at 100,000 subjects), the plan for the pattern uses the trigram index (3.5 ms).

    A fragment of several words on PostgreSQL: the trigram index is asked for its rarest word only, and the
    whole fragment is compared name by name among those (as SQLite's text index does, `match_expression`).
    Asked for the whole fragment, the index reads the entries of every trigram of every word: "provider
    00123", where every name holds "provider", took 12 to 16 ms (and 195 ms when the planner chose to walk
    the subjects instead), its rare word alone 0.1 ms. Which word is rarest is counted, each up to the
    registry's text cap, in one statement."""
    key = search_key(text)
    whole = Subject.name_key.like(_pattern("name_pattern", key), escape="/")
    words = _words(key)
    if session.get_bind().dialect.name != "postgresql" or len(words) < 2:
        return whole
    rarest = words[_rarest(session, words)]
    indexed = Subject.name_key.like(_pattern("word_pattern", rarest), escape="/")
    # `|| ''` keeps the whole fragment's comparison out of the index: it is checked on the rows found.
    unindexed = Subject.name_key.concat(literal_column("''")).like(_pattern("name_pattern", key), escape="/")
    return indexed & unindexed


WORD_COUNT_CAP = 1001  # no word is counted further: past the registry's text cap any is common


def _rarest(session: Session, words: list[str]) -> int:
    """The index in `words` of the word fewest names hold (each counted up to WORD_COUNT_CAP)."""
    counts = []
    for index, word in enumerate(words):
        holding = select(Subject.id).where(Subject.name_key.like(_pattern(f"w{index}", word), escape="/"))
        capped = holding.limit(WORD_COUNT_CAP).subquery()
        counts.append(select(func.count()).select_from(capped).scalar_subquery())
    found = session.connection().execute(select(*counts)).one()
    return min(range(len(words)), key=lambda index: found[index])


def _pattern(name: str, key: str) -> BindParameter[str]:
    escaped = key.replace("/", "//").replace("%", "/%").replace("_", "/_")
    return bindparam(name, f"%{escaped}%", literal_execute=True)
