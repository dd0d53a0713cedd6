"""W3C SPARQL 1.1 query-evaluation tests through the HTTP endpoint, next to the Oxigraph server."""

from __future__ import annotations

import pytest

from . import w3c
from .conftest import SHARED
from .servers import oxigraph_binary, start_kzgraph, start_oxigraph

ROOT = SHARED / "w3c-sparql11" / "sparql" / "sparql11"
TOKEN = "w3c-test-token"
pytestmark = [
    pytest.mark.skipif(not ROOT.exists(), reason="../shared/w3c-sparql11 is absent"),
    pytest.mark.skipif(
        oxigraph_binary() is None,
        reason="the Oxigraph server is not installed (pip install oxigraph)",
    ),
]


def test_kzgraph_passes_at_least_as_many_as_the_oxigraph_server(seed_store, tmp_path):
    tests = w3c.load_tests(ROOT)
    assert len(tests) > 200
    store = tmp_path / "w3c-store"
    from kzgraph import store as on_disk

    on_disk.write([], store)
    kz = start_kzgraph(
        store,
        tmp_path / "kz.log",
        "--workers",
        "2",
        "--update-token",
        TOKEN,
        "--no-union-default-graph",
    )
    ox_server = start_oxigraph(None, tmp_path / "ox.log")
    try:
        ours = w3c.Endpoint(
            kz.url + "sparql",
            kz.url + "sparql",
            kz.url + "store",
            {"Authorization": f"Bearer {TOKEN}"},
        )
        theirs = w3c.Endpoint(
            ox_server.url + "query", ox_server.url + "update", ox_server.url + "store", {}
        )
        kz_passed, kz_failed = w3c.pass_count(ours, tests)
        ox_passed, ox_failed = w3c.pass_count(theirs, tests)
    finally:
        kz.stop()
        ox_server.stop()
    print(
        f"\nW3C SPARQL 1.1 query evaluation over HTTP: kzgraph {kz_passed}/{len(tests)}, Oxigraph server {ox_passed}/{len(tests)}"
    )
    print(
        "kzgraph fails where the Oxigraph server passes:", sorted(set(kz_failed) - set(ox_failed))
    )
    assert kz_passed >= ox_passed
    assert kz_passed > 0.8 * len(tests)
