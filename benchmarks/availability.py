"""Availability under slow clients and slow queries, and memory (PSS), kzgraph against
the Oxigraph server.

    .venv/bin/python benchmarks/availability.py --triples 100000 [--output docs/benchmarks.md]

For each contender (kzgraph with its front, kzgraph with the workers serving clients
directly as before the front, the on-disk Oxigraph server), while 8 clients each keep a
slow query running (from another loopback address, 127.0.0.2: another user) and 20
slowloris sockets are held open, one client measures ``/health`` (for Oxigraph: ``ASK {}``)
and short queries new each time, one request at a time, for ``--seconds``. Then: the
throughput of short queries new each time at c=8 (wrk with a script that makes each
query distinct), and, for kzgraph, the total proportional set size (PSS) of all its
processes before and after an update, against the size of one in-memory copy of the data.
"""

from __future__ import annotations

import argparse
import http.client
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from benchmarks.compare_servers import (  # noqa: E402
    NO_CACHE,
    PREFIXES,
    answers_per_second,
    load_both,
    pct,
    publish,
)
from tests.servers import (  # noqa: E402
    GROUP,
    oxigraph_binary,
    processes_where,
    start_kzgraph,
    start_oxigraph,
)

TIMEOUT = 10  # seconds: the query timeout of both servers
SLOW = "SELECT (COUNT(*) AS ?n) WHERE {{ ?a ?b ?c . ?d ?e ?f FILTER(STR(?c) != '{n}') }}"
SHORT = "SELECT ?n WHERE {{ kz:chamber-3-0 wdt:P1342 ?n FILTER(?n != {n}) }}"
TOKEN = "benchmark-token-0123456789"
WRK_SCRIPT = """
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", %s .. counter .. %s)
end
"""


class Contender:
    def __init__(self, name: str, port: int, path, health: str, pids) -> None:
        self.name, self.port, self.path, self.health, self.pids = name, port, path, health, pids


def request(port: int, path: str, source: str = "127.0.0.1", timeout: float = 60) -> int:
    conn = http.client.HTTPConnection(
        "127.0.0.1", port, timeout=timeout, source_address=(source, 0)
    )
    try:
        conn.request("GET", path, headers={"Accept": "application/sparql-results+json"})
        response = conn.getresponse()
        response.read()
        return response.status
    except OSError:
        return 0  # no answer: a time-out or a reset
    finally:
        conn.close()


def under_siege(c: Contender, seconds: float) -> dict:
    """Latencies of /health and short queries while slow queries and slowloris are held."""
    stop = time.monotonic() + seconds
    held = []
    for _ in range(20):
        sock = socket.create_connection(("127.0.0.1", c.port))
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        held.append(sock)

    def slow_client(i: int) -> None:
        n = 0
        while time.monotonic() < stop:
            n += 1
            request(c.port, c.path(SLOW.format(n=f"{i}-{n}")), "127.0.0.2", TIMEOUT + 30)

    slow = [threading.Thread(target=slow_client, args=(i,)) for i in range(8)]
    for thread in slow:
        thread.start()
    time.sleep(1.0)
    health, short, failures = [], [], 0
    n = 0
    while time.monotonic() < stop:
        n += 1
        for path, into in ((c.health, health), (c.path(SHORT.format(n=n)), short)):
            t = time.perf_counter()
            status = request(c.port, path, timeout=30)
            into.append(time.perf_counter() - t)
            failures += status != 200
    for sock in held:
        sock.close()
    for thread in slow:
        thread.join(TIMEOUT + 60)
    return {"health": health, "short": short, "failures": failures}


def distinct_short_script(path_of: Callable[[str], str], script: Path) -> Path:
    """A wrk script asking SHORT anew each time (a counter in place of its number), at the
    path ``path_of`` makes of a query."""
    before, _, after = path_of(SHORT.format(n=999999999)).partition("999999999")
    script.write_text(WRK_SCRIPT % (lua_string(before), lua_string(after)))
    return script


def wrk_distinct(c: Contender, connections: int, seconds: int, folder: Path) -> float:
    if shutil.which("wrk") is None:
        return float("nan")
    script = distinct_short_script(c.path, folder / f"{c.name.replace(' ', '-')}.lua")
    out = subprocess.run(
        [
            "wrk",
            "-t",
            "2",
            "-c",
            str(connections),
            "-d",
            f"{seconds}s",
            "-s",
            str(script),
            f"http://127.0.0.1:{c.port}/",
        ],
        capture_output=True,
        text=True,
    ).stdout
    return answers_per_second(out)


def lua_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def group_pids(leader: int) -> list[int]:
    """Every process of the server's process group: master, workers, keepers, the front."""
    return processes_where(GROUP, leader)


def pss_mb(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def one_copy_mb(store: Path) -> float:
    """The memory one in-memory copy of the data takes: a fresh process's resident size
    after loading it, less before."""
    code = (
        "from kzgraph import store as s\n"
        "def rss(): return int(open('/proc/self/statm').read().split()[1]) * 4096 / 2**20\n"
        f"before = rss(); data = s.load_in_memory({str(store)!r}); print(rss() - before)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return max(float(out.stdout.strip().splitlines()[-1]), 0.1)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--triples", type=int, default=100_000)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--wrk-seconds", type=int, default=8)
    parser.add_argument("--output", type=Path)
    args = parser.parse_args()
    if oxigraph_binary() is None:
        sys.exit("the Oxigraph server is needed: pip install oxigraph")
    tmp = Path(tempfile.mkdtemp(prefix="kzgraph-availability-"))
    lines: list[str] = []

    def say(line: str = "") -> None:
        print(line, flush=True)
        lines.append(line)

    quads, _, _ = load_both(args.triples, tmp)
    flags = ("--workers", "4", "--query-timeout", str(TIMEOUT), "--update-token", TOKEN)
    kz = start_kzgraph(tmp / "kz" / "store", tmp / "kz.log", *flags, env=NO_CACHE)
    direct = start_kzgraph(
        tmp / "kz" / "store", tmp / "direct.log", *flags, env={**NO_CACHE, "KZGRAPH_FRONT": "false"}
    )
    oxs = start_oxigraph(
        tmp / "ox", tmp / "ox.log", "--union-default-graph", "--timeout-s", str(TIMEOUT)
    )

    def port(server) -> int:
        return int(server.url.rsplit(":", 1)[1].strip("/"))

    def kz_path(q: str) -> str:
        return "/sparql?" + urlencode({"query": q})

    def ox_path(q: str) -> str:
        return "/query?" + urlencode({"query": PREFIXES + q})

    contenders = [
        Contender(
            "kzgraph (front)", port(kz), kz_path, "/health", lambda: group_pids(kz.process.pid)
        ),
        Contender(
            "kzgraph (no front)",
            port(direct),
            kz_path,
            "/health",
            lambda: group_pids(direct.process.pid),
        ),
        Contender(
            "Oxigraph server",
            port(oxs),
            ox_path,
            ox_path("ASK {}"),
            lambda: group_pids(oxs.process.pid),
        ),
    ]
    try:
        say(f"## Availability and memory, {len(quads):,} quads")
        say()
        say(
            f"Command: `.venv/bin/python benchmarks/availability.py --triples {args.triples}` "
            f"({args.seconds:g} s under siege per contender: 8 clients from 127.0.0.2 each keeping a "
            f"slow query running (query timeout {TIMEOUT} s on both servers), 20 slowloris sockets; "
            "one client on 127.0.0.1 alternates `/health` and a short query new each time). "
            "kzgraph: 4 workers (front: 2 short-query, 1 long-query, 1 reserved), caches off."
        )
        say()
        say(
            "| while held | /health p50 ms | /health p99 ms | short p50 ms | short p99 ms | answers | failed or timed out |"
        )
        say("|---|---|---|---|---|---|---|")
        for c in contenders:
            r = under_siege(c, args.seconds)
            say(
                f"| {c.name} | {pct(r['health'], 0.5):.1f} | {pct(r['health'], 0.99):.1f} | "
                f"{pct(r['short'], 0.5):.1f} | {pct(r['short'], 0.99):.1f} | "
                f"{len(r['health']) + len(r['short'])} | {r['failures']} |"
            )
        time.sleep(TIMEOUT + 2)  # the slow queries are over
        # Before wrk: at 10^6 the Oxigraph server (with --timeout-s, a thread per query)
        # failed to start threads under wrk and panicked, and read 0 MiB after it.
        ox_pss = pss_mb(contenders[2].pids())
        # Throughput against an Oxigraph server without --timeout-s: with it (a thread per
        # query, for the timeout) it failed under wrk at 10^6, answering 500s, then aborted.
        oxs.stop()
        oxs = start_oxigraph(tmp / "ox", tmp / "ox-plain.log", "--union-default-graph")
        contenders[2] = Contender(
            "Oxigraph server", port(oxs), ox_path, ox_path("ASK {}"), contenders[2].pids
        )
        say()
        say("| short queries new each time, c=8 (wrk) | requests/s | vs Oxigraph |")
        say("|---|---|---|")
        rates = {c.name: wrk_distinct(c, 8, args.wrk_seconds, tmp) for c in contenders}
        for name, rate in rates.items():
            say(f"| {name} | {rate:.0f} | {rate / rates['Oxigraph server']:.2f}x |")
        say()
        say(
            "(Successful answers only: wrk's own rate counts 4xx and 5xx answers too. The "
            "Oxigraph server without `--timeout-s` here: with it, it failed under wrk.)"
        )
        if oxs.process.poll() is not None:
            say(
                f"The Oxigraph server exited during the run ({oxs.process.returncode}; see its log)."
            )
        say()
    finally:
        for server in (kz, direct, oxs):
            server.stop()
    # Memory, on a server of its own whose query timeout lets an update at 10^6 finish.
    mem = start_kzgraph(
        tmp / "kz" / "store",
        tmp / "mem.log",
        "--workers",
        "4",
        "--query-timeout",
        "300",
        "--update-token",
        TOKEN,
        env=NO_CACHE,
    )
    try:
        copy = one_copy_mb(tmp / "kz" / "store")
        before = pss_mb(group_pids(mem.process.pid))
        workers = set(mem.worker_pids())
        status = request_update(port(mem))
        settled = wait_for_new_workers(mem, workers, 4)
        for _ in range(4):
            request(port(mem), "/health")
            request(port(mem), kz_path(SHORT.format(n=-1)))
        time.sleep(1)
        after = pss_mb(group_pids(mem.process.pid))
        say(
            f"Memory (kzgraph with its front, all processes, PSS): {before:.0f} MiB before an update, "
            f"{after:.0f} MiB after one (update status {status}; "
            f"{'all workers forked anew from the reloaded master in ' + format(settled, '.0f') + ' s' if settled is not None else 'the workers were not all replaced within 300 s'}); "
            f"one in-memory copy of the data takes {copy:.0f} MiB: {before / copy:.2f}x and "
            f"{after / copy:.2f}x of it. Oxigraph server (after the siege): {ox_pss:.0f} MiB."
        )
    finally:
        mem.stop()
    if args.output:
        publish(args.output, lines)


def wait_for_new_workers(server, old: set[int], count: int) -> float | None:
    """Seconds until ``count`` workers run and none of ``old`` is left; None past 300 s."""
    started = time.monotonic()
    while time.monotonic() - started < 300:
        pids = set(server.worker_pids())
        if len(pids) == count and not pids & old:
            return time.monotonic() - started
        time.sleep(0.5)
    return None


def request_update(port: int) -> int:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    body = urlencode({"update": "INSERT DATA { GRAPH <urn:bench> { <urn:a> <urn:b> <urn:c> } }"})
    conn.request(
        "POST",
        "/sparql",
        body=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Authorization": f"Bearer {TOKEN}",
        },
    )
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.status


if __name__ == "__main__":
    main()
