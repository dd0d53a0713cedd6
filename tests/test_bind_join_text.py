"""The bind join's rewriting of query text, checked by evaluating the rewritten text."""

from __future__ import annotations

import re

import pyoxigraph as ox

from kzgraph.namespaces import PREDEFINED
from kzgraph.web.bindjoin import bind_join

WD = "https://query.wikidata.org/sparql"
ITEMS = [f"http://www.wikidata.org/entity/Q{i}" for i in range(1, 6)]


def rewrite(text: str, batch: int = 2) -> str:
    return bind_join(text, (WD,), ITEMS, batch, PREDEFINED)


def test_items_go_along_in_batches_joined_by_union():
    text = f"SELECT * WHERE {{ ?e owl:sameAs ?item . SERVICE <{WD}> {{ ?item rdfs:label ?l }} }}"
    out = rewrite(text)
    assert out.count(f"SERVICE <{WD}>") == 3 and out.count("UNION") == 2
    assert all(f"<{iri}>" in out for iri in ITEMS)
    # Still one valid query: the local parts are untouched.
    assert ox.Store().query(out, prefixes=PREDEFINED) is not None
    assert rewrite(text, batch=100).count(f"SERVICE <{WD}>") == 1


def test_full_iri_of_same_as_and_silent_service():
    text = (
        "SELECT * WHERE { ?e <http://www.w3.org/2002/07/owl#sameAs> ?item . "
        f"SERVICE SILENT <{WD}> {{ ?item rdfs:label ?l }} }}"
    )
    out = rewrite(text, batch=100)
    assert re.search(rf"SERVICE SILENT <{re.escape(WD)}> \{{\s*VALUES \?item", out), out


def test_left_alone_without_a_linked_variable_elsewhere_or_inside_strings():
    unlinked = f"SELECT * WHERE {{ ?e wdt:P31 ?item . SERVICE <{WD}> {{ ?item rdfs:label ?l }} }}"
    assert rewrite(unlinked) == unlinked
    other = "SELECT * WHERE { ?e owl:sameAs ?item . SERVICE <http://example.org/sparql> { ?item ?p ?o } }"
    assert rewrite(other) == other
    quoted = f'SELECT * WHERE {{ ?e owl:sameAs ?item . BIND("SERVICE <{WD}> {{ ?item }}" AS ?s) }}'
    assert rewrite(quoted) == quoted
    given = f"SELECT * WHERE {{ ?e owl:sameAs ?item . SERVICE <{WD}> {{ VALUES ?item {{ wd:Q1 }} ?item ?p ?o }} }}"
    assert rewrite(given) == given
