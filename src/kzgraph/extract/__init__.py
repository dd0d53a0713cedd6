"""Extract Facts from a parsed article: infobox rules, then prose rules."""

from __future__ import annotations

from kzgraph.document import Document
from kzgraph.extract.article import Article
from kzgraph.extract.facts import DateValue, Evidence, Fact, Mention, Value
from kzgraph.extract.infobox import read_infobox
from kzgraph.extract.prose import read_prose

__all__ = ["DateValue", "Evidence", "Fact", "Mention", "Value", "extract"]


def extract(
    doc: Document, known_names: dict[str, str], infobox_rules: dict[str, dict]
) -> list[Fact]:
    """Every fact the article states. ``known_names`` maps folded names to entity kinds
    (from the entity table); names the article introduces are learned as it is read."""
    legislature = Mention(doc.title, "legislature", 0, len(doc.title) + 4)
    article = Article(doc=doc, names=dict(known_names), legislature=legislature)
    article.learn(doc.title, "legislature")
    if " of " in doc.title:
        article.learn(doc.title.split(" of ")[0], "legislature")
    if doc.official_name and doc.official_name_span:
        span = doc.official_name_span
        article.learn(doc.official_name, "legislature")
        evidence = Evidence(
            source=doc.name,
            start=span.start,
            end=span.end,
            text=doc.official_name,
            span_start=span.start,
            span_end=span.end,
            origin="infobox",
        )
        article.add(legislature, "officialName", doc.official_name, evidence, rule="official-name")
    read_infobox(article, infobox_rules)
    read_prose(article)
    return article.facts
