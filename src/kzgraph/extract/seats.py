"""How a chamber's seats are filled, part by part: "Forty of the 50 seats are filled through
indirect elections", "The remaining ten members are appointed by the President",
"Forty-one deputies are returned from single-member districts", "the other eight are
appointed by the President of Tajikistan".

Each part is a number of seats of the chamber, qualified by how those seats are filled
(``seatsFilledBy``, the words of the text). Parts are never the chamber's size: rdf.py
keeps them out of the truthy triples.
"""

from __future__ import annotations

import re

from spacy.tokens import Token

from kzgraph.extract.article import Article
from kzgraph.extract.clause import Clause, Reading, chamber_of, clause_evidence, name_mention
from kzgraph.extract.facts import DateValue
from kzgraph.extract.numbers import count_in, number_at

# Verbs (lemmas) that say how seats are filled.
FILLING = {
    "appoint", "elect", "choose", "fill", "return", "nominate", "reserve", "allocate",
    "distribute", "share", "put", "select", "name", "designate", "award",
}  # fmt: skip
SEAT_NOUNS = {"seat", "member", "deputy", "senator", "representative", "mp", "mandate", "them"}


def seat_parts(article: Article, reading: Reading, clause: Clause) -> None:
    """Each "N (of the M) seats/members ... <filled how>" of the sentence."""
    for token in clause.doc:
        part = _part(token)
        if part is None:
            continue
        value, subject, verb = part
        how = _how(clause, verb)
        whole = any(c.lower_ in ("its", "their", "all", "whose") for c in subject.children)
        bodies = [n for n in clause.names_of("chamber", "legislature") if n.end <= verb.idx]
        body = name_mention(clause, bodies[-1]) if bodies else chamber_of(article, reading, clause)
        ev = clause_evidence(article, clause, subject.left_edge.idx, verb.idx + len(how))
        if whole and value < 10:
            continue  # "its two senators were elected": a region's, no house is so small
        # "Its 181 members were chosen ...": the whole house, its size at that time.
        qualifiers: tuple = () if whole else (("seatsFilledBy", how),)
        dates = [d for d in clause.dates if d.start is not None]
        if dates:
            qualifiers += (("pointInTime", DateValue(dates[0].iso, dates[0].precision)),)
        article.add(body, "numberOfSeats", value, ev, qualifiers, rule="seat-part")


# How a part of the seats is filled, told without a verb: "25 from party lists", "the other
# 36 in single-member districts", "120 seats filled by party list", "48 district seats",
# "closed-list proportional representation (48 seats)".
_WAY = (
    r"(?:single-member|single-mandate|multi-member|majoritarian|nationwide|national|closed|open"
    r"|(?:closed-|open-)?party(?:-list)?|proportional|districts?\b|constituenc|regional|lists?\b)"
)
_COUNT = r"\d+|[a-z]+(?:-[a-z]+)?"
_LIST_PART = re.compile(
    rf"\b(?P<n>{_COUNT}) (?:(?:seats|members|deputies|mandates|MPs)\s+)?"
    r"(?:(?:are|were|is|was)\s+)?(?:(?:elected|chosen|filled|returned|allotted|allocated"
    r"|distributed|contested|decided|awarded)\s+)?"
    rf"(?P<how>(?:in|from|by|through|via) (?:the )?(?:winners of )?{_WAY}[\w\- ]*?)"
    r"(?=\s*[,;.)(:]|\s+(?:and|with|while|among)\b|$)"
    rf"|\b(?P<m>{_COUNT}) (?P<kind>(?:single-member |party-)?(?:district|list|constituency) seats)\b"
    r"|(?P<system>(?:(?:closed|open|party)-list )?proportional representation|single-member"
    rf" (?:districts|constituencies)) \((?P<k>{_COUNT}) seats\)",
    re.I,
)


def list_parts(article: Article, reading: Reading, clause: Clause) -> None:
    """Parts of a chamber's seats by the way they are filled, told without a passive verb
    ("with 100 deputies chosen in single-member districts and 25 from party lists"). Seats
    a party won ("took 198 of the 225 constituencies", "40 of them from its list") are not
    the chamber's parts: a clause that names a party before the count is left alone."""
    text = clause.text
    for m in _LIST_PART.finditer(text):
        value = count_in(m, "n", "m", "k")
        if value is None or value < 1:
            continue
        if re.match(r"\s*(?:%|percent|per cent)", text[m.end("n") if m.group("n") else 0 :][:9]):
            continue
        if any(p.start < m.start() for p in clause.names_of("party", "group")):
            continue
        if re.search(r"\b(?:of|the)\s+$", text[max(0, m.start() - 5) : m.start()]):
            continue  # "took 198 of the 225 constituencies"
        if re.search(r"\bcandidates?\b", text[max(0, m.start() - 60) : m.start()], re.I):
            continue  # "1,311 candidates were registered: 1,015 on lists and 296 in the districts"
        if _told(article, clause, value):
            continue  # seat_parts read it with its verb
        how = (m.group("how") or m.group("kind") or m.group("system")).strip()
        bodies = [n for n in clause.names_of("chamber", "legislature") if n.end <= m.start()]
        body = name_mention(clause, bodies[-1]) if bodies else chamber_of(article, reading, clause)
        ev = clause_evidence(article, clause, m.start(), m.end())
        qualifiers: tuple = (("seatsFilledBy", how),)
        dates = [d for d in clause.dates if d.start is not None]
        if dates:
            qualifiers += (("pointInTime", DateValue(dates[0].iso, dates[0].precision)),)
        article.add(body, "numberOfSeats", value, ev, qualifiers, rule="seat-part")


def _told(article: Article, clause: Clause, value: int) -> bool:
    """A seat part of this value already read from the sentence."""
    start = clause.sentence.start
    return any(
        f.rule == "seat-part" and f.value == value and f.evidence.start == start
        for f in article.facts
    )


def _part(token: Token) -> tuple[int, Token, Token] | None:
    """(N, the subject phrase, the verb) where ``token`` is the number of a passive subject
    that counts seats or members."""
    value = number_at(token)
    if value is None or value < 1 or 1800 <= value <= 2100:
        return None
    if token.dep_ == "nummod" and token.head.lemma_.lower() in SEAT_NOUNS:
        subject = token.head  # "Forty-one deputies are returned ..."
    elif token.dep_ in ("nsubjpass", "nsubj") and _counts_seats(token):
        subject = token  # "Forty of the 50 seats are filled ...", "the other eight are ..."
    else:
        return None
    if subject.dep_ not in ("nsubjpass", "nsubj"):
        return None
    verb = subject.head
    if verb.pos_ not in ("VERB", "AUX") or verb.lemma_.lower() not in FILLING:
        return None
    if not any(c.dep_ == "auxpass" for c in verb.children):
        return None
    if ":" in token.doc.text[subject.idx : verb.idx]:
        return None  # "had a hundred members: eighty-four were elected": the whole, then parts
    return value, subject, verb


def _counts_seats(token: Token) -> bool:
    """ "Forty of the 50 seats", "Twenty-five of them", "the other eight", "the remaining ten"."""
    of = next((c for c in token.children if c.dep_ == "prep" and c.lower_ == "of"), None)
    if of is not None:
        noun = next((c for c in of.children if c.dep_ == "pobj"), None)
        return noun is not None and noun.lemma_.lower() in SEAT_NOUNS
    if any(c.lower_ in ("other", "remaining", "rest") for c in token.children):
        return True
    # "it had a hundred members: eighty-four were elected ...": the seats told just before
    return any(t.lemma_.lower() in SEAT_NOUNS - {"them"} for t in token.doc[: token.i])


def _how(clause: Clause, verb: Token) -> str:
    """The words that say how: the verb and what follows it up to the end of its clause
    ("appointed by the President of Kazakhstan", "filled through indirect elections")."""
    end = verb.idx + len(verb.text)
    for token in verb.subtree:
        if token.i <= verb.i:
            continue
        if (
            token.is_punct
            and token.text in ",;."
            or token.dep_ in ("cc", "conj", "advcl", "relcl")
            or token.lower_ in ("which", "who", "that", "where")
            or token.ent_type_ == "DATE"
        ):
            break
        end = token.idx + len(token.text)
    text = re.sub(r"\s+", " ", clause.text[verb.idx : end]).strip()
    return re.sub(r"\s+(?:on|in|at|from|by|to|of)$", "", text)
