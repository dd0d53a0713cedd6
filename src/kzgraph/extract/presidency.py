"""Who was elected the country's president, and when: "the deputies chose Čakste as the
first President of Latvia", "made the party leader Vladimir Voronin president on April 4,
2001", "Natsagiin Bagabandi was elected President of Mongolia in 1997".

Legislatures elect presidents in many countries, and articles about them tell it in passing.
Each such sentence gives a presidential election (named as encyclopedias name it, "2001
Moldovan presidential election", dated, the office it filled, the person it elected) and
the person's tenure from that date. A vice-president, an acting president or the president
of a chamber, a court or a party is not the country's president.
"""

from __future__ import annotations

import re

from kzgraph.extract.article import Article
from kzgraph.extract.clause import (
    Clause,
    Name,
    Reading,
    clause_evidence,
    country_adjective,
    name_mention,
    record_holder,
)
from kzgraph.extract.facts import DateValue, Mention
from kzgraph.names import slugify

# "X was elected President of Mongolia", "X, who was re-elected president"
_ELECTED_AFTER = re.compile(
    r"^(?:\s*\([^()]*\))?,?\s+(?:who\s+)?(?:was|were|had been)\s+(?:re-?)?elected\s+(?:as\s+)?"
    r"(?:the\s+)?(?:country's\s+)?(?:first\s+|new\s+)?(?P<title>[Pp]resident)\b"
)
# "chose Čakste as the first President", "made the party leader X president", "elected X"
_CHOSE_BEFORE = re.compile(
    r"\b(?:elected|re-elected|chose|made|voted in|installed)\s+(?:the\s+)?(?:[a-z\-]+\s+){0,3}$"
)
_AS_PRESIDENT = re.compile(
    r"^(?:\s*\([^()]*\))?(?:,[^,;]{1,80},)?\s+(?:as\s+)?(?:the\s+)?(?:country's\s+)?"
    r"(?:first\s+|new\s+)?(?P<title>[Pp]resident)\b"
)
# "X went on to win the presidential election of June 2021", "X won the presidency outright"
_WON = re.compile(
    r"^(?:\s*\([^()]*\))?,?\s+(?:then\s+|later\s+)?(?:went on to win|won|wins)\s+the\s+"
    r"(?P<title>presidential election|presidency)\b"
)
# "After winning the presidential election of 20 November 2022, X ..."
_WINNING = re.compile(r"\bwinning the (?:presidential election|presidency)\b[^;]*?,\s+$", re.I)
# "... President of the Parliament", "president of the Constitutional Court": not the country's
_OTHER_PRESIDENCY = re.compile(r"^\s+of\s+(?:the\s+)?(?!Republic\b)([^\W\d]\w*)", re.I)


def presidents(article: Article, reading: Reading, clause: Clause) -> None:
    """Each person the clause says was elected the country's president, on its date."""
    text = clause.text
    for person in clause.names_of("person"):
        told = _telling(clause, person)
        if told is None:
            continue
        start, end = told
        other = _OTHER_PRESIDENCY.match(text[end:])
        dated = other and any(d.start == end + other.start(1) for d in clause.dates)
        if other and not dated and other.group(1) not in article.country_name.split():
            continue  # "President of the Parliament", not "the presidential election of June 2021"
        if re.search(r"\b(?:vice|acting|interim)[- ]\w*$", text[:end]):
            continue
        when = _date_near(clause, start, end)
        if when is not None:
            _elected(article, clause, person, when, start, end)


# "Sooronbay Jeenbekov resigned the presidency on 15 October 2020", "resigned as president"
_RESIGNED = re.compile(
    r"^(?:\s*\([^()]*\))?,?\s+(?:\w+\s+)?resigned\s+(?:from\s+)?(?:the\s+presidency|as\s+president)\b"
    r"(?!\s+of\b)"  # not "resigned as president of the parliament"
)


def resignations(article: Article, reading: Reading, clause: Clause) -> None:
    """A president who resigned held the presidency until that day."""
    if not article.country_name:
        return
    for person in clause.names_of("person"):
        m = _RESIGNED.match(clause.text[person.end :])
        if m is None:
            continue
        when = _date_near(clause, person.start, person.end + m.end())
        if when is None:
            continue
        office = Mention(f"President of {article.country_name}", "office")
        record_holder(article, clause, office, person, None, None, when, "resigned")


def _telling(clause: Clause, person: Name) -> tuple[int, int] | None:
    """Where the words that say ``person`` was elected president start and end, or None."""
    text = clause.text
    after = _ELECTED_AFTER.match(text[person.end :]) or _WON.match(text[person.end :])
    if after is None and _CHOSE_BEFORE.search(text[max(0, person.start - 45) : person.start]):
        after = _AS_PRESIDENT.match(text[person.end :])
    if after is not None:
        return person.start, person.end + after.end()
    before = _WINNING.search(text[: person.start])
    if before is not None and person is _first(clause):
        return before.start(), person.end
    return None


def _first(clause: Clause) -> Name | None:
    people = clause.names_of("person")
    return people[0] if people else None


def _date_near(clause: Clause, start: int, end: int) -> DateValue | None:
    """The date of the clause closest to the words that tell the election."""
    dates = [d for d in clause.dates if d.start is not None]
    inside = [d for d in dates if start <= (d.start or 0) < end]
    if inside:  # "winning the presidential election of 20 November 2022"
        return DateValue(inside[0].iso, inside[0].precision)
    if not dates:
        return None
    nearest = min(dates, key=lambda d: min(abs((d.start or 0) - end), abs((d.end or 0) - start)))
    return DateValue(nearest.iso, nearest.precision)


def _elected(
    article: Article, clause: Clause, person: Name, when: DateValue, start: int, end: int
) -> None:
    country = article.country_name
    if not country:
        return
    office = Mention(f"President of {country}", "office")
    adjective = country_adjective(article)
    year = when.iso[:4]
    name = (
        f"{year} {adjective} presidential election"
        if adjective
        else f"{year} presidential election in {country}"
    )
    election = Mention(
        name, "election", slug=slugify(f"presidential election {when.iso} {country}")
    )
    ev = clause_evidence(article, clause, start, end)
    article.add(election, "pointInTime", when, ev, rule="presidential-election")
    article.add(election, "officeContested", office, ev, rule="presidential-election")
    article.add(
        election, "participant", name_mention(clause, person), ev, rule="presidential-election"
    )
    record_holder(article, clause, office, person, None, when, None, "presidential-election")
