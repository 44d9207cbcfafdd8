"""A result's violated criteria as stored (migration 0026): the UTF-8 bytes of the characters whose code
points are the criteria's numbers, `[1, 5, 78]` as b"\\x01\\x05N". A criterion numbered below 128 takes one
byte, one below 2048 two, where its JSON took its digits and a comma (the list 9.5 bytes a result on
average, 3 to 4 so). UTF-8 marks the first byte of each character apart from the others, so the bytes of
one criterion are found in a list only where that criterion is (`needle`: the registry's criterion filter
asks the database to find them). Bytes, not text: a text of control characters would be refused
(`tekseru.store.text`), and SQLite and PostgreSQL compare and search bytes alike."""

from __future__ import annotations

import json
from collections.abc import Iterable

NOTHING = b"\xff"  # no UTF-8 holds this byte: the needle of a number that is no criterion


def packed(numbers: Iterable[int]) -> bytes:
    """The stored form of a list of criteria's numbers (each from 1)."""
    return "".join(map(chr, numbers)).encode("utf-8")


def unpacked(data: bytes | memoryview) -> list[int]:
    """The criteria's numbers of a stored list, in their order."""
    return [ord(character) for character in bytes(data).decode("utf-8")]


def packed_json(text: str) -> bytes:
    """The stored form of a JSON list of numbers (what results stored before migration 0026 held)."""
    return packed(json.loads(text))


def needle(number: int) -> bytes:
    """The bytes of one criterion in a stored list (`NOTHING` for a number no criterion can have)."""
    try:
        return chr(number).encode("utf-8") if number > 0 else NOTHING
    except (ValueError, OverflowError, UnicodeEncodeError):
        return NOTHING
