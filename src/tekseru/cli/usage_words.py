"""Typer's own words in the reader's language: a usage error (a missing argument, a bad value, an unknown
option or command, an extra argument) is said in the language of the command's `--lang`, else of the
`language` setting, like every other refusal of the command line.

Typer (its copy of click) writes these texts in English as it raises them. While a command runs
(`speaking`), the error panel is drawn from our own words instead: each kind of usage error is read for
what it names (the parameter, the value, the choices) and said again from the catalogues (`cli.usage.*`,
`polish.po`); so are the few texts Typer marks for gettext ("No such command", "Missing command."), the
"Usage:" line's label, the panel's title and its help hint. A text we do not recognise, such as a message
of our own parsers (already in the reader's language), is kept as it is. A help page is said in that
language too (`help_words`).
"""

from __future__ import annotations

import contextvars
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import typer.core
import typer.rich_utils
from typer._click import exceptions as click_errors

from tekseru.cli import help_words
from tekseru.i18n import messages, translate

# Texts Typer marks for gettext -> our keys.
GETTEXT = {
    "No such command {name!r}.": "cli.usage.no_such_command",
    "Missing command.": "cli.usage.missing_command",
    "Aborted!": "cli.usage.aborted",
}
MISSING = {
    "argument": "cli.usage.missing_argument",
    "option": "cli.usage.missing_option",
    "parameter": "cli.usage.missing_parameter",
}
# What a bad value's message says (Typer's, or pydantic's for a converted type) -> our key; the pattern's
# groups fill the message in.
VALUE_MESSAGES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.DOTALL), key)
    for pattern, key in (
        (r"(?:Value error, )?(?P<value>.+) is not one of (?P<choices>.+)\.", "cli.usage.not_choice"),
        (r"Input should be a valid integer.*", "cli.usage.not_integer"),
        (r"Input should be a valid number.*", "cli.usage.not_number"),
        (r"Input should be a valid UUID.*", "cli.usage.not_uuid"),
        (r"Input should be a valid (?:date|datetime).*", "cli.usage.not_date"),
        (r"Input should be a valid boolean.*", "cli.usage.not_boolean"),
        (r"Input should be greater than or equal to (?P<limit>\S+)", "cli.usage.at_least"),
        (r"Input should be less than or equal to (?P<limit>\S+)", "cli.usage.at_most"),
        (r"\w+ (?P<path>.+) does not exist\.", "cli.usage.path_missing"),
        (r"\w+ (?P<path>.+) is a file\.", "cli.usage.path_is_file"),
        (r"\w+ (?P<path>.+) is a directory\.", "cli.usage.path_is_folder"),
        (r"\w+ (?P<path>.+) is not readable\.", "cli.usage.path_unreadable"),
        (r"\w+ (?P<path>.+) is not writable\.", "cli.usage.path_unwritable"),
    )
)
USAGE_MESSAGES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.DOTALL), key)
    for pattern, key in (
        (r"Got unexpected extra argument\(s\) \((?P<args>.*)\)", "cli.usage.extra"),
        (r"Option (?P<name>.+) requires an argument\.", "cli.usage.needs_value"),
        (r"Option (?P<name>.+) requires (?P<nargs>\d+) arguments\.", "cli.usage.needs_values"),
        (r"Option (?P<name>.+) does not take a value\.", "cli.usage.takes_no_value"),
        (r"Argument (?P<name>.+) takes (?P<nargs>\d+) values\.", "cli.usage.argument_values"),
        # Typer adds its suggestions in English to the (translated) "No such command" message
        (r"(?P<message>.+?)\. Did you mean (?P<suggestions>.+)\?", "lang13.usage.did_you_mean"),
    )
)

_LANGUAGE: contextvars.ContextVar[str | None] = contextvars.ContextVar("tekseru_usage_language", default=None)
_ASKED: contextvars.ContextVar[str | None] = contextvars.ContextVar("tekseru_asked_language", default=None)


def spoken_language() -> str | None:
    """The language everything is said in while a command runs (`language_in`'s), or None outside one."""
    return _LANGUAGE.get()


def asked_language() -> str | None:
    """The language the command line's `--lang` asks for while a command runs (the root's `tekseru --lang
    ru COMMAND` included), or None."""
    return _ASKED.get()


def _matched(table: tuple[tuple[re.Pattern[str], str], ...], text: str, language: str) -> str | None:
    for pattern, key in table:
        found = pattern.fullmatch(text)
        if found is not None:
            return translate(language, key, **found.groupdict())
    return None


def _hint(error: click_errors.BadParameter, language: str) -> str | None:
    """What the error names: an argument by its name in `language` (as its help page names it), an option
    by its name."""
    hint: Any = error.param_hint
    param = error.param
    if hint is None and param is not None:
        named = messages(language).get(f"lang13.arg.{param.name}")
        hint = f"'{named}'" if param.param_type_name == "argument" and named else param.get_error_hint()
    if hint is not None and not isinstance(hint, str):
        hint = " / ".join(repr(part) for part in hint)
    return None if hint is None else str(hint)


def said(error: click_errors.ClickException, language: str) -> str:
    """The message of a usage error in `language` (kk, ru or en)."""
    if isinstance(error, click_errors.MissingParameter):
        param_type = error.param_type or (error.param.param_type_name if error.param is not None else "")
        hint = _hint(error, language)
        text = translate(language, MISSING.get(param_type, "cli.usage.missing_parameter"))
        text += f" {hint}." if hint else "."
        return f"{text} {error.message}" if error.message else text
    if isinstance(error, click_errors.BadParameter):
        hint = _hint(error, language)
        message = _matched(VALUE_MESSAGES, error.message, language) or error.message
        if hint is None:
            return translate(language, "cli.usage.invalid", message=message)
        return translate(language, "cli.usage.invalid_for", param_hint=hint, message=message)
    if isinstance(error, click_errors.NoSuchOption):
        text = error.message
        if text.startswith("No such option: "):
            text = translate(language, "cli.usage.no_such_option", name=error.option_name)
        if error.possibilities:
            options = ", ".join(sorted(error.possibilities))
            text += " " + translate(language, "cli.usage.possible_options", options=options)
        return text
    if isinstance(error, click_errors.FileError):
        return translate(language, "cli.usage.cannot_open", file=error.ui_filename, message=error.message)
    return _matched(USAGE_MESSAGES, error.format_message(), language) or error.format_message()


def _gettext(message: str) -> str:
    language, key = _LANGUAGE.get(), GETTEXT.get(message)
    if language is None or key is None:
        return message
    return messages(language).get(key) or message


class _Said(click_errors.UsageError):
    """A usage error said in the reader's language, drawn by Typer's own panel."""

    def __init__(self, error: click_errors.ClickException, language: str) -> None:
        super().__init__(said(error, language), getattr(error, "ctx", None))
        self.language = language

    def format_message(self) -> str:
        return self.message


class _Context:
    """The failed command's context as Typer's panel reads it, its usage line labelled in our words."""

    def __init__(self, context: Any, language: str) -> None:
        self._context, self._language = context, language

    def get_usage(self) -> str:
        """The usage line as the command's help page says it (its label, options and arguments)."""
        context = self._context
        path = help_words.command_path(context)
        said = help_words.said_command(context.command, path, self._language, context)
        usage: str = said.get_usage(context)
        return usage

    def __getattr__(self, name: str) -> Any:
        return getattr(self._context, name)


def _panel(draw: Callable[[click_errors.ClickException], None], language: str) -> Callable[..., None]:
    def draw_said(error: click_errors.ClickException) -> None:
        if error.__class__.__name__ == "NoArgsIsHelpError":
            draw(error)
            return
        told = _Said(error, language)
        if told.ctx is not None:
            told.ctx = _Context(told.ctx, language)  # type: ignore[assignment]
        draw(told)

    return draw_said


@contextmanager
def speaking(language: str, asked: str | None = None) -> Iterator[None]:
    """While the block runs, Typer's usage errors and help pages are said in `language`; `asked` is the
    language the command line's `--lang` asks for (None: the setting's)."""
    typer.core._ = _gettext  # type: ignore[attr-defined]
    token, asked_token = _LANGUAGE.set(language), _ASKED.set(asked)
    kept = typer.rich_utils.ERRORS_PANEL_TITLE, typer.rich_utils.RICH_HELP, typer.rich_utils.rich_format_error
    kept_help, kept_words = typer.rich_utils.rich_format_help, help_words.kept_page_words()
    typer.rich_utils.ERRORS_PANEL_TITLE = translate(language, "cli.usage.panel_title")
    typer.rich_utils.RICH_HELP = translate(language, "cli.usage.rich_help")
    typer.rich_utils.rich_format_error = _panel(kept[2], language)
    typer.rich_utils.rich_format_help = help_words.help_drawer(kept_help, language)
    for name, word in help_words.page_words(language).items():
        setattr(typer.rich_utils, name, word)
    try:
        yield
    finally:
        (
            typer.rich_utils.ERRORS_PANEL_TITLE,
            typer.rich_utils.RICH_HELP,
            typer.rich_utils.rich_format_error,
        ) = kept
        typer.rich_utils.rich_format_help = kept_help
        for name, word in kept_words.items():
            setattr(typer.rich_utils, name, word)
        _LANGUAGE.reset(token)
        _ASKED.reset(asked_token)
