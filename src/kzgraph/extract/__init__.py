"""Extract Facts from a parsed article: infobox rules, then prose rules."""

from __future__ import annotations

import re

from kzgraph.document import Document
from kzgraph.extract.article import Article
from kzgraph.extract.facts import DateValue, Evidence, Fact, Mention, Value, parse_date
from kzgraph.extract.infobox import election_mention, read_infobox
from kzgraph.extract.prose import read_prose
from kzgraph.extract.reading import read_sentences

__all__ = [
    "DateValue",
    "Evidence",
    "Fact",
    "Mention",
    "Value",
    "article_country",
    "article_subject",
    "extract",
]

_CHAMBER_TYPES = {"upper house", "lower house", "upper chamber", "lower chamber"}


def article_subject(doc: Document) -> Mention:
    """What the article is about: an election ("Infobox election" keys), a chamber (a
    House Type of upper or lower house) or else a legislature, named by its title."""
    end = len(doc.title) + 4
    date_entry = doc.entry("Election Date")
    if date_entry is not None:
        date = parse_date(date_entry.value)
        seats = doc.entry("Seats For Election")
        chamber = None
        if seats is not None:
            m = re.search(r"\bin (?:the )?(?P<name>[A-Z].*)$", seats.value.strip())
            if m:
                chamber = Mention(m.group("name"), "chamber")
        election = election_mention(date, chamber, 0, end)
        return Mention(doc.title, "election", 0, end, slug=election.slug, owner=election.owner)
    house_type = doc.entry("House Type")
    if house_type is not None and house_type.value.strip().lower() in _CHAMBER_TYPES:
        return Mention(doc.title, "chamber", 0, end)
    return Mention(doc.title, "legislature", 0, end)


def article_country(doc: Document, demonym_country: str = "") -> str:
    """The country an article is about: its infobox ``Country``, the ``X of Country`` of
    its title, official name or ``Legislature`` entry, else ``demonym_country`` (from a
    title like "2023 Kazakh legislative election")."""
    entry = doc.entry("Country")
    if entry is not None and entry.value.strip():
        return entry.value.strip()
    legislature = doc.entry("Legislature")
    for name in (doc.title, legislature.value if legislature else "", doc.official_name or ""):
        m = re.search(r"\bof (?:the )?(?:Republic of )?(?P<country>[A-Z][\w\- ]+)$", name)
        if m:
            return m.group("country").strip()
    return demonym_country


def extract(
    doc: Document,
    subject: Mention,
    known_names: dict[str, str],
    infobox_rules: dict[str, dict],
    country: str = "",
    country_adjective: str = "",
) -> list[Fact]:
    """Every fact the article states about ``subject`` (see ``article_subject``) and the
    things it names. ``known_names`` maps folded names to entity kinds (from the entity
    table); names the article introduces are learned as it is read. ``country_adjective``
    ("Moldovan") names elections where the text does not write it."""
    article = Article(
        doc=doc,
        names=dict(known_names),
        legislature=subject,
        country_name=country,
        country_adjective=country_adjective,
    )
    article.learn(doc.title, subject.kind)
    if " of " in doc.title and subject.kind != "election":
        article.learn(doc.title.split(" of ")[0], subject.kind)
    if doc.official_name and doc.official_name_span:
        span = doc.official_name_span
        article.learn(doc.official_name, subject.kind)
        evidence = Evidence(
            source=doc.name,
            start=span.start,
            end=span.end,
            text=doc.official_name,
            span_start=span.start,
            span_end=span.end,
            origin="infobox",
        )
        article.add(subject, "officialName", doc.official_name, evidence, rule="official-name")
    read_infobox(article, infobox_rules)
    read_prose(article)
    read_sentences(article)
    return _distinct(article.facts)


def _distinct(facts: list[Fact]) -> list[Fact]:
    """One fact per subject, relation, value, qualifiers and evidence span: two rules that
    read the same words the same way state one fact."""
    seen: set[tuple] = set()
    out = []
    for f in facts:
        key = (
            f.subject,
            f.relation,
            f.value,
            f.qualifiers,
            f.evidence.span_start,
            f.evidence.span_end,
        )
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out
