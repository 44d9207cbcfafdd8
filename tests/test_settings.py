"""Settings from the environment: text as it is, numbers checked, errors that name the variable."""

from __future__ import annotations

from pathlib import Path

import pytest

from tekseru.settings import SettingError, Settings

NUMBERS = (
    ("login_max_failures", "TEKSERU_LOGIN_MAX_FAILURES"),
    ("login_window_minutes", "TEKSERU_LOGIN_WINDOW_MINUTES"),
    ("session_hours", "TEKSERU_SESSION_HOURS"),
    ("job_time_limit_seconds", "TEKSERU_JOB_TIME_LIMIT_SECONDS"),
)


def test_the_defaults() -> None:
    settings = Settings.from_environment({})
    assert settings == Settings()
    assert (settings.login_max_failures, settings.login_window_minutes, settings.session_hours) == (5, 15, 12)
    assert settings.job_time_limit_seconds == 1800  # half an hour: far more than the largest import takes


def test_the_number_settings_from_the_environment() -> None:
    settings = Settings.from_environment(
        {
            "TEKSERU_LOGIN_MAX_FAILURES": "2",
            "TEKSERU_LOGIN_WINDOW_MINUTES": " 30 ",
            "TEKSERU_SESSION_HOURS": "1",
            "TEKSERU_ATTACHMENTS_DIR": " As is ",
            "TEKSERU_JOB_TIME_LIMIT_SECONDS": "90",
            "TEKSERU_UNRELATED": "x",
        }
    )
    assert (settings.login_max_failures, settings.login_window_minutes, settings.session_hours) == (2, 30, 1)
    assert settings.job_time_limit_seconds == 90
    assert settings.attachments_dir == " As is "  # text settings are taken as they are


def test_overrides_are_parsed_like_the_environment() -> None:
    settings = Settings.from_environment({"TEKSERU_SESSION_HOURS": "3"}, session_hours="4", secret_key="k")
    assert (settings.session_hours, settings.secret_key) == (4, "k")
    with pytest.raises(SettingError, match="TEKSERU_SESSION_HOURS"):
        Settings.from_environment({}, session_hours="0")


@pytest.mark.parametrize(("name", "env"), NUMBERS)
@pytest.mark.parametrize("raw", ["0", "-1", "", " ", "abc", "1.5", "2h", "1e3", "+3", "٣"])
def test_bad_numbers_in_the_environment_are_refused(name: str, env: str, raw: str) -> None:
    with pytest.raises(SettingError) as refused:
        Settings.from_environment({env: raw})
    message = str(refused.value)
    assert env in message and name in message and repr(raw) in message
    assert "whole number greater than 0" in message


@pytest.mark.parametrize(("name", "env"), NUMBERS)
@pytest.mark.parametrize("value", [0, -5, True, 1.0, "3"])
def test_bad_numbers_given_directly_are_refused(name: str, env: str, value: object) -> None:
    with pytest.raises(SettingError, match=env):
        Settings(**{name: value})  # type: ignore[arg-type]


def test_a_setting_error_is_a_value_error() -> None:
    assert issubclass(SettingError, ValueError)


def test_the_time_zone_defaults_to_almaty_and_is_checked() -> None:
    assert Settings().time_zone == "Asia/Almaty"
    assert Settings.from_environment({"TEKSERU_TIME_ZONE": "Asia/Aqtobe"}).time_zone == "Asia/Aqtobe"
    with pytest.raises(SettingError, match=r"TEKSERU_TIME_ZONE \(time_zone\) must name an IANA time zone"):
        Settings.from_environment({"TEKSERU_TIME_ZONE": "Almaty/Nowhere"})
    with pytest.raises(SettingError, match="TEKSERU_TIME_ZONE"):
        Settings(time_zone="../../etc/passwd")


def test_the_command_line_language_defaults_to_kazakh_and_is_checked() -> None:
    assert Settings().language == "kk"
    assert Settings.from_environment({"TEKSERU_LANGUAGE": "ru"}).language == "ru"
    with pytest.raises(SettingError, match=r"TEKSERU_LANGUAGE \(language\) must be one of kk, ru, en"):
        Settings.from_environment({"TEKSERU_LANGUAGE": "de"})


def test_a_dot_env_file_in_the_current_folder_is_read_and_the_environment_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".env").write_text(
        "# deployment\nTEKSERU_SESSION_HOURS=3\nTEKSERU_LANGUAGE=ru\nTEKSERU_TEST_POSTGRES_URL=none\n",
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TEKSERU_SESSION_HOURS", raising=False)
    monkeypatch.setenv("TEKSERU_LANGUAGE", "en")
    settings = Settings.from_environment()
    assert (settings.session_hours, settings.language) == (3, "en")
    assert Settings() == Settings.from_environment({})  # built directly, settings read neither


def test_a_bad_value_in_the_dot_env_file_is_refused_naming_the_variable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / ".env").write_text("TEKSERU_JOB_TIME_LIMIT_SECONDS=soon\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TEKSERU_JOB_TIME_LIMIT_SECONDS", raising=False)
    with pytest.raises(SettingError) as refused:
        Settings.from_environment()
    assert str(refused.value) == (
        "TEKSERU_JOB_TIME_LIMIT_SECONDS (job_time_limit_seconds) must be a whole number greater than 0, "
        "not 'soon'"
    )
