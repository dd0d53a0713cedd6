"""A house's convocation told by its ordinal and the day it first met: "The eighth State
Duma held its first sitting on 12 October 2021", "The Eighth Althing held its inaugural
session on 30 June 2020", "X opened the Fourteenth Saeima on 1 November 2022".

Encyclopedias name a legislative term by the ordinal and the house ("eighth State Duma") or as
a convocation ("8th convocation of the State Duma"): one entity, part of the house, that
begins the day it first met.
"""

from __future__ import annotations

import re

from kzgraph.extract.article import Article
from kzgraph.extract.clause import Clause, Name, Reading, clause_evidence, name_mention
from kzgraph.extract.facts import ORDINAL_WORDS, DateValue, Mention, number
from kzgraph.extract.prose import convocation_mention
from kzgraph.names import fold

_ORDINAL = rf"(?:{'|'.join(w for w in ORDINAL_WORDS if w != 'zeroth')}|\d+(?:st|nd|rd|th))"
_ORDINAL_AT = re.compile(rf"(?i:{_ORDINAL})\s+")
# what the house did that day: "held its first sitting", "met for the first time", "convened"
_FIRST_MET = re.compile(
    r"^\s+(?:held its (?:first|inaugural|opening|constituent) (?:sitting|session|meeting)"
    r"|(?:first )?(?:met|convened|assembled)(?: for the first time)?)\s+on\s+$"
)
_OPENED = re.compile(r"\bopened\s+(?:the\s+)?$")


def convocations(article: Article, reading: Reading, clause: Clause) -> None:
    """Each convocation the clause says first met, or was opened, on a day."""
    text = clause.text
    for body, rank, start in _ordinal_bodies(article, clause):
        day = next((d for d in clause.dates if d.precision == "day" and d.start >= body.end), None)
        if day is None:
            continue
        between = text[body.end : day.start]
        if not (
            _FIRST_MET.match(between)
            or _OPENED.search(text[:start])
            and re.fullmatch(r"\s+on\s+", between)
        ):
            continue
        house = name_mention(clause, body) if body.start > start else _house(article, clause, body)
        if house is None:
            continue
        convocation = convocation_mention(house, rank)
        ev = clause_evidence(article, clause, start, day.end or body.end)
        when = DateValue(day.iso, day.precision)
        article.add(convocation, "inception", when, ev, rule="convocation")
        article.add(convocation, "partOf", house, ev, rule="convocation")
        article.add(convocation, "ordinal", rank, ev, rule="convocation")
        as_written = re.sub(r"^[Tt]he\s+", "", text[start : body.end])
        article.add(convocation, "alias", as_written, ev, rule="convocation")


def _ordinal_bodies(article: Article, clause: Clause) -> list[tuple[Name, int, int]]:
    """Houses named right after an ordinal ("eighth State Duma"), or with the ordinal as the
    first word of their name ("Fourteenth Saeima"), with the ordinal and where it starts."""
    found = []
    for body in clause.names_of("chamber", "legislature"):
        lead = re.search(rf"\b(?P<o>{_ORDINAL})\s+$", clause.text[: body.start], re.I)
        if lead:
            found.append((body, number(lead.group("o")), lead.start()))
            continue
        inner = _ORDINAL_AT.match(body.text)
        if inner and article.kind_of(body.text[inner.end() :]) in ("chamber", "legislature"):
            found.append((body, number(inner.group().strip()), body.start))
    return [(b, r, s) for b, r, s in found if r]


def _house(article: Article, clause: Clause, body: Name) -> Mention | None:
    """The house of "Fourteenth Saeima": its name without the ordinal."""
    inner = _ORDINAL_AT.match(body.text)
    if inner is None:
        return None
    name = body.text[inner.end() :]
    kind = article.kind_of(name) or "chamber"
    s = clause.sentence.start
    return Mention(
        article.original_name(fold(name)) if fold(name) in article.names else name,
        kind,
        s + body.start + inner.end(),
        s + body.end,
    )
