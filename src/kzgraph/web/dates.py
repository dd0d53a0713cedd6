"""Dates as people read them, at the precision the data gives (Wikibase ``timePrecision``).

Wikidata stores a year-only date as 1 January of that year with precision 9; shown as
``1995-01-01`` it reads as a day it is not, and sorted by its value it lands before
30 August 1995. Here a date is an interval: shown as ``1995``, ``May 2007`` or
``30 August 1995``, and sorted by the last day it may stand for (a fact known only to
the year is certainly no later than that year's end), more precise dates first.
"""

from __future__ import annotations

import calendar
import datetime
import re
from dataclasses import dataclass

import pyoxigraph as ox

from kzgraph.namespaces import XSD

DATE_TYPES = {XSD + "dateTime", XSD + "date", XSD + "dateTimeStamp"}
# The native (kzo:) shape writes a date at its precision as its own datatype.
PARTIAL_TYPES = {XSD + "gYear": "{}-01-01", XSD + "gYearMonth": "{}-01"}
DECADE, YEAR, MONTH, DAY = 8, 9, 10, 11  # wikibase:timePrecision values
_DATE = re.compile(r"^(-?\d{4,})-(\d{2})-(\d{2})")


@dataclass(frozen=True)
class Date:
    start: datetime.date
    precision: int

    @property
    def end(self) -> datetime.date:
        """The last day this date may stand for."""
        y, m = self.start.year, self.start.month
        if self.precision >= DAY:
            return self.start
        if self.precision == MONTH:
            return datetime.date(y, m, calendar.monthrange(y, m)[1])
        if self.precision == YEAR:
            return datetime.date(y, 12, 31)
        span = 10 ** (YEAR - self.precision)  # decade 10, century 100, millennium 1000
        return datetime.date(min(9999, y - y % span + span - 1), 12, 31)

    @property
    def sort_key(self) -> tuple[datetime.date, int, datetime.date]:
        return (self.end, -self.precision, self.start)

    @property
    def iso(self) -> str:
        """The date in ISO 8601, cut to its precision: 1995, 2007-05, 1995-08-30."""
        text = self.start.isoformat()
        return text[:4] if self.precision <= YEAR else text[:7] if self.precision == MONTH else text

    def __str__(self) -> str:
        d = self.start
        if self.precision >= DAY:
            return f"{d.day} {calendar.month_name[d.month]} {d.year}"
        if self.precision == MONTH:
            return f"{calendar.month_name[d.month]} {d.year}"
        if self.precision == YEAR:
            return str(d.year)
        if self.precision == DECADE:
            return f"{d.year - d.year % 10}s"
        return f"{d.year - d.year % 100 + 1}–{d.year - d.year % 100 + 100}"


def parse(value: str, precision: int | str | None = None) -> Date | None:
    """A date from an xsd:date/xsd:dateTime lexical form; None when it is not one.

    Without a precision the value is taken as the day it names (nothing says otherwise)."""
    match = _DATE.match(value.strip())
    if not match:
        return None
    try:
        start = datetime.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None
    try:
        level = int(precision) if precision not in (None, "") else DAY
    except ValueError:
        level = DAY
    return Date(start, min(level, DAY))


def of_literal(term: object, precision: int | str | None = None) -> Date | None:
    """The Date of an RDF literal typed as a date, else None."""
    if not isinstance(term, ox.Literal):
        return None
    datatype = term.datatype.value
    if datatype in DATE_TYPES:
        return parse(term.value, precision)
    if datatype in PARTIAL_TYPES:  # 1995 (year), 2007-05 (month)
        level = YEAR if datatype == XSD + "gYear" else MONTH
        return parse(PARTIAL_TYPES[datatype].format(term.value), level)
    return None


def shown(term: object, precision: int | str | None = None) -> str:
    """A term as text for a page: dates at their precision, other literals as their value."""
    date = of_literal(term, precision)
    if date is not None:
        return str(date)
    return getattr(term, "value", "" if term is None else str(term))
