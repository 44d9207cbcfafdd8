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

import threading
import unicodedata
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Integer,
    Select,
    String,
    bindparam,
    column,
    func,
    literal_column,
    select,
    table,
)
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Session

from tekseru.store.models import Subject
from tekseru.store.name_keys import search_key

NAME_INDEX = "subjects_name_index"
TRIGRAM = 3  # the trigram tokenizer cannot find a shorter fragment

_index = table(NAME_INDEX, column("rowid"), column(NAME_INDEX))


def normalised(text: str) -> str:
    return " ".join(text.split())


def is_bin_prefix(text: str) -> bool:
    """Digits, perhaps typed in groups ("0405 4000"): the start of a BIN. Digits of any script count
    (full-width ０４０５ from some keyboards, Arabic-Indic): `bin_prefix` writes them as BINs are written."""
    return text.replace(" ", "").isdecimal()


def bin_prefix(text: str) -> str:
    return "".join(str(unicodedata.decimal(digit)) for digit in text.replace(" ", ""))


def has_text(text: str) -> bool:
    """Whether `text` looks for anything: a text of only what search keys leave out (control characters,
    NUL, direction marks) looks for nothing, as an empty one (it would match every name)."""
    return bool(search_key(text).strip())


@dataclass(frozen=True, slots=True)
class NameQuery:
    """How a name fragment is looked for: `kind` says which statement (the same for every fragment of its
    kind, so it is made once: `name_condition`, `indexed_name_ids`), `values` are its parameters."""

    kind: str  # INDEXED, INDEXED_WORDS (SQLite's text index), CONTAINS or CONTAINS_WORDS (LIKE on the keys)
    values: dict[str, Any]


INDEXED, INDEXED_WORDS, CONTAINS, CONTAINS_WORDS = "indexed", "indexed_words", "contains", "contains_words"
# A fragment the text index found in more names than the registry's text cap, looked for again name by
# name among the first subjects (`scanned_name_ids`, `CommonFragments`).
SCANNED = "scanned"


def name_query(session: Session, text: str) -> NameQuery:
    """The way to find the subjects whose name contains `text`, with its values: through SQLite's text
    index (a fragment of a trigram or more), else with LIKE on the keys (PostgreSQL's trigram index serves
    it); a fragment of several words on PostgreSQL asks the index for its rarest word (counted here)."""
    key = search_key(text)
    words = _words(key)
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite" and len(key) >= TRIGRAM:
        # the index finds names holding each word (but the common ones); the name's key holds the fragment
        match = (
            match_expression(key) if len(words) < 2 else match_expression(" ".join(_uncommon(session, words)))
        )
        values = {"match": match, "name_pattern": _pattern(key), "fragment": key}
        return NameQuery(INDEXED if len(words) < 2 else INDEXED_WORDS, values)
    if dialect != "postgresql" or len(words) < 2:
        return NameQuery(CONTAINS, {"name_pattern": _pattern(key)})
    rarest = words[_rarest(session, words)]
    return NameQuery(CONTAINS_WORDS, {"name_pattern": _pattern(key), "word_pattern": _pattern(rarest)})


def indexed_name_ids(kind: str, condition: Any, limit: Any) -> Select[Any]:
    """The ids (in id order, at most `limit`) of subjects whose name matches the text index's query
    `:match` (and, INDEXED_WORDS, whose key holds the whole fragment) and that meet `condition`."""
    if kind == INDEXED_WORDS:
        # a parameter, not a literal: SQLite plans it as well, and its driver reuses the prepared statement
        condition = Subject.name_key.like(bindparam("name_pattern", type_=String), escape=ESCAPE) & condition
    return (
        select(Subject.id)
        .select_from(_index.join(Subject.__table__, Subject.id == _index.c.rowid))
        .where(_index.c[NAME_INDEX].match(bindparam("match", type_=String)) & condition)
        .order_by(_index.c.rowid)
        .limit(limit)
    )


def scanned_name_ids(limit: Any) -> Select[Any]:
    """The ids (in id order, at most `limit`) of the subjects among the first `:budget` + 1 (by id) whose
    name's key holds the fragment: a fragment most names hold is found so after reading a few more names
    than `limit`. SQLite's text index reads the entries of every trigram of the fragment in every name
    before it gives the first: a page of a word all of 100,000 names hold took 0.83 ms so, 0.51 ms read
    name by name (its ids bounded by the `:budget`-th id, which SQLite walks in order and stops)."""
    bound = select(Subject.id).order_by(Subject.id).limit(1).offset(bindparam("budget", type_=Integer))
    last = select(func.max(Subject.id)).scalar_subquery()  # fewer subjects than the budget: all of them
    within = Subject.id <= func.coalesce(bound.scalar_subquery(), last)
    holding = Subject.name_key.like(bindparam("name_pattern", type_=String), escape=ESCAPE)
    return select(Subject.id).where(within & holding).order_by(Subject.id).limit(limit)


class CommonFragments:
    """The fragments a process found in more names than the text cap (the latest `size`): the next search
    for one of them reads names before it asks the text index. A fragment that became rare is found the
    other way all the same (`registry_queries.search_subjects`) and forgotten."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._known: OrderedDict[str, None] = OrderedDict()
        self._lock = threading.Lock()  # requests of one process share it from their threads

    def __contains__(self, fragment: str) -> bool:
        with self._lock:
            return fragment in self._known

    def remember(self, fragment: str) -> None:
        with self._lock:
            self._known[fragment] = None
            self._known.move_to_end(fragment)
            while len(self._known) > self.size:
                self._known.popitem(last=False)

    def forget(self, fragment: str) -> None:
        with self._lock:
            self._known.pop(fragment, None)


COMMON_FRAGMENTS = CommonFragments(1024)


class WordCounts:
    """How many names (up to WORD_COUNT_CAP) hold each word a process was asked for, per database: which
    words of a fragment SQLite's text index need not be asked (PostgreSQL's: which one word its trigram
    index is asked for, `_rarest`). An AND of phrases walks the entries of every
    trigram of every word, and a word nearly every name holds ("provider" in "provider 00123") cost most
    of the search; the rare words find the same names among fewer entries, and the name's key, compared
    with the whole fragment, says which hold it (`indexed_name_ids`). A count only chooses the words asked:
    one grown stale (names added or changed since) changes how fast a search is, never what it finds."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._known: OrderedDict[tuple[str, str], int] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, database: str, word: str) -> int | None:
        with self._lock:
            return self._known.get((database, word))

    def keep(self, database: str, word: str, count: int) -> None:
        with self._lock:
            self._known[(database, word)] = count
            while len(self._known) > self.size:
                self._known.popitem(last=False)


WORD_COUNTS = WordCounts(4096)
_WORD_COUNT = sql_text(
    f"SELECT count(*) FROM (SELECT rowid FROM {NAME_INDEX} WHERE {NAME_INDEX} MATCH :phrase LIMIT :cap)"
)


def _uncommon(session: Session, words: list[str]) -> list[str]:
    """The words of a fragment the text index is asked for: those fewer than WORD_COUNT_CAP names hold
    (counted once per process and database, each count stopping at the cap), or all when every word is
    that common (together they may still be rare)."""
    database = str(session.connection().engine.url)
    counts = []
    for word in words:
        count = WORD_COUNTS.get(database, word)
        if count is None:
            values = {"phrase": _phrase(word), "cap": WORD_COUNT_CAP}
            count = int(session.connection().execute(_WORD_COUNT, values).scalar_one())
            WORD_COUNTS.keep(database, word, count)
        counts.append(count)
    rare = [word for word, count in zip(words, counts, strict=True) if count < WORD_COUNT_CAP]
    return rare or words


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


def name_condition(kind: str) -> ColumnElement[bool]:
    """A condition on subjects: the name's key contains the fragment (CONTAINS: read name by name, or
    through PostgreSQL's trigram index; CONTAINS_WORDS: the index asked for the rarest word).

    The patterns are written into the statement (quoted) when it runs, not sent as parameters: psycopg
    prepares a statement on the server after a few runs, and PostgreSQL's plan for an unknown pattern walks
    every subject by id (55 ms at 100,000 subjects), the plan for the pattern uses the trigram index (3.5 ms).

    A fragment of several words on PostgreSQL: the trigram index is asked for its rarest word only, and the
    whole fragment is compared on those rows (as SQLite's text index does, `match_expression`). Asked for
    the whole fragment, the index reads the entries of every trigram of every word: "provider 00123",
    where every name holds "provider", took 12 to 16 ms (and 195 ms when the planner chose to walk the
    subjects instead), its rare word alone 0.1 ms. Which word is rarest is counted (`name_query`), each up
    to the registry's text cap, in one statement."""
    if kind != CONTAINS_WORDS:
        return _like("name_pattern")
    # `|| ''` keeps the whole fragment's comparison out of the index: it is checked on the rows found.
    whole = Subject.name_key.concat(literal_column("''")).like(_literal("name_pattern"), escape=ESCAPE)
    return _like("word_pattern") & whole


WORD_COUNT_CAP = 1001  # no word is counted further: past the registry's text cap any is common


def _rarest(session: Session, words: list[str]) -> int:
    """The index in `words` of the word fewest names hold (each counted up to WORD_COUNT_CAP), the counts
    kept per process as SQLite's are (`WORD_COUNTS`: a stale one changes how fast a search is, never what it
    finds). Counting a word nearly every name holds read a thousand names through the trigram index on
    every search of "provider 00123"; and a word not counted yet beside words counted at the cap is as rare
    as any of them, so it is taken without a count (the bench's searches then count nothing)."""
    database = str(session.connection().engine.url)
    counts = [WORD_COUNTS.get(database, word) for word in words]
    unknown = [index for index, count in enumerate(counts) if count is None]
    if len(unknown) == 1 and all(count is None or count >= WORD_COUNT_CAP for count in counts):
        return unknown[0]
    if unknown:
        values = {f"w{index}": _pattern(words[known]) for index, known in enumerate(unknown)}
        found = session.connection().execute(_word_counts(len(unknown)), values).one()
        for index, count in zip(unknown, found, strict=True):
            counts[index] = int(count)
            WORD_COUNTS.keep(database, words[index], int(count))
    return min(range(len(words)), key=lambda index: counts[index] or 0)


@lru_cache(maxsize=16)
def _word_counts(words: int) -> Select[Any]:
    counts = []
    for index in range(words):
        holding = select(Subject.id).where(_like(f"w{index}")).limit(WORD_COUNT_CAP).subquery()
        counts.append(select(func.count()).select_from(holding).scalar_subquery())
    return select(*counts)


ESCAPE = "/"


def _like(name: str) -> ColumnElement[bool]:
    return Subject.name_key.like(_literal(name), escape=ESCAPE)


def _literal(name: str) -> BindParameter[str]:
    return bindparam(name, type_=String, literal_execute=True)


def _pattern(key: str) -> str:
    """The LIKE pattern of names whose key contains `key` (its wildcards and escape character escaped)."""
    escaped = key.replace(ESCAPE, ESCAPE * 2).replace("%", ESCAPE + "%").replace("_", ESCAPE + "_")
    return f"%{escaped}%"
