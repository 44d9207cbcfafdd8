"""The search key of a name: the name as people type it, whatever keyboard they have.

Planners type a Kazakh name with the Russian letters that look like its own (Умит for Үміт, Кайрат for
Қайрат), or in one of the Kazakh Latin alphabets (Ümit, Qairat, Shymkent, O'ral), or in the informal
Latin of passports (Kh, Zh). The key folds all of these into one spelling: lower case, Cyrillic, with each
Kazakh-specific letter replaced by its Russian look-alike, and the vowels и, і, ы, й (which the Latin
alphabets write with i, ı and y in conflicting ways) made one. A name's key is stored beside it (migration
0012) and a typed fragment is folded the same way, so "contains" on keys is "contains" as people mean it.

The fold is deliberately broad (Кыз also finds Киз): a search that finds one name too many is harmless,
one that misses the subject the planner is looking at is not.
"""

from __future__ import annotations

# Latin letter pairs of informal transliteration, folded before single letters (order matters: "shch"),
# and the 2018 alphabet's s' and c'.
_DIGRAPHS = (
    ("shch", "щ"),
    ("sh", "ш"),
    ("ch", "ч"),
    ("zh", "ж"),
    ("kh", "х"),
    ("s'", "ш"),
    ("c'", "ч"),
    ("s\u2019", "ш"),
    ("c\u2019", "ч"),
)

_LETTERS = {
    # Kazakh Cyrillic letters -> their Russian look-alikes
    "ә": "а",
    "ғ": "г",
    "қ": "к",
    "ң": "н",
    "ө": "о",
    "ұ": "у",
    "ү": "у",
    "һ": "х",
    "і": "и",
    "ы": "и",
    "й": "и",
    "ё": "е",
    "э": "е",
    # Kazakh Latin (2017 acute, 2018 apostrophe, 2021 diacritics) and plain Latin -> Cyrillic
    "a": "а",
    "ä": "а",
    "á": "а",
    "b": "б",
    "c": "ц",
    "ç": "ч",
    "d": "д",
    "e": "е",
    "f": "ф",
    "g": "г",
    "ğ": "г",
    "ǵ": "г",
    "h": "х",
    "i": "и",
    "ı": "и",
    "j": "ж",
    "k": "к",
    "l": "л",
    "m": "м",
    "n": "н",
    "ñ": "н",
    "ń": "н",
    "o": "о",
    "ö": "о",
    "ó": "о",
    "p": "п",
    "q": "к",
    "r": "р",
    "s": "с",
    "ş": "ш",
    "t": "т",
    "u": "у",
    "ū": "у",
    "ú": "у",
    "ü": "у",
    "v": "в",
    "w": "у",
    "x": "х",
    "y": "и",
    "ý": "у",
    "z": "з",
}
# Apostrophes of the 2018 alphabet (s'), and the dot that Turkish İ leaves after lower-casing.
_DROPPED = ("'", "\u2019", "\u02bc", "`", "\u0307")
# Control characters a typed fragment may carry (a NUL pasted into the search box): no name holds one (they
# are refused when stored), so a search ignores them instead of being refused as a write would be.
_CONTROLS = (
    *map(chr, range(0x00, 0x09)),
    "\x0b",
    "\x0c",
    *map(chr, range(0x0E, 0x20)),
    *map(chr, range(0x7F, 0xA0)),
    "\u061c",
    "\u200e",
    "\u200f",
    *map(chr, range(0x202A, 0x202F)),
    *map(chr, range(0x2066, 0x206A)),
)
_TABLE = str.maketrans(_LETTERS | dict.fromkeys(_DROPPED + _CONTROLS, None))


def search_key(text: str) -> str:
    """The folded spelling of `text` (a name or a typed fragment), spaces made single."""
    folded = " ".join(text.lower().split())
    for pair, letter in _DIGRAPHS:
        folded = folded.replace(pair, letter)
    return folded.translate(_TABLE)
