"""Limits that never lie: the timeout stops a runaway query, a client that leaves
stops its query, large results stream, and a lost worker is replaced."""

from __future__ import annotations

import os
import signal
import socket
import threading
import time
from pathlib import Path
from urllib.parse import quote

import pytest
import requests

from .servers import memory_mb, start_kzgraph
from .test_sparql_protocol import assert_still_serving

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
BIG = "SELECT ?a ?b WHERE { ?a ?p ?o . ?b ?q ?r } LIMIT 100000"


def cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


def busy_worker(live, seconds: float = 10.0) -> int:
    """The worker whose CPU time grows: the one running the runaway query."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        before = {pid: cpu_ticks(pid) for pid in live.worker_pids()}
        time.sleep(0.3)
        for pid, ticks in before.items():
            try:
                if cpu_ticks(pid) - ticks >= 10:
                    return pid
            except OSError:
                continue
    raise AssertionError("no worker is running the query")


def wait_until(predicate, seconds: float = 20.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def test_runaway_query_gets_a_503_and_the_worker_is_replaced(live):
    workers = len(live.worker_pids())
    r = requests.get(live.url + "sparql", params={"query": RUNAWAY}, timeout=120)
    assert r.status_code == 503
    assert "3 s limit" in r.json()["message"]
    assert r.headers["Access-Control-Allow-Origin"] == "*"
    assert wait_until(lambda: len(live.worker_pids()) == workers)
    assert_still_serving(live)


@pytest.fixture(scope="module")
def patient(seed_store, tmp_path_factory):
    """A server whose query timeout (120 s) is far beyond the test's waits: what ends a
    query there is its client leaving, not the clock."""
    log = tmp_path_factory.mktemp("logs") / "kzgraph-patient.log"
    server = start_kzgraph(seed_store, log, "--workers", "2", "--query-timeout", "120")
    yield server
    server.stop()


def test_a_client_that_leaves_stops_its_query(patient):
    before = set(patient.worker_pids())
    port = int(patient.url.rsplit(":", 1)[1].strip("/"))
    sock = socket.create_connection(("127.0.0.1", port))
    sock.sendall(f"GET /sparql?query={quote(RUNAWAY)} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    pid = busy_worker(patient)
    assert pid in before
    time.sleep(1)
    assert pid in patient.worker_pids()  # still running while its client waits
    sock.close()
    assert wait_until(lambda: pid not in patient.worker_pids(), seconds=10)
    log = patient.log.read_text()
    assert f"client left mid-request: ending worker {pid}" in log
    assert "request exceeded" not in log
    assert_still_serving(patient)


def test_large_results_stream(live):
    with requests.get(
        live.url + "sparql",
        params={"query": BIG},
        headers={"Accept": "text/tab-separated-values"},
        stream=True,
        timeout=120,
    ) as r:
        assert r.status_code == 200
        assert r.headers.get("X-Streamed") == "true"
        assert "Content-Length" not in r.headers
        assert r.headers.get("Transfer-Encoding") == "chunked"
        lines = sum(chunk.count(b"\n") for chunk in r.iter_content(65536))
    assert lines == 100_001  # header + rows


def test_small_results_are_buffered_with_a_length(live):
    r = requests.get(
        live.url + "sparql", params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 5"}, timeout=10
    )
    assert int(r.headers["Content-Length"]) == len(r.content)


def test_a_killed_worker_is_replaced_and_its_client_told(live):
    workers = len(live.worker_pids())
    answers: list[requests.Response] = []

    def runaway():
        answers.append(requests.get(live.url + "sparql", params={"query": RUNAWAY}, timeout=60))

    thread = threading.Thread(target=runaway)
    thread.start()
    pid = busy_worker(live)
    os.kill(pid, signal.SIGKILL)
    thread.join(60)
    # The worker's lifeline keeper answers for it.
    assert answers[0].status_code == 503
    assert "worker was replaced" in answers[0].json()["message"]
    assert_still_serving(live)
    assert wait_until(lambda: len(live.worker_pids()) == workers and pid not in live.worker_pids())


# --- queries that used to take the host's memory or end the worker -------------------------


def doubling_query(steps: int) -> str:
    """600 bytes that build a string of 2**steps times 42 bytes (705 MB at 24 steps)."""
    binds = " ".join(f"BIND(CONCAT(?v{i}, ?v{i}) AS ?v{i + 1})" for i in range(steps))
    return f'SELECT (STRLEN(?v{steps}) AS ?n) WHERE {{ BIND("{"a" * 42}" AS ?v0) {binds} }}'


@pytest.fixture(scope="module")
def bounded(seed_store, tmp_path_factory):
    """A server whose workers may use 200 MiB above the dataset, with a long timeout."""
    log = tmp_path_factory.mktemp("bounded") / "kzgraph.log"
    server = start_kzgraph(
        seed_store,
        log,
        "--workers",
        "2",
        "--query-timeout",
        "60",
        env={"KZGRAPH_WORKER_MEMORY_MB": "200"},
    )
    yield server
    server.stop()


def test_a_query_that_takes_too_much_memory_gets_a_503(bounded):
    assert len(doubling_query(24).encode()) < 1000
    workers = len(bounded.worker_pids())
    peak_before = memory_mb(bounded.worker_pids(), "VmRSS")
    r = requests.get(bounded.url + "sparql", params={"query": doubling_query(26)}, timeout=120)
    assert r.status_code == 503, r.text[:300]
    assert r.json()["error"] == "query used too much memory"
    assert "200 MiB" in r.json()["message"]
    assert wait_until(lambda: len(bounded.worker_pids()) == workers)
    assert_still_serving(bounded)
    # The replacement workers are back to their size at start.
    assert memory_mb(bounded.worker_pids(), "VmRSS") < peak_before + 100
    small = requests.get(bounded.url + "sparql", params={"query": doubling_query(10)}, timeout=30)
    assert small.status_code == 200 and small.json()["results"]["bindings"][0]["n"]["value"] == str(
        42 * 1024
    )


def test_an_engine_panic_gets_a_503_with_a_message(seed_store, tmp_path):
    """ORDER BY over a cross join of literals of mixed kinds: the engine's sort panics and
    the process aborts; the worker's lifeline answers, and the worker is replaced."""
    server = start_kzgraph(
        seed_store, tmp_path / "kz.log", "--workers", "1", "--query-timeout", "120"
    )
    try:
        check_panic_answer(server)
    finally:
        server.stop()
    assert "total order" in (tmp_path / "kz.log").read_text()  # it was the engine's panic


def check_panic_answer(bounded) -> None:
    workers = len(bounded.worker_pids())
    query = (
        "SELECT ?a ?b WHERE { ?x ?p ?a . ?y ?q ?b . FILTER(isLiteral(?a) && isLiteral(?b)) } "
        "ORDER BY ?a ?b"
    )
    r = requests.get(bounded.url + "sparql", params={"query": query}, timeout=120)
    assert r.status_code == 503, r.text[:300]
    assert "ORDER BY" in r.json()["message"]
    assert wait_until(lambda: len(bounded.worker_pids()) == workers)
    assert_still_serving(bounded)


@pytest.mark.parametrize(
    "query",
    [
        "SELECT * WHERE " + "{" * 5000 + "}" * 5000,
        "SELECT * WHERE { FILTER(" + "(" * 5000 + "1" + ")" * 5000 + ") }",
        "SELECT * WHERE { ?s ?p ?o " + "OPTIONAL { ?s ?p ?o " * 3000 + "}" * 3000 + " }",
        "SELECT * WHERE { " + "{} UNION " * 10000 + "{} }",
        "SELECT * WHERE { ?s " + "/".join(["<urn:p>"] * 2000) + " ?o }",
        "SELECT * WHERE { BIND(" + "1+" * 20000 + "1 AS ?x) }",
    ],
    ids=["braces", "parentheses", "optionals", "unions", "path", "sum"],
)
def test_deep_nesting_is_refused_before_the_engine(live, query):
    # A worker replaced for another reason (an earlier test's victim) must not look like
    # this query's doing: a query that kills its worker kills one on the second try too.
    for _attempt in range(2):
        before = _steady_pids(live)
        r = requests.post(live.url + "sparql", data={"query": query}, timeout=30)
        assert r.status_code == 400, r.text[:300]
        assert "the limit is" in r.json()["message"]
        if live.worker_pids() == before:
            return
    pytest.fail(f"a worker died twice while refusing the query: {before} -> {live.worker_pids()}")


def _steady_pids(live) -> list[int]:
    """The worker pids once they stop changing (a replaced worker has started)."""
    pids = live.worker_pids()
    for _ in range(20):
        time.sleep(0.25)
        again = live.worker_pids()
        if again == pids:
            return pids
        pids = again
    return pids


def test_a_deeply_nested_update_is_refused_before_the_engine(writable):
    from .conftest import TOKEN

    update = "INSERT { <urn:a> <urn:b> <urn:c> } WHERE " + "{" * 5000 + "}" * 5000
    r = requests.post(
        writable.url + "sparql",
        data={"update": update},
        headers={"Authorization": f"Bearer {TOKEN}"},
        timeout=30,
    )
    assert r.status_code == 400 and "the limit is" in r.json()["message"]
