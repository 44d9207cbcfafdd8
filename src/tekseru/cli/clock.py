"""Today's date for a command: the date in the `time_zone` setting (Asia/Almaty by default), here and
nowhere else on the command line. Commands hand it to the services, which never guess a date: a server's
own date, or UTC's, is still yesterday's until 05:00 in Almaty."""

from __future__ import annotations

from datetime import date


def cli_today() -> date:
    from tekseru.i18n.formats import local_today

    return local_today(cli_zone())


def cli_zone() -> str:
    """The `time_zone` setting: the zone every date a command shows or prints is in."""
    from tekseru.settings import Settings

    return Settings.from_environment().time_zone
