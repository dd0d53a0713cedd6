"""--store URL: build into and serve from a SPARQL 1.1 server (the Oxigraph server from PyPI)."""

from __future__ import annotations

import subprocess
import sys
import time

import pytest
import requests

from .conftest import FIXTURES, SEED
from .servers import oxigraph_binary, start_kzgraph, start_oxigraph

pytestmark = pytest.mark.skipif(
    oxigraph_binary() is None, reason="the Oxigraph server is not installed (pip install oxigraph)"
)


def kzgraph(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "kzgraph.cli", *args], capture_output=True, timeout=300
    )


def graphs(oxigraph) -> set[str]:
    r = requests.post(
        oxigraph.url + "query",
        data="SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
        headers={
            "Content-Type": "application/sparql-query",
            "Accept": "application/sparql-results+json",
        },
        timeout=30,
    )
    return {b["g"]["value"] for b in r.json()["results"]["bindings"]}


def test_build_serve_fail_and_recover(tmp_path):
    location = tmp_path / "oxigraph"
    store = start_oxigraph(location, tmp_path / "oxigraph.log")
    port = int(store.url.rsplit(":", 1)[1].strip("/"))
    try:
        built = kzgraph("build", str(SEED), "--store", store.url)
        assert built.returncode == 0, built.stderr.decode()[-2000:]
        assert graphs(store) == {
            "https://w3id.org/kzgraph/source/parliament-of-kazakhstan",
            "https://w3id.org/kzgraph/graph/entities",
            "https://w3id.org/kzgraph/graph/meta",
        }
        server = start_kzgraph(store.url, tmp_path / "kzgraph.log", "--workers", "2")
        try:
            r = requests.get(
                server.url + "queries/composition-on-date.json",
                params={"date": "2020-06-01"},
                timeout=30,
            )
            seats = {
                b["party"]["value"].rsplit("/", 1)[1]: b["seats"]["value"]
                for b in r.json()["results"]["bindings"]
            }
            assert seats == {"amanat": "84", "ak-zhol": "7", "peoples-party-of-kazakhstan": "7"}
            sizes = requests.get(server.url + "queries/chambers-with-sizes.csv", timeout=30)
            assert sizes.status_code == 200 and ",49," in sizes.text and ",50," in sizes.text

            store.stop()
            down = requests.get(
                server.url + "sparql", params={"query": "ASK { ?s ?p ?o }"}, timeout=30
            )
            assert down.status_code == 503 and "cannot be reached" in down.json()["message"]
            assert requests.get(server.url + "health", timeout=30).status_code == 503

            store = start_oxigraph(location, tmp_path / "oxigraph.log", port=port)
            time.sleep(1.1)  # the data version is re-read at most once a second
            up = requests.get(
                server.url + "sparql",
                params={"query": "ASK { <https://w3id.org/kzgraph/entity/majilis> ?p ?o }"},
                timeout=30,
            )
            assert up.status_code == 200 and up.json()["boolean"] is True
        finally:
            server.stop()
    finally:
        store.stop()


def test_a_rebuild_replaces_the_graphs_atomically(tmp_path):
    store = start_oxigraph(None, tmp_path / "oxigraph.log")
    try:
        assert (
            kzgraph(
                "build", str(SEED), str(FIXTURES / "parliament-of-kenya.txt"), "--store", store.url
            ).returncode
            == 0
        )
        assert "https://w3id.org/kzgraph/source/parliament-of-kenya" in graphs(store)
        assert kzgraph("build", str(SEED), "--store", store.url).returncode == 0
        after = graphs(store)
        assert "https://w3id.org/kzgraph/source/parliament-of-kenya" not in after
        assert not any("staging" in g for g in after)
        exported = kzgraph("export", "--store", store.url, "--format", "nquads")
        assert exported.returncode == 0 and b"entity/majilis" in exported.stdout
    finally:
        store.stop()


def test_an_unreachable_store_is_a_clear_build_error(tmp_path):
    proc = kzgraph("build", str(SEED), "--store", "http://127.0.0.1:9/")
    assert proc.returncode == 2
    assert b"cannot be reached" in proc.stderr or b"not allowed" in proc.stderr
