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

import requests

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


def test_a_client_that_leaves_stops_its_query(live):
    before = set(live.worker_pids())
    sock = socket.create_connection(("127.0.0.1", int(live.url.rsplit(":", 1)[1].strip("/"))))
    sock.sendall(f"GET /sparql?query={quote(RUNAWAY)} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    pid = busy_worker(live)
    sock.close()
    # The worker running the query ends (well before the 3 s timeout would matter to it).
    assert wait_until(lambda: pid not in live.worker_pids(), seconds=10)
    assert pid in before
    assert_still_serving(live)


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


def test_a_killed_worker_is_replaced_and_service_continues(live):
    workers = len(live.worker_pids())
    failure: list[Exception] = []

    def runaway():
        try:
            requests.get(live.url + "sparql", params={"query": RUNAWAY}, timeout=60)
        except requests.RequestException as exc:
            failure.append(exc)

    thread = threading.Thread(target=runaway)
    thread.start()
    pid = busy_worker(live)
    os.kill(pid, signal.SIGKILL)
    thread.join(60)
    assert failure, "the client of the killed worker sees its connection fail"
    assert_still_serving(live)
    assert wait_until(lambda: len(live.worker_pids()) == workers and pid not in live.worker_pids())
