"""W3C SPARQL 1.1 test suites through HTTP, run against kzgraph and the Oxigraph server.

Query evaluation, SPARQL Update (evaluation and syntax), the SPARQL Protocol and the Graph
Store Protocol. kzgraph must fail no test that the Oxigraph server passes: the engine is
the same, the protocol layer is ours.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kzgraph.settings import BASE_IRI

from . import w3c
from .conftest import SHARED
from .servers import oxigraph_binary, start_kzgraph, start_oxigraph

# The suites ship in ../shared beside the clone; KZGRAPH_W3C_TESTS points elsewhere.
ROOT = Path(os.environ.get("KZGRAPH_W3C_TESTS", SHARED / "w3c-sparql11" / "sparql" / "sparql11"))
TOKEN = "w3c-test-token"
# Under CI a missing suite or server fails the tests instead of skipping them.
pytestmark = [
    pytest.mark.skipif(not ROOT.exists() and not os.environ.get("CI"), reason=f"{ROOT} is absent"),
    pytest.mark.skipif(
        oxigraph_binary() is None and not os.environ.get("CI"),
        reason="the Oxigraph server is not installed (pip install oxigraph)",
    ),
]


@pytest.fixture(scope="module")
def endpoints(tmp_path_factory):
    """(kzgraph, the Oxigraph server), both empty and writable, on loopback."""
    from kzgraph import store as on_disk

    folder = tmp_path_factory.mktemp("w3c")
    # No data but kzgraph's data version marker: a store with none is refused as unbuilt.
    on_disk.write([on_disk.version_quad(BASE_IRI, on_disk.new_version())], folder / "store")
    kz = start_kzgraph(
        folder / "store",
        folder / "kz.log",
        "--workers",
        "2",
        "--update-token",
        TOKEN,
        "--no-union-default-graph",
    )
    ox_server = start_oxigraph(None, folder / "ox.log")
    try:
        yield (
            w3c.Endpoint(
                kz.url + "sparql",
                kz.url + "sparql",
                kz.url + "store",
                {"Authorization": f"Bearer {TOKEN}"},
            ),
            w3c.Endpoint(
                ox_server.url + "query", ox_server.url + "update", ox_server.url + "store", {}
            ),
        )
    finally:
        kz.stop()
        ox_server.stop()


# kzgraph stamps a data version marker into <https://w3id.org/kzgraph/graph/meta> at every
# write (kzgraph.store.stamp_version). A query that ranges over every named graph
# (GRAPH ?g { SELECT * { ?x ?p ?y } }) sees that graph too and gets one more row. Listed
# here so that the rest is held to the Oxigraph server; each must still fail for that
# reason only (the assertion below says when one passes again).
SEES_VERSION_MARKER = {
    "subquery/subquery01",
    "subquery/subquery03",
    "subquery/subquery04",
    "subquery/subquery05",
    "subquery/subquery07",
}


def compare(
    title: str, run_one, tests: list, endpoints, not_for_oxigraph=frozenset(), known=frozenset()
) -> None:
    ours, theirs = endpoints
    kz_passed, kz_failed = w3c.pass_count_of(run_one, ours, tests)
    sent = [t for t in tests if t.name not in not_for_oxigraph]
    ox_passed, ox_failed = w3c.pass_count_of(run_one, theirs, sent)
    print(
        f"\n{title} over HTTP: kzgraph {kz_passed}/{len(tests)}, "
        f"Oxigraph server {ox_passed}/{len(sent)}; kzgraph fails {sorted(kz_failed)}"
    )
    passed_by_oxigraph = {t.name for t in sent} - set(ox_failed)
    assert known <= set(kz_failed), (
        f"passing again, take off the known list: {known - set(kz_failed)}"
    )
    unexpected = passed_by_oxigraph & set(kz_failed) - known
    assert not unexpected, f"kzgraph fails where the Oxigraph server passes: {sorted(unexpected)}"
    return kz_failed


def test_query_evaluation(endpoints):
    tests = w3c.load_tests(ROOT)
    assert len(tests) > 200
    compare("W3C SPARQL 1.1 query evaluation", w3c.run, tests, endpoints, known=SEES_VERSION_MARKER)


def test_update_evaluation_and_syntax(endpoints):
    tests = w3c.load_update_tests(ROOT)
    assert len(tests) > 150
    # Four syntax tests LOAD from http://example.org: the Oxigraph server would fetch it
    # from the Internet, so they are not sent there. kzgraph refuses them (allowlist).
    remote = {t.name for t in tests if t.leaves_the_machine()}
    assert len(remote) < 10
    failed = compare("W3C SPARQL 1.1 Update", w3c.run_update, tests, endpoints, remote)
    assert remote <= set(failed) or not remote


def test_protocol_and_graph_store_protocol(endpoints):
    tests = w3c.load_http_tests(
        [
            ROOT / "protocol" / "manifest.ttl",
            ROOT / "graph-store-protocol" / "manifest-indirect.ttl",
            ROOT / "graph-store-protocol" / "manifest-direct.ttl",
        ]
    )
    assert len(tests) > 40
    failed = compare(
        "W3C SPARQL 1.1 Protocol and Graph Store Protocol", w3c.run_http, tests, endpoints
    )
    assert not failed
