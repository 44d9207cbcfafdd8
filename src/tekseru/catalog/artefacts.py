"""Finds what PDF extraction leaves in a text: letter spacing, split words, stray numbers, loose
punctuation, a word split after a hyphen.

A split word is found with a vocabulary: two neighbouring tokens whose concatenation is a known word while
one of them is not a word on its own (``автоматтандыры лған``, ``әлеуметтік-тұрм ыстық``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise

_TOKEN = re.compile(r"\S+")
_LETTER_SPACED = re.compile(r"(?<!\S)(?:\w[ \t]){2,}\w(?!\S)")
_BARE_NUMBER = re.compile(r"(?<!\S)\d+(?![\S])")
_LOOSE_PUNCTUATION = re.compile(r"\s[,.;:)]|\(\s")
_SPACE_AFTER_HYPHEN = re.compile(r"\w-\s+\w")
_EDGE_PUNCTUATION = "\"'«»()[],.;:!?“”"


@dataclass(frozen=True)
class Artefact:
    kind: str
    fragment: str
    position: int

    def __str__(self) -> str:
        return f"{self.kind} at {self.position}: {self.fragment!r}"


def word_of(token: str) -> str:
    return token.strip(_EDGE_PUNCTUATION).lower()


def vocabulary_of(texts: Iterable[str]) -> frozenset[str]:
    """Words that stand whole inside a line of the given texts.

    The first and last token of a line may be halves of a word broken across lines, so they are left out.
    """
    words: set[str] = set()
    for text in texts:
        for line in text.splitlines():
            tokens = line.split()
            words.update(word_of(token) for token in tokens[1:-1] if len(word_of(token)) > 1)
    words.discard("")
    return frozenset(words)


def find_artefacts(text: str, vocabulary: frozenset[str] = frozenset()) -> list[Artefact]:
    found = [Artefact("letter spacing", m.group(), m.start()) for m in _LETTER_SPACED.finditer(text)]
    found += [Artefact("number inside the text", m.group(), m.start()) for m in _BARE_NUMBER.finditer(text)]
    found += [
        Artefact("space around punctuation", m.group(), m.start()) for m in _LOOSE_PUNCTUATION.finditer(text)
    ]
    found += [
        Artefact("word split after a hyphen", m.group(), m.start())
        for m in _SPACE_AFTER_HYPHEN.finditer(text)
    ]
    found += _split_words(text, vocabulary)
    return sorted(found, key=lambda artefact: artefact.position)


def _split_words(text: str, vocabulary: frozenset[str]) -> list[Artefact]:
    if not vocabulary:
        return []
    tokens = list(_TOKEN.finditer(text))
    found = []
    for first, second in pairwise(tokens):
        left, right = word_of(first.group()), word_of(second.group())
        if not left or not right:
            continue
        joined = left + right
        if joined in vocabulary and (left not in vocabulary or right not in vocabulary):
            found.append(
                Artefact("word split by a space", f"{first.group()} {second.group()}", first.start())
            )
    return found
