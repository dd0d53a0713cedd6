"""Writes are opt-in: SPARQL Update and the Graph Store Protocol need the token."""

import pytest
import requests

from .conftest import TOKEN

G = "http://example.org/graph/test"
COUNT = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{G}> {{ ?s ?p ?o }} }}"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def count(server, graph_count_query=COUNT) -> int:
    r = requests.get(server.url + "sparql", params={"query": graph_count_query}, timeout=10)
    assert "results" in r.json(), (r.status_code, r.text[:500])
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
    assert load.status_code == 403 and "read-only" in load.json()["message"]
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


def update(server, text: str, **params) -> requests.Response:
    return requests.post(
        server.url + "sparql",
        params=params,
        data=text.encode(),
        headers={"Content-Type": "application/sparql-update", **AUTH},
        timeout=10,
    )


def test_load_is_held_to_the_allowlist_even_with_the_token(writable):
    """A LOAD the server will not fetch fails as a failed LOAD: the request changes
    nothing; with SILENT the rest of the request goes on (SILENT = ignore failure)."""
    insert = f"INSERT DATA {{ GRAPH <{G}> {{ <urn:a> <urn:b> 1 }} }}"
    r = update(writable, f"LOAD <file:///etc/passwd> ; {insert}")
    assert r.status_code == 403 and "LOAD <file:///etc/passwd> failed" in r.json()["message"]
    assert count(writable) == 0
    r = update(writable, f"LOAD SILENT <file:///etc/passwd> INTO GRAPH <{G}> ; {insert}")
    assert r.status_code == 204, r.text
    assert count(writable) == 1
    # A malformed update is reported as such, whatever it loads.
    r = update(writable, "LOAD <http://127.0.0.1:1/x> ; INSERT DATA { oops")
    assert r.status_code == 400 and "syntax error" in r.json()["message"]


def test_using_graph_uri_sets_the_dataset_of_an_update(writable):
    source = "https://w3id.org/kzgraph/source/parliament-of-kazakhstan"
    copy = f"INSERT {{ GRAPH <{G}> {{ ?s ?p ?o }} }} WHERE {{ ?s ?p ?o }}"
    assert (
        update(writable, copy, **{"using-graph-uri": "http://example.org/empty"}).status_code == 204
    )
    assert count(writable) == 0  # the WHERE ran over the named (absent, empty) graph only
    assert update(writable, copy, **{"using-graph-uri": source}).status_code == 204
    in_source = count(
        writable, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{source}> {{ ?s ?p ?o }} }}"
    )
    assert count(writable) == in_source > 0
    named = f"DELETE {{ GRAPH <{G}> {{ ?s ?p ?o }} }} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"
    assert update(writable, named, **{"using-named-graph-uri": G}).status_code == 204
    assert count(writable) == 0
    # DELETE WHERE cannot carry USING: it is rewritten to the equivalent DELETE/WHERE.
    assert update(writable, copy, **{"using-graph-uri": source}).status_code == 204
    delete_where = f"DELETE WHERE {{ GRAPH <{G}> {{ ?s ?p ?o }} }}"
    r = update(writable, delete_where, **{"using-named-graph-uri": source})
    assert r.status_code == 204 and count(writable) == in_source  # G is not in the dataset
    r = update(writable, delete_where, **{"using-named-graph-uri": G})
    assert r.status_code == 204 and count(writable) == 0


def test_using_graph_uri_with_using_or_with_in_the_text_is_a_400(writable):
    for text in (
        f"WITH <{G}> DELETE {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o }}",
        f"DELETE {{ ?s ?p ?o }} USING <{G}> WHERE {{ ?s ?p ?o }}",
    ):
        r = update(writable, text, **{"using-named-graph-uri": G})
        assert r.status_code == 400 and "using-graph-uri" in r.json()["message"]


def test_two_updates_in_one_request_are_a_400(writable):
    before = total(writable)
    r = requests.post(
        writable.url + "sparql",
        data="update=CLEAR%20NAMED&update=CLEAR%20DEFAULT",
        headers={"Content-Type": "application/x-www-form-urlencoded", **AUTH},
        timeout=10,
    )
    assert r.status_code == 400 and "one update=" in r.json()["message"]
    assert total(writable) == before


def test_relative_iris_in_an_update_resolve_against_the_endpoint(writable):
    r = update(writable, f"INSERT DATA {{ GRAPH <{G}> {{ <urn:s> <urn:p> <test> }} }}")
    assert r.status_code == 204, r.text
    rows = requests.get(
        writable.url + "sparql",
        params={"query": f"SELECT ?o WHERE {{ GRAPH <{G}> {{ ?s ?p ?o }} }}"},
        timeout=10,
    ).json()["results"]["bindings"]
    assert rows == [{"o": {"type": "uri", "value": writable.url + "test"}}]


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


def test_post_to_the_store_creates_a_graph_with_a_location(writable):
    r = requests.post(
        writable.url + "store",
        data="<urn:s> <urn:p> <urn:o> .",
        headers={"Content-Type": "application/n-triples", **AUTH},
        timeout=10,
    )
    assert r.status_code == 201
    location = r.headers["Location"]
    assert location.startswith(writable.url + "store/")
    # The new graph is named by its Location, and found there (direct identification)
    # and through ?graph= (indirect identification).
    direct = requests.get(location, headers={"Accept": "application/n-triples"}, timeout=10)
    indirect = requests.get(
        writable.url + "store",
        params={"graph": location},
        headers={"Accept": "application/n-triples"},
        timeout=10,
    )
    assert direct.text == indirect.text == "<urn:s> <urn:p> <urn:o> .\n"
    second = requests.post(
        writable.url + "store",
        data="<urn:s> <urn:p> <urn:o> .",
        headers={"Content-Type": "application/n-triples", **AUTH},
        timeout=10,
    )
    assert second.headers["Location"] != location


def test_graph_store_bad_bodies(writable):
    assert gsp(writable, "PUT", "not turtle {").status_code == 400
    assert gsp(writable, "PUT", "x", "image/png").status_code == 415
    assert requests.get(writable.url + "store", timeout=10).status_code == 400
    assert count(writable) == 0


def test_service_description_announces_update(writable):
    r = requests.get(writable.url + "sparql", headers={"Accept": "text/turtle"}, timeout=10)
    assert "sd:SPARQL11Update" in r.text
