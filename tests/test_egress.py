"""SERVICE and LOAD cannot reach anything but the allowlist, whatever the query text.

A listener on loopback stands in for an internal service. Queries that name it in every
way found (the three reported bypasses verbatim) and thousands that hypothesis writes
(comments, strings, escapes, odd IRI characters, line ends, nesting, the label
service's syntax) go to a real `kzgraph serve`: the listener must never see a
connection. The same payloads run in plain pyoxigraph do reach it, so the test can fail.
"""

from __future__ import annotations

import contextlib
import re
import socket
import threading

import pyoxigraph as ox
import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kzgraph.web.egress import SANDBOX

from .conftest import TOKEN


class Listener:
    """Counts the TCP connections made to it and answers each with one SPARQL result row."""

    BODY = b'{"head":{"vars":["leak"]},"results":{"bindings":[{"leak":{"type":"literal","value":"internal"}}]}}'

    def __init__(self) -> None:
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            with conn:
                conn.settimeout(2)
                try:
                    conn.recv(65536)
                    conn.sendall(
                        b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\n"
                        + f"Content-Length: {len(self.BODY)}\r\nConnection: close\r\n\r\n".encode()
                        + self.BODY
                    )
                except OSError:
                    pass


@pytest.fixture(scope="module")
def listener():
    server = Listener()
    yield server
    server.sock.close()


@pytest.fixture()
def guarded(writable):
    """A writable server with the default allowlist (Wikidata, QLever), two workers: the
    session's (conftest.writable)."""
    return writable


def bypasses(port: int) -> list[str]:
    """The three reported bypasses of the old lexer, verbatim but for the port."""
    target = f"http://127.0.0.1:{port}/sparql"
    return [
        # 1. the label-service rewrite deleted text from a comment up to a brace in a string
        "SELECT * WHERE {\n # SERVICE wikibase:label {\n"
        f' BIND("""}}\n SERVICE <{target}> {{ ?a ?b ?leak }}\n #""" AS ?q)\n}}',
        # 2. the lexer read `<2)#>` as an IRI and `"""` as the start of a string
        f'SELECT * WHERE {{ FILTER(1<2)#> """\nSERVICE <{target}> {{ ?a ?b ?leak }}\n#"""\n}}',
        # 3. a no-break space made the lexer miss an IRI, so its `#` hid the line
        f"SELECT * WHERE {{ BIND(<http://x/\u00a0#> AS ?i) SERVICE <{target}> {{ ?a ?b ?leak }} }}",
    ]


def direct_engine_connects(listener: Listener, query: str) -> bool:
    """Does plain pyoxigraph, outside the sandbox, reach the listener with this query?"""
    before = listener.connections
    with contextlib.suppress(SyntaxError, OSError, ValueError):
        list(ox.Store().query(query))
    return listener.connections > before


def old_label_rewrite(query: str) -> str:
    """What the removed label-service rewrite did to bypass 1: it cut from a
    ``SERVICE wikibase:label {`` (even in a comment) to the next closing brace."""
    return re.sub(r"SERVICE\s+wikibase:label\s*\{[^{}]*\}", "", query, count=1)


def test_the_bypasses_are_live_syntax_for_the_engine(listener):
    """The control: each payload really makes pyoxigraph connect when nothing stops it."""
    for query in bypasses(listener.port):
        assert direct_engine_connects(listener, old_label_rewrite(query)), query


def test_the_bypasses_reach_nothing(guarded, listener):
    assert SANDBOX.active, "the egress sandbox must work on this machine"
    before = listener.connections
    label_trick, *engine_sees_service = bypasses(listener.port)
    # The label service is no longer rewritten: the SERVICE stays inside its string.
    r = requests.post(guarded.url + "sparql", data={"query": label_trick}, timeout=30)
    assert r.status_code == 200, r.text
    assert "SERVICE <http://127.0.0.1" in r.json()["results"]["bindings"][0]["q"]["value"]
    # The engine does see these SERVICE calls; they are refused where they would leave.
    for query in engine_sees_service:
        r = requests.post(guarded.url + "sparql", data={"query": query}, timeout=30)
        assert r.status_code == 400, (query, r.status_code, r.text)
        assert "internal" not in r.text
        assert "not on the allowlist" in r.json()["message"]
    assert listener.connections == before


def test_open_and_closed_ports_answer_alike(guarded, listener):
    closed = socket.create_server(("127.0.0.1", 0))
    closed_port = closed.getsockname()[1]
    closed.close()
    answers = []
    for port in (listener.port, closed_port):
        query = "SELECT * WHERE { BIND(<http://x/\u00a0#> AS ?i) SERVICE <http://127.0.0.1:%d/> { ?a ?b ?c } }"
        r = requests.post(guarded.url + "sparql", data={"query": query % port}, timeout=30)
        answers.append((r.status_code, r.json()["message"]))
    assert answers[0] == answers[1]


def test_hidden_load_reaches_nothing(guarded, listener):
    before = listener.connections
    for update in (
        f"LOAD <http://127.0.0.1:{listener.port}/data.ttl>",
        f'INSERT DATA {{ <urn:a> <urn:b> "x" }} ; LOAD <http://x/\u00a0#> <http://127.0.0.1:{listener.port}/d>',
        f"LO\\u0041D <http://127.0.0.1:{listener.port}/data.ttl>",
    ):
        r = requests.post(
            guarded.url + "sparql",
            data={"update": update},
            headers={"Authorization": f"Bearer {TOKEN}"},
            timeout=30,
        )
        assert 400 <= r.status_code < 500, (update, r.status_code, r.text)
    assert listener.connections == before


# --- generated queries ---------------------------------------------------------------------

NOISE = st.sampled_from(
    [
        "# SERVICE wikibase:label {",
        "# comment }",
        "#",
        '"""',
        "'''",
        '"',
        "'",
        '"\\""',
        "'\\''",
        '"}"',
        "<",
        ">",
        "<2)#>",
        "1<2",
        "FILTER(1<2)#> ",
        "<http://x/\u00a0#>",
        "<http://x/\u2028>",
        "\u00a0",
        "\u2028",
        "\u2029",
        "\r",
        "\n",
        "\r\n",
        "\t",
        "{",
        "}",
        "{}",
        "OPTIONAL {",
        "UNION",
        'SERVICE wikibase:label { bd:serviceParam wikibase:language "en" . }',
        "SERVICE <http://wikiba.se/ontology#label> {",
        "?x rdfs:label ?xLabel .",
        "BIND(",
        " AS ?z)",
        "\\u0053",
        "\\",
        "ser\\u0076ice",
        "VALUES ?v { 1 }",
        "SILENT",
        "?a ?b ?c .",
        ";",
        ".",
    ]
)


def endpoints(port: int):
    """Ways to write an endpoint on loopback: IRIs, prefixed names, escapes, BASE."""
    hosts = [
        f"127.0.0.1:{port}",
        f"localhost:{port}",
        f"127.1:{port}",
        f"2130706433:{port}",
        f"0x7f000001:{port}",
        f"[::ffff:127.0.0.1]:{port}",
        f"0.0.0.0:{port}",
    ]
    return st.one_of(
        st.sampled_from([f"<http://{h}/sparql>" for h in hosts]),
        st.sampled_from(
            [f"<http://\\u0031\\u0032\\u0037.0.0.1:{port}/x>", f"<http:\\u002F/127.0.0.1:{port}/>"]
        ),
        st.just("leak:sparql"),
        st.just("<sparql>"),
    )


@st.composite
def hostile_queries(draw, port: int) -> str:
    endpoint = draw(endpoints(port))
    keyword = draw(
        st.sampled_from(["SERVICE", "service", "SeRvIcE", "SERV\\u0049CE", "SERVICE SILENT"])
    )
    call = f"{keyword} {endpoint} {{ ?a ?b ?leak }}"
    before = draw(st.lists(NOISE, max_size=6))
    after = draw(st.lists(NOISE, max_size=6))
    depth = draw(st.integers(0, 3))
    sep = draw(st.sampled_from([" ", "\n", "\r", "\u2028", "\u00a0", "\t"]))
    body = sep.join([*before, "{ " * depth + call + " }" * depth, *after])
    head = f"PREFIX leak: <http://127.0.0.1:{port}/>\n"
    if endpoint == "<sparql>":
        head = f"BASE <http://127.0.0.1:{port}/>\n" + head
    return head + f"SELECT * WHERE {{{sep}{body}{sep}}}"


def test_generated_queries_reach_nothing(guarded, listener):
    session = requests.Session()
    before = listener.connections
    statuses: dict[int, int] = {}

    @settings(
        max_examples=3000,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        derandomize=True,
    )
    @given(hostile_queries(listener.port))
    def check(query: str) -> None:
        r = session.post(guarded.url + "sparql", data={"query": query}, timeout=30)
        statuses[r.status_code] = statuses.get(r.status_code, 0) + 1
        assert r.status_code in (200, 400), (query, r.status_code, r.text[:300])
        assert "internal" not in r.text, query
        assert listener.connections == before, query

    check()
    # Some generated queries are valid SPARQL that calls the listener: they were refused.
    assert statuses.get(400, 0) > 0
    # SERVICE SILENT on a refused call is allowed to answer 200, with nothing from the listener.
    assert listener.connections == before


def test_generated_queries_do_call_out_without_the_sandbox(listener):
    """The control for the generated queries: a good share of them are live SERVICE calls."""
    reached = 0

    @settings(max_examples=300, deadline=None, derandomize=True)
    @given(hostile_queries(listener.port))
    def check(query: str) -> None:
        nonlocal reached
        reached += direct_engine_connects(listener, query)

    check()
    assert reached > 10
