"""The one settings object: every setting has a name, a default, help text and an environment variable.

`Settings.from_environment()` reads the variables `TEKSERU_<NAME>` from the environment and from a `.env`
file in the current folder (the environment wins); `Settings(...)` is exactly what it is given, so that a
program or a test that builds one is not changed by the machine it runs on. Text settings take the
variable's value as it is. Number settings take a whole number greater than 0; any other value, whether from
the environment or given directly, raises `SettingError` naming the setting and its environment variable.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, StrictInt, ValidationError, field_validator
from pydantic.fields import FieldInfo
from pydantic_settings import (
    BaseSettings,
    DotEnvSettingsSource,
    EnvSettingsSource,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
)

from tekseru.i18n import LANGUAGES
from tekseru.message import Explained

ENV_PREFIX = "TEKSERU_"
ENV_FILE = ".env"
WHOLE_NUMBER = "must be a whole number greater than 0"
SMTP_SECURITY = ("starttls", "tls", "none")


class SettingError(Explained, ValueError):
    """A setting given a value it cannot take; the message names the environment variable."""


# The message of each setting with a rule of its own; a number setting says `setting.whole_number`.
_RULES = {"language": "setting.language", "time_zone": "setting.time_zone"}


def _number(default: int, help: str) -> Any:
    return Field(default, gt=0, description=help)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix=ENV_PREFIX, env_file=ENV_FILE, frozen=True, extra="ignore")

    database_url: str = Field(
        "sqlite:///tekseru.sqlite3",
        description="SQLAlchemy URL of the database: a SQLite file (default, in the current folder) or "
        "PostgreSQL.",
    )
    attachments_dir: str = Field(
        "tekseru-files", description="Folder where inspection attachments and generated documents are kept."
    )
    secret_key: str = Field(
        "",
        description="Key that signs session cookies; when empty, one is generated on first use and kept in "
        "the database, so every process using that database signs with the same key.",
    )
    language: str = Field(
        "kk",
        description="Language of the command line's tables and messages when a command is given no --lang: "
        "kk (the act's official language), ru or en (unofficial working translations).",
    )
    time_zone: str = Field(
        "Asia/Almaty",
        description="IANA time zone in which pages, documents and the command line show moments (times are "
        "stored in UTC).",
    )
    login_max_failures: StrictInt = _number(
        5,
        "Failed sign-ins of one user name from one client address within the window before that name "
        "waits to try again from that address (30 seconds, doubling with each further failure, at most the "
        "window); an address may fail 4 times as often across its names, a name 10 times as often across "
        "all addresses (a whole number above 0).",
    )
    login_window_minutes: StrictInt = _number(
        15,
        "Minutes over which failed sign-ins are counted for those limits, and the longest wait "
        "(a whole number above 0).",
    )
    session_hours: StrictInt = _number(
        12, "Hours a session lasts after signing in; then the user signs in again (a whole number above 0)."
    )
    job_time_limit_seconds: StrictInt = _number(
        1800,
        "Seconds a background job (an import, an assessment) may run; a job still running then is stopped "
        "and marked timed out, and nothing it did is kept (a whole number above 0).",
    )
    web_threads: StrictInt = _number(
        2,
        "Requests one web worker process works on at once; the others wait their turn. Python runs one "
        "thread at a time, so more threads only share the processor and stretch every answer; raise it "
        "for PostgreSQL far away on the network (a whole number above 0).",
    )
    import_max_rows: StrictInt = _number(
        1_048_576,
        "The furthest row of an import or answer file (CSV or XLSX) that may hold data, the header and "
        "blank rows counted; a file with data further down is refused with an error naming that row "
        "(a whole number above 0; the default is the most rows a sheet can have).",
    )
    import_max_columns: StrictInt = _number(
        64,
        "The furthest column of an import or answer file that may hold data; a file with data further "
        "right is refused with an error naming the row and column (a whole number above 0).",
    )

    trusted_roots: str = Field(
        "",
        description="Certificates (PEM or DER files, or folders of them, separated by the system's path "
        "separator) of the roots an electronic digital signature must chain to, such as the NCA's root "
        "certificates; when empty, no signature is trusted unless `tekseru verify --trust` names a root.",
    )
    revocation_lists: str = Field(
        "",
        description="Certificate revocation lists (PEM or DER files, or folders of them, separated by the "
        "system's path separator) against which signers' certificates are checked; tekseru fetches nothing "
        "itself.",
    )
    ncalayer_url: str = Field(
        "wss://127.0.0.1:13579",
        description="Where the web pages reach NCALayer, the national signing application, on the user's own "
        "computer (its documented local WebSocket address); the signature pages may connect there and "
        "nowhere else.",
    )
    subjects_see_risk: bool = Field(
        False,
        description="Whether a controlled subject's account sees its own risk score, class and their "
        "explanation on its pages (off by default; see docs/subjects.md for the reasons either way).",
    )

    smtp_host: str = Field(
        "",
        description="Mail server (SMTP) that notices are sent through; when empty, notices wait in the "
        "outbox and nothing is sent.",
    )
    smtp_port: StrictInt = _number(587, "Port of the mail server (a whole number above 0).")
    smtp_security: str = Field(
        "starttls",
        description="How the connection to the mail server is protected: starttls (upgrade a plain "
        "connection, usually port 587), tls (TLS from the start, usually port 465) or none (a server on "
        "this machine or a trusted network only).",
    )
    smtp_username: str = Field("", description="User name at the mail server; when empty, no sign-in.")
    smtp_password: str = Field("", description="Password at the mail server.")
    mail_from: str = Field("tekseru@localhost", description="The sender address of notices.")
    smtp_timeout_seconds: StrictInt = _number(
        30, "Seconds to wait for the mail server before an attempt counts as failed (a whole number above 0)."
    )
    outbox_retry_seconds: StrictInt = _number(
        60,
        "Seconds a notice waits after its first failed attempt; each further failure doubles the wait "
        "(a whole number above 0).",
    )
    outbox_retry_max_seconds: StrictInt = _number(
        3600, "The longest wait between two attempts to send a notice (a whole number above 0)."
    )
    notice_deadline_days: str = Field(
        "7,1",
        description="Days before a violation's deadline on which its subject is reminded, separated by "
        "commas (each a whole number above 0).",
    )
    public_url: str = Field(
        "http://127.0.0.1:8000",
        description="The address at which people reach tekseru, for the links in notices.",
    )

    if not TYPE_CHECKING:  # mypy keeps the pydantic plugin's typed signature

        def __init__(self, **values: Any) -> None:
            try:
                super().__init__(**values)
            except ValidationError as error:
                raise _refusal(error) from None

    @field_validator("language")
    @classmethod
    def _known_language(cls, value: str) -> str:
        if value not in LANGUAGES:
            raise ValueError(f"must be one of {', '.join(LANGUAGES)}")
        return value

    @field_validator("smtp_security")
    @classmethod
    def _known_security(cls, value: str) -> str:
        if value not in SMTP_SECURITY:
            raise ValueError(f"must be one of {', '.join(SMTP_SECURITY)}")
        return value

    @field_validator("notice_deadline_days")
    @classmethod
    def _days(cls, value: str) -> str:
        parts = [part.strip() for part in value.split(",")]
        if not all(part.isascii() and part.isdigit() and int(part) > 0 for part in parts):
            raise ValueError("must be whole numbers above 0 separated by commas, such as 7,1")
        return value

    @property
    def deadline_days(self) -> tuple[int, ...]:
        """`notice_deadline_days` as numbers, the largest first."""
        return tuple(sorted({int(part) for part in self.notice_deadline_days.split(",")}, reverse=True))

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("must name an IANA time zone such as Asia/Almaty") from None
        return value

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # Only what the caller gives: the environment is read by `from_environment`, where it is asked for.
        return (init_settings,)

    @classmethod
    def from_environment(cls, environ: dict[str, str] | None = None, **overrides: str | None) -> Settings:
        """The settings of the environment and the `.env` file; with `environ`, of that mapping alone.
        `overrides` (text, as in a variable) win over both."""
        if environ is None:
            found = {**DotEnvSettingsSource(cls)(), **EnvSettingsSource(cls)()}
        else:
            found = _GivenEnvironment(cls, environ)()
        found.update({name: value for name, value in overrides.items() if value is not None})
        return cls(**{name: _parse(name, raw) for name, raw in found.items() if name in cls.model_fields})

    def with_database_path(self, path: Path) -> Settings:
        return self.with_database_url(f"sqlite:///{path}")

    def with_database_url(self, url: str) -> Settings:
        return self.model_copy(update={"database_url": url})

    def environment(self) -> dict[str, str]:
        """The environment variables that `from_environment` reads back as these settings (for processes
        started from this one)."""
        return {environment_variable(name): str(value) for name, value in self.model_dump().items()}


class _GivenEnvironment(EnvSettingsSource):
    """The variables of a given mapping instead of the process's environment."""

    def __init__(self, settings_cls: type[BaseSettings], environ: dict[str, str]) -> None:
        self._given = environ
        super().__init__(settings_cls)

    def _load_env_vars(self) -> dict[str, str | None]:
        return {name.lower(): value for name, value in self._given.items()}  # as the base class does


def environment_variable(name: str) -> str:
    return f"{ENV_PREFIX}{name.upper()}"


def _is_number(setting: FieldInfo) -> bool:
    return setting.annotation is int


def _parse(name: str, raw: Any) -> Any:
    """The value of a setting from the text of its environment variable: numbers are ASCII digits only,
    so that "+3", "1e3", "1.5" and other scripts' digits are refused rather than read as something."""
    if not (_is_number(Settings.model_fields[name]) and isinstance(raw, str)):
        return raw
    text = raw.strip()
    if not (text.isascii() and text.isdigit() and int(text) > 0):
        refused = SettingError(f"{environment_variable(name)} ({name}) {WHOLE_NUMBER}, not {raw!r}")
        raise refused.saying("setting.whole_number", variable=environment_variable(name), value=repr(raw))
    return int(text)


def _refusal(error: ValidationError) -> SettingError:
    first = error.errors()[0]
    name = str(first["loc"][0])
    if _is_number(Settings.model_fields[name]):
        rule = WHOLE_NUMBER
    else:
        rule = str(first.get("ctx", {}).get("error", first["msg"]))
    refused = SettingError(f"{environment_variable(name)} ({name}) {rule}, not {first['input']!r}")
    variable, value = environment_variable(name), repr(first["input"])
    if _is_number(Settings.model_fields[name]):
        return refused.saying("setting.whole_number", variable=variable, value=value)
    if name in _RULES:
        return refused.saying(_RULES[name], variable=variable, value=value, languages=", ".join(LANGUAGES))
    return refused.saying("setting.other", variable=variable, value=value, rule=rule)


def documented_settings() -> list[tuple[str, str, str, str]]:
    """(name, environment variable, default, help) of every setting, for docs and their test."""
    return [
        (name, environment_variable(name), str(setting.default), setting.description or "")
        for name, setting in Settings.model_fields.items()
    ]
