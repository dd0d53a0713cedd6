"""Load and faults, bounded in time and count, all on loopback.

32 clients send mixed traffic for KZGRAPH_LOAD_SECONDS (default 60): valid queries with
known answers, 5% malformed, 1% runaway. Valid queries never get a 5xx, every runaway is
stopped by the timeout, memory stays bounded, and answers are right afterwards.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
import threading
import time
from collections import Counter

import pytest
import requests

from .conftest import FIXTURES, SEED
from .servers import memory_mb, start_kzgraph

SECONDS = float(os.environ.get("KZGRAPH_LOAD_SECONDS", "60"))
CLIENTS = 32
E = "https://w3id.org/kzgraph/entity/"
VALID = [
    (
        "sparql",
        {"query": f"SELECT ?n WHERE {{ <{E}majilis> wdt:P1342 ?n }}"},
        lambda r: r.json()["results"]["bindings"][0]["n"]["value"] == "98",
    ),
    (
        "sparql",
        {"query": f"ASK {{ <{E}senate> wdt:P1342 49 }}"},
        lambda r: r.json()["boolean"] is True,
    ),
    (
        "sparql",
        {"query": "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p"},
        lambda r: len(r.json()["results"]["bindings"]) > 50,
    ),
    (
        "queries/composition-on-date.json",
        {"date": "2020-06-01"},
        lambda r: len(r.json()["results"]["bindings"]) == 3,
    ),
    (
        "queries/find-entity.json",
        {"name": "mazhilis"},
        lambda r: len(r.json()["results"]["bindings"]) > 0,
    ),
    (
        "reconcile",
        {"queries": '{"q": {"query": "Mazhilis"}}'},
        lambda r: r.json()["q"]["result"][0]["id"] == "majilis",
    ),
]
MALFORMED = [
    ("sparql", {"query": "SELECT ?x WHERE { ?x ?p }"}),
    ("sparql", {"query": "SELECT * WHERE { ?s ?p ?o }", "format": "pdf"}),
    ("queries/composition-on-date.json", {"date": "yesterday"}),
    ("reconcile", {"queries": "{oops"}),
    ("sparql", {"query": "SELECT * WHERE { SERVICE <http://10.0.0.1/sparql> { ?s ?p ?o } }"}),
]
RUNAWAY = ("sparql", {"query": "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"})


@pytest.fixture(scope="module")
def loaded(seed_store, tmp_path_factory):
    server = start_kzgraph(
        seed_store,
        tmp_path_factory.mktemp("load") / "kzgraph.log",
        "--workers",
        "4",
        "--query-timeout",
        "2",
    )
    yield server
    server.stop()


def test_mixed_traffic_from_32_clients(loaded):
    stop = time.monotonic() + SECONDS
    outcomes: Counter = Counter()
    problems: list[str] = []
    lock = threading.Lock()
    memory_before = memory_mb([loaded.process.pid, *loaded.worker_pids()])

    def client(seed: int) -> None:
        rng = random.Random(seed)
        first = True
        while time.monotonic() < stop:
            roll = rng.random()
            if (first and seed == 0) or roll < 0.01:  # one runaway query at least, always
                kind, (path, params), check = "runaway", RUNAWAY, None
            elif roll < 0.06:
                kind, (path, params), check = "malformed", rng.choice(MALFORMED), None
            else:
                path, params, check = rng.choice(VALID)
                kind = "valid"
            first = False
            try:
                r = requests.get(loaded.url + path, params=params, timeout=60)
            except requests.RequestException as exc:
                with lock:
                    outcomes[(kind, "connection error")] += 1
                    problems.append(f"{kind} {path}: {exc}")
                continue
            with lock:
                outcomes[(kind, r.status_code)] += 1
                if kind == "valid" and (r.status_code != 200 or not check(r)):
                    problems.append(f"valid {path} {params}: {r.status_code} {r.text[:200]}")
                if kind == "malformed" and not 400 <= r.status_code < 500:
                    problems.append(f"malformed {path} {params}: {r.status_code}")
                if kind == "runaway" and r.status_code != 503:
                    problems.append(f"runaway: {r.status_code}")

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(SECONDS + 120)
    print(dict(outcomes))
    assert sum(n for (kind, _), n in outcomes.items() if kind == "valid") > CLIENTS * 5
    assert outcomes[("runaway", 503)] >= 1
    assert problems == [], problems[:10]
    # Workers ended by the watchdog are replaced: four, for a whole second (a worker that
    # has just answered 503 at its deadline is still counted until it exits).
    deadline, steady_since = time.monotonic() + 30, None
    while time.monotonic() < deadline:
        if len(loaded.worker_pids()) != 4:
            steady_since = None
        elif steady_since is None:
            steady_since = time.monotonic()
        elif time.monotonic() - steady_since >= 1:
            break
        time.sleep(0.05)
    assert len(loaded.worker_pids()) == 4
    memory_after = memory_mb([loaded.process.pid, *loaded.worker_pids()])
    assert memory_after < memory_before * 2 + 200, (memory_before, memory_after)
    for path, params, check in VALID:
        r = requests.get(loaded.url + path, params=params, timeout=30)
        assert r.status_code == 200 and check(r)


def kzgraph(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "kzgraph.cli", *args], capture_output=True, timeout=300
    )


@pytest.mark.skipif(os.geteuid() != 0, reason="mounting a small filesystem needs root")
def test_a_full_disk_fails_the_build_and_keeps_the_store(tmp_path):
    mount = tmp_path / "small"
    mount.mkdir()
    if (
        subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(mount)], capture_output=True
        ).returncode
        != 0
    ):
        pytest.skip("cannot mount a tmpfs here")
    try:
        store = mount / "store"
        first = kzgraph("build", str(SEED), "--store", str(store))
        assert first.returncode == 0, first.stderr.decode()[-1000:]
        before = kzgraph("export", "--store", str(store)).stdout
        server = start_kzgraph(
            store, tmp_path / "kz.log", "--workers", "1", "--update-token", "t0ken-t0ken"
        )
        try:
            filler = mount / "filler"
            free = os.statvfs(mount).f_bavail * os.statvfs(mount).f_frsize
            filler.write_bytes(b"\0" * max(0, free - 16 * 1024))
            second = kzgraph(
                "build", str(SEED), str(FIXTURES / "parliament-of-kenya.txt"), "--store", str(store)
            )
            assert second.returncode == 2
            assert b"No space left on device" in second.stderr and b"Traceback" not in second.stderr
            update = requests.post(
                server.url + "sparql",
                data={"update": "INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:b> <urn:c> } }"},
                headers={"Authorization": "Bearer t0ken-t0ken"},
                timeout=30,
            )
            assert update.status_code == 503 and "store" in update.json()["message"]
            r = requests.get(
                server.url + "sparql",
                params={"query": f"ASK {{ <{E}majilis> wdt:P1342 98 }}"},
                timeout=30,
            )
            assert r.status_code == 200 and r.json()["boolean"] is True
            filler.unlink()
            again = requests.post(
                server.url + "sparql",
                data={"update": "INSERT DATA { GRAPH <urn:g> { <urn:a> <urn:b> <urn:c> } }"},
                headers={"Authorization": "Bearer t0ken-t0ken"},
                timeout=30,
            )
            assert again.status_code == 204
        finally:
            server.stop()
        after = kzgraph("export", "--store", str(store)).stdout
        assert b"parliament-of-kenya" not in after and after.count(b"\n") >= before.count(b"\n")
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def test_an_unwritable_store_path_is_a_clear_error():
    proc = kzgraph("build", str(SEED), "--store", "/proc/kzgraph/store")
    assert proc.returncode == 2
    assert b"cannot write the store at /proc/kzgraph/store" in proc.stderr
