"""Result formats and content negotiation, shared by /sparql, /queries and the pages."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pyoxigraph as ox
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header


@dataclass(frozen=True)
class Format:
    name: str  # the format= value and file suffix
    media_type: str
    oxigraph: ox.QueryResultsFormat | ox.RdfFormat
    aliases: tuple[str, ...] = ()

    @property
    def content_type(self) -> str:
        text = self.media_type.startswith("text/") or self.media_type.endswith(
            ("json", "xml", "trig", "n-quads", "n-triples")
        )
        return f"{self.media_type}; charset=utf-8" if text else self.media_type


SOLUTION_FORMATS = [
    Format(
        "json",
        "application/sparql-results+json",
        ox.QueryResultsFormat.JSON,
        ("srj", "application/json"),
    ),
    Format(
        "xml",
        "application/sparql-results+xml",
        ox.QueryResultsFormat.XML,
        ("srx", "application/xml", "text/xml"),
    ),
    Format("csv", "text/csv", ox.QueryResultsFormat.CSV),
    Format("tsv", "text/tab-separated-values", ox.QueryResultsFormat.TSV),
]
GRAPH_FORMATS = [
    Format("ttl", "text/turtle", ox.RdfFormat.TURTLE, ("turtle", "application/x-turtle")),
    Format("nt", "application/n-triples", ox.RdfFormat.N_TRIPLES, ("ntriples", "text/plain")),
    Format(
        "rdf", "application/rdf+xml", ox.RdfFormat.RDF_XML, ("rdfxml", "xml", "application/xml")
    ),
    Format(
        "jsonld",
        "application/ld+json",
        ox.RdfFormat.JSON_LD,
        ("json-ld", "json", "application/json"),
    ),
    Format("trig", "application/trig", ox.RdfFormat.TRIG),
    Format("nq", "application/n-quads", ox.RdfFormat.N_QUADS, ("nquads",)),
]


class NotAcceptable(Exception):
    """No format the client accepts can carry this result."""

    def __init__(self, offered: list[Format]) -> None:
        self.offered = offered
        super().__init__(
            "none of the requested media types can carry this result; available: "
            + ", ".join(f.media_type for f in offered)
        )


class UnknownFormat(ValueError):
    pass


def by_name(name: str, formats: list[Format]) -> Format:
    """A ``format=`` value or suffix: a short name, an alias or a media type."""
    key = name.strip().lower()
    for f in formats:
        if key in (f.name, f.media_type, *f.aliases):
            return f
    raise UnknownFormat(f"unknown format {name!r}; use one of {', '.join(f.name for f in formats)}")


def _without_parameters(header: str) -> str:
    """``text/turtle; charset=utf-8`` accepts Turtle: only the ``q`` parameter decides
    anything here, and werkzeug would not match a type that carries others."""
    ranges = []
    for item in header.split(","):
        media, *params = (part.strip() for part in item.split(";"))
        kept = [p for p in params if p.lower().startswith("q=")]
        ranges.append(";".join([media, *kept]))
    return ",".join(ranges)


def negotiate(
    accept_header: str | None, formats: list[Format], explicit: str | None = None
) -> Format:
    """The format to answer in: ``format=`` wins, then the Accept header, then the first
    (default) format. A header that accepts only other types is a 406."""
    if explicit:
        return by_name(explicit, formats)
    if not accept_header:
        return formats[0]
    accept = parse_accept_header(_without_parameters(accept_header), MIMEAccept)
    if any(value == "text/html" for value, _ in accept):
        return formats[0]  # a browser: the default format, which it can display
    best, best_quality = None, 0.0
    for f in formats:
        quality = max(
            [accept.quality(f.media_type), *(accept.quality(a) for a in f.aliases if "/" in a)]
        )
        # Prefer the default on ties (a browser's */* or text/html,...,*/*;q=0.8).
        if quality > best_quality:
            best, best_quality = f, quality
    if best is None:
        raise NotAcceptable(formats)
    return best


# The RDF formats a description (service, VoID) or a page is offered in besides HTML.
DESCRIPTION_FORMATS = [f for f in GRAPH_FORMATS if f.name in ("ttl", "jsonld", "rdf", "nt")]


def prefers_html(accept: str | None, others: Iterable[str] = ()) -> bool:
    """A browser: it names text/html at least as high as any of the ``others`` (by default
    the RDF formats); ``*/*`` alone means a program, which gets data."""
    parsed = parse_accept_header(accept or "", MIMEAccept)
    alternatives = list(others) or [f.media_type for f in DESCRIPTION_FORMATS]
    return "text/html" in parsed.values() and parsed["text/html"] >= max(
        (parsed[m] for m in alternatives), default=0
    )
