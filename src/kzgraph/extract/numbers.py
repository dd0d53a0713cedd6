"""Counts written in digits or in words ("125", "1,314", "fifty", "twenty-two")."""

from __future__ import annotations

import re
from functools import cache

from spacy.tokens import Token
from text_to_num import text2num


@cache
def number_of(word: str) -> int | None:
    """The whole number a word writes, or None (``"fifty"`` -> 50, ``"1,314"`` -> 1314)."""
    word = word.strip().lower()
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+|\d+", word):
        return int(word.replace(",", ""))
    m = re.fullmatch(r"(\d+)(?:st|nd|rd|th)", word)
    if m:
        return int(m.group(1))
    if not re.fullmatch(r"[a-z]+(?:[- ][a-z]+)*", word) or word in ("a", "an", "no", "none"):
        return None
    word = re.sub(r"^a (?=hundred|thousand)", "one ", word).replace(" and ", " ")
    try:
        return text2num(word.replace("-", " "), "en")
    except ValueError:
        return None


def count_in(match: re.Match, *groups: str) -> int | None:
    """The count the first matched of ``groups`` writes, or None (nor a year: 1800-2100)."""
    raw = next((match.group(g) for g in groups if match.group(g)), None)
    value = number_of(raw) if raw else None
    return None if value is None or 1800 <= value <= 2100 else value


def number_at(token: Token) -> int | None:
    """The number a token ends ("Forty-one" is three tokens: the last one counts)."""
    if not (token.like_num or token.pos_ == "NUM"):
        return None
    if token.i + 1 < len(token.doc) and token.nbor(1).text == "-":
        return None  # the number goes on ("Forty" of "Forty-one")
    start = token.i
    while start >= 2 and token.doc[start - 1].text == "-" and token.doc[start - 2].like_num:
        start -= 2
    return number_of(token.doc[start : token.i + 1].text.replace(" ", ""))
