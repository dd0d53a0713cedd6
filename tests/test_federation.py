"""Federation with Wikidata (a local Oxigraph server standing in for it) and other engines."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests

from .conftest import FIXTURES
from .servers import free_port, oxigraph_binary, start_kzgraph, start_oxigraph

WIKIDATA = "https://query.wikidata.org/sparql"
QLEVER = "https://qlever.cs.uni-freiburg.de/api/wikidata"
pytestmark = pytest.mark.skipif(
    oxigraph_binary() is None, reason="the Oxigraph server is not installed (pip install oxigraph)"
)


@pytest.fixture(scope="module")
def wikidata(tmp_path_factory):
    log = tmp_path_factory.mktemp("wikidata") / "oxigraph.log"
    server = start_oxigraph(None, log)
    r = requests.post(
        server.url + "store?default",
        data=(FIXTURES / "wikidata-standin.ttl").read_bytes(),
        headers={"Content-Type": "text/turtle"},
        timeout=30,
    )
    assert r.status_code in (200, 201, 204), r.text
    yield server
    server.stop()


class Recorder(BaseHTTPRequestHandler):
    """A SPARQL endpoint on loopback that records the headers it was sent."""

    seen: list[dict] = []

    def do_POST(self):  # noqa: N802
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        Recorder.seen.append(dict(self.headers))
        if self.server.mode != "results":
            self.misbehave(self.server.mode)
            return
        rows = [{"x": {"type": "literal", "value": str(i)}} for i in range(int(self.server.rows))]
        body = json.dumps({"head": {"vars": ["x"]}, "results": {"bindings": rows}}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/sparql-results+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST

    def misbehave(self, mode: str) -> None:
        """A 403 page, an HTML answer, or a redirect to somewhere else."""
        status, ctype, headers = {
            "forbidden": (403, "text/html", {}),
            "html": (200, "text/html", {}),
            "redirect": (302, "text/html", {"Location": "http://169.254.169.254/latest/"}),
        }[mode]
        body = b"<html>SECRET internal page</html>"
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def recorder():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    server.rows = 3
    server.mode = "results"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()


@pytest.fixture(scope="module")
def federated(seed_store, wikidata, recorder, tmp_path_factory):
    """kzgraph whose allowlisted Wikidata endpoint is mapped to the stand-in, and QLever's to the recorder."""
    env = {
        "KZGRAPH_SERVICE_MAP": f"{WIKIDATA}={wikidata.url}query,{QLEVER}=http://127.0.0.1:{recorder.server_address[1]}/sparql",
        "KZGRAPH_SERVICE_MAX_ROWS": "50",
        "KZGRAPH_SERVICE_TIMEOUT": "5",
        "KZGRAPH_SERVICE_PRIVATE_NETWORKS": "127.0.0.0/8",
    }
    server = start_kzgraph(
        seed_store, tmp_path_factory.mktemp("fed") / "kzgraph.log", "--workers", "2", env=env
    )
    yield server
    server.stop()


def test_enrichment_from_wikidata(federated):
    rows = requests.get(federated.url + "queries/wikidata-enrichment.json", timeout=30).json()[
        "results"
    ]["bindings"]
    by_entity = {r["entity"]["value"].rsplit("/", 1)[1]: r for r in rows}
    assert by_entity["majilis"]["labelKk"]["value"] == "Мәжіліс"
    assert by_entity["maulen-ashimbayev"]["labelRu"]["value"] == "Маулен Ашимбаев"
    assert by_entity["parliament-of-kazakhstan"]["inception"]["value"].startswith("1995")


def test_alignment_diff(federated):
    rows = requests.get(federated.url + "queries/wikidata-alignment.json", timeout=30).json()[
        "results"
    ]["bindings"]
    status = {
        (r["entity"]["value"].rsplit("/", 1)[1], r["property"]["value"].rsplit("/", 1)[1]): r[
            "status"
        ]["value"]
        for r in rows
    }
    assert status[("majilis", "P1342")] == "disagree"  # 98 in the article, 107 in the stand-in
    assert status[("parliament-of-kazakhstan", "P571")] == "agree"
    assert status[("majilis", "P2097")] == "missing in Wikidata"
    assert status[("amanat", "P571")] == "missing in kzgraph"


def test_user_agent_and_row_bound(federated, recorder):
    Recorder.seen.clear()
    r = requests.get(
        federated.url + "sparql",
        params={"query": f"SELECT * WHERE {{ SERVICE <{QLEVER}> {{ ?x ?p ?o }} }}"},
        timeout=30,
    )
    assert r.status_code == 200, r.text
    assert len(r.json()["results"]["bindings"]) == 3
    agent = Recorder.seen[-1]["User-Agent"]
    assert agent.startswith("kzgraph/") and "@" in agent
    recorder.rows = 60
    try:
        r = requests.get(
            federated.url + "sparql",
            params={"query": f"SELECT * WHERE {{ SERVICE <{QLEVER}> {{ ?x ?p ?o }} }}"},
            timeout=30,
        )
        assert r.status_code == 502 and "federated SERVICE call failed" in r.json()["message"]
    finally:
        recorder.rows = 3


def test_failing_remote_is_a_clear_error_or_nothing_with_silent(seed_store, tmp_path):
    dead = f"http://127.0.0.1:{free_port()}/sparql"
    env = {
        "KZGRAPH_SERVICE_MAP": f"{WIKIDATA}={dead}",
        "KZGRAPH_SERVICE_TIMEOUT": "2",
        "KZGRAPH_SERVICE_PRIVATE_NETWORKS": "127.0.0.0/8",
    }
    server = start_kzgraph(seed_store, tmp_path / "kz.log", "--workers", "1", env=env)
    try:
        loud = requests.get(
            server.url + "sparql",
            params={"query": f"SELECT * WHERE {{ SERVICE <{WIKIDATA}> {{ ?s ?p ?o }} }}"},
            timeout=30,
        )
        assert loud.status_code == 502 and "SERVICE" in loud.json()["message"]
        silent = requests.get(
            server.url + "sparql",
            params={"query": f"SELECT * WHERE {{ SERVICE SILENT <{WIKIDATA}> {{ ?s ?p ?o }} }}"},
            timeout=30,
        )
        assert silent.status_code == 200
        # SILENT: the failed call gives one empty solution, nothing from the service.
        assert silent.json()["results"]["bindings"] in ([{}], [])
    finally:
        server.stop()


def test_oxigraph_server_calls_kzgraph_as_a_service(live, tmp_path):
    """Inbound: another engine federates a query over kzgraph's /sparql."""
    other = start_oxigraph(None, tmp_path / "other.log")
    try:
        q = f"""SELECT ?chamber ?n WHERE {{
          SERVICE <{live.url}sparql> {{ ?chamber <http://www.wikidata.org/prop/direct/P1342> ?n }}
        }} ORDER BY ?n"""
        r = requests.post(
            other.url + "query",
            data=q.encode(),
            headers={
                "Content-Type": "application/sparql-query",
                "Accept": "application/sparql-results+json",
            },
            timeout=30,
        )
        assert r.status_code == 200, r.text
        rows = [
            (b["chamber"]["value"].rsplit("/", 1)[1], b["n"]["value"])
            for b in r.json()["results"]["bindings"]
        ]
        assert rows == [("senate", "49"), ("senate", "50"), ("majilis", "98")]
    finally:
        other.stop()


COMUNICA = Path(__file__).resolve().parents[1] / "node_modules" / ".bin" / "comunica-sparql"


@pytest.mark.skipif(
    not COMUNICA.exists(), reason="Comunica is not installed (make install runs npm)"
)
def test_comunica_federates_kzgraph_and_wikidata(live, wikidata):
    import subprocess

    query = """PREFIX owl: <http://www.w3.org/2002/07/owl#>
    PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
    SELECT ?entity ?labelKk WHERE {
      ?entity owl:sameAs ?item .
      ?item rdfs:label ?labelKk . FILTER(LANG(?labelKk) = "kk")
    }"""
    proc = subprocess.run(
        [str(COMUNICA), f"sparql@{live.url}sparql", f"sparql@{wikidata.url}query", query],
        capture_output=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr.decode()[-2000:]
    rows = {
        (r["entity"].rsplit("/", 1)[1], r["labelKk"].split('"')[1]) for r in json.loads(proc.stdout)
    }
    assert ("majilis", "Мәжіліс") in rows
    assert ("amanat", "Аманат") in rows


@pytest.mark.parametrize(
    ("mode", "message"),
    [
        ("forbidden", "answered HTTP 403"),
        ("html", "answered with text/html, not SPARQL results"),
        ("redirect", "answered HTTP 302"),
    ],
)
def test_upstream_answers_are_summarised_never_echoed(federated, recorder, mode, message):
    recorder.mode = mode
    try:
        r = requests.get(
            federated.url + "sparql",
            params={"query": f"SELECT * WHERE {{ SERVICE <{QLEVER}> {{ ?x ?p ?o }} }}"},
            timeout=30,
        )
    finally:
        recorder.mode = "results"
    assert r.status_code == 502, r.text
    assert (
        r.json()["message"]
        == f"a federated SERVICE call failed: the remote endpoint {QLEVER} {message}"
    )
    assert "SECRET" not in r.text and "127.0.0.1" not in r.text


def test_an_endpoint_on_a_private_address_is_not_called_unless_configured(
    seed_store, recorder, tmp_path
):
    env = {"KZGRAPH_SERVICE_MAP": f"{QLEVER}=http://127.0.0.1:{recorder.server_address[1]}/sparql"}
    server = start_kzgraph(seed_store, tmp_path / "kz.log", "--workers", "1", env=env)
    Recorder.seen.clear()
    try:
        r = requests.get(
            server.url + "sparql",
            params={"query": f"SELECT * WHERE {{ SERVICE <{QLEVER}> {{ ?x ?p ?o }} }}"},
            timeout=30,
        )
    finally:
        server.stop()
    assert r.status_code == 502
    assert "resolves to an address this server does not call" in r.json()["message"]
    assert Recorder.seen == []
