"""Every `--help` page of the command line in the reader's language (kk, ru or en).

The English help texts stay in the commands' code (Typer needs one); each is also a gettext message
(`lang13.po`) whose key is made from where it stands:

- a command's help: `lang13.cmd.<command path>` (`lang13.cmd.plans.show`; the root is `lang13.cmd.tekseru`);
- an option's or an argument's help: `lang13.opt.<command path>.<parameter>`, else, for a text many
  commands share (`--lang`, `--db`, `--by`...), `lang13.opt.<parameter>`;
- the placeholder of a value (the metavar): a word for its kind (`lang13.metavar.date` is ЖЖЖЖ-АА-КК,
  ГГГГ-ММ-ДД or YYYY-MM-DD), never a Python type; an argument's name: `lang13.arg.<name>`.

While a command runs (`usage_words.speaking`), Typer draws a help page from a copy of the command whose
texts are said in the reader's language; the command itself is not changed. Typer's own words on the page
(the panels' titles, "[required]", "[default: ...]", "Usage:", "[OPTIONS]") are said too. Only the
catalogues are read for this, so `tekseru --help` imports no sub-command's module.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Sequence
from typing import Any

import typer.rich_utils

from tekseru.i18n import messages, translate

# Parameters whose value is a date or a half-year though Typer reads them as text.
DATE_PARAMETERS = {"as_of", "on", "today"}
HALF_YEAR_PARAMETERS = {"half_year", "start", "end"}
# Typer's placeholder of a type -> the kind of value it stands for.
TYPE_WORDS = {
    "str": "text",
    "list[str]": "text",
    "int": "number",
    "int range": "number",
    "float range": "number",
    "float": "number",
    "path": "file",
    "file": "file",
    "list[Path]": "file",
    "%Y-%m-%d": "date",
    "HALF_YEAR": "half_year",
}


def command_key(path: Sequence[str]) -> str:
    return "lang13.cmd." + (".".join(_part(name) for name in path) or "tekseru")


# Where a parameter's help is kept, the newest first: a text that replaces an older one for every command
# (`--db`, which now takes a database URL too) wins over the older command's own.
HELP_DOMAINS = ("today13", "lang13")


def option_keys(path: Sequence[str], name: str) -> tuple[str, ...]:
    """The keys of a parameter's help, newest domain first: its own, then the one shared by the commands."""
    specific = ".".join([*(_part(part) for part in path), name])
    return tuple(
        key for domain in HELP_DOMAINS for key in (f"{domain}.opt.{specific}", f"{domain}.opt.{name}")
    )


def _part(name: str) -> str:
    return name.replace("-", "_")


def _said(language: str, keys: Sequence[str], fallback: str | None) -> str | None:
    words = messages(language)
    for key in keys:
        if words.get(key):
            return words[key]
    return fallback


def metavar(language: str, param: Any, ctx: Any) -> str | None:
    """The placeholder of an option's value in `language` (None for a flag), choices kept as they are
    typed."""
    if getattr(param, "is_flag", False) or getattr(param, "count", False):
        return None
    shown = str(param.metavar or param.display_type(ctx))
    bare = shown[1:-1] if shown.startswith("<") and shown.endswith(">") else shown
    kind = TYPE_WORDS.get(bare)
    if param.name in DATE_PARAMETERS:
        kind = "date"
    elif param.name in HALF_YEAR_PARAMETERS:
        kind = "half_year"
    if kind is None:  # choices: the values a user types
        return shown
    named = messages(language).get(f"lang13.arg.{param.name}")  # a BIN, a login...
    if kind == "text" and named:
        return named
    return translate(language, f"lang13.metavar.{kind}")


def _parameter(param: Any, path: Sequence[str], language: str, ctx: Any) -> Any:
    said = copy.copy(param)
    if getattr(param, "help", None):  # a parameter without help gets none from a shared text
        said.help = _said(language, option_keys(path, param.name or ""), param.help)
    if param.param_type_name == "argument":
        name = _said(language, [f"lang13.arg.{param.name}"], None)
        said.metavar = name or param.metavar
        word = metavar(language, param, ctx)
        said.display_type_rich = lambda ctx: word
    else:
        said.metavar = metavar(language, param, ctx)
        said.display_type_rich = lambda ctx: said.metavar
    return said


def said_command(command: Any, path: Sequence[str], language: str, ctx: Any) -> Any:
    """A copy of `command` whose texts are said in `language`."""
    said = copy.copy(command)
    said.help = _said(language, [command_key(path)], command.help)
    said.short_help = None
    params = [_parameter(param, path, language, ctx) for param in command.get_params(ctx)]
    said.get_params = lambda ctx: params
    said.options_metavar = translate(language, "lang13.metavar.options")
    if hasattr(command, "subcommand_metavar"):
        said.subcommand_metavar = translate(language, "lang13.metavar.subcommand")

        def get_command(ctx: Any, name: str) -> Any:
            found = command.get_command(ctx, name)
            return None if found is None else _listed(found, [*path, name], language)

        said.get_command = get_command
    usage = said.get_usage
    said.get_usage = lambda ctx: re.sub(r"^Usage:", translate(language, "cli.usage.usage"), usage(ctx))
    return said


def _listed(command: Any, path: Sequence[str], language: str) -> Any:
    said = copy.copy(command)
    said.help = _said(language, [command_key(path)], command.help)
    said.short_help = None
    return said


def command_path(ctx: Any) -> list[str]:
    """The names of the sub-commands `ctx` is in, from the root's (left out) down."""
    names: list[str] = []
    while ctx is not None and ctx.parent is not None:
        names.insert(0, ctx.info_name or "")
        ctx = ctx.parent
    return names


def help_drawer(draw: Callable[..., None], language: str) -> Callable[..., None]:
    """Typer's `rich_format_help`, drawing the page of a copy of the command said in `language`."""

    def draw_said(*, obj: Any, ctx: Any, markup_mode: Any) -> None:
        draw(obj=said_command(obj, command_path(ctx), language, ctx), ctx=ctx, markup_mode=markup_mode)

    return draw_said


# Typer's own words on a help page -> our keys.
PAGE_WORDS = {
    "ARGUMENTS_PANEL_TITLE": "lang13.help_page.arguments",
    "OPTIONS_PANEL_TITLE": "lang13.help_page.options",
    "COMMANDS_PANEL_TITLE": "lang13.help_page.commands",
    "REQUIRED_LONG_STRING": "lang13.help_page.required",
    "DEFAULT_STRING": "lang13.help_page.default",
    "ENVVAR_STRING": "lang13.help_page.envvar",
    "DEPRECATED_STRING": "lang13.help_page.deprecated",
}


def page_words(language: str) -> dict[str, str]:
    """Typer's words on a help page in `language`, by their name in `typer.rich_utils`; `{}` stays where
    Typer fills a value in."""
    return {name: translate(language, key).replace("{value}", "{}") for name, key in PAGE_WORDS.items()}


def kept_page_words() -> dict[str, Any]:
    return {name: getattr(typer.rich_utils, name) for name in PAGE_WORDS}
