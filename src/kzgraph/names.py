"""Name folding: the keys under which names match, and the slugs entities get.

Used by the extractor (spotting names), the resolver (canonical entities) and
the reconciliation service (matching a user's spelling), so all three agree.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

# Letters whose plain-ASCII folding would lose the sound the transliterations keep.
_LETTERS = str.maketrans(
    {
        "ş": "sh",
        "ș": "sh",
        "ç": "ch",
        "ğ": "g",
        "ı": "i",
        "ä": "a",
        "ә": "a",
        "ö": "o",
        "ü": "u",
        "ñ": "n",
        "ß": "ss",
        "æ": "ae",
        "ø": "o",
        "å": "a",
    }
)
_CYRILLIC = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюяәғқңөұүһі",
        [
            "a",
            "b",
            "v",
            "g",
            "d",
            "e",
            "e",
            "zh",
            "z",
            "i",
            "i",
            "k",
            "l",
            "m",
            "n",
            "o",
            "p",
            "r",
            "s",
            "t",
            "u",
            "f",
            "kh",
            "ts",
            "ch",
            "sh",
            "shch",
            "_",
            "y",
            "_",
            "e",
            "yu",
            "ya",
            "a",
            "g",
            "k",
            "n",
            "o",
            "u",
            "u",
            "h",
            "i",
        ],
        strict=True,
    )
)
_CYRILLIC["ъ"] = _CYRILLIC["ь"] = ""
# Spelling variants of the same sound in English transliterations of Kazakh and Russian.
_SOUNDS = [
    (re.compile(r"q"), "k"),
    (re.compile(r"zh"), "j"),
    (re.compile(r"kh"), "h"),
    (re.compile(r"(?<=[aeiou])y(?=[aeiou])"), ""),
    (re.compile(r"ye"), "e"),
    (re.compile(r"iy\b"), "i"),
    (re.compile(r"(.)\1"), r"\1"),
]


def simplify(name: str) -> str:
    """Lower case, Latin letters without accents, words separated by single spaces."""
    text = unicodedata.normalize("NFKC", name).lower()
    text = "".join(_CYRILLIC.get(ch, ch) for ch in text).translate(_LETTERS)
    text = "".join(
        ch for ch in unicodedata.normalize("NFKD", text) if not unicodedata.combining(ch)
    )
    text = re.sub(r"['’‘`]", "", text)
    return re.sub(r"[^a-z0-9]+", " ", text).strip()


@lru_cache(maxsize=1 << 16)
def fold(name: str) -> str:
    """The matching key of a name: ``"Äşimbaev"`` and ``"Ashimbayev"`` both give ``ashimbaev``.
    Cached: reading an article folds the same few thousand word runs many times."""
    text = simplify(name)
    for pattern, replacement in _SOUNDS:
        text = pattern.sub(replacement, text)
    return text


def slugify(name: str) -> str:
    """A stable ASCII slug: lower case, accents folded, words joined by hyphens."""
    return simplify(name).replace(" ", "-") or "unnamed"


def key_variants(name: str) -> list[str]:
    """Folded keys to try for a mention, most specific first ("the Nur Otan Party" -> "nur otan")."""
    key = fold(name)
    variants = [key]
    stripped = re.sub(r"^the ", "", key)
    variants.append(stripped)
    variants.append(re.sub(r" party$", "", stripped))
    variants.append(re.sub(r"^party ", "", stripped))
    return list(dict.fromkeys(v for v in variants if v))


def load_demonyms(path: str | Path) -> dict[str, str]:
    """Countries and their adjectives ("Moldova" -> "Moldovan") from a two-column table:
    how encyclopedias name a country's elections when its article does not say."""
    table = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            country, adjective = line.split("\t")
            table[country.strip()] = adjective.strip()
    return table


def adjective_of(country: str, demonyms: dict[str, str]) -> str:
    """ "Republic of Moldova" -> "Moldovan"; "" for a country the table does not have."""
    key = fold(re.sub(r"^(?:the )?(?:Republic of |Kingdom of )?", "", country.strip(), flags=re.I))
    return next((a for c, a in demonyms.items() if fold(c) == key), "")


def country_of_adjective(text: str, demonyms: dict[str, str]) -> str:
    """The country a title names by its adjective ("2021 Russian legislative election")."""
    words = " " + fold(text) + " "
    for country, adjective in demonyms.items():
        if f" {fold(adjective)} " in words:
            return country
    return ""
