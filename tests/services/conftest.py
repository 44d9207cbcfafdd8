"""Service tests run on a SQLite file and, when TEKSERU_TEST_POSTGRES_URL is set, on PostgreSQL."""

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tekseru.services.accounts import use_password_hasher
from tekseru.store import Database
from tekseru.store.testing import database, database_url, postgres_server
from tests.web.support import seed, use_cheap_password_hashing

__all__ = ["database", "database_url", "postgres_server"]


@pytest.fixture
def seeded(database: Database, tmp_path: Path) -> uuid.UUID:
    """The registry of tests.web.support, assessed; the id of its run."""
    previous = use_cheap_password_hashing()
    try:
        return seed(database, tmp_path)
    finally:
        use_password_hasher(previous)


@pytest.fixture
def cheap_passwords() -> Iterator[None]:
    """argon2 with tiny costs while a test runs, for the modules that create users and sign in
    (`pytestmark = pytest.mark.usefixtures("cheap_passwords")`)."""
    previous = use_cheap_password_hashing()
    yield
    use_password_hasher(previous)
