"""Who did something, in the reader's words: an account's name as it is; the command line's "cli:<login>"
(`tekseru.cli.actors`) and the system's own names (the demo loader, the first start, the outbox) in words."""

from __future__ import annotations

from tekseru.i18n.catalogues import translate

CLI_PREFIX = "cli:"
SYSTEM_NAMES = {
    "tekseru demo": "lang13.actor.demo",
    "demo": "lang13.actor.demo",
    "first start": "lang13.actor.first_start",
    "outbox": "lang13.actor.outbox",
    "system": "lang13.actor.system",
}


def actor_name(lang: str, name: str | None) -> str:
    """`name` as a reader of `lang` reads it; "—" for nobody."""
    if not name:
        return "—"
    if name.startswith(CLI_PREFIX):
        return translate(lang, "lang13.actor.cli", login=name.removeprefix(CLI_PREFIX))
    if name in SYSTEM_NAMES:
        return translate(lang, SYSTEM_NAMES[name])
    return name
