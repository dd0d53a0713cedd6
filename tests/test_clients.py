"""Real clients against the live server: SPARQLWrapper in every format, rdflib's SPARQLStore."""

from __future__ import annotations

import csv
import io

import pytest
import rdflib
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, JSONLD, TSV, TURTLE, XML, SPARQLWrapper

SELECT = "SELECT ?c ?n WHERE { ?c <http://www.wikidata.org/prop/direct/P1342> ?n } ORDER BY ?n"
CONSTRUCT = "CONSTRUCT { ?c <http://www.wikidata.org/prop/direct/P1342> ?n } WHERE { ?c <http://www.wikidata.org/prop/direct/P1342> ?n }"
P1342 = rdflib.URIRef("http://www.wikidata.org/prop/direct/P1342")


def wrapper(live, query: str, fmt: str) -> SPARQLWrapper:
    sparql = SPARQLWrapper(live.url + "sparql")
    sparql.setQuery(query)
    sparql.setReturnFormat(fmt)
    return sparql


def test_sparqlwrapper_json(live):
    rows = wrapper(live, SELECT, JSON).queryAndConvert()["results"]["bindings"]
    assert [r["n"]["value"] for r in rows] == ["49", "50", "98"]


def test_sparqlwrapper_xml(live):
    doc = wrapper(live, SELECT, XML).queryAndConvert()
    assert [n.firstChild.nodeValue for n in doc.getElementsByTagName("literal")] == [
        "49",
        "50",
        "98",
    ]


@pytest.mark.parametrize("fmt, delimiter", [(CSV, ","), (TSV, "\t")])
def test_sparqlwrapper_csv_tsv(live, fmt, delimiter):
    body = wrapper(live, SELECT, fmt).queryAndConvert()
    rows = list(csv.reader(io.StringIO(body.decode()), delimiter=delimiter))
    assert [r[1] for r in rows[1:]] == ["49", "50", "98"]


@pytest.mark.parametrize("fmt", [TURTLE, JSONLD])
def test_sparqlwrapper_construct(live, fmt):
    result = wrapper(live, CONSTRUCT, fmt).queryAndConvert()
    graph = (
        result
        if isinstance(result, rdflib.Graph)
        else rdflib.Graph().parse(data=result, format="turtle" if fmt == TURTLE else "json-ld")
    )
    assert sorted(int(o) for o in graph.objects(None, P1342)) == [49, 50, 98]


def test_rdflib_sparqlstore(live):
    graph = rdflib.Graph(store=SPARQLStore(live.url + "sparql"))
    rows = list(graph.query(SELECT))
    assert [int(r.n) for r in rows] == [49, 50, 98]
    assert (
        rdflib.URIRef("https://w3id.org/kzgraph/entity/majilis"),
        P1342,
        rdflib.Literal(98),
    ) in graph
