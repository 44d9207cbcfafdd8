"""Service tests run on a SQLite file and, when TEKSERU_TEST_POSTGRES_URL is set, on PostgreSQL."""

import uuid
from pathlib import Path

import pytest

from tekseru.store import Database
from tests.databases import database, database_url, postgres_server
from tests.web.support import seed

__all__ = ["database", "database_url", "postgres_server"]


@pytest.fixture
def seeded(database: Database, tmp_path: Path) -> uuid.UUID:
    """The registry of tests.web.support, assessed; the id of its run."""
    return seed(database, tmp_path)
