"""Dereferenceable IRIs, pages people read, dumps, and the ontology."""

from __future__ import annotations

import gzip
import html
import json
import re

import pytest
import rdflib
import requests

from .conftest import TOKEN
from .test_hostile_input import raw_request

E = "https://w3id.org/kzgraph/entity/"
WDT = rdflib.Namespace("http://www.wikidata.org/prop/direct/")


@pytest.mark.parametrize(
    "accept, suffix, fmt",
    [
        ("text/turtle", "ttl", "turtle"),
        ("application/ld+json", "jsonld", "json-ld"),
        ("application/n-triples", "nt", "nt"),
        ("application/rdf+xml", "rdf", "xml"),
    ],
)
def test_entity_in_every_rdf_format(live, accept, suffix, fmt):
    by_accept = requests.get(live.url + "entity/majilis", headers={"Accept": accept}, timeout=10)
    by_suffix = requests.get(live.url + f"entity/majilis.{suffix}", timeout=10)
    for r in (by_accept, by_suffix):
        assert r.status_code == 200
        assert r.headers["Content-Type"].split(";")[0] == accept
        g = rdflib.Graph().parse(data=r.text, format=fmt)
        assert (rdflib.URIRef(E + "majilis"), WDT.P1342, rdflib.Literal(98)) in g
        # the statements and their references come along, so provenance is one request away
        assert any(
            str(o).startswith("The Mäjilis, the lower house")
            for o in g.objects(None, rdflib.URIRef("http://www.wikidata.org/prop/reference/P1683"))
        )
    assert by_accept.headers["Vary"] == "Accept"
    assert (
        'rel="alternate"' in by_accept.headers["Link"]
        and "entity/majilis.ttl" in by_accept.headers["Link"]
    )


def raw_status(live, path: str) -> int:
    """The status of ``path`` sent as written (a client library would remove its dot
    segments before sending)."""
    request = f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode()
    return int(raw_request(live, request).split(b" ", 2)[1])


def test_jsonld_uses_the_project_context(live):
    doc = requests.get(live.url + "entity/majilis.jsonld", timeout=10).json()
    assert doc["@context"]["kzo"] == "https://w3id.org/kzgraph/ontology#"


def test_unknown_entity_is_a_404_with_a_search_link(live):
    html = requests.get(
        live.url + "entity/no-such-thing", headers={"Accept": "text/html"}, timeout=10
    )
    assert html.status_code == 404 and "/queries/find-entity?name=no-such-thing" in html.text
    data = requests.get(
        live.url + "entity/no-such-thing", headers={"Accept": "text/turtle"}, timeout=10
    )
    assert data.status_code == 404 and "find-entity" in data.json()["message"]


def test_entity_page(live):
    r = requests.get(live.url + "entity/senate", headers={"Accept": "text/html"}, timeout=10)
    assert r.status_code == 200
    page = r.text
    assert "Senate of Kazakhstan" in page and "Сенат" in page
    assert "number of seats" in page and "conflicting value" in page
    assert "<mark>Senate, the upper house, consists of 50 deputies</mark>" in page
    assert 'href="/source/parliament-of-kazakhstan#at-' in page
    assert 'href="/entity/chairman-of-the-senate"' in page
    assert "Linked from" in page and 'href="/entity/parliament-of-kazakhstan"' in page
    assert "Content-Security-Policy" in r.headers


def test_wikidata_link_and_timeline(live):
    page = requests.get(
        live.url + "entity/parliament-of-kazakhstan", headers={"Accept": "text/html"}, timeout=10
    ).text
    assert "https://www.wikidata.org/wiki/Q2995409" in page
    assert "Timeline" in page and "1996-01-30" in page and "first session" in page


def test_chamber_page_has_a_seat_diagram(live):
    page = requests.get(
        live.url + "entity/majilis", headers={"Accept": "text/html"}, timeout=10
    ).text
    assert page.count('class="seat"') == 98
    assert "Amanat</a>: 62" in page
    older = requests.get(
        live.url + "entity/majilis",
        params={"date": "2020-01-01"},
        headers={"Accept": "text/html"},
        timeout=10,
    ).text
    assert older.count('class="seat"') == 98 and "Amanat</a>: 84" in older
    bad = requests.get(
        live.url + "entity/majilis",
        params={"date": "soon"},
        headers={"Accept": "text/html"},
        timeout=10,
    )
    assert bad.status_code == 400


def test_statement_and_reference_iris_resolve(live):
    rows = requests.get(
        live.url + "sparql",
        params={
            "query": f"SELECT ?st ?ref WHERE {{ <{E}majilis> p:P1342 ?st . ?st ps:P1342 98 ; prov:wasDerivedFrom ?ref }} LIMIT 1"
        },
        timeout=10,
    ).json()["results"]["bindings"]
    st, ref = rows[0]["st"]["value"], rows[0]["ref"]["value"]
    st_path = st.replace("https://w3id.org/kzgraph/", "")
    ref_path = ref.replace("https://w3id.org/kzgraph/", "")
    g = rdflib.Graph().parse(
        data=requests.get(live.url + st_path + ".ttl", timeout=10).text, format="turtle"
    )
    assert (
        rdflib.URIRef(st),
        rdflib.URIRef("http://www.wikidata.org/prop/statement/P1342"),
        rdflib.Literal(98),
    ) in g
    html = requests.get(
        live.url + st_path, headers={"Accept": "text/html"}, allow_redirects=False, timeout=10
    )
    assert html.status_code == 303 and html.headers["Location"].startswith("/entity/majilis#")
    g = rdflib.Graph().parse(
        data=requests.get(live.url + ref_path, headers={"Accept": "text/turtle"}, timeout=10).text,
        format="turtle",
    )
    assert len(g) >= 6
    assert requests.get(live.url + "statement/nope", timeout=10).status_code == 404


def test_source_view_highlights_evidence(live, seed_text):
    r = requests.get(
        live.url + "source/parliament-of-kazakhstan", headers={"Accept": "text/html"}, timeout=10
    )
    assert r.status_code == 200
    # What the page marks is exactly what the references' offsets say was read, and the
    # page shows the whole text around it.
    spans = requests.get(
        live.url + "sparql",
        params={
            "query": "SELECT ?start ?end WHERE { GRAPH <https://w3id.org/kzgraph/source/"
            "parliament-of-kazakhstan> { ?st prov:wasDerivedFrom ?ref . "
            "?ref kzo:spanStart ?start ; kzo:spanEnd ?end } }"
        },
        headers={"Accept": "application/sparql-results+json"},
        timeout=10,
    ).json()["results"]["bindings"]
    read = {i for b in spans for i in range(int(b["start"]["value"]), int(b["end"]["value"]))}
    page = re.search(r'<pre class="source">(.*)</pre>', r.text, re.S).group(1)
    marked = {
        i
        for start, text in re.findall(
            r'<a id="at-(\d+)" class="evidence" href="/statement/[^"]+"[^>]*><mark>(.*?)</mark></a>',
            page,
            re.S,
        )
        for i in range(int(start), int(start) + len(html.unescape(text)))
    }
    assert read and marked == read
    assert html.unescape(re.sub(r"<[^>]+>", "", page)) == seed_text
    plain = requests.get(live.url + "source/parliament-of-kazakhstan.txt", timeout=10)
    assert plain.text == seed_text
    meta = rdflib.Graph().parse(
        data=requests.get(live.url + "source/parliament-of-kazakhstan.ttl", timeout=10).text,
        format="turtle",
    )
    assert any("sha256" in str(p) for p in meta.predicates())
    assert raw_status(live, "/source/../../etc/passwd") == 404


def test_ontology(live):
    html = requests.get(live.url + "ontology", headers={"Accept": "text/html"}, timeout=10)
    assert (
        'id="numberOfSeats"' in html.text
        and "Property:P1342" in html.text
        and 'id="Chamber"' in html.text
    )
    g = rdflib.Graph().parse(
        data=requests.get(
            live.url + "ontology", headers={"Accept": "text/turtle"}, timeout=10
        ).text,
        format="turtle",
    )
    kzo = rdflib.Namespace("https://w3id.org/kzgraph/ontology#")
    assert (kzo.numberOfSeats, rdflib.OWL.equivalentProperty, WDT.P1342) in g


def test_dumps(live, seed_store):
    listing = requests.get(live.url + "dumps/", timeout=10).text
    for name in ("kzgraph.nq.gz", "kzgraph.trig.gz", "kzgraph.ttl.gz", "kzgraph.jsonld.gz"):
        assert name in listing
    data = gzip.decompress(requests.get(live.url + "dumps/kzgraph.nq.gz", timeout=10).content)
    ds = rdflib.Dataset()
    ds.parse(data=data, format="nquads")
    assert sum(1 for _ in ds.quads()) > 2000
    jsonld = gzip.decompress(requests.get(live.url + "dumps/kzgraph.jsonld.gz", timeout=10).content)
    assert json.loads(jsonld)
    for evil in ("../store", "..%2F..%2Fetc%2Fpasswd", "nothing.gz"):
        assert raw_status(live, "/dumps/" + evil) == 404, evil
    # Werkzeug merges the double slash: a redirect to /dumps/etc/passwd, itself a 404.
    assert raw_status(live, "/dumps//etc/passwd") == 308
    assert raw_status(live, "/dumps/etc/passwd") == 404
    void = requests.get(
        live.url + ".well-known/void", headers={"Accept": "text/turtle"}, timeout=10
    ).text
    assert "dumps/kzgraph.nq.gz" in void


def test_html_is_escaped_everywhere(writable):
    label = '<script>alert("x")</script>'
    update = f"INSERT DATA {{ GRAPH <https://w3id.org/kzgraph/graph/entities> {{ <{E}majilis> rdfs:label {json.dumps(label)}@fr ; skos:altLabel {json.dumps(label)}@en }} }}"
    r = requests.post(
        writable.url + "sparql",
        data={"update": update},
        headers={"Authorization": f"Bearer {TOKEN}"},
        timeout=10,
    )
    assert r.status_code == 204
    for path in (
        "entity/majilis",
        "reconcile/preview?id=majilis",
        "queries/find-entity?name=script",
    ):
        page = requests.get(writable.url + path, headers={"Accept": "text/html"}, timeout=10)
        assert "<script>alert" not in page.text, path
        assert "&lt;script&gt;" in page.text, path


def test_service_description_is_a_page_for_browsers_and_rdf_for_programs(live):
    browser = requests.get(
        live.url + "sparql",
        headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"},
        timeout=10,
    )
    assert browser.status_code == 200 and browser.headers["Content-Type"].startswith("text/html")
    page = browser.text
    assert f"{live.url}sparql" in page
    assert "application/sparql-results+json" in page and "text/csv" in page
    assert "UnionDefaultGraph" in page and "may call only" in page
    assert "https://w3id.org/kzgraph/source/parliament-of-kazakhstan" in page
    assert 'href="/queries/find-entity"' in page or "/queries/find-entity" in page
    assert browser.headers["Vary"] == "Accept"
    for accept in ("text/turtle", "*/*"):
        data = requests.get(live.url + "sparql", headers={"Accept": accept}, timeout=10)
        assert data.headers["Content-Type"].startswith("text/turtle")
        g = rdflib.Graph().parse(data=data.text, format="turtle")
        assert len(g) > 10
    by_name = requests.get(live.url + "sparql?format=nt", timeout=10)
    assert by_name.headers["Content-Type"].startswith("application/n-triples")
    bad = requests.get(live.url + "sparql?format=bogus", timeout=10)
    assert bad.status_code == 400 and "ttl" in bad.json()["message"]


BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def test_void_is_a_page_for_browsers_and_rdf_for_programs(live):
    page = requests.get(live.url + ".well-known/void", headers=BROWSER, timeout=10)
    assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/html")
    assert "<th>triples</th>" in page.text and f"{live.url}sparql" in page.text
    assert 'href="/ontology#Chamber"' in page.text  # classes by name, linked to the ontology
    for accept in ("text/turtle", "*/*"):
        data = requests.get(live.url + ".well-known/void", headers={"Accept": accept}, timeout=10)
        g = rdflib.Graph().parse(data=data.text, format="turtle")
        assert (None, rdflib.RDF.type, rdflib.URIRef("http://rdfs.org/ns/void#Dataset")) in g


@pytest.mark.parametrize("path", ["reconcile", "reconcile/v1"])
def test_reconciliation_manifest_is_a_page_for_browsers_and_json_for_programs(live, path):
    page = requests.get(live.url + path, headers=BROWSER, timeout=10)
    assert page.headers["Content-Type"].startswith("text/html")
    assert "OpenRefine" in page.text and f"{live.url}{path}" in page.text
    for accept in ({}, {"Accept": "application/json"}):
        manifest = requests.get(live.url + path, headers=accept, timeout=10).json()
        assert "defaultTypes" in manifest


@pytest.mark.parametrize(
    "path, status, says",
    [
        ("queries/no-such-query", 404, "no canned query"),
        ("queries/composition-on-date?date=not-a-date", 400, "date"),
        ("no/such/page", 404, "nothing at /no/such/page"),
    ],
)
def test_errors_are_pages_for_browsers_and_json_for_programs(live, path, status, says):
    page = requests.get(live.url + path, headers=BROWSER, timeout=10)
    assert page.status_code == status and page.headers["Content-Type"].startswith("text/html")
    assert says in page.text and 'action="/queries/find-entity"' in page.text
    data = requests.get(live.url + path, timeout=10)
    assert data.status_code == status and says in data.json()["message"]
