"""Names for the outside terms the graph uses, so pages show labels, not identifiers.

Wikidata's classes, properties and items come with their English label from a small
table (``wikidata-labels.tsv``, one ``ID<TAB>label`` a line): the graph links to them but
holds no labels of its own for them. Terms of other vocabularies (W3C ORG, Popolo,
schema.org …) are shown as prefixed names.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from kzgraph.namespaces import DBO, DCAT, DCT, FOAF, ORG, POPOLO, PREDEFINED, PROV, SCHEMA

TABLE = Path(__file__).parent / "wikidata-labels.tsv"
WIKIDATA_ID = re.compile(
    r"^https?://www\.wikidata\.org/(?:entity/|wiki/|wiki/Property:|prop/(?:[a-z]+/)*)([PQ]\d+)$"
)
# Vocabularies the ontology aligns to, besides the SPARQL endpoint's predefined prefixes.
VOCABULARIES = {
    "org": ORG,
    "popolo": POPOLO,
    "schema": SCHEMA,
    "foaf": FOAF,
    "dbo": DBO,
    "prov": PROV,
    "dct": DCT,
    "dcat": DCAT,
}


@cache
def wikidata_labels() -> dict[str, str]:
    rows = (line.split("\t", 1) for line in TABLE.read_text(encoding="utf-8").splitlines())
    return {
        row[0].strip(): row[1].strip()
        for row in rows
        if len(row) == 2 and not row[0].startswith("#")
    }


def wikidata_id(iri: str) -> str | None:
    """Q375928 for wd:Q375928, P1342 for wdt:P1342, p:P1342, ps:P1342 …; else None."""
    match = WIKIDATA_ID.match(iri)
    return match[1] if match else None


def wikidata_label(iri: str) -> str | None:
    """The English label of a Wikidata term the table knows, else None."""
    ident = wikidata_id(iri)
    return wikidata_labels().get(ident) if ident else None


def compact(iri: str) -> str:
    """A prefixed name (kz:majilis, wd:Q375928, org:Organization) where a prefix fits."""
    best = ("", "")
    for prefix, namespace in {**VOCABULARIES, **PREDEFINED}.items():
        if iri.startswith(namespace) and len(namespace) > len(best[1]):
            rest = iri[len(namespace) :]
            if rest and re.fullmatch(r"[\w.-]*", rest):
                best = (prefix, namespace)
    return f"{best[0]}:{iri[len(best[1]) :]}" if best[1] else iri


def term_label(iri: str) -> str:
    """What a page shows for an outside term: its label, else its prefixed name."""
    return wikidata_label(iri) or compact(iri)
