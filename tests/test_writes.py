"""Writes are opt-in: SPARQL Update and the Graph Store Protocol need the token."""

import pytest
import requests

from .conftest import TOKEN

G = "http://example.org/graph/test"
COUNT = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{G}> {{ ?s ?p ?o }} }}"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def count(server, graph_count_query=COUNT) -> int:
    r = requests.get(server.url + "sparql", params={"query": graph_count_query}, timeout=10)
    return int(r.json()["results"]["bindings"][0]["n"]["value"])


def total(server) -> int:
    return count(server, "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")


def test_read_only_server_refuses_every_write_path(live):
    before = total(live)
    update = requests.post(live.url + "sparql", data={"update": "CLEAR ALL"}, timeout=10)
    assert update.status_code == 403 and "read-only" in update.json()["message"]
    direct = requests.post(
        live.url + "sparql",
        data="DROP ALL",
        headers={"Content-Type": "application/sparql-update", **AUTH},
        timeout=10,
    )
    assert direct.status_code == 403
    for method in ("PUT", "POST", "DELETE"):
        r = requests.request(
            method,
            live.url + "store",
            params={"graph": G},
            data="<a:b> <a:c> <a:d> .",
            headers={"Content-Type": "application/n-triples"},
            timeout=10,
        )
        assert r.status_code == 403
    load = requests.post(
        live.url + "sparql", data={"update": "LOAD <http://127.0.0.1:1/x>"}, timeout=10
    )
    assert load.status_code in (400, 403)
    assert total(live) == before


@pytest.mark.parametrize(
    "header", [None, "Bearer wrong-token", f"Basic {TOKEN}", "Bearer " + TOKEN[:-1]]
)
def test_missing_or_wrong_token_is_a_401_and_changes_nothing(writable, header):
    before = total(writable)
    headers = {"Authorization": header} if header else {}
    r = requests.post(
        writable.url + "sparql", data={"update": "CLEAR ALL"}, headers=headers, timeout=10
    )
    assert r.status_code == 401 and r.headers["WWW-Authenticate"].startswith("Bearer")
    r = requests.delete(
        writable.url + "store",
        params={"graph": "https://w3id.org/kzgraph/graph/entities"},
        headers=headers,
        timeout=10,
    )
    assert r.status_code == 401
    assert total(writable) == before


def test_update_with_the_token_is_seen_by_every_worker(writable):
    r = requests.post(
        writable.url + "sparql",
        data={"update": f"INSERT DATA {{ GRAPH <{G}> {{ <urn:a> <urn:b> 1 }} }}"},
        headers=AUTH,
        timeout=10,
    )
    assert r.status_code == 204, r.text
    # Several requests land on different workers; all must see the insert.
    assert {count(writable) for _ in range(12)} == {1}
    r = requests.post(
        writable.url + "sparql",
        data=f"DELETE WHERE {{ GRAPH <{G}> {{ ?s ?p ?o }} }}",
        headers={"Content-Type": "application/sparql-update", **AUTH},
        timeout=10,
    )
    assert r.status_code == 204
    assert {count(writable) for _ in range(12)} == {0}


def test_update_syntax_error_is_a_400(writable):
    r = requests.post(
        writable.url + "sparql", data={"update": "INSERT DATA { oops"}, headers=AUTH, timeout=10
    )
    assert r.status_code == 400 and "syntax error" in r.json()["message"]


def test_load_is_held_to_the_allowlist_even_with_the_token(writable):
    r = requests.post(
        writable.url + "sparql",
        data={"update": "LOAD <file:///etc/passwd>"},
        headers=AUTH,
        timeout=10,
    )
    assert r.status_code == 400 and "file:///etc/passwd" in r.json()["message"]


def test_update_over_get_is_refused(writable):
    r = requests.get(
        writable.url + "sparql", params={"update": "CLEAR ALL"}, headers=AUTH, timeout=10
    )
    assert r.status_code == 405


def gsp(
    server, method: str, data: str | None = None, media_type: str = "text/turtle", **headers
) -> requests.Response:
    """One Graph Store Protocol request on graph G, with the token."""
    if data is not None:
        headers["Content-Type"] = media_type
    return requests.request(
        method,
        server.url + "store",
        params={"graph": G},
        data=data,
        headers={**AUTH, **headers},
        timeout=10,
    )


def test_graph_store_protocol_round_trip(writable):
    data = "<urn:s> <urn:p> <urn:o1> .\n<urn:s> <urn:p> <urn:o2> .\n"
    assert gsp(writable, "PUT", data, "application/n-triples").status_code == 201
    r = gsp(writable, "GET", Accept="application/n-triples")
    assert sorted(r.text.splitlines()) == sorted(data.splitlines())
    assert gsp(writable, "POST", "<urn:s> <urn:p> <urn:o3> .").status_code == 204
    assert count(writable) == 3
    assert gsp(writable, "PUT", "<urn:s> <urn:p> <urn:o4> .").status_code == 204
    assert count(writable) == 1
    assert gsp(writable, "HEAD").status_code == 200
    assert gsp(writable, "DELETE").status_code == 204
    assert gsp(writable, "GET").status_code == 404


def test_graph_store_bad_bodies(writable):
    assert gsp(writable, "PUT", "not turtle {").status_code == 400
    assert gsp(writable, "PUT", "x", "image/png").status_code == 415
    assert requests.get(writable.url + "store", timeout=10).status_code == 400
    assert count(writable) == 0


def test_service_description_announces_update(writable):
    r = requests.get(writable.url + "sparql", headers={"Accept": "text/turtle"}, timeout=10)
    assert "sd:SPARQL11Update" in r.text
