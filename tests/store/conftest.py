"""Store tests run on a SQLite file and, when TEKSERU_TEST_POSTGRES_URL is set, on PostgreSQL."""

from tests.databases import database, database_url, postgres_server

__all__ = ["database", "database_url", "postgres_server"]
