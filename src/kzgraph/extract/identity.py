"""Whose legislature it is: the country of the national legislature an article is about
(or, in an article about a chamber or an election, the legislature it belongs to), read
from the first sentence that names both.

"The Oliy Majlis is the national parliament of Uzbekistan", "Armenia's parliament is a
single chamber known as the National Assembly", "the lower house of the Parliament of
Kazakhstan". One legislature per article: chambers, predecessors and foreign bodies are
not given the country, which belongs to the national legislature as a whole.
"""

from __future__ import annotations

import re

from kzgraph.extract.article import Article
from kzgraph.extract.clause import (
    Clause,
    Reading,
    clause_evidence,
    name_mention,
    names_another_country,
)
from kzgraph.extract.facts import Mention
from kzgraph.names import fold


def legislature_country(article: Article, reading: Reading, clause: Clause) -> None:
    country = article.country_name
    if not country or any(
        f.relation == "country" and f.subject.kind == "legislature" for f in article.facts
    ):
        return
    named = re.search(rf"\b{re.escape(country)}\b", clause.text)
    if named is None:
        return
    found = _legislature(article, clause)
    if found is None:
        return
    subject, start, end = found
    where = clause.sentence.start + named.start()
    value = Mention(country, "country", where, where + len(country))
    ev = clause_evidence(article, clause, min(start, named.start()), max(end, named.end()))
    article.add(subject, "country", value, ev, rule="legislature-country")


def _legislature(article: Article, clause: Clause) -> tuple[Mention, int, int] | None:
    """The national legislature this sentence names, with its offsets: the article's own
    (named, or the subject of the opening sentence), else the first legislature named."""
    own = article.legislature
    legislatures = [n for n in clause.names_of("legislature") if "(" not in n.text]
    if own.kind == "legislature":
        for name in legislatures:
            if fold(name.text) in _own_names(article):
                return own, name.start, name.end
        if clause.sentence.start == article.doc.sentences[0].start:
            return own, 0, 0
        return None
    if legislatures:
        name = legislatures[0]
        return name_mention(clause, name), name.start, name.end
    return None


def _own_names(article: Article) -> set[str]:
    names = {fold(article.legislature.name)}
    if " of " in article.legislature.name:
        names.add(fold(article.legislature.name.split(" of ")[0]))
    if article.doc.official_name:
        names.add(fold(article.doc.official_name))
    return names


# "the State Great Khural, the country's single-chamber parliament", "the Parliament of X, the
# country's unicameral legislature": a body the text calls the country's legislature
_COUNTRYS_LEGISLATURE = re.compile(
    r",\s+the country's\s+(?:(?:only|sole|national|unicameral|single-chamber|bicameral|"
    r"two-chamber|supreme|highest)\s+)*(?:legislature|parliament)\b"
)


def country_of_apposed(article: Article, reading: Reading, clause: Clause) -> None:
    """A house told as "the country's legislature" beside its name is the country's, in an
    article about an election or a chamber as well (where the first sentence may not name
    the country)."""
    country = article.country_name
    if not country or names_another_country(article, clause):
        return  # "Observers from Russia, where the Federal Assembly, the country's ...": whose?
    for body in clause.names_of("chamber", "legislature"):
        m = _COUNTRYS_LEGISLATURE.match(clause.text, body.end)
        if m is None:
            continue
        value = Mention(country, "country")
        ev = clause_evidence(article, clause, body.start, m.end())
        article.add(name_mention(clause, body), "country", value, ev, rule="country-apposed")
