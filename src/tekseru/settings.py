"""The one settings object: every setting has a name, a default, help text and an environment variable."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, fields, replace
from pathlib import Path


def _setting(default: str, env: str, help: str) -> str:
    return field(default=default, metadata={"env": env, "help": help})


@dataclass(frozen=True)
class Settings:
    database_url: str = _setting(
        "sqlite:///tekseru.sqlite3",
        "TEKSERU_DATABASE_URL",
        "SQLAlchemy URL of the database: a SQLite file (default, in the current folder) or PostgreSQL.",
    )
    attachments_dir: str = _setting(
        "tekseru-files",
        "TEKSERU_ATTACHMENTS_DIR",
        "Folder where inspection attachments and generated documents are kept.",
    )
    secret_key: str = _setting(
        "",
        "TEKSERU_SECRET_KEY",
        "Key that signs session cookies; generated and kept beside the database when empty.",
    )
    state_body: str = _setting(
        "",
        "TEKSERU_STATE_BODY",
        "Name of the state body printed on forms and lists "
        "(empty: the Committee of Labour and Social Protection).",
    )

    @classmethod
    def from_environment(cls, environ: dict[str, str] | None = None, **overrides: str) -> Settings:
        source = os.environ if environ is None else environ
        values = {f.name: source[f.metadata["env"]] for f in fields(cls) if f.metadata["env"] in source}
        values.update({key: value for key, value in overrides.items() if value is not None})
        return cls(**values)

    def with_database_path(self, path: Path) -> Settings:
        return replace(self, database_url=f"sqlite:///{path}")


def documented_settings() -> list[tuple[str, str, str, str]]:
    """(name, environment variable, default, help) of every setting, for docs and their test."""
    return [(f.name, f.metadata["env"], str(f.default), f.metadata["help"]) for f in fields(Settings)]
