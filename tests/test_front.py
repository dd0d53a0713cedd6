"""The front (web/front.py, web/lanes.py): slow and many clients cannot block the workers.

Real servers on loopback. Every loop is bounded in count and time; nothing asserts a
duration: availability means answers arrive, right, and never a 5xx.
"""

from __future__ import annotations

import asyncio
import contextlib
import http.client
import os
import signal
import socket
import threading
import time
from urllib.parse import quote, urlencode

import pytest
import requests

from kzgraph.web.front import Connections
from kzgraph.web.lanes import Busy, Lane, plan

from .conftest import TOKEN
from .servers import start_kzgraph

E = "https://w3id.org/kzgraph/entity/"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE {{ ?a ?b ?c . ?d ?e ?f . ?g ?h ?i FILTER(?c != {n}) }}"
BIG = "SELECT ?a ?b WHERE { ?a ?p ?o . ?b ?q ?r } LIMIT 100000"


def send_runaway_queries(server, count: int) -> list[socket.socket]:
    """``count`` runaway queries sent on raw sockets that stay open (read nothing)."""
    sockets = []
    for n in range(count):
        sock = socket.create_connection(("127.0.0.1", port_of(server)))
        sock.sendall(
            f"GET /sparql?query={quote(RUNAWAY.format(n=n))} HTTP/1.1\r\nHost: x\r\n\r\n".encode()
        )
        sockets.append(sock)
    return sockets


def port_of(server) -> int:
    return int(server.url.rsplit(":", 1)[1].strip("/"))


def short_query(n: int) -> str:
    """A cheap query, new each time (no cache can answer it)."""
    return f"ASK {{ <{E}majilis> wdt:P1342 ?n FILTER(?n != {n}) }}"


def get(server, path: str, **params) -> requests.Response:
    return requests.get(server.url + path, params=params, timeout=60)


@pytest.fixture(scope="module")
def one_worker(seed_store, tmp_path_factory):
    """One worker only: anything that held it would stop every other request."""
    log = tmp_path_factory.mktemp("front") / "kzgraph.log"
    server = start_kzgraph(seed_store, log, "--workers", "1", "--query-timeout", "20")
    yield server
    server.stop()


def slowloris(port: int, body: bool) -> socket.socket:
    """A client that sends part of a request and then nothing."""
    sock = socket.create_connection(("127.0.0.1", port))
    if body:
        sock.sendall(
            b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
            b"Content-Length: 1000\r\n\r\nSELECT * WHERE {"
        )
    else:
        sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ")
    return sock


def test_slow_clients_cost_a_socket_not_the_worker(one_worker):
    port = port_of(one_worker)
    workers = one_worker.worker_pids()
    log_before = one_worker.log.read_text()
    held = [slowloris(port, body=i % 2 == 0) for i in range(20)]
    idle = []
    for _ in range(10):  # keep-alive connections that stay open, idle
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        conn.request("GET", "/health")
        assert conn.getresponse().read()
        idle.append(conn)
    # A slow reader of a large result: it reads nothing after the request.
    reader = socket.create_connection(("127.0.0.1", port))
    reader.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    reader.sendall(
        f"GET /sparql?{urlencode({'query': BIG})} HTTP/1.1\r\nHost: x\r\n"
        "Accept: text/tab-separated-values\r\n\r\n".encode()
    )
    try:
        for n in range(20):
            r = get(one_worker, "sparql", query=short_query(n))
            assert r.status_code == 200 and r.json()["boolean"] is True, r.text[:300]
            assert get(one_worker, "health").status_code == 200
        # Answered by the same worker, never ended for a slow client: without the front the
        # slow reader would hold it until the query timeout ended it.
        assert one_worker.worker_pids() == workers
        assert "ending worker" not in one_worker.log.read_text()[len(log_before) :]
    finally:
        for sock in [*held, reader]:
            sock.close()
        for conn in idle:
            conn.close()


def test_keep_alive_serves_many_requests_on_one_connection(one_worker):
    conn = http.client.HTTPConnection("127.0.0.1", port_of(one_worker), timeout=30)
    try:
        for n in range(5):
            conn.request("GET", "/sparql?query=" + quote(short_query(n)))
            response = conn.getresponse()
            assert response.status == 200 and b"true" in response.read()
            assert response.getheader("Connection", "").lower() != "close"
    finally:
        conn.close()


def workers_socket(server) -> str:
    """The path of the Unix socket the master's workers accept from (in its private folder)."""
    inodes = set()
    for fd in os.listdir(f"/proc/{server.process.pid}/fd"):
        with contextlib.suppress(OSError):
            target = os.readlink(f"/proc/{server.process.pid}/fd/{fd}")
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
    with open("/proc/net/unix") as table:
        for line in table:
            fields = line.split()
            if len(fields) == 8 and fields[6] in inodes and fields[7].endswith("workers.sock"):
                return fields[7]
    raise AssertionError("the workers' socket was not found")


def test_a_worker_keeps_the_fronts_connection_open_between_requests(seed_store, tmp_path):
    """The front reuses its connections to the workers (web/worker.py): a worker answers
    request after request on one connection (gunicorn's sync worker closes it after one).
    Two workers: the front's own requests so far (one at a time) hold one of them."""
    server = start_kzgraph(seed_store, tmp_path / "kzgraph.log", "--workers", "2")
    sock = socket.socket(socket.AF_UNIX)
    sock.settimeout(30)
    sock.connect(workers_socket(server))
    conn = http.client.HTTPConnection("workers")
    conn.sock = sock
    try:
        for n in range(3):
            conn.request("GET", "/sparql?query=" + quote(short_query(n)))
            response = conn.getresponse()
            assert response.status == 200 and b"true" in response.read()
            assert not response.will_close
    finally:
        conn.close()
        server.stop()


def test_a_worker_that_ended_between_requests_costs_no_answer(one_worker):
    """The front's idle connection to a worker that is gone (ended for a query, replaced)
    is dropped, and the request goes to the new worker."""
    for n in range(3):
        assert get(one_worker, "sparql", query=short_query(n)).status_code == 200
    for n in range(3):
        (worker,) = one_worker.worker_pids()
        os.kill(worker, signal.SIGKILL)
        for _ in range(300):  # bounded: 30 s at most
            if one_worker.worker_pids() not in ([], [worker]):
                break
            time.sleep(0.1)
        r = get(one_worker, "sparql", query=short_query(10 + n))
        assert r.status_code == 200 and r.json()["boolean"] is True, r.text[:300]


def test_a_write_after_reads_finds_the_one_worker(seed_store, tmp_path):
    """A write is never sent twice, so it goes on a new connection: the front closes an
    idle one to free its worker for it (else the one worker, held by the idle connection,
    would never accept it)."""
    from .servers import copy_store

    copy_store(seed_store, tmp_path / "store")
    server = start_kzgraph(
        tmp_path / "store",
        tmp_path / "kzgraph.log",
        "--workers",
        "1",
        "--update-token",
        TOKEN,
        "--query-timeout",
        "20",
    )
    try:
        for n in range(3):
            assert get(server, "sparql", query=short_query(n)).status_code == 200
        assert insert(server, "urn:one-worker").status_code == 204
        assert get(server, "health").status_code == 200
    finally:
        server.stop()


def test_the_client_may_leave_while_its_request_waits(one_worker):
    """A client that hangs up while its query waits for a worker is simply forgotten."""
    sockets = send_runaway_queries(one_worker, 5)
    time.sleep(0.5)
    for sock in sockets:
        sock.close()
    r = get(one_worker, "sparql", query=short_query(99))
    assert r.status_code == 200 and r.json()["boolean"] is True


# --- many clients, slow queries and slowloris sockets at once ----------------------------


@pytest.fixture(scope="module")
def busy(seed_store, tmp_path_factory):
    log = tmp_path_factory.mktemp("busy") / "kzgraph.log"
    server = start_kzgraph(
        seed_store,
        log,
        "--workers",
        "4",
        "--query-timeout",
        "4",
        env={"KZGRAPH_QUEUE_TIMEOUT": "6"},
    )
    yield server
    server.stop()


def test_cheap_requests_answer_while_slow_queries_and_slowloris_are_held(busy):
    port = port_of(busy)
    held = [slowloris(port, body=i % 2 == 0) for i in range(20)]
    slow_answers: list[int] = []

    def slow(n: int) -> None:
        # From another address, as another user would be: turns are given per client.
        r = request_from("127.0.0.2", busy, "/sparql?query=" + quote(RUNAWAY.format(n=n)))
        slow_answers.append(r.status)

    slow_clients = [threading.Thread(target=slow, args=(n,)) for n in range(8)]
    for thread in slow_clients:
        thread.start()
    problems: list[str] = []
    try:
        time.sleep(0.5)  # the slow queries have arrived
        for n in range(15):
            for path, params, ok in [
                ("health", {}, lambda r: r.json()["status"] == "ok"),
                ("sparql", {"query": short_query(n)}, lambda r: r.json()["boolean"] is True),
                ("entity/majilis", {}, lambda r: "Mazhilis" in r.text or "Majilis" in r.text),
                ("reconcile", {"queries": '{"q": {"query": "Mazhilis"}}'}, lambda r: r.json()),
            ]:
                r = get(busy, path, **params)
                if r.status_code != 200 or not ok(r):
                    problems.append(f"{path}: {r.status_code} {r.text[:200]}")
    finally:
        for sock in held:
            sock.close()
        for thread in slow_clients:
            thread.join(120)
    assert problems == [], problems[:5]
    # Each slow query was stopped: by the timeout, or (its turn not come) as the server busy.
    assert slow_answers == [503] * 8


def test_a_worker_not_yet_replaced_costs_the_queries_a_place_not_the_cheap_requests(
    seed_store, tmp_path
):
    """gunicorn's workers accept from one socket: had the front sent a query there while
    the live workers were all busy (one ended, its replacement not started), /health
    would wait behind it in the socket's backlog. Here the master is held stopped so the
    replacement never comes until the end."""
    server = start_kzgraph(
        seed_store,
        tmp_path / "kzgraph.log",
        "--workers",
        "4",
        "--query-timeout",
        "8",
        env={"KZGRAPH_LONG_QUERY_WORKERS": "2"},  # 1 short-query, 2 long-query, 1 reserved
    )
    master = server.process.pid
    answers: dict[str, int] = {}

    def ask(name: str, address: str, query: str) -> None:
        answers[name] = request_from(address, server, "/sparql?query=" + quote(query)).status

    threads = []

    def start(name: str, address: str, query: str) -> None:
        threads.append(threading.Thread(target=ask, args=(name, address, query)))
        threads[-1].start()

    try:
        os.kill(master, signal.SIGSTOP)
        os.kill(server.worker_pids()[0], signal.SIGKILL)  # 3 workers left, none coming
        start("slow 1", "127.0.0.2", RUNAWAY.format(n=1))
        start("slow 2", "127.0.0.2", RUNAWAY.format(n=2))
        time.sleep(2.5)  # both ran past long_query_seconds: the two long-lane workers run them
        start("slow 3", "127.0.0.2", RUNAWAY.format(n=3))  # the short lane is free
        start("short", "127.0.0.1", short_query(1))
        time.sleep(0.5)
        health = get(server, "health")
        assert health.status_code == 200 and health.json()["status"] == "ok"
        # The one worker left answered it while the slow queries still ran or waited.
        assert answers == {}
    finally:
        os.kill(master, signal.SIGCONT)
        for thread in threads:
            thread.join(120)
        server.stop()
    assert answers["short"] == 200  # once a replacement started
    assert [answers[f"slow {n}"] for n in (1, 2, 3)] == [503] * 3


# --- fairness: per client, and across lanes ------------------------------------------------


@pytest.fixture()
def limited(seed_store, tmp_path):
    server = start_kzgraph(
        seed_store,
        tmp_path / "kzgraph.log",
        "--workers",
        "4",
        "--query-timeout",
        "4",
        env={"KZGRAPH_CLIENT_MAX_REQUESTS": "2"},
    )
    yield server
    server.stop()


def request_from(address: str, server, path: str) -> http.client.HTTPResponse:
    conn = http.client.HTTPConnection(
        "127.0.0.1", port_of(server), timeout=60, source_address=(address, 0)
    )
    conn.request("GET", path)
    return conn.getresponse()


def test_a_client_past_its_limit_gets_429_and_others_are_served(limited):
    held = send_runaway_queries(limited, 2)
    time.sleep(0.5)
    try:
        refused = request_from("127.0.0.1", limited, "/health")
        assert refused.status == 429
        assert int(refused.getheader("Retry-After")) >= 1
        assert "2 requests" in refused.read().decode()
        other = request_from("127.0.0.2", limited, "/health")  # another address
        assert other.status == 200
    finally:
        for sock in held:
            sock.close()


def test_an_idle_connection_whose_worker_left_is_not_handed_out(tmp_path):
    """Connections kept for reuse: the one whose peer closed is dropped, the live one reused."""
    path = str(tmp_path / "workers.sock")

    async def scenario() -> list[bool]:
        peers: list[asyncio.StreamWriter] = []

        async def accept(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            peers.append(writer)

        server = await asyncio.start_unix_server(accept, path)
        connections = Connections(path)
        for _ in range(2):
            connections.keep(await connections.open(deadline=time.monotonic() + 10))
        while len(peers) < 2:
            await asyncio.sleep(0)
        peers[1].close()  # the worker of one of them ends
        while not any(reader.at_eof() for reader, _ in connections.idle):
            await asyncio.sleep(0.01)
        (live,) = [c for c in connections.idle if not c[0].at_eof()]
        handed = [connections.take_idle() == live, connections.take_idle() is None]
        live[1].close()
        peers[0].close()
        server.close()
        return handed

    assert asyncio.run(scenario()) == [True, True]


def test_lanes_serve_waiting_clients_in_turn():
    async def scenario() -> list[str]:
        lane = Lane("short", 1)
        order: list[str] = []
        holders = ["z"]
        assert lane.try_take("z")

        async def request(client: str, name: str) -> None:
            await lane.take(client, 10)
            order.append(name)
            holders.append(client)

        tasks = []
        for client, name in [("a", "a1"), ("a", "a2"), ("a", "a3"), ("b", "b1"), ("c", "c1")]:
            tasks.append(asyncio.create_task(request(client, name)))
            await asyncio.sleep(0)
        for _ in tasks:
            lane.give_back(holders.pop(0))
            while not holders:  # the next in turn takes the place
                await asyncio.sleep(0)
        await asyncio.gather(*tasks)
        with pytest.raises(Busy):
            await lane.take("d", 0.01)  # the last one still holds the place
        return order

    assert asyncio.run(scenario()) == ["a1", "b1", "c1", "a2", "a3"]


def test_a_capped_client_leaves_the_other_places_to_others():
    async def scenario() -> list[str]:
        capped = {"heavy"}
        lane = Lane("short", 2, cap=lambda client: 1 if client in capped else 2)
        assert lane.try_take("heavy")
        second = asyncio.create_task(lane.take("heavy", 10))
        await asyncio.sleep(0)
        assert not second.done()  # a free place, but not for this client
        assert lane.try_take("light")  # the other client finds it free
        lane.give_back("light")
        capped.clear()
        lane.hand_out()  # its cap grew: it gets the free place
        await asyncio.wait_for(second, 1)
        return sorted(lane.held)

    assert asyncio.run(scenario()) == ["heavy"]


def test_a_waiting_request_that_gives_up_frees_its_turn():
    async def scenario() -> int:
        lane = Lane("long", 1)
        assert lane.try_take("a")
        with pytest.raises(Busy):
            await lane.take("b", 0.01)
        lane.give_back("a")
        return lane.busy

    assert asyncio.run(scenario()) == 0


def test_lane_plan_keeps_a_worker_for_cheap_requests():
    assert plan(4, 1, 1) == plan(4, 1, 1).__class__(short=2, long=1, reserved=1)
    small = plan(2, 1, 1)
    assert (small.short, small.long, small.reserved) == (1, 0, 1)
    single = plan(1, 1, 1)
    assert (single.short, single.long, single.reserved) == (1, 0, 0)


# --- the shared cache -----------------------------------------------------------------------


def insert(server, graph: str) -> requests.Response:
    """One triple into ``graph``, with the update token."""
    return requests.post(
        server.url + "sparql",
        data={"update": f"INSERT DATA {{ GRAPH <{graph}> {{ <urn:a> <urn:b> <urn:c> }} }}"},
        headers={"Authorization": f"Bearer {TOKEN}"},
        timeout=60,
    )


def test_the_shared_cache_answers_repeats_and_forgets_on_update(writable):
    count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <urn:front> { ?s ?p ?o } }"

    def ask() -> requests.Response:
        return get(writable, "sparql", query=count)

    first, second = ask(), ask()
    assert first.status_code == second.status_code == 200
    assert second.headers.get("X-Cache") == "shared"
    assert second.json() == first.json()
    assert first.json()["results"]["bindings"][0]["n"]["value"] == "0"
    etag = second.headers["ETag"]
    revalidated = requests.get(
        writable.url + "sparql",
        params={"query": count},
        headers={"If-None-Match": etag},
        timeout=30,
    )
    assert revalidated.status_code == 304 and revalidated.headers["ETag"] == etag
    assert insert(writable, "urn:front").status_code == 204
    after = ask()
    assert after.status_code == 200 and after.headers.get("X-Cache") != "shared"
    assert after.json()["results"]["bindings"][0]["n"]["value"] == "1"


def test_a_streamed_answer_starts_at_once_and_is_shared_once_whole(seed_store, tmp_path):
    """Past ``stream_after_bytes`` an answer streams (its first byte does not wait for the
    whole result); the front's shared cache still keeps it, and replays it with a length."""
    server = start_kzgraph(
        seed_store,
        tmp_path / "kzgraph.log",
        "--workers",
        "2",
        env={"KZGRAPH_STREAM_AFTER_BYTES": "1000", "KZGRAPH_RESULT_CACHE_ENTRIES": "0"},
    )
    query = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 200"
    try:
        first, second = (get(server, "sparql", query=query) for _ in range(2))
    finally:
        server.stop()
    assert first.status_code == second.status_code == 200
    assert first.headers.get("X-Streamed") == "true" and "Content-Length" not in first.headers
    assert len(first.content) > 1000
    assert second.headers.get("X-Cache") == "shared" and "X-Streamed" not in second.headers
    assert int(second.headers["Content-Length"]) == len(second.content)
    assert second.content == first.content


def test_authorised_requests_are_not_shared(writable):
    query = {"query": "ASK { ?s ?p ?o }"}
    headers = {"Authorization": f"Bearer {TOKEN}"}
    for _ in range(2):
        r = requests.get(writable.url + "sparql", params=query, headers=headers, timeout=30)
        assert r.status_code == 200 and r.headers.get("X-Cache") != "shared"


def test_a_body_past_the_limit_is_refused_by_the_front(one_worker):
    r = requests.post(
        one_worker.url + "sparql",
        data=b"x" * 10_000_001,
        headers={"Content-Type": "application/sparql-query"},
        timeout=60,
    )
    assert r.status_code == 413 and "bytes" in r.json()["message"]


# --- one copy of the data after an update ---------------------------------------------------


def test_after_an_update_new_workers_are_forked_from_the_reloaded_master(seed_store, tmp_path):
    """Each worker reloading the changed store itself would keep one copy per worker; the
    master reloads it and forks new workers, which share its copy (the memory is measured
    in benchmarks/availability.py). Requests keep being answered throughout."""
    from .servers import copy_store

    copy_store(seed_store, tmp_path / "store")
    server = start_kzgraph(
        tmp_path / "store", tmp_path / "kzgraph.log", "--workers", "2", "--update-token", TOKEN
    )
    count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH <urn:refork> { ?s ?p ?o } }"
    try:
        old = set(server.worker_pids())
        assert insert(server, "urn:refork").status_code == 204
        answers = []
        for _ in range(300):  # bounded: 30 s at most
            answers.append(get(server, "health").status_code)
            workers = set(server.worker_pids())
            if len(workers) == 2 and not workers & old:
                break
            time.sleep(0.1)
        assert len(workers) == 2 and not workers & old, (old, workers)
        assert set(answers) == {200}
        for n in range(5):  # the new workers answer, from the new data
            assert get(server, "health").status_code == 200
            r = get(server, "sparql", query=count + f" # {n}")
            assert r.json()["results"]["bindings"][0]["n"]["value"] == "1"
    finally:
        server.stop()
    assert "Handling signal: hup" in (tmp_path / "kzgraph.log").read_text()
