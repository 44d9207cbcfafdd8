"""The `tekseru` command: each sub-command lives in its own module and only calls services.

A sub-command's module (and what it imports: the database, the web application, PDF and signatures) is
imported only when that sub-command runs, so that `tekseru --help` and a light command such as
`tekseru catalog criteria` start quickly; the modules import the database, the web and the documents
inside their commands, so that a sub-command's help is as quick (tests/cli/test_help_imports.py). The root
help lists each sub-command by the name and the help text kept in `COMMANDS` (`tekseru.cli.command_table`);
tests/cli/test_main.py checks that they are each module's own.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Mapping, MutableMapping, Sequence
from enum import StrEnum
from typing import Annotated, Any

import typer
from typer.core import TyperCommand, TyperGroup

from tekseru.cli.command_table import COMMANDS
from tekseru.cli.reader import lang_option_in, language_in


def load_command(name: str) -> Any:
    """The sub-command `name` as click runs it, its module imported now, built as `app.command()` and
    `app.add_typer()` would have built it."""
    target = COMMANDS[name][0]()
    if isinstance(target, typer.Typer):
        return _options_left_alone(
            typer.main.get_group_from_info(
                typer.models.TyperInfo(target, name=name),
                pretty_exceptions_short=app.pretty_exceptions_short,
                rich_markup_mode=app.rich_markup_mode,
                suggest_commands=app.suggest_commands,
            )
        )
    single = typer.Typer()
    single.command(name)(target)
    return typer.main.get_command_from_info(
        single.registered_commands[0],
        pretty_exceptions_short=app.pretty_exceptions_short,
        rich_markup_mode=app.rich_markup_mode,
    )


def _options_left_alone(group: Any) -> Any:
    """`group` and its sub-groups, each option left out (as their `--help` is when a sub-command's help is
    asked for) left alone as the root's are (`_unset_left_alone`). Each takes `--lang` as the root does
    (`tekseru plans --help --lang ru`, `tekseru plans --lang ru list`): the language is read from the whole
    command line (`tekseru.cli.reader`), so the option is only accepted, its value not passed on."""
    if not any(parameter.name == "lang" for parameter in group.params):
        group.params.append(_lang_option())
    options_of = group.get_params

    def get_params(context: typer.Context) -> list[Any]:
        parameters: list[Any] = options_of(context)
        for parameter in parameters:
            _unset_left_alone(parameter)
        return parameters

    group.get_params = get_params
    for command in getattr(group, "commands", {}).values():
        if hasattr(command, "commands"):
            _options_left_alone(command)
    return group


def _lang_option() -> Any:
    """The `--lang` option as Typer builds the root's, its value not passed to the group's callback."""
    holder = typer.Typer()

    @holder.command()
    def taking(lang: Annotated[_Language | None, typer.Option("--lang", help=_LANG_HELP)] = None) -> None:
        """Only here to have Typer build the option."""

    option = typer.main.get_command(holder).params[0]
    option.expose_value = False
    return option


class _Commands(MutableMapping[str, Any]):
    """The root group's sub-commands by name: every name of `COMMANDS` is there, each command built (and
    its module imported) when it is first looked up."""

    def __init__(self, built: Mapping[str, Any]) -> None:
        self._built = dict(built)

    def __getitem__(self, name: str) -> Any:
        if name not in self._built:
            if name not in COMMANDS:
                raise KeyError(name)
            self._built[name] = load_command(name)
        return self._built[name]

    def __setitem__(self, name: str, command: Any) -> None:
        self._built[name] = command

    def __delitem__(self, name: str) -> None:
        del self._built[name]

    def __contains__(self, name: object) -> bool:
        return name in COMMANDS or name in self._built

    def __iter__(self) -> Iterator[str]:
        return iter([*COMMANDS, *(name for name in self._built if name not in COMMANDS)])

    def __len__(self) -> int:
        return len(list(iter(self)))


class _Group(TyperGroup):
    """The root group: sub-commands loaded when asked for, the words of the command line kept for a
    refusal before any setting is read, and click's usage errors said in the language they ask for."""

    _listing = False

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.commands = _Commands(self.commands)

    def get_params(self, ctx: typer.Context) -> list[Any]:  # type: ignore[override]
        parameters = super().get_params(ctx)
        for parameter in parameters:  # `--lang`, `--help` and the completion options
            _unset_left_alone(parameter)
        return parameters

    def main(self, args: Sequence[str] | None = None, *rest: Any, **options: Any) -> Any:
        from tekseru.cli.usage_words import speaking

        words = list(sys.argv[1:] if args is None else args)
        with speaking(language_in(words), asked=lang_option_in(words)):
            return super().main(args, *rest, **options)

    def parse_args(self, ctx: typer.Context, args: list[str]) -> list[str]:  # type: ignore[override]
        ctx.meta[_ARGUMENTS] = list(args)
        return super().parse_args(ctx, args)

    def list_commands(self, ctx: typer.Context) -> list[str]:  # type: ignore[override]
        return list(self.commands)

    def get_command(self, ctx: typer.Context, cmd_name: str) -> Any:  # type: ignore[override]
        if self._listing and cmd_name in COMMANDS:  # the root help needs each name and help text only
            return TyperCommand(cmd_name, help=COMMANDS[cmd_name][1])
        return self.commands.get(cmd_name)

    def format_help(self, ctx: typer.Context, formatter: Any) -> None:  # type: ignore[override]
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False


def _unset_left_alone(parameter: Any) -> None:
    """An option of the root left out stays None without Typer's coercion, which imports pydantic (0.1 s):
    `tekseru plan --help` then costs what `tekseru --help` does (issue 18). Typer would give None too."""
    if "process_value" in vars(parameter):
        return
    process = parameter.process_value
    single = not parameter.multiple and parameter.nargs == 1

    def process_value(context: typer.Context, value: Any) -> Any:
        if value is not None or not single or parameter.required:
            return process(context, value)
        return None if parameter.callback is None else parameter.callback(context, parameter, None)

    parameter.process_value = process_value


_ARGUMENTS = "tekseru.arguments"

app = typer.Typer(
    cls=_Group,
    name="tekseru",
    help="Risk-based state control of special social services and of the social protection of persons "
    "with disabilities (Kazakhstan).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)


_LANG_HELP = "kk is official; ru and en are unofficial (default: the TEKSERU_LANGUAGE setting)."


class _Language(StrEnum):
    kk = "kk"
    ru = "ru"
    en = "en"


@app.callback()
def check_settings(
    context: typer.Context,
    lang: Annotated[
        _Language | None,
        typer.Option("--lang", help=_LANG_HELP),
    ] = None,
) -> None:
    """Every command reads the settings from the environment: a bad one stops it at once, named, with no
    traceback. `tekseru --lang ru COMMAND` asks every command for that language, as the command's own
    `--lang` does. A command's `--help` reads none, as the root's does: it stays quick (issue 18)."""
    if _HELP in _words_before_end(context):
        return
    from tekseru.i18n import say_error
    from tekseru.settings import SettingError, Settings

    try:
        Settings.from_environment()
    except SettingError as error:
        typer.echo(f"tekseru: {say_error(_language_asked(context), error)}", err=True)
        raise typer.Exit(2) from None


_HELP = "--help"


def _words_before_end(context: typer.Context) -> list[str]:
    """The words of the command line up to a `--` (after which `--help` is an argument, not the option)."""
    words = [str(word) for word in context.meta.get(_ARGUMENTS, ())]
    return words[: words.index("--")] if "--" in words else words


def _language_asked(context: typer.Context) -> str:

    return language_in([str(word) for word in context.meta.get(_ARGUMENTS, ())])


if __name__ == "__main__":
    app()
