"""Federation that would work against the real Wikidata: every outbound SERVICE request
carries the entities it is about, in batches (a bind join), and asks for little more than
the answer needs.

The stand-in for Wikidata is an Oxigraph server holding a few hundred thousand triples
generated here (deterministically): the items kzgraph links to, with labels in many
languages and many statements, among tens of thousands of other items. A recording proxy
in front of it keeps every query it is sent and the number of rows it returns. Each answer
is compared with an oracle: the same query run in one local store holding both graphs.
"""

from __future__ import annotations

import io
import json
import random
import re
import threading
import urllib.parse
import urllib.request
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pyoxigraph as ox
import pytest
import requests

from .servers import oxigraph_binary, start_kzgraph, start_oxigraph

WIKIDATA = "https://query.wikidata.org/sparql"
WD = "http://www.wikidata.org/entity/"
WDT = "http://www.wikidata.org/prop/direct/"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
STANDIN_GRAPH = "urn:kzgraph:test:wikidata"
BATCH = 7
OTHER_ITEMS = 20_000
LANGUAGES = ["en", "kk", "ru", "de", "fr", "es", "it", "pl", "tr", "uk", "zh", "ar"]
pytestmark = pytest.mark.skipif(
    oxigraph_binary() is None, reason="the Oxigraph server is not installed (pip install oxigraph)"
)


def item_triples(qid: str, rng: random.Random) -> list[str]:
    """One item as Wikidata has it: labels in many languages, a class, dates, a size and
    a few more statements (N-Triples lines)."""
    s = f"<{WD}{qid}>"
    lines = [f'{s} <{RDFS_LABEL}> "{qid} ({lang})"@{lang} .' for lang in LANGUAGES]
    lines.append(f"{s} <{WDT}P31> <{WD}Q{rng.randrange(1, 500)}> .")
    lines.append(f"{s} <{WDT}P17> <{WD}Q232> .")
    year = rng.randrange(1900, 2024)
    date = f'"{year}-01-01T00:00:00Z"^^<http://www.w3.org/2001/XMLSchema#dateTime>'
    lines.append(f"{s} <{WDT}P571> {date} .")
    if rng.random() < 0.3:
        lines.append(f"{s} <{WDT}P576> {date} .")
    if rng.random() < 0.5:
        seats = f'"{rng.randrange(5, 600)}"^^<http://www.w3.org/2001/XMLSchema#decimal>'
        lines.append(f"{s} <{WDT}P1342> {seats} .")
    return lines


def standin_ntriples(linked: list[str]) -> str:
    rng = random.Random(13)
    lines = []
    for iri in linked:
        lines += item_triples(iri.removeprefix(WD), rng)
    for i in range(OTHER_ITEMS):
        lines += item_triples(f"Q{90_000_000 + i}", rng)
    return "\n".join(lines) + "\n"


class Recording(BaseHTTPRequestHandler):
    """Forwards SPARQL queries to the stand-in and records each one with its row count."""

    def do_GET(self) -> None:  # noqa: N802
        self._forward(urllib.parse.urlsplit(self.path).query.encode(), FORM)

    def do_POST(self) -> None:  # noqa: N802
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self._forward(body, self.headers.get("Content-Type", FORM))

    def _forward(self, body: bytes, content_type: str) -> None:
        if content_type.startswith(FORM):
            text = urllib.parse.parse_qs(body.decode())["query"][0]
        else:
            text = body.decode()
        request = urllib.request.Request(
            self.server.target,
            data=text.encode(),
            headers={
                "Content-Type": "application/sparql-query",
                "Accept": "application/sparql-results+json",
            },
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            data = response.read()
        rows = len(json.loads(data)["results"]["bindings"])
        self.server.seen.append((text, rows))
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


FORM = "application/x-www-form-urlencoded"


@pytest.fixture(scope="module")
def standin(seed, tmp_path_factory):
    """(recording proxy, the stand-in's N-Triples, the linked items)."""
    linked = sorted(
        {r["item"] for r in seed.rows("SELECT DISTINCT ?item WHERE { ?e owl:sameAs ?item }")}
    )
    assert len(linked) > BATCH  # several batches
    data = standin_ntriples(linked)
    assert data.count("\n") > 250_000
    server = start_oxigraph(None, tmp_path_factory.mktemp("standin") / "oxigraph.log")
    r = requests.post(
        server.url + "store?default",
        data=data.encode(),
        headers={"Content-Type": "application/n-triples"},
        timeout=300,
    )
    assert r.status_code in (200, 201, 204), r.text
    proxy = ThreadingHTTPServer(("127.0.0.1", 0), Recording)
    proxy.target = server.url + "query"
    proxy.seen = []
    threading.Thread(target=proxy.serve_forever, daemon=True).start()
    yield proxy, data, linked
    proxy.shutdown()
    server.stop()


@pytest.fixture(scope="module")
def federated(seed_store, standin, tmp_path_factory):
    proxy = standin[0]
    env = {
        "KZGRAPH_SERVICE_MAP": f"{WIKIDATA}=http://127.0.0.1:{proxy.server_address[1]}/sparql",
        "KZGRAPH_SERVICE_BATCH": str(BATCH),
        "KZGRAPH_SERVICE_TIMEOUT": "60",
        "KZGRAPH_SERVICE_PRIVATE_NETWORKS": "127.0.0.0/8",  # the stand-in is on loopback
    }
    server = start_kzgraph(
        seed_store, tmp_path_factory.mktemp("bounded") / "kzgraph.log", "--workers", "1", env=env
    )
    yield server
    server.stop()


@pytest.fixture(scope="module")
def oracle(seed, standin):
    """kzgraph's quads and the stand-in's statements about the linked items (in a graph of
    its own) in one local store. In the queries tested every SERVICE triple pattern has the
    linked item as its subject, so the other items cannot take part in an answer; leaving
    them out keeps the oracle's own join from scanning all of them (minutes, not seconds)."""
    _, data, linked = standin
    subjects = tuple(f"<{iri}> " for iri in linked)
    about_linked = "\n".join(line for line in data.splitlines() if line.startswith(subjects))
    store = ox.Store()
    store.extend(seed.quads)
    store.load(
        about_linked.encode(),
        format=ox.RdfFormat.N_TRIPLES,
        to_graph=ox.NamedNode(STANDIN_GRAPH),
    )
    return store


def oracle_rows(oracle: ox.Store, seed, text: str) -> Counter:
    """The query with each Wikidata SERVICE read from the stand-in's graph instead."""
    local = re.sub(
        r"SERVICE\s+<https://query\.wikidata\.org/sparql>\s*\{",
        f"GRAPH <{STANDIN_GRAPH}> {{",
        text,
    )
    kzgraph_graphs = [g for g in oracle.named_graphs() if g.value != STANDIN_GRAPH]
    from kzgraph.namespaces import PREDEFINED

    results = oracle.query(
        local,
        prefixes=PREDEFINED,
        default_graph=kzgraph_graphs,
        named_graphs=[ox.NamedNode(STANDIN_GRAPH)],
    )
    return rows_of(results)


def rows_of(results) -> Counter:
    names = [v.value for v in results.variables]
    return Counter(
        tuple(str(row[n]) if row[n] is not None else "" for n in names) for row in results
    )


def answer_rows(response: requests.Response) -> Counter:
    assert response.status_code == 200, response.text
    return rows_of(ox.parse_query_results(io.BytesIO(response.content), ox.QueryResultsFormat.JSON))


def assert_bounded(proxy, answer: Counter, linked: list[str]) -> None:
    """Every request named at most BATCH items; the stand-in returned about what the
    answer needs (at most one row per answer row, plus one per linked item)."""
    assert proxy.seen, "no request reached the stand-in"
    for text, _ in proxy.seen:
        assert "VALUES" in text.upper(), text
        assert 0 < text.count(WD + "Q") <= BATCH, text
    assert len(proxy.seen) >= len(linked) / BATCH
    returned = sum(rows for _, rows in proxy.seen)
    assert returned <= sum(answer.values()) + len(linked)


def test_enrichment_sends_the_linked_items_in_batches(federated, standin, oracle, seed):
    proxy, _, linked = standin
    proxy.seen.clear()
    r = requests.get(federated.url + "queries/wikidata-enrichment.json", timeout=120)
    answer = answer_rows(r)
    text = federated_query_text(federated, "wikidata-enrichment")
    assert answer == oracle_rows(oracle, seed, text)
    assert any(row[3] for row in answer)  # Kazakh labels arrived
    assert_bounded(proxy, answer, linked)


def test_alignment_sends_items_and_properties(federated, standin, oracle, seed):
    proxy, _, linked = standin
    proxy.seen.clear()
    r = requests.get(federated.url + "queries/wikidata-alignment.json", timeout=120)
    answer = answer_rows(r)
    assert answer == oracle_rows(
        oracle, seed, federated_query_text(federated, "wikidata-alignment")
    )
    assert {row[-1] for row in answer} >= {'"missing in kzgraph"', '"disagree"'}
    assert_bounded(proxy, answer, linked)
    for text, _ in proxy.seen:
        assert WDT + "P1342" in text or "wdt:P1342" in text


def test_readme_federation_example_is_bounded(federated, standin, oracle, seed):
    proxy, _, linked = standin
    proxy.seen.clear()
    query = """SELECT ?entity ?labelKk WHERE {
  ?entity owl:sameAs ?item .
  SERVICE <https://query.wikidata.org/sparql> {
    ?item rdfs:label ?labelKk FILTER(LANG(?labelKk) = "kk")
  }
}"""
    r = requests.get(federated.url + "sparql", params={"query": query}, timeout=120)
    answer = answer_rows(r)
    assert answer == oracle_rows(oracle, seed, query)
    assert sum(answer.values()) >= len(linked)
    assert_bounded(proxy, answer, linked)


def federated_query_text(server, name: str) -> str:
    """A canned query's SPARQL, as /queries.json publishes it."""
    listed = requests.get(server.url + "queries.json", timeout=10).json()["queries"]
    return {q["name"]: q["sparql"] for q in listed}[name]
