"""The SPARQL 1.1 Protocol at /sparql, against a real server on loopback."""

from __future__ import annotations

import csv
import io
import json
import time

import pytest
import rdflib
import requests

Q_SEATS = "SELECT ?c ?n WHERE { ?c wdt:P1342 ?n } ORDER BY ?c ?n"
E = "https://w3id.org/kzgraph/entity/"


def sparql(live, **kw):
    return requests.get(live.url + "sparql", timeout=30, **kw)


def seats(body: dict) -> list[tuple[str, str]]:
    return [
        (b["c"]["value"].rsplit("/", 1)[1], b["n"]["value"]) for b in body["results"]["bindings"]
    ]


def assert_still_serving(live):
    r = sparql(live, params={"query": Q_SEATS})
    assert r.status_code == 200
    assert seats(r.json()) == [("majilis", "98"), ("senate", "49"), ("senate", "50")]


def test_get_post_form_and_post_direct_give_the_same_answer(live):
    a = sparql(live, params={"query": Q_SEATS})
    b = requests.post(live.url + "sparql", data={"query": Q_SEATS}, timeout=30)
    c = requests.post(
        live.url + "sparql",
        data=Q_SEATS.encode(),
        headers={"Content-Type": "application/sparql-query"},
        timeout=30,
    )
    for r in (a, b, c):
        assert r.status_code == 200
        assert r.headers["Content-Type"].startswith("application/sparql-results+json")
        assert seats(r.json()) == [("majilis", "98"), ("senate", "49"), ("senate", "50")]


@pytest.mark.parametrize(
    "accept, media_type",
    [
        ("application/sparql-results+json", "application/sparql-results+json"),
        ("application/sparql-results+xml", "application/sparql-results+xml"),
        ("text/csv", "text/csv"),
        ("text/tab-separated-values", "text/tab-separated-values"),
        ("*/*", "application/sparql-results+json"),
        (
            "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
            "application/sparql-results+json",
        ),
    ],
)
def test_select_content_negotiation(live, accept, media_type):
    r = sparql(live, params={"query": Q_SEATS}, headers={"Accept": accept})
    assert r.status_code == 200
    assert r.headers["Content-Type"].split(";")[0] == media_type
    assert r.headers["Vary"] == "Accept"


def test_csv_and_tsv_carry_the_rows(live):
    r = sparql(live, params={"query": Q_SEATS}, headers={"Accept": "text/csv"})
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert [(x["c"].rsplit("/", 1)[1], x["n"]) for x in rows] == [
        ("majilis", "98"),
        ("senate", "49"),
        ("senate", "50"),
    ]
    r = sparql(live, params={"query": Q_SEATS}, headers={"Accept": "text/tab-separated-values"})
    assert r.text.splitlines()[0] == "?c\t?n"
    assert f"<{E}majilis>\t98" in r.text


@pytest.mark.parametrize(
    "accept, rdflib_format",
    [
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/rdf+xml", "xml"),
        ("application/ld+json", "json-ld"),
        ("application/trig", "trig"),
        ("application/n-quads", "nquads"),
    ],
)
def test_construct_formats_parse(live, accept, rdflib_format):
    q = "CONSTRUCT { ?c wdt:P1342 ?n } WHERE { ?c wdt:P1342 ?n }"
    r = sparql(live, params={"query": q}, headers={"Accept": accept})
    assert r.status_code == 200, r.text
    assert r.headers["Content-Type"].split(";")[0] == accept
    g = rdflib.Dataset() if rdflib_format in ("trig", "nquads") else rdflib.Graph()
    g.parse(data=r.content, format=rdflib_format)
    n = sum(1 for _ in g.quads()) if isinstance(g, rdflib.Dataset) else len(g)
    assert n == 3


def test_describe_defaults_to_turtle(live):
    r = sparql(live, params={"query": f"DESCRIBE <{E}majilis>"})
    assert r.headers["Content-Type"].startswith("text/turtle")
    g = rdflib.Graph().parse(data=r.text, format="turtle")
    assert (
        rdflib.URIRef(E + "majilis"),
        rdflib.URIRef("http://www.wikidata.org/prop/direct/P1342"),
        rdflib.Literal(98),
    ) in g


def test_ask(live):
    r = sparql(live, params={"query": f"ASK {{ <{E}majilis> wdt:P1342 98 }}"})
    assert r.json()["boolean"] is True
    r = sparql(
        live,
        params={"query": "ASK { <urn:x> <urn:y> <urn:z> }"},
        headers={"Accept": "application/sparql-results+xml"},
    )
    assert "<boolean>false</boolean>" in r.text


@pytest.mark.parametrize(
    "fmt, media_type",
    [
        ("json", "application/sparql-results+json"),
        ("xml", "application/sparql-results+xml"),
        ("csv", "text/csv"),
        ("tsv", "text/tab-separated-values"),
    ],
)
def test_format_parameter_overrides_accept(live, fmt, media_type):
    r = sparql(
        live,
        params={"query": Q_SEATS, "format": fmt},
        headers={"Accept": "application/sparql-results+json"},
    )
    assert r.headers["Content-Type"].split(";")[0] == media_type


def test_unknown_format_and_unacceptable_type(live):
    r = sparql(live, params={"query": Q_SEATS, "format": "pdf"})
    assert r.status_code == 400 and "unknown format" in r.json()["message"]
    r = sparql(live, params={"query": Q_SEATS}, headers={"Accept": "image/png"})
    assert r.status_code == 406 and "text/csv" in r.json()["message"]
    assert_still_serving(live)


def test_union_default_graph_and_named_graphs(live):
    source = "https://w3id.org/kzgraph/source/parliament-of-kazakhstan"
    q = f"SELECT (COUNT(*) AS ?n) WHERE {{ <{E}majilis> ?p ?o }}"
    union = int(sparql(live, params={"query": q}).json()["results"]["bindings"][0]["n"]["value"])
    only_source = int(
        sparql(live, params={"query": q, "default-graph-uri": source}).json()["results"][
            "bindings"
        ][0]["n"]["value"]
    )
    assert union > only_source > 0
    q = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    r = sparql(live, params={"query": q, "named-graph-uri": source})
    assert [b["g"]["value"] for b in r.json()["results"]["bindings"]] == [source]


def test_a_graph_the_store_does_not_hold_is_an_empty_graph(live):
    """SPARQL 1.1 Protocol: the dataset is what the request names; an absent graph is empty."""
    absent = "http://example.org/nothing"
    r = sparql(live, params={"query": Q_SEATS, "default-graph-uri": absent})
    assert r.status_code == 200 and r.json()["results"]["bindings"] == []
    r = sparql(live, params={"query": "ASK {}", "default-graph-uri": absent})
    assert r.status_code == 200 and r.json()["boolean"] is True
    r = sparql(live, params={"query": "ASK { GRAPH ?g { ?s ?p ?o } }", "named-graph-uri": absent})
    assert r.status_code == 200 and r.json()["boolean"] is False


def test_two_queries_in_one_request_are_a_400(live):
    r = requests.get(live.url + "sparql?query=ASK%20%7B%7D&query=SELECT%20%2A%20%7B%7D", timeout=10)
    assert r.status_code == 400 and "one query=" in r.json()["message"]
    r = requests.post(
        live.url + "sparql?query=ASK%20%7B%7D",
        data="ASK {}",
        headers={"Content-Type": "application/sparql-query"},
        timeout=10,
    )
    assert r.status_code == 400


def test_relative_iris_resolve_against_the_endpoint(live):
    r = requests.post(
        live.url + "sparql",
        data="CONSTRUCT { <s> <p> 1 } WHERE {}",
        headers={"Content-Type": "application/sparql-query", "Accept": "application/n-triples"},
        timeout=10,
    )
    assert r.status_code == 200 and r.text.startswith(f"<{live.url}s> <{live.url}p> ")


def test_accept_with_parameters_is_honoured(live):
    r = sparql(
        live,
        params={"query": "CONSTRUCT { <urn:a> <urn:b> 1 } WHERE {}"},
        headers={"Accept": "text/turtle; charset=utf-8"},
    )
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/turtle")


def test_syntax_error_is_a_400_with_the_position(live):
    r = sparql(live, params={"query": "SELECT ?x WHERE { ?x ?p }"})
    assert r.status_code == 400
    assert "1:" in r.json()["message"] and "syntax error" in r.json()["message"]
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    assert_still_serving(live)


def test_wrong_method_and_content_type(live):
    r = requests.put(live.url + "sparql", data="x", timeout=10)
    assert r.status_code == 405 and "GET" in r.headers["Allow"]
    r = requests.post(
        live.url + "sparql", data="SELECT * {}", headers={"Content-Type": "text/plain"}, timeout=10
    )
    assert r.status_code == 415 and "application/sparql-query" in r.json()["message"]
    assert_still_serving(live)


def test_oversized_query_is_a_413(live):
    q = "SELECT * WHERE { ?s ?p ?o } #" + "x" * 200_000
    r = requests.post(
        live.url + "sparql",
        data=q.encode(),
        headers={"Content-Type": "application/sparql-query"},
        timeout=30,
    )
    assert r.status_code == 413
    assert_still_serving(live)


def test_invalid_utf8_is_a_400(live):
    r = requests.post(
        live.url + "sparql",
        data=b"SELECT * WHERE { ?s ?p \xff\xfe }",
        headers={"Content-Type": "application/sparql-query"},
        timeout=10,
    )
    assert r.status_code == 400 and "UTF-8" in r.json()["message"]
    r = requests.get(live.url + "sparql?query=SELECT%20%FF", timeout=10)
    assert r.status_code == 400 and "UTF-8" in r.json()["message"]
    assert_still_serving(live)


def test_service_description_when_there_is_no_query(live):
    r = requests.get(live.url + "sparql", headers={"Accept": "text/turtle"}, timeout=10)
    g = rdflib.Graph().parse(data=r.text, format="turtle")
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    service = rdflib.URIRef(live.url + "sparql")
    assert (service, rdflib.RDF.type, sd.Service) in g
    assert (service, sd.feature, sd.UnionDefaultGraph) in g
    assert (service, sd.supportedLanguage, sd.SPARQL11Query) in g
    assert (service, sd.supportedLanguage, sd.SPARQL11Update) not in g
    names = set(g.objects(None, sd.name))
    assert rdflib.URIRef("https://w3id.org/kzgraph/source/parliament-of-kazakhstan") in names
    for accept, fmt in (("application/ld+json", "json-ld"), ("application/rdf+xml", "xml")):
        r = requests.get(live.url + "sparql", headers={"Accept": accept}, timeout=10)
        assert len(rdflib.Graph().parse(data=r.text, format=fmt)) == len(g)
    html = requests.get(live.url + "sparql", headers={"Accept": "text/html"}, timeout=10)
    assert html.headers["Content-Type"].startswith("text/html") and 'href="/"' in html.text


def test_void_has_real_counts(live):
    r = requests.get(live.url + ".well-known/void", headers={"Accept": "text/turtle"}, timeout=10)
    g = rdflib.Graph().parse(data=r.text, format="turtle")
    void = rdflib.Namespace("http://rdfs.org/ns/void#")
    ds = rdflib.URIRef("https://w3id.org/kzgraph/dataset")
    triples = int(g.value(ds, void.triples))
    count = requests.get(
        live.url + "sparql",
        params={"query": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"},
        timeout=10,
    )
    assert triples == int(count.json()["results"]["bindings"][0]["n"]["value"])
    assert int(g.value(ds, void.entities)) > 50
    classes = {g.value(p, void["class"]) for p in g.objects(ds, void.classPartition)}
    assert rdflib.URIRef("https://w3id.org/kzgraph/ontology#Chamber") in classes


def test_cors_everywhere_and_preflight(live):
    r = requests.options(
        live.url + "sparql",
        headers={"Origin": "http://example.org", "Access-Control-Request-Method": "POST"},
        timeout=10,
    )
    assert r.status_code == 204
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in r.headers["Access-Control-Allow-Methods"]
    for path in ("sparql?query=SELEC", "health", "nothing-here"):
        assert (
            requests.get(live.url + path, timeout=10).headers["Access-Control-Allow-Origin"] == "*"
        )


def test_etag_and_304(live):
    r = sparql(live, params={"query": Q_SEATS})
    etag = r.headers["ETag"]
    again = sparql(live, params={"query": Q_SEATS}, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    other = sparql(
        live, params={"query": Q_SEATS}, headers={"If-None-Match": etag, "Accept": "text/csv"}
    )
    assert other.status_code == 200


def test_wikidata_label_service_is_rewritten(live):
    q = """SELECT ?chamber ?chamberLabel ?seats WHERE {
      VALUES ?house { wd:Q375928 wd:Q637846 } ?chamber wdt:P31 ?house ; wdt:P1342 ?seats .
      SERVICE wikibase:label { bd:serviceParam wikibase:language "kk,en". }
    } ORDER BY ?seats"""
    rows = sparql(live, params={"query": q}).json()["results"]["bindings"]
    labels = {(r["chamberLabel"]["value"], r["seats"]["value"]) for r in rows}
    assert ("Мәжіліс", "98") in labels
    assert ("Сенат", "49") in labels


def test_label_service_falls_back_to_the_identifier(live):
    q = """SELECT ?e ?eLabel WHERE { VALUES ?e { <https://w3id.org/kzgraph/entity/no-such-thing> }
      SERVICE wikibase:label { bd:serviceParam wikibase:language "[AUTO_LANGUAGE],en". } }"""
    rows = sparql(live, params={"query": q}).json()["results"]["bindings"]
    assert rows[0]["eLabel"]["value"] == "no-such-thing"


@pytest.mark.parametrize(
    "iri",
    [
        "http://127.0.0.1:9/sparql",
        "http://localhost/sparql",
        "http://10.0.0.1/sparql",
        "file:///etc/passwd",
        "http://169.254.169.254/latest",
    ],
)
def test_service_outside_the_allowlist_is_refused(live, iri):
    r = sparql(live, params={"query": f"SELECT * WHERE {{ SERVICE <{iri}> {{ ?s ?p ?o }} }}"})
    assert r.status_code == 400
    assert iri in r.json()["message"]


def test_service_hidden_behind_a_prefix_or_case_is_refused(live):
    q = "PREFIX x: <http://127.0.0.1:1/> select * where { sErViCe   SILENT x:sparql { ?s ?p ?o } }"
    r = sparql(live, params={"query": q})
    assert r.status_code == 400 and "http://127.0.0.1:1/sparql" in r.json()["message"]
    r = sparql(
        live, params={"query": "SELECT * WHERE { BIND(<http://a/> AS ?e) SERVICE ?e { ?s ?p ?o } }"}
    )
    assert r.status_code == 400 and "variable" in r.json()["message"]


def test_service_in_a_literal_or_comment_is_not_a_call(live):
    q = 'SELECT ?x WHERE { BIND("SERVICE <http://127.0.0.1:1/>" AS ?x) } # SERVICE <http://127.0.0.1:2/>'
    r = sparql(live, params={"query": q})
    assert r.status_code == 200


def test_health(live):
    body = requests.get(live.url + "health", timeout=10).json()
    assert body["status"] == "ok" and body["writable"] is False


def test_access_log_is_structured(live):
    before = len(live.log.read_text().splitlines())
    sparql(live, params={"query": Q_SEATS + " # access-log"})

    def new_records() -> list[dict]:
        lines = live.log.read_text().splitlines()[before:]
        return [json.loads(line) for line in lines if line.startswith("{")]

    deadline = time.monotonic() + 10  # the worker writes its record after the answer
    while not new_records() and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.2)  # and nothing more comes
    records = new_records()
    assert [(r["method"], r["path"], r["status"]) for r in records] == [("GET", "/sparql", 200)]
    assert records[0]["ms"] > 0 and "query_ms" in records[0]


def test_readme_examples_give_the_output_the_readme_shows(live):
    """The README's example queries (also on the home page) and their output, line by line."""
    from kzgraph.settings import PROJECT_ROOT
    from kzgraph.web.pages import README_EXAMPLES

    readme = (PROJECT_ROOT / "README.md").read_text()
    for _title, query in README_EXAMPLES:
        assert query.split("\n")[0] in readme
        r = sparql(live, params={"query": query, "format": "csv"})
        assert r.status_code == 200
        lines = r.text.splitlines()
        assert len(lines) > 2
        for line in lines:
            assert line in readme, line
