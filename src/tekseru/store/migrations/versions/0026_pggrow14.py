"""Each subject's class in a run is kept in its leading result, not in a table of its own; the classes
and regions are 2-byte codes (issue 18: one run adds at most 200 MB).

The table `assessment_subject_classes` had a row for each subject in each run (70 bytes on PostgreSQL with
its header, and 20 more in its primary key) holding what the subject's leading result (one of those with
its highest score) mostly holds already: the run, the subject and the score. Its other columns move into
the results, set in the leading result and NULL in the subject's others: `subject_class` (the highest
class of its groups), `region_code` (its region, kept current by the trigger of migration 0005) and the
counts of the planning order's tie-break. Its three indexes become partial indexes of the results, of the
leading results only (`subject_class IS NOT NULL`), with the region's code in the place of its name.

A class is stored as its rank, 1 (low) to 3 (high), in every result (`risk_class`) and as the subject's
class (`subject_class`): 2 bytes where its name took 4 to 7. A region gets its code in the new table
`result_regions` as a group does in `result_groups` (0025). The violated criteria are the UTF-8 of the
characters numbered as the criteria (`tekseru.store.criteria_lists`: a byte each below 128), not a JSON
list: 9.5 bytes a result on average in the 10M benchmark, about 3.5 so.

PostgreSQL: the results are made again with the new 2-byte columns among the others (after the 4-byte
ones, nothing padded), their rows copied in the primary key's order, the key made again with fillfactor
100 (0021). SQLite makes the table again the same way (without rowid, as 0020).

Measured by bench/bench_end_to_end.py at its full size (1,000,000 subject-groups, 870,205 subjects, one
run; session 14, under load): PostgreSQL's growth 267.8 -> 191 MB (the classes' table and its indexes,
95.7 MB, gone; the results' rows 138.3 -> 139.7 MB, their key 28.5 MB as before, the three partial indexes
5.6 + 5.9 + 6.1 MB), SQLite's 158 -> 116 MB.

The upgrade takes as a subject's leading result the one with its highest score (of those, the group with
the lowest code). The downgrade makes the table of classes again from the leading results and puts the
classes' names back in the results.

Revision ID: 0026_pggrow14
Revises: 0025_pggrow13
Create Date: 2026-12-07
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0026_pggrow14"
down_revision: str | None = "0025_pggrow13"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

RESULTS = "assessment_results"
CLASSES = "assessment_subject_classes"
REGIONS = "result_regions"
FILLFACTOR = " WITH (fillfactor = 100)"  # PostgreSQL's keys and indexes of the run's rows, as 0021 made them
KEY = "run_key, subject_id, group_code"
HUNDREDTHS = "CAST(round(score * 100) AS INTEGER)"  # migration 0024's index of the planning order
RANKS = (("low", 1), ("medium", 2), ("high", 3))
KNOWN = "('low', 'medium', 'high')"

# The results' columns: (name, PostgreSQL's type, SQLite's type) in PostgreSQL's order, before and after.
_BEFORE = (
    ("score", "double precision NOT NULL", "DOUBLE NOT NULL"),
    ("significant_part", "double precision NOT NULL", "DOUBLE NOT NULL"),
    ("minor_part", "double precision NOT NULL", "DOUBLE NOT NULL"),
    ("run_key", "integer NOT NULL", "INTEGER NOT NULL"),
    ("subject_id", "integer NOT NULL", "INTEGER NOT NULL"),
    ("gross_found", "smallint NOT NULL", "INTEGER NOT NULL"),
    ("group_code", "smallint NOT NULL", "INTEGER NOT NULL"),
    ("risk_class", "character varying(8) NOT NULL", "VARCHAR(8) NOT NULL"),
    ("violated_criteria", "json NOT NULL", "JSON NOT NULL"),
    ("evidence_statuses", "bytea", "BLOB"),
)
_AFTER = (
    *_BEFORE[:5],
    ("group_code", "smallint NOT NULL", "INTEGER NOT NULL"),
    ("gross_found", "smallint NOT NULL", "INTEGER NOT NULL"),
    ("risk_class", "smallint NOT NULL", "INTEGER NOT NULL"),
    ("subject_class", "smallint", "INTEGER"),
    ("region_code", "smallint", "INTEGER"),
    ("gross_count", "smallint", "INTEGER"),
    ("significant_count", "smallint", "INTEGER"),
    ("minor_count", "smallint", "INTEGER"),
    ("violated_criteria", "bytea NOT NULL", "BLOB NOT NULL"),  # `tekseru.store.criteria_lists`
    _BEFORE[-1],
)
_CHECKS = {
    False: {"risk_class_known": f"risk_class IN {KNOWN}"},
    True: {
        "risk_class_known": "risk_class BETWEEN 1 AND 3",
        "subject_class_known": "subject_class BETWEEN 1 AND 3",
    },
}
# The partial indexes of the leading results (the classes' indexes of 0021 and 0024, by region code).
_LEAD_INDEXES = {
    "ix_assessment_results_lead_region_class": "run_key, region_code, subject_class",
    "ix_assessment_results_lead_class": "run_key, subject_class",
    "ix_assessment_results_lead_priority": f"run_key, {HUNDREDTHS}, gross_count",
}
_CLASS_INDEXES = {
    "ix_assessment_subject_classes_run_region_class": "run_key, region, risk_class",
    "ix_assessment_subject_classes_run_class": "run_key, risk_class",
    "ix_assessment_subject_classes_priority": f"run_key, {HUNDREDTHS}, gross_count",
}
_COUNTS = ("gross_count", "significant_count", "minor_count")

# The triggers that name the classes' table (0005, 0020, 0025) and what they do after each revision.
_REGION_TRIGGER = "subjects_region_in_classes"
_DELETE_TRIGGERS = {
    "assessment_rows_of_deleted_run": ("assessments", "run_key = {row}.run_key"),
    "assessment_rows_of_deleted_subject": (
        "subjects",
        "run_key IN (SELECT run_key FROM assessments) AND subject_id = {row}.id",
    ),
}


def _ranked(column: str, names: bool) -> str:
    """SQL of a class's rank from its name (or, `names`, its name from its rank)."""
    pairs = ((f"'{name}'", str(rank)) for name, rank in RANKS)
    cases = " ".join(
        f"WHEN {code} THEN {name}" if names else f"WHEN {name} THEN {code}" for name, code in pairs
    )
    return f"CASE {column} {cases} END"


def upgrade() -> None:
    op.create_table(
        REGIONS,
        # SQLite: INTEGER PRIMARY KEY numbers new rows itself; PostgreSQL: smallserial.
        sa.Column("code", sa.SmallInteger().with_variant(sa.Integer(), "sqlite"), primary_key=True),
        sa.Column("region", sa.String(32), nullable=False),
        sa.PrimaryKeyConstraint("code", name=f"pk_{REGIONS}"),
        sa.UniqueConstraint("region", name=f"uq_{REGIONS}_region"),
    )
    op.execute(f"INSERT INTO {REGIONS} (region) SELECT DISTINCT region FROM {CLASSES} ORDER BY region")
    _drop_triggers()
    # The leading result of each subject in each run: its highest score, then the lowest group's code.
    placed = (
        f"SELECT *, row_number() OVER (PARTITION BY run_key, subject_id ORDER BY score DESC, group_code) "
        f"AS place FROM {RESULTS}"
    )
    values = {
        "violated_criteria": _criteria(packed=True),
        "risk_class": _ranked("r.risk_class", names=False),
        "subject_class": _ranked("c.risk_class", names=False),
        "region_code": "g.code",
        **{name: f"c.{name}" for name in _COUNTS},
    }
    source = (
        f"({placed}) r LEFT JOIN {CLASSES} c ON c.run_key = r.run_key AND c.subject_id = r.subject_id "
        f"AND r.place = 1 LEFT JOIN {REGIONS} g ON g.region = c.region"
    )
    _rebuild(upgraded=True, values=values, source=source)
    op.execute(f"DROP TABLE {CLASSES}")  # with its indexes (no trigger is on it)
    for name, columns in _LEAD_INDEXES.items():
        op.execute(
            f"CREATE INDEX {name} ON {RESULTS} ({columns}){_storage()} WHERE subject_class IS NOT NULL"
        )
    _make_triggers(upgraded=True)


def downgrade() -> None:
    postgres = _postgres()
    _drop_triggers()
    counts = ", ".join(
        f"{name} {'smallint' if postgres else 'INTEGER'} NOT NULL DEFAULT 0" for name in _COUNTS
    )
    double = "double precision" if postgres else "FLOAT"
    key = "run_key, subject_id"
    op.execute(
        f"CREATE TABLE {CLASSES} (score {double} NOT NULL, run_key INTEGER NOT NULL, subject_id INTEGER "
        f"NOT NULL, {counts}, region VARCHAR(32) NOT NULL, risk_class VARCHAR(8) NOT NULL, "
        f"CONSTRAINT ck_{CLASSES}_risk_class_known CHECK (risk_class IN {KNOWN})"
        + ("" if postgres else f", CONSTRAINT pk_{CLASSES} PRIMARY KEY ({key})) WITHOUT ROWID")
        + (")" if postgres else "")
    )
    names = f"score, run_key, subject_id, {', '.join(_COUNTS)}, region, risk_class"
    op.execute(
        f"INSERT INTO {CLASSES} ({names}) SELECT r.score, r.run_key, r.subject_id, "
        f"{', '.join(f'r.{name}' for name in _COUNTS)}, g.region, {_ranked('r.subject_class', names=True)} "
        f"FROM {RESULTS} r JOIN {REGIONS} g ON g.code = r.region_code WHERE r.subject_class IS NOT NULL "
        f"ORDER BY r.run_key, r.subject_id"
    )
    if postgres:
        op.execute(f"ALTER TABLE {CLASSES} ADD CONSTRAINT pk_{CLASSES} PRIMARY KEY ({key}){FILLFACTOR}")
    for name, columns in _CLASS_INDEXES.items():
        op.execute(f"CREATE INDEX {name} ON {CLASSES} ({columns}){_storage()}")
    values = {"risk_class": _ranked("r.risk_class", names=True), "violated_criteria": _criteria(packed=False)}
    _rebuild(upgraded=False, values=values, source=f"{RESULTS} r")  # with the indexes of the leading ones
    op.drop_table(REGIONS)
    _make_triggers(upgraded=False)


def _criteria(*, packed: bool) -> str:
    """SQL of a result's violated criteria packed from their JSON list (or back): the UTF-8 of the characters
    numbered as the criteria (`tekseru.store.criteria_lists`, written out here as this revision has it).
    SQLite: by functions of this connection."""
    if _postgres():
        if packed:
            numbers = "json_array_elements_text(r.violated_criteria) WITH ORDINALITY AS e(value, n)"
            characters = f"(SELECT string_agg(chr(CAST(e.value AS INTEGER)), '' ORDER BY e.n) FROM {numbers})"
            return f"convert_to(coalesce({characters}, ''), 'UTF8')"
        characters = (
            "string_to_table(convert_from(r.violated_criteria, 'UTF8'), NULL) WITH ORDINALITY AS e(c, n)"
        )
        return f"coalesce((SELECT json_agg(ascii(e.c) ORDER BY e.n) FROM {characters}), CAST('[]' AS JSON))"
    driver = op.get_bind().connection.driver_connection
    name = "tekseru_packed_criteria" if packed else "tekseru_json_criteria"
    driver.create_function(name, 1, _packed if packed else _json, deterministic=True)  # type: ignore[union-attr]
    return f"{name}(r.violated_criteria)"


def _packed(text: str) -> bytes:
    return "".join(map(chr, json.loads(text))).encode("utf-8")


def _json(data: bytes) -> str:
    return json.dumps([ord(character) for character in bytes(data).decode("utf-8")], separators=(",", ":"))


def _postgres() -> bool:
    return bool(op.get_bind().dialect.name == "postgresql")


def _storage() -> str:
    return FILLFACTOR if _postgres() else ""


def _rebuild(*, upgraded: bool, values: dict[str, str], source: str) -> None:
    """The results made again with the columns of `_AFTER` (or `_BEFORE`), each the SQL of `values` over
    `source` (else the result's `r` own), their rows in the key's order."""
    postgres = _postgres()
    rebuilt = f"{RESULTS}_{revision}"
    columns = _AFTER if upgraded else _BEFORE
    checks = _CHECKS[upgraded]
    definitions = [f"{name} {kind if postgres else lite}" for name, kind, lite in columns]
    constraints = [f"CONSTRAINT ck_{RESULTS}_{name} CHECK ({check})" for name, check in checks.items()]
    if postgres:
        op.execute(f"CREATE TABLE {rebuilt} ({', '.join(definitions)})")
    else:
        key = f"CONSTRAINT pk_{RESULTS} PRIMARY KEY ({KEY})"
        op.execute(f"CREATE TABLE {rebuilt} ({', '.join([*definitions, key, *constraints])}) WITHOUT ROWID")
    names = [name for name, _, _ in columns]
    selected = ", ".join(values.get(name, f"r.{name}") for name in names)
    op.execute(
        f"INSERT INTO {rebuilt} ({', '.join(names)}) SELECT {selected} FROM {source} "
        f"ORDER BY r.run_key, r.subject_id, r.group_code"
    )
    op.execute(f"DROP TABLE {RESULTS}")  # with its key, checks and indexes
    op.execute(f"ALTER TABLE {rebuilt} RENAME TO {RESULTS}")
    if postgres:
        op.execute(f"ALTER TABLE {RESULTS} ADD CONSTRAINT pk_{RESULTS} PRIMARY KEY ({KEY}){FILLFACTOR}")
        for constraint in constraints:
            op.execute(f"ALTER TABLE {RESULTS} ADD {constraint}")


def _drop_triggers() -> None:
    """SQLite's triggers that name the tables made again (PostgreSQL's functions are replaced after)."""
    if not _postgres():
        for name in (_REGION_TRIGGER, *_DELETE_TRIGGERS):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")


def _make_triggers(*, upgraded: bool) -> None:
    """The triggers that move a subject's rows to its new region and delete a deleted run's or subject's
    rows: of the results alone after the upgrade, of the results and the classes before it."""
    postgres = _postgres()
    row = "NEW" if postgres else "new"
    rows_of_subject = _DELETE_TRIGGERS["assessment_rows_of_deleted_subject"][1].format(row=row)
    if upgraded:
        # The new region's code, given when no subject had the region (a statement that selects no row
        # takes no number from PostgreSQL's sequence, where ON CONFLICT would take one each time).
        region = (
            f"INSERT INTO {REGIONS} (region) SELECT {row}.region WHERE NOT EXISTS "
            f"(SELECT 1 FROM {REGIONS} WHERE region = {row}.region); "
            f"UPDATE {RESULTS} SET region_code = (SELECT code FROM {REGIONS} WHERE region = {row}.region) "
            f"WHERE {rows_of_subject} AND subject_class IS NOT NULL;"
        )
    else:
        region = f"UPDATE {CLASSES} SET region = {row}.region WHERE {rows_of_subject};"
    tables = (RESULTS,) if upgraded else (RESULTS, CLASSES)
    if postgres:
        op.execute(
            f"CREATE OR REPLACE FUNCTION {_REGION_TRIGGER}() RETURNS trigger AS $$ BEGIN {region} "
            "RETURN NULL; END $$ LANGUAGE plpgsql"
        )
        for name, (_, condition) in _DELETE_TRIGGERS.items():
            deletes = " ".join(
                f"DELETE FROM {table} WHERE {condition.format(row='OLD')};" for table in tables
            )
            op.execute(
                f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger AS $$ BEGIN {deletes} RETURN NULL; "
                "END $$ LANGUAGE plpgsql"
            )
        return
    op.execute(
        f"CREATE TRIGGER {_REGION_TRIGGER} AFTER UPDATE OF region ON subjects "
        f"WHEN old.region IS NOT new.region BEGIN {region} END"
    )
    for name, (parent, condition) in _DELETE_TRIGGERS.items():
        deletes = " ".join(f"DELETE FROM {table} WHERE {condition.format(row='old')};" for table in tables)
        op.execute(f"CREATE TRIGGER {name} AFTER DELETE ON {parent} BEGIN {deletes} END")
