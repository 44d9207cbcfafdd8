"""The one settings object: every setting has a name, a default, help text and an environment variable.

Text settings take the variable's value as it is. Number settings take a whole number greater than 0; any
other value, whether from the environment or given directly, raises `SettingError` naming the setting and
its environment variable.
"""

from __future__ import annotations

import os
from dataclasses import Field, dataclass, field, fields, replace
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tekseru.i18n import LANGUAGES


class SettingError(ValueError):
    """A setting given a value it cannot take; the message names the environment variable."""


def _setting(default: str, env: str, help: str) -> str:
    return field(default=default, metadata={"env": env, "help": help, "kind": str})


def _zone_setting(default: str, env: str, help: str) -> str:
    return field(default=default, metadata={"env": env, "help": help, "kind": ZoneInfo})


def _language_setting(default: str, env: str, help: str) -> str:
    return field(default=default, metadata={"env": env, "help": help, "kind": LANGUAGES})


def _positive_setting(default: int, env: str, help: str) -> int:
    return field(default=default, metadata={"env": env, "help": help, "kind": int})


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
        "Key that signs session cookies; when empty, one is generated on first use and kept in the database, "
        "so every process using that database signs with the same key.",
    )
    language: str = _language_setting(
        "kk",
        "TEKSERU_LANGUAGE",
        "Language of the command line's tables and messages when a command is given no --lang: kk (the act's "
        "official language), ru or en (unofficial working translations).",
    )
    time_zone: str = _zone_setting(
        "Asia/Almaty",
        "TEKSERU_TIME_ZONE",
        "IANA time zone in which pages, documents and the command line show moments (times are stored in "
        "UTC).",
    )
    login_max_failures: int = _positive_setting(
        5,
        "TEKSERU_LOGIN_MAX_FAILURES",
        "Failed sign-ins of one user name from one client address within the window before that name "
        "waits to try again from that address (30 seconds, doubling with each further failure, at most the "
        "window); an address may fail 4 times as often across its names, a name 10 times as often across "
        "all addresses (a whole number above 0).",
    )
    login_window_minutes: int = _positive_setting(
        15,
        "TEKSERU_LOGIN_WINDOW_MINUTES",
        "Minutes over which failed sign-ins are counted for those limits, and the longest wait "
        "(a whole number above 0).",
    )
    session_hours: int = _positive_setting(
        12,
        "TEKSERU_SESSION_HOURS",
        "Hours a session lasts after signing in; then the user signs in again (a whole number above 0).",
    )
    job_time_limit_seconds: int = _positive_setting(
        1800,
        "TEKSERU_JOB_TIME_LIMIT_SECONDS",
        "Seconds a background job (an import, an assessment) may run; a job still running then is stopped "
        "and marked timed out, and nothing it did is kept (a whole number above 0).",
    )
    web_threads: int = _positive_setting(
        2,
        "TEKSERU_WEB_THREADS",
        "Requests one web worker process works on at once; the others wait their turn. Python runs one "
        "thread at a time, so more threads only share the processor and stretch every answer; raise it "
        "for PostgreSQL far away on the network (a whole number above 0).",
    )
    import_max_rows: int = _positive_setting(
        1_048_576,
        "TEKSERU_IMPORT_MAX_ROWS",
        "The furthest row of an import or answer file (CSV or XLSX) that may hold data, the header and "
        "blank rows counted; a file with data further down is refused with an error naming that row "
        "(a whole number above 0; the default is the most rows a sheet can have).",
    )
    import_max_columns: int = _positive_setting(
        64,
        "TEKSERU_IMPORT_MAX_COLUMNS",
        "The furthest column of an import or answer file that may hold data; a file with data further "
        "right is refused with an error naming the row and column (a whole number above 0).",
    )

    trusted_roots: str = _setting(
        "",
        "TEKSERU_TRUSTED_ROOTS",
        "Certificates (PEM or DER files, or folders of them, separated by the system's path separator) of "
        "the roots an electronic digital signature must chain to, such as the NCA's root certificates; "
        "when empty, no signature is trusted unless `tekseru verify --trust` names a root.",
    )
    revocation_lists: str = _setting(
        "",
        "TEKSERU_REVOCATION_LISTS",
        "Certificate revocation lists (PEM or DER files, or folders of them, separated by the system's path "
        "separator) against which signers' certificates are checked; tekseru fetches nothing itself.",
    )

    ncalayer_url: str = _setting(
        "wss://127.0.0.1:13579",
        "TEKSERU_NCALAYER_URL",
        "Where the web pages reach NCALayer, the national signing application, on the user's own computer "
        "(its documented local WebSocket address); the signature pages may connect there and nowhere else.",
    )

    def __post_init__(self) -> None:
        for setting in fields(self):
            _check(setting, getattr(self, setting.name))

    @classmethod
    def from_environment(cls, environ: dict[str, str] | None = None, **overrides: str) -> Settings:
        source = os.environ if environ is None else environ
        known = {f.name: f for f in fields(cls)}
        values = {
            name: _parse(setting, source[setting.metadata["env"]])
            for name, setting in known.items()
            if setting.metadata["env"] in source
        }
        values.update(
            {
                key: _parse(known[key], value) if key in known else value
                for key, value in overrides.items()
                if value is not None
            }
        )
        return cls(**values)

    def with_database_path(self, path: Path) -> Settings:
        return replace(self, database_url=f"sqlite:///{path}")

    def environment(self) -> dict[str, str]:
        """The environment variables that `from_environment` reads back as these settings (for processes
        started from this one)."""
        return {setting.metadata["env"]: str(getattr(self, setting.name)) for setting in fields(self)}


def _parse(setting: Field[Any], raw: str) -> Any:
    """The value of a setting from the text of its environment variable."""
    if setting.metadata["kind"] in (str, ZoneInfo, LANGUAGES):
        return raw
    text = raw.strip()
    if not (text.isascii() and text.isdigit() and int(text) > 0):
        raise _error(setting, raw)
    return int(text)


def _check(setting: Field[Any], value: object) -> None:
    if setting.metadata["kind"] is ZoneInfo:
        _check_zone(setting, value)
    if setting.metadata["kind"] is LANGUAGES and value not in LANGUAGES:
        raise SettingError(
            f"{setting.metadata['env']} ({setting.name}) must be one of {', '.join(LANGUAGES)}, not {value!r}"
        )
    if setting.metadata["kind"] is int and not (type(value) is int and value > 0):
        raise _error(setting, value)


def _check_zone(setting: Field[Any], value: object) -> None:
    try:
        ZoneInfo(str(value))
    except (ZoneInfoNotFoundError, ValueError):
        raise SettingError(
            f"{setting.metadata['env']} ({setting.name}) must name an IANA time zone such as Asia/Almaty, "
            f"not {value!r}"
        ) from None


def _error(setting: Field[Any], value: object) -> SettingError:
    return SettingError(
        f"{setting.metadata['env']} ({setting.name}) must be a whole number greater than 0, not {value!r}"
    )


def documented_settings() -> list[tuple[str, str, str, str]]:
    """(name, environment variable, default, help) of every setting, for docs and their test."""
    return [(f.name, f.metadata["env"], str(f.default), f.metadata["help"]) for f in fields(Settings)]
