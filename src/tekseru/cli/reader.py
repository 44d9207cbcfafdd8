"""The language of everything a command says, read from the command line before Typer parses it (so that
help pages and usage errors are said in it too): one rule for the whole command line."""

from __future__ import annotations

import os
from collections.abc import Sequence

# The language setting's variable and the settings file, as tekseru.settings has them (tests/cli/test_main.py
# checks they agree): read here without importing the settings (pydantic) when neither needs them, since
# `tekseru --help` does not.
LANGUAGE_VARIABLE = "TEKSERU_LANGUAGE"
SETTINGS_FILE = ".env"


def language_in(rest: Sequence[str]) -> str:
    """The language of everything the command says, help pages and refusals before any setting is read
    included: the `--lang` on the command line (the root's or the command's), else the language setting
    when it is itself valid (the variable, else the settings file), else kk (the default)."""
    from tekseru.i18n import DEFAULT_LANGUAGE, LANGUAGES

    asked = lang_option_in(rest)
    if asked is not None:
        return asked
    setting = os.environ.get(LANGUAGE_VARIABLE)
    if setting in LANGUAGES:
        return str(setting)
    if setting is None and not os.path.exists(SETTINGS_FILE):
        return DEFAULT_LANGUAGE
    from tekseru.settings import SettingError, Settings

    try:
        return Settings.from_environment().language
    except SettingError:
        return DEFAULT_LANGUAGE


def lang_option_in(rest: Sequence[str]) -> str | None:
    """The language a `--lang` of the command line asks for (the last one), or None."""
    from tekseru.i18n import LANGUAGES

    found = None
    for index, word in enumerate(rest):
        if word == "--":
            break
        asked = (
            rest[index + 1] if word == "--lang" and index + 1 < len(rest) else word.removeprefix("--lang=")
        )
        if (word == "--lang" or word.startswith("--lang=")) and asked in LANGUAGES:
            found = asked
    return found
