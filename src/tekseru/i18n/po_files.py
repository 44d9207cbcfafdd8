"""Reading a gettext `.po` file quickly: its messages, as Babel's `read_po` reads them, in a few
milliseconds.

Babel's reader builds a `Message` object (with its locations, flags and comments) for every entry and took
most of the command line's start (`tekseru --help` reads the `.po` files of one language). The catalogues
need only each message's id and its text, or plural forms: this reads those, line by line.
tests/i18n/test_po_files.py checks that it finds exactly what Babel finds in every file of the project.
Babel stays the tool that writes and checks the files (`pybabel`, tests/i18n/test_catalogues.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["PoEntry", "read_po_entries"]

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}


@dataclass
class PoEntry:
    """One message: its id, its plural id when it has plural forms, and its text or forms."""

    id: str
    plural_id: str | None = None
    string: str = ""
    forms: dict[int, str] = field(default_factory=dict)

    @property
    def pluralizable(self) -> bool:
        return self.plural_id is not None

    @property
    def plural_forms(self) -> tuple[str, ...]:
        return tuple(self.forms[index] for index in sorted(self.forms))


def _unquote(text: str) -> str:
    """The text of a quoted `.po` string (`"..."`), its escapes read."""
    text = text.strip()
    if len(text) < 2 or text[0] != '"' or text[-1] != '"':
        raise ValueError(f"not a quoted .po string: {text!r}")
    inner = text[1:-1]
    if "\\" not in inner:
        return inner
    parts, index = [], 0
    while index < len(inner):
        char = inner[index]
        if char == "\\" and index + 1 < len(inner):
            following = inner[index + 1]
            parts.append(_ESCAPES.get(following, "\\" + following))
            index += 2
        else:
            parts.append(char)
            index += 1
    return "".join(parts)


def read_po_entries(text: str) -> list[PoEntry]:
    """The messages of a `.po` file's text, the header (empty id) and obsolete (`#~`) entries left out."""
    entries: list[PoEntry] = []
    current: PoEntry | None = None
    target: tuple[str, int] | None = None  # what a continued string line adds to

    def finish() -> None:
        if current is not None and current.id:
            entries.append(current)

    for raw in text.splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith('"'):
            if current is None or target is None:
                raise ValueError(f"a string continued outside any entry: {raw!r}")
            _add(current, target, _unquote(line))
            continue
        keyword, _, rest = line.partition(" ")
        if keyword == "msgctxt":
            raise ValueError("message contexts (msgctxt) are not used by tekseru's catalogues")
        if keyword == "msgid":
            finish()
            current, target = PoEntry(_unquote(rest)), ("id", 0)
        elif current is None:
            raise ValueError(f"{keyword} before any msgid")
        elif keyword == "msgid_plural":
            current.plural_id, target = _unquote(rest), ("plural_id", 0)
        elif keyword == "msgstr":
            current.string, target = _unquote(rest), ("string", 0)
        elif keyword.startswith("msgstr[") and keyword.endswith("]"):
            index = int(keyword[7:-1])
            current.forms[index], target = _unquote(rest), ("forms", index)
        else:
            raise ValueError(f"not a .po line: {raw!r}")
    finish()
    return entries


def _add(entry: PoEntry, target: tuple[str, int], text: str) -> None:
    name, index = target
    if name == "id":
        entry.id += text
    elif name == "plural_id":
        entry.plural_id = (entry.plural_id or "") + text
    elif name == "string":
        entry.string += text
    else:
        entry.forms[index] += text
