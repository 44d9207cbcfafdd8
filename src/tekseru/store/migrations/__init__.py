"""Alembic migrations of the tekseru database (package data, run by tekseru.store.migrate)."""
