"""What the extractor produces: Facts about Mentions, each with the Evidence it came from."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class Mention:
    """An entity named in the text.

    ``slug`` is set when a rule names the entity itself (an election by its date and
    chamber). Where that name depends on another entity, ``name`` and ``slug`` hold a
    ``{}`` that the resolver fills with ``owner``'s label and slug.
    """

    name: str
    kind: str
    start: int | None = None
    end: int | None = None
    slug: str | None = None
    description: str | None = None
    owner: Mention | None = None


@dataclass(frozen=True)
class DateValue:
    """A calendar date at day, month or year precision (``1995-08-30``, ``2007-05``, ``1995``)."""

    iso: str
    precision: str  # "day" | "month" | "year"
    start: int | None = field(default=None, compare=False)
    end: int | None = field(default=None, compare=False)

    @property
    def first_day(self) -> str:
        """The first day the value covers, as YYYY-MM-DD."""
        parts = self.iso.split("-") + ["01", "01"]
        return "-".join(parts[:3])


Value = Mention | DateValue | int | Decimal | str

# The classes of a chamber's role: its upper and lower house.
ROLE_CLASSES = {"upper": "wd:Q637846", "lower": "wd:Q375928"}


@dataclass(frozen=True)
class Evidence:
    """Where a fact was read: the sentence (or infobox line) and the words that say it."""

    source: str  # the document name
    start: int  # the sentence or infobox line
    end: int
    text: str
    span_start: int  # the matched words, within [start, end]
    span_end: int
    origin: str  # "infobox" | "prose"


@dataclass(frozen=True)
class Fact:
    subject: Mention
    relation: str
    value: Value
    evidence: Evidence
    qualifiers: tuple[tuple[str, Value], ...] = ()
    rule: str = ""


MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
_MONTH_NAMES = "|".join(sorted(MONTHS, key=len, reverse=True))
_MONTH = rf"(?P<month>{_MONTH_NAMES})\.?"
_DATE_PATTERNS = [
    re.compile(r"\b(?P<year>\d{4})-(?P<mm>\d{2})-(?P<day>\d{2})\b"),
    # "17–19 September 2021", "September 17–19, 2021": a vote over days dates from its first
    re.compile(rf"\b(?P<day>\d{{1,2}})[–-]\d{{1,2}} {_MONTH},? (?P<year>\d{{4}})\b", re.I),
    re.compile(rf"\b{_MONTH} (?P<day>\d{{1,2}})[–-]\d{{1,2}},? (?P<year>\d{{4}})\b", re.I),
    re.compile(
        rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)? (?:of )?{_MONTH},? (?P<year>\d{{4}})\b", re.I
    ),
    re.compile(rf"\b{_MONTH} (?P<day>\d{{1,2}})(?:st|nd|rd|th)?,? (?P<year>\d{{4}})\b", re.I),
    # "in September and October 1990", "February–March 2005": from the first month
    re.compile(rf"\b{_MONTH}(?: and |[–-])(?:{_MONTH_NAMES})\.?,? (?P<year>\d{{4}})\b", re.I),
    re.compile(rf"\b{_MONTH},? (?P<year>\d{{4}})\b", re.I),
    re.compile(
        r"\b(?:in|In|since|Since|until|Until|by|By|from|From|of|year) (?P<year>1[6-9]\d\d|20\d\d)\b"
        r"(?![-–]|\s+(?:Constitution|election|elections|referendum|[A-Z]))"
    ),
]


def find_dates(text: str, offset: int = 0) -> list[DateValue]:
    """Every date written in ``text``, in order, with offsets (plus ``offset``)."""
    found: list[DateValue] = []
    taken: list[tuple[int, int]] = []
    for pattern in _DATE_PATTERNS:
        year_only = pattern is _DATE_PATTERNS[-1]
        for m in pattern.finditer(text):
            start, end = (m.start("year") if year_only else m.start()), m.end()
            if any(s < end and start < e for s, e in taken):
                continue
            value = _date_of(m)
            if value is None:
                continue
            taken.append((start, end))
            found.append(DateValue(value[0], value[1], offset + start, offset + end))
    return sorted(found, key=lambda d: d.start or 0)


def parse_date(text: str) -> DateValue | None:
    """A date that is the whole of ``text`` (an infobox value), or None."""
    text = text.strip()
    if re.fullmatch(r"\d{4}", text):
        return DateValue(text, "year", 0, len(text))
    dates = find_dates(text)
    if len(dates) == 1 and dates[0].start == 0 and dates[0].end == len(text):
        return dates[0]
    return None


def _date_of(m: re.Match) -> tuple[str, str] | None:
    groups = m.groupdict()
    year = int(groups["year"])
    month = MONTHS.get((groups.get("month") or "").lower()) or (
        int(groups["mm"]) if groups.get("mm") else None
    )
    day = int(groups["day"]) if groups.get("day") else None
    if month is None:
        return f"{year:04d}", "year"
    if not 1 <= month <= 12:
        return None
    if day is None:
        return f"{year:04d}-{month:02d}", "month"
    if not 1 <= day <= calendar.monthrange(year, month)[1]:
        return None
    return f"{year:04d}-{month:02d}-{day:02d}", "day"


NUMBER_WORDS = {
    w: i
    for i, w in enumerate(
        [
            "zero",
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
        ]
    )
}
ORDINAL_WORDS = {
    w: i
    for i, w in enumerate(
        [
            "zeroth",
            "first",
            "second",
            "third",
            "fourth",
            "fifth",
            "sixth",
            "seventh",
            "eighth",
            "ninth",
            "tenth",
            "eleventh",
            "twelfth",
            "thirteenth",
            "fourteenth",
            "fifteenth",
        ]
    )
}


def number(word: str) -> int | None:
    """``"five"`` -> 5, ``"12"`` -> 12, ``"12th"`` / ``"Sixth"`` -> 12 / 6."""
    word = word.lower().strip()
    if word.isdigit():
        return int(word)
    m = re.fullmatch(r"(\d+)(?:st|nd|rd|th)", word)
    if m:
        return int(m.group(1))
    return NUMBER_WORDS.get(word, ORDINAL_WORDS.get(word))
