"""--store URL: build into, export from and serve from real SPARQL servers on loopback.

The same tests run against the Oxigraph server (pip ``oxigraph``) and Virtuoso (Debian's
``virtuoso-opensource``, with a row cap below the seed's size so that reading the whole
dataset has to page), and compare every answer with the embedded store's. Each server is
started once per module; the fault tests that stop or empty a store run last and leave it
rebuilt.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests

from kzgraph import publishing
from kzgraph import store as stores
from kzgraph.remote import RemoteStoreError

from .conftest import SEED
from .servers import (
    VIRTUOSO_MAX_ROWS,
    VIRTUOSO_PASSWORD,
    VIRTUOSO_USER,
    Running,
    oxigraph_binary,
    start_kzgraph,
    start_oxigraph,
    start_virtuoso,
    virtuoso_binary,
)

KZ = "https://w3id.org/kzgraph/"
BOOKKEEPING = f"{KZ}bookkeeping"  # kzgraph's data version (kzgraph.store.version_quad)
FOREIGN = "http://example.org/not-kzgraph"
FORMATS = ["ttl", "nt", "jsonld", "rdf"]


def kzgraph(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "kzgraph.cli", *args],
        capture_output=True,
        timeout=300,
        env={**os.environ, **(env or {})},
    )


def require(binary: str | None, what: str) -> None:
    """Skip without the server on a developer's machine; in CI its absence is a failure."""
    if binary is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{what} is not installed; .ci/run installs it")
        pytest.skip(f"{what} is not installed")


@dataclass
class Store:
    """A SPARQL server under test, reached as kzgraph reaches it."""

    name: str
    url: str
    query_url: str
    update_url: str
    auth: object
    env: dict[str, str]
    stop: object
    start: object
    extra: dict = field(default_factory=dict)

    def update(self, text: str) -> None:
        r = requests.post(self.update_url, data={"update": text}, auth=self.auth, timeout=60)
        assert r.status_code < 300, r.text

    def graphs(self) -> dict[str, int]:
        r = requests.post(
            self.query_url,
            data={
                "query": "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
            },
            headers={"Accept": "application/sparql-results+json"},
            auth=self.auth,
            timeout=60,
        )
        r.raise_for_status()
        return {b["g"]["value"]: int(b["n"]["value"]) for b in r.json()["results"]["bindings"]}

    def publish(self, quads: list[ox.Quad], **overrides: object) -> dict[str, int]:
        """What `kzgraph build` does after extracting, in this process (extraction is slow
        and is tested elsewhere)."""
        from kzgraph.settings import load_settings

        settings = {k.removeprefix("KZGRAPH_").lower(): v for k, v in self.env.items()}
        return publishing.publish(quads, load_settings(store=self.url, **{**settings, **overrides}))

    def build(self, *paths: Path, extra: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
        return kzgraph(
            "build", *map(str, paths or (SEED,)), "--store", self.url, *extra, env=self.env
        )


def oxigraph_store(folder: Path) -> Iterator[Store]:
    require(oxigraph_binary(), "the Oxigraph server (pip install oxigraph)")
    location, log = folder / "oxigraph", folder / "oxigraph.log"
    holder: dict[str, Running] = {"server": start_oxigraph(location, log)}
    url = holder["server"].url.rstrip("/")
    port = int(url.rsplit(":", 1)[1])

    def start() -> None:
        holder["server"] = start_oxigraph(location, log, port=port)

    yield Store(
        "oxigraph",
        url,
        url + "/query",
        url + "/update",
        None,
        {},
        lambda: holder["server"].stop(),
        start,
    )
    holder["server"].stop()


def virtuoso_store(folder: Path) -> Iterator[Store]:
    require(virtuoso_binary(), "Virtuoso (apt-get install virtuoso-opensource)")
    server = start_virtuoso(folder / "virtuoso")
    env = {
        "KZGRAPH_STORE_USER": VIRTUOSO_USER,
        "KZGRAPH_STORE_PASSWORD": VIRTUOSO_PASSWORD,
        "KZGRAPH_STORE_MAX_ROWS": str(VIRTUOSO_MAX_ROWS),
    }
    auth = requests.auth.HTTPDigestAuth(VIRTUOSO_USER, VIRTUOSO_PASSWORD)
    yield Store(
        "virtuoso",
        server.url,
        server.url,
        server.url + "-auth",
        auth,
        env,
        server.stop,
        server.start,
    )
    server.stop()


@pytest.fixture(scope="module", params=["oxigraph", "virtuoso"])
def remote(request, tmp_path_factory) -> Iterator[Store]:
    """A server holding a foreign graph and kzgraph's build of the seed."""
    folder = tmp_path_factory.mktemp(request.param)
    factory = oxigraph_store if request.param == "oxigraph" else virtuoso_store
    stores = factory(folder)
    store = next(stores)
    store.update(f'INSERT DATA {{ GRAPH <{FOREIGN}> {{ <{FOREIGN}#a> <{FOREIGN}#b> "c" }} }}')
    store.extra["before"] = store.graphs()
    built = store.build()
    assert built.returncode == 0, built.stderr.decode()[-3000:]
    store.extra["summary"] = built.stderr.decode()
    yield store
    next(stores, None)


@pytest.fixture(scope="module")
def served(remote, tmp_path_factory) -> Iterator[Running]:
    log = tmp_path_factory.mktemp("served") / "kzgraph.log"
    server = start_kzgraph(remote.url, log, "--workers", "2", env=remote.env)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def embedded_export(seed_store) -> dict[str, bytes]:
    """What `kzgraph export` writes for the seed's embedded store, per format."""
    from kzgraph.settings import load_settings

    quads = list(publishing.dataset_quads(load_settings(store=str(seed_store))))
    return {fmt: stores.serialize_dataset(quads, fmt) for fmt in ("nquads", "turtle", "trig")}


def get(server: Running, path: str, **kwargs) -> requests.Response:
    return requests.get(server.url + path, timeout=60, **kwargs)


# --- build and export ------------------------------------------------------------------------------


def test_a_build_touches_only_kzgraphs_graphs_and_reports_what_the_store_holds(remote):
    after = remote.graphs()
    for graph, count in remote.extra["before"].items():
        if not graph.startswith(KZ):
            assert after.get(graph) == count, f"{graph} was changed by the build"
    ours = {g: n for g, n in after.items() if g.startswith(KZ) and g != BOOKKEEPING}
    assert f"{KZ}graph/meta" in ours and f"{KZ}graph/entities" in ours
    assert not any("/staging/" in g for g in ours)
    for graph, count in ours.items():
        assert f"{count:6} triples in <{graph}>" in remote.extra["summary"]
    # The data version is kept on the server, beside kzgraph's data, not in it.
    assert after[BOOKKEEPING] == 1 and f"<{BOOKKEEPING}>" not in remote.extra["summary"]


def test_export_is_byte_identical_to_the_embedded_store(remote, seed_store, embedded_export):
    assert embedded_export["nquads"] == kzgraph("export", "--store", str(seed_store)).stdout
    for fmt in ("nquads", "turtle", "trig"):
        ours = kzgraph("export", "--store", remote.url, "--format", fmt, env=remote.env)
        assert ours.returncode == 0, ours.stderr.decode()[-2000:]
        assert ours.stdout == embedded_export[fmt], fmt


def test_queries_sent_by_get_give_the_same_export(remote, embedded_export):
    ours = kzgraph("export", "--store", remote.url, "--store-query-method", "get", env=remote.env)
    assert ours.returncode == 0, ours.stderr.decode()[-2000:]
    assert ours.stdout == embedded_export["nquads"]


def test_a_rebuild_replaces_kzgraphs_graphs_and_no_others(remote, seed, kenya, embedded_export):
    kenya_graph = f"{KZ}source/parliament-of-kenya"
    # This build loads by SPARQL Update (INSERT DATA in chunks), the next by the Graph
    # Store Protocol: both must give the same data.
    remote.publish(seed.quads + kenya.quads, store_bulk_load="update")
    assert kenya_graph in remote.graphs()
    remote.publish(seed.quads)
    after = remote.graphs()
    assert kenya_graph not in after and FOREIGN in after
    assert not any("/staging/" in g for g in after)
    ours = kzgraph("export", "--store", remote.url, env=remote.env)
    assert ours.stdout == embedded_export["nquads"]


# --- serving ----------------------------------------------------------------------------------------


def entities(response: requests.Response) -> set[str]:
    return {b["entity"]["value"] for b in response.json()["results"]["bindings"]}


def rows(response: requests.Response) -> list[str]:
    """Solutions as sorted JSON lines; GROUP_CONCAT parts sorted (their order is the
    server's choice)."""
    out = []
    for b in response.json()["results"]["bindings"]:
        values = {}
        for k, v in b.items():
            value = v["value"]
            values[k] = " | ".join(sorted(value.split(" | "))) if " | " in value else value
        out.append(json.dumps(values, sort_keys=True))
    return sorted(out)


def canned(server: Running) -> list[dict]:
    return [q for q in get(server, "queries.json").json()["queries"] if not q["federated"]]


# wikidata-links computes a boolean with BIND(BOUND(...)), which Virtuoso writes as 0/1
# (README "Remote stores"); its owner is asked to cast it as the other canned queries do.
NUMERIC_BOOLEANS = {"wikidata-links": "linked"}
PARAMS = {"name": "mazhilis", "date": "2020-06-01", "entity": f"{KZ}entity/senate"}


def test_every_canned_query_answers_as_on_the_embedded_store(remote, served, live):
    for query in canned(live):
        params = {p["name"]: PARAMS[p["name"]] for p in query["parameters"] if p["name"] in PARAMS}
        path = f"queries/{query['name']}.json"
        ours, theirs = get(served, path, params=params), get(live, path, params=params)
        assert ours.status_code == 200, (query["name"], ours.text[:500])
        if query["name"] == "find-entity":
            # kzo:fold is kzgraph's own function: on a remote store it is LCASE (README),
            # so fewer names match.
            def entities(r: requests.Response) -> set[str]:
                return {b["entity"]["value"] for b in r.json()["results"]["bindings"]}

            assert entities(ours) and entities(ours) <= entities(theirs)
            continue
        got = rows(ours)
        if remote.name == "virtuoso" and query["name"] in NUMERIC_BOOLEANS:
            column = NUMERIC_BOOLEANS[query["name"]]
            got = sorted(
                json.dumps({**r, column: {"0": "false", "1": "true"}[r[column]]}, sort_keys=True)
                for r in map(json.loads, got)
            )
        assert got == rows(theirs), query["name"]


def test_graph_queries_see_kzgraphs_named_graphs_and_only_them(served):
    r = get(
        served, "sparql", params={"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"}
    )
    assert r.status_code == 200, r.text
    graphs = {b["g"]["value"] for b in r.json()["results"]["bindings"]}
    assert f"{KZ}graph/entities" in graphs and all(g.startswith(KZ) for g in graphs)
    assert BOOKKEEPING not in graphs
    version = get(served, "sparql", params={"query": "ASK { ?s kzo:dataVersion ?v }"})
    assert version.json()["boolean"] is False


def test_construct_and_booleans_come_back_as_on_any_store(served):
    r = get(
        served,
        "sparql",
        params={"query": f"CONSTRUCT WHERE {{ <{KZ}entity/senate> ?p ?o }}"},
        headers={"Accept": "text/turtle"},
    )
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/turtle"), r.text
    assert len(list(ox.parse(r.content, format=ox.RdfFormat.TURTLE))) > 5
    r = get(
        served,
        "sparql",
        params={"query": "SELECT ?c WHERE { ?s kzo:hasConflict ?c } LIMIT 1"},
    )
    assert r.json()["results"]["bindings"][0]["c"]["value"] == "true"


def test_reconciliation_answers_as_on_the_embedded_store(served, live):
    queries = {
        "a": {"query": "Mazhilis"},
        "b": {"query": "Senate of Kazakhstan"},
        "c": {"query": "Amanat", "type": "PoliticalParty"},
    }
    body = {"queries": json.dumps(queries)}
    ours = requests.post(served.url + "reconcile", data=body, timeout=60)
    theirs = requests.post(live.url + "reconcile", data=body, timeout=60)
    assert ours.status_code == 200, ours.text
    assert ours.json() == theirs.json()


def test_every_entity_dereferences_as_on_the_embedded_store(served, live):
    """Every entity's page and N-Triples; every format for the Senate, whose statements
    conflict with each other (test_entity_formats.py does every format of every entity)."""
    r = get(live, "sparql", params={"query": "SELECT ?slug WHERE { ?e kzo:slug ?slug }"})
    slugs = sorted({b["slug"]["value"] for b in r.json()["results"]["bindings"]})
    assert "senate" in slugs

    def dereferences_alike(slug: str) -> None:
        page = get(served, f"entity/{slug}", headers={"Accept": "text/html"})
        assert page.status_code == 200 and "text/html" in page.headers["Content-Type"], slug
        for fmt in FORMATS if slug == "senate" else ["nt"]:
            ours, theirs = get(served, f"entity/{slug}.{fmt}"), get(live, f"entity/{slug}.{fmt}")
            assert ours.status_code == 200, (slug, fmt, ours.text[:300])
            if fmt in ("ttl", "nt"):
                rdf = ox.RdfFormat.TURTLE if fmt == "ttl" else ox.RdfFormat.N_TRIPLES
                assert set(ox.parse(ours.content, format=rdf)) == set(
                    ox.parse(theirs.content, format=rdf)
                ), (slug, fmt)

    # As many clients at once as the served instance has workers (hundreds of requests).
    with ThreadPoolExecutor(2) as pool:
        list(pool.map(dereferences_alike, slugs))  # raises the first failure


def test_a_result_cut_at_the_row_cap_is_an_error_never_a_partial_answer(remote, served):
    r = get(served, "sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"})
    if remote.name == "virtuoso":
        assert r.status_code == 400 and "row cap" in r.json()["message"], r.text[:500]
    else:
        assert r.status_code == 200 and len(r.json()["results"]["bindings"]) > VIRTUOSO_MAX_ROWS


def test_a_graph_iri_with_a_fragment_is_served_described_and_removed_by_a_build(
    remote, served, seed
):
    query = {"query": f"SELECT ?n WHERE {{ <{KZ}entity/majilis> wdt:P1342 ?n }}"}
    before = get(served, "sparql", params=query)
    graph = f"{KZ}graph/extra#part"
    remote.update(f'INSERT DATA {{ GRAPH <{graph}> {{ <{KZ}x> <{KZ}y> "z" }} }}')
    # Another writer changes the data version, as kzgraph does after each write.
    marker = f"<{KZ}dataset> <{KZ}ontology#dataVersion>"
    remote.update(
        f"DELETE WHERE {{ GRAPH <{BOOKKEEPING}> {{ {marker} ?v }} }} ;"
        f' INSERT DATA {{ GRAPH <{BOOKKEEPING}> {{ {marker} "by-hand" }} }}'
    )
    time.sleep(1.1)
    description = get(served, "sparql", headers={"Accept": "application/n-triples"})
    assert description.status_code == 200, description.text[:500]
    assert f"<{KZ}graph/extra%23part#named-graph>" in description.text
    r = get(served, "sparql", params={"query": f"ASK {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"})
    assert r.json()["boolean"] is True
    version = get(served, "health").json()["data_version"]
    assert version == "by-hand"
    remote.publish(seed.quads)
    assert graph not in remote.graphs()
    # The rebuild has the same number of quads as before and a new version all the same.
    time.sleep(1.1)  # the version is re-read at most once a second
    after = get(served, "sparql", params=query)
    assert get(served, "health").json()["data_version"] not in (version, "")
    assert after.headers["ETag"] != before.headers["ETag"]
    assert after.json() == before.json()


# --- credentials and failures -------------------------------------------------------------------------


# The Oxigraph server has no accounts: this runs against Virtuoso only.
@pytest.mark.parametrize("remote", ["virtuoso"], indirect=True)
def test_virtuoso_without_credentials_fails_loudly_with_the_servers_message(remote, seed):
    before = remote.graphs()
    with pytest.raises(RemoteStoreError, match="answered HTTP"):
        remote.publish(seed.quads, store_user="", store_password="")
    with pytest.raises(RemoteStoreError, match="HTTP 401"):
        remote.publish(seed.quads, store_password="wrong")
    assert remote.graphs() == before


def test_a_stopped_restarted_and_emptied_store_is_reported_not_hidden(remote, served, seed):
    remote.stop()
    try:
        down = get(served, "sparql", params={"query": "ASK { ?s ?p ?o }"})
        assert down.status_code == 503  # the reason goes to the log, not to clients
        assert get(served, "health").status_code == 503
        exported = kzgraph("export", "--store", remote.url, env=remote.env)
        assert exported.returncode == 2 and b"cannot be reached" in exported.stderr
    finally:
        remote.start()
    time.sleep(1.1)
    up = get(served, "sparql", params={"query": f"ASK {{ <{KZ}entity/majilis> ?p ?o }}"})
    assert up.status_code == 200 and up.json()["boolean"] is True
    assert get(served, "health").status_code == 200

    for graph in remote.graphs():
        if graph.startswith(KZ):
            remote.update(f"CLEAR GRAPH <{graph}>")
    time.sleep(1.1)
    assert get(served, "health").status_code == 503
    empty = get(served, "sparql", params={"query": "ASK { ?s ?p ?o }"})
    assert empty.status_code == 503 and "holds no kzgraph data" in empty.json()["message"]
    remote.publish(seed.quads)
    time.sleep(1.1)
    assert get(served, "health").status_code == 200


def test_an_unreachable_store_is_a_clear_build_error():
    proc = kzgraph("build", str(SEED), "--store", "http://127.0.0.1:9/")
    assert proc.returncode == 2
    assert b"cannot be reached" in proc.stderr


class MoveIgnoringProxy:
    """A server in front of the Oxigraph server that answers a MOVE with success and does
    nothing, as Jena Fuseki 4.5 did: a publish must notice."""

    def __init__(self, target: str) -> None:
        import http.server
        import threading

        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the http.server API
                self.forward()

            def do_POST(self) -> None:  # noqa: N802
                self.forward()

            def do_PUT(self) -> None:  # noqa: N802
                self.forward()

            def forward(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.path.startswith("/update") and b"MOVE" in body:
                    proxy.ignored += 1
                    self.send_response(204)
                    self.end_headers()
                    return
                headers = {k: v for k, v in self.headers.items() if k.lower() != "host"}
                r = requests.request(
                    self.command, target + self.path, data=body, headers=headers, timeout=60
                )
                self.send_response(r.status_code)
                for name in ("Content-Type", "Server"):
                    if name in r.headers:
                        self.send_header(name, r.headers[name])
                self.send_header("Content-Length", str(len(r.content)))
                self.end_headers()
                self.wfile.write(r.content)

            def log_message(self, *args) -> None:
                pass

        self.ignored = 0
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()


# One server behind the fault-injecting proxy is enough.
@pytest.mark.parametrize("remote", ["oxigraph"], indirect=True)
def test_a_publish_the_server_did_not_carry_out_fails_the_build(remote, seed, kenya):
    before = remote.graphs()
    proxy = MoveIgnoringProxy(remote.url)
    try:
        from kzgraph.settings import load_settings

        with pytest.raises(RemoteStoreError, match="publishing did not take effect"):
            publishing.publish(seed.quads + kenya.quads, load_settings(store=proxy.url))
        assert proxy.ignored == 1
    finally:
        proxy.close()
    after = remote.graphs()
    assert {g: n for g, n in after.items() if "/staging/" not in g} == before
    remote.publish(seed.quads)  # the next build removes the staging graphs left behind
    assert not any("/staging/" in g for g in remote.graphs())
