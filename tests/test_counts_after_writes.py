"""Numbers a page or a header states must be the true ones, also after a write: the
source view's character counts, ETags, dumps and the VoID description."""

from __future__ import annotations

import gzip
import os
import re
import time

import pytest
import requests

from kzgraph import publishing
from kzgraph.settings import load_settings

from .conftest import TOKEN
from .servers import copy_store, oxigraph_binary, start_kzgraph, start_oxigraph
from .test_writes import update

G = "http://example.org/graph/counts"


def test_source_view_counts_the_characters_of_the_article(live, seed_text):
    page = requests.get(
        live.url + "source/parliament-of-kazakhstan", headers={"Accept": "text/html"}, timeout=10
    ).text
    covered, total = map(int, re.search(r"\((\d+) of (\d+) characters\)", page).groups())
    assert total == len(seed_text)
    assert 0 < covered <= total


def void_number(server, predicate: str = "triples") -> int:
    """The dataset's own void:<predicate> from /.well-known/void."""
    ttl = requests.get(
        server.url + ".well-known/void", headers={"Accept": "application/n-triples"}, timeout=10
    ).text
    dataset = "<https://w3id.org/kzgraph/dataset>"
    pattern = rf'^{re.escape(dataset)} <http://rdfs.org/ns/void#{predicate}> "(\d+)"'
    return int(re.search(pattern, ttl, re.M).group(1))


def void_text(server) -> str:
    return requests.get(
        server.url + ".well-known/void", headers={"Accept": "application/n-triples"}, timeout=10
    ).text


def dump(server, name: str = "kzgraph.nq.gz") -> bytes:
    r = requests.get(server.url + "dumps/" + name, timeout=30)
    assert r.status_code == 200
    return gzip.decompress(r.content)


def test_dumps_and_void_follow_an_update_through_the_token(writable):
    before = dump(writable)
    assert f"<{G}>".encode() not in before
    assert f"<{G}#dataset>" not in void_text(writable)
    r = update(writable, f"INSERT DATA {{ GRAPH <{G}> {{ <urn:a> <urn:b> 1, 2, 3 }} }}")
    assert r.status_code == 204
    subset = rf'^<{re.escape(G)}#dataset> <http://rdfs.org/ns/void#triples> "(\d+)"'
    assert int(re.search(subset, void_text(writable), re.M).group(1)) == 3
    nquads = dump(writable)
    assert nquads.count(f"<{G}>".encode()) == 3
    # Distinct lines: the build's own dumps repeat a quad the extraction gives twice.
    assert len(set(nquads.splitlines())) == len(set(before.splitlines())) + 3
    # The VoID description states each dump's real size.
    void = requests.get(
        writable.url + ".well-known/void", headers={"Accept": "application/n-triples"}, timeout=10
    ).text
    size = re.search(
        r'kzgraph\.nq\.gz#distribution> <http://www.w3.org/ns/dcat#byteSize> "(\d+)"', void
    )
    assert int(size.group(1)) == len(
        requests.get(writable.url + "dumps/kzgraph.nq.gz", timeout=30).content
    )


@pytest.mark.skipif(
    oxigraph_binary() is None and os.environ.get("CI") != "true",
    reason="the Oxigraph server is not installed (pip install oxigraph)",
)
@pytest.mark.parametrize("remote", [False, True], ids=["embedded", "remote"])
def test_etag_changes_after_an_update_that_keeps_the_count(remote, seed, seed_store, tmp_path):
    """The data version must change with every write, not with the number of quads: a
    DELETE/INSERT that replaces one value by another keeps the count."""
    oxigraph = start_oxigraph(tmp_path / "ox", tmp_path / "ox.log") if remote else None
    try:
        if oxigraph is not None:
            store = oxigraph.url
            publishing.publish(seed.quads, load_settings(store=store))  # as `kzgraph build` does
        else:
            store = str(tmp_path / "store")
            copy_store(seed_store, tmp_path / "store")
        server = start_kzgraph(store, tmp_path / "kz.log", "--update-token", TOKEN)
        try:
            query = {"query": "SELECT ?n WHERE { kz:majilis wdt:P1342 ?n }"}
            first = requests.get(server.url + "sparql", params=query, timeout=10)
            assert [b["n"]["value"] for b in first.json()["results"]["bindings"]] == ["98"]
            r = update(
                server,
                "DELETE { GRAPH ?g { kz:majilis wdt:P1342 98 } } "
                "INSERT { GRAPH ?g { kz:majilis wdt:P1342 99 } } "
                "WHERE { GRAPH ?g { kz:majilis wdt:P1342 98 } }",
            )
            assert r.status_code == 204, r.text
            time.sleep(1.1)  # a remote store's version is read at most once a second
            again = requests.get(
                server.url + "sparql",
                params=query,
                headers={"If-None-Match": first.headers["ETag"]},
                timeout=10,
            )
            assert again.status_code == 200
            assert again.headers["ETag"] != first.headers["ETag"]
            assert [b["n"]["value"] for b in again.json()["results"]["bindings"]] == ["99"]
        finally:
            server.stop()
    finally:
        if oxigraph is not None:
            oxigraph.stop()
