"""The common commands that read the database import only what they need (issue 18): opening the database
checks its revision without Alembic, listing jobs imports none of the imports or the scoring, and listing or
showing a list or the inspections imports none of the document writers. Before, each of them took 1 to 2 s
of CPU to start: `tekseru jobs list` imported NumPy and Alembic, `tekseru plans list` fpdf2 and openpyxl.
Run on SQLite and PostgreSQL, on a database holding a stored list, in a process of their own."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tekseru.services import plans
from tekseru.store import Database
from tests.catalogue import CATALOGUE
from tests.databases import database, database_url, postgres_server
from tests.services.plan_data import NOW, SYSTEM, add_assessed_registry, no_history

__all__ = ["database", "database_url", "postgres_server"]

# What none of these commands needs: migrations, scoring, the documents and the mail templates.
NOT_NEEDED = (
    "alembic",
    "mako",
    "numpy",
    "fpdf",
    "openpyxl",
    "docx",
    "PIL",
    "segno",
    "jinja2",
    "tekseru.scoring.bulk",
    "tekseru.services.assessments",
    "tekseru.documents.plan_pdf",
    "tekseru.documents.checklist_pdf",
)
COMMANDS = (
    ["jobs", "list"],
    ["plans", "list"],
    ["plans", "show", "{plan}"],
    ["inspection", "list"],
    ["users", "list"],
    ["outbox", "status"],
)

# Runs each command in this one process, then prints which of the modules not needed were imported.
_PROBE = """
import contextlib, io, json, sys
from tekseru.cli.main import app
url, not_needed, commands = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])
for words in commands:
    with contextlib.redirect_stdout(io.StringIO()):
        try:
            app([*words, "--db", url], prog_name="tekseru")
        except SystemExit as stop:
            assert not stop.code, (words, stop.code)
print(json.dumps(sorted(n for n in sys.modules if any(n == m or n.startswith(m + ".") for m in not_needed))))
"""


def test_reading_commands_import_no_migrations_scoring_or_documents(
    database: Database, database_url: str
) -> None:
    add_assessed_registry(database)
    drafted = plans.draft_plan(
        database, SYSTEM, "2027-H1", now=NOW, visit_histories=no_history, catalogue=CATALOGUE
    )
    commands = [[word.format(plan=drafted.id) for word in words] for words in COMMANDS]
    environment = {name: os.environ[name] for name in ("PYTHONPATH", "HOME") if name in os.environ}
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, database_url, json.dumps(NOT_NEEDED), json.dumps(commands)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={"TEKSERU_LANGUAGE": "en", "COLUMNS": "120", "PATH": ""} | environment,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert json.loads(done.stdout.splitlines()[-1]) == []
