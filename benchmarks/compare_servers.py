"""kzgraph serve against the Oxigraph server and the in-process pyoxigraph floor.

    .venv/bin/python benchmarks/compare_servers.py --triples 1000000 [--output docs/benchmarks.md]

On a generated graph (benchmarks/generate.py) loaded into both servers, in one run:
p50/p95 latency per query (contenders interleaved, request by request), throughput at
concurrency 1/8/32 with wrk (Debian's package), time to first byte and server memory
growth for a 100,000-row SELECT, bulk-load rate, peak memory, the time a runaway query
takes to be cancelled after its client leaves, and the seed build time. Every figure is
also given as a ratio to the Oxigraph server. Figures move with the machine's load;
read them as one run's measurements.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote, urlencode

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from benchmarks.generate import generate  # noqa: E402
from kzgraph import store as on_disk  # noqa: E402
from kzgraph.namespaces import PREDEFINED  # noqa: E402
from tests.servers import memory_mb, oxigraph_binary, start_kzgraph, start_oxigraph  # noqa: E402

PREFIXES = "".join(
    f"PREFIX {k}: <{v}>\n"
    for k, v in PREDEFINED.items()
    if k in ("wdt", "p", "ps", "pq", "rdfs", "kzo", "kz", "xsd", "owl", "prov", "pr")
)
QUERIES = {
    "short: lookup": ("short", "SELECT ?n WHERE { kz:chamber-3-0 wdt:P1342 ?n }"),
    "short: label": ("short", 'SELECT ?e WHERE { ?e rdfs:label "Party 5-3"@en }'),
    "short: ask": ("short", "ASK { kz:parliament-2 wdt:P527 kz:chamber-2-1 }"),
    "medium: composition on a date": (
        "medium",
        """SELECT ?party ?seats WHERE {
        ?party p:P1410 ?st . ?st ps:P1410 ?seats ; pq:P194 kz:chamber-4-1 ; pq:P580 ?since .
        FILTER(?since <= "2010-01-01T00:00:00Z"^^xsd:dateTime)
        FILTER NOT EXISTS { ?o pq:P194 kz:chamber-4-1 ; pq:P580 ?later . FILTER(?later > ?since && ?later <= "2010-01-01T00:00:00Z"^^xsd:dateTime) } }""",
    ),
    "medium: aggregate over legislatures": (
        "medium",
        "SELECT ?leg (COUNT(DISTINCT ?c) AS ?chambers) (SUM(?n) AS ?seats) WHERE { ?leg wdt:P527 ?c . ?c wdt:P1342 ?n } GROUP BY ?leg",
    ),
    "heavy: property path": (
        "heavy",
        "SELECT (COUNT(*) AS ?n) WHERE { ?x (wdt:P527|wdt:P361)+ ?y }",
    ),
    "heavy: optional-heavy": (
        "heavy",
        """SELECT ?e ?share ?seats ?label WHERE { ?e p:P710 ?st . ?st ps:P710 ?party .
        OPTIONAL { ?st pq:P1107 ?share } OPTIONAL { ?st pq:P1410 ?seats } OPTIONAL { ?party rdfs:label ?label FILTER(LANG(?label) = "ru") } } LIMIT 5000""",
    ),
    "heavy: regex": (
        "heavy",
        'SELECT ?e ?l WHERE { ?e rdfs:label ?l FILTER(REGEX(?l, "^Person [0-9]+-1-2")) }',
    ),
    "construct: one entity": (
        "medium",
        "CONSTRUCT { kz:chamber-1-0 ?p ?o } WHERE { kz:chamber-1-0 ?p ?o }",
    ),
}
LARGE = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 100000"
FIRST_BYTE_RUNS = 5


def http_get(port: int, path: str, accept: str = "application/sparql-results+json") -> float:
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    conn.request("GET", path, headers={"Accept": accept})
    response = conn.getresponse()
    response.read()
    conn.close()
    if response.status != 200:
        raise RuntimeError(f"{path[:80]}: HTTP {response.status}")
    return time.perf_counter() - started


def first_byte(port: int, path: str) -> tuple[float, float]:
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=300)
    conn.request("GET", path, headers={"Accept": "text/tab-separated-values"})
    response = conn.getresponse()
    response.read(1)
    ttfb = time.perf_counter() - started
    response.read()
    conn.close()
    return ttfb, time.perf_counter() - started


def wrk(url: str, connections: int, seconds: int) -> float:
    if shutil.which("wrk") is None:
        return float("nan")
    out = subprocess.run(
        ["wrk", "-t", str(min(connections, 2)), "-c", str(connections), "-d", f"{seconds}s", url],
        capture_output=True,
        text=True,
    ).stdout
    return answers_per_second(out)


# Both result caches off: the worker's and the front's shared one.
NO_CACHE = {"KZGRAPH_RESULT_CACHE_ENTRIES": "0", "KZGRAPH_SHARED_CACHE_BYTES": "0"}


def rounds_arguments(doc: str) -> argparse.Namespace:
    """The arguments of a benchmark that repeats rounds of wrk on a generated graph."""
    parser = argparse.ArgumentParser(
        description=doc, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--triples", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=5)
    return parser.parse_args()


def answers_per_second(wrk_output: str) -> float:
    """Successful answers a second from wrk's report: its Requests/sec counts errors too
    (a server that fails fast would look fast), so the 4xx and 5xx are taken out."""
    total = re.search(r"(\d+) requests in ([\d.]+)(m?s)", wrk_output)
    if total is None:
        return float("nan")
    seconds = float(total.group(2)) / (1000 if total.group(3) == "ms" else 1)
    failed = re.search(r"Non-2xx or 3xx responses: (\d+)", wrk_output)
    return (int(total.group(1)) - (int(failed.group(1)) if failed else 0)) / seconds


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--triples", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--wrk-seconds", type=int, default=8)
    parser.add_argument("--output", type=Path)
    args = parser.parse_args()
    if oxigraph_binary() is None:
        sys.exit("the Oxigraph server is needed: pip install oxigraph")
    tmp = Path(tempfile.mkdtemp(prefix="kzgraph-compare-"))
    lines: list[str] = []

    def say(line: str = "") -> None:
        print(line, flush=True)
        lines.append(line)

    quads, kz_load, ox_load = load_both(args.triples, tmp)
    memory = on_disk.load_in_memory(tmp / "kz" / "store")
    kz = start_kzgraph(
        tmp / "kz" / "store",
        tmp / "kz.log",
        "--workers",
        "4",
        env=NO_CACHE,
    )
    kz_cached = start_kzgraph(tmp / "kz" / "store", tmp / "kz-cached.log", "--workers", "4")
    oxs = start_oxigraph(tmp / "ox", tmp / "ox.log", "--union-default-graph")
    ports = {
        name: int(s.url.rsplit(":", 1)[1].strip("/"))
        for name, s in (("kz", kz), ("cached", kz_cached), ("ox", oxs))
    }
    kz_pids = lambda: [kz.process.pid, *kz.worker_pids()]  # noqa: E731

    def kz_path(q: str) -> str:
        return "/sparql?" + urlencode({"query": q})

    def ox_path(q: str) -> str:
        return "/query?" + urlencode({"query": PREFIXES + q})

    try:
        say(f"## kzgraph serve vs the Oxigraph server, {len(quads):,} quads")
        say()
        say(
            f"Command: `.venv/bin/python benchmarks/compare_servers.py --triples {args.triples}` "
            f"({args.repeat} requests per query and contender, interleaved; wrk {args.wrk_seconds} s per cell). "
            "kzgraph: its front (uvicorn) before gunicorn's 4 sync workers, data in memory, result caches off unless said. "
            "Oxigraph server: on disk (RocksDB), `--union-default-graph`. Floor: the same query in this process on pyoxigraph in memory."
        )
        say()
        say(
            "| query | class | floor p50 ms | kzgraph p50 | kzgraph p95 | Oxigraph p50 | Oxigraph p95 | kzgraph/Oxigraph p50 | kzgraph overhead over floor |"
        )
        say("|---|---|---|---|---|---|---|---|---|")
        overheads = []
        for name, (cls, q) in QUERIES.items():
            floor, ours, theirs = [], [], []
            accept = (
                "application/n-triples"
                if q.startswith("CONSTRUCT")
                else "application/sparql-results+json"
            )
            for i in range(args.repeat):
                variant = f"{q}\n# {i}"
                t = time.perf_counter()
                memory.query(PREFIXES + variant, use_default_graph_as_union=True).serialize(
                    format=ox.RdfFormat.N_TRIPLES
                    if q.startswith("CONSTRUCT")
                    else ox.QueryResultsFormat.JSON
                )
                floor.append(time.perf_counter() - t)
                ours.append(http_get(ports["kz"], kz_path(variant), accept))
                theirs.append(http_get(ports["ox"], ox_path(variant), accept))
            overhead = pct(ours, 0.5) - pct(floor, 0.5)
            overheads.append(overhead)
            say(
                f"| {name} | {cls} | {pct(floor, 0.5):.2f} | {pct(ours, 0.5):.2f} | {pct(ours, 0.95):.2f} | {pct(theirs, 0.5):.2f} | {pct(theirs, 0.95):.2f} | "
                f"{pct(ours, 0.5) / pct(theirs, 0.5):.2f}x | +{overhead:.2f} |"
            )
        say()
        say(
            f"Median per-request overhead over the in-process floor: {statistics.median(overheads):.2f} ms."
        )
        say()
        say("| throughput, short lookup (requests/s) | c=1 | c=8 | c=32 |")
        say("|---|---|---|---|")
        q = QUERIES["short: lookup"][1]
        rows = {}
        for label, port, path in (
            ("kzgraph, no result cache", ports["kz"], kz_path(q)),
            ("kzgraph, result cache (repeated query)", ports["cached"], kz_path(q)),
            ("Oxigraph server", ports["ox"], ox_path(q)),
        ):
            rows[label] = [
                wrk(f"http://127.0.0.1:{port}{path}", c, args.wrk_seconds) for c in (1, 8, 32)
            ]
        for label, values in rows.items():
            ratio = " / ".join(
                f"{v / o:.2f}x" for v, o in zip(values, rows["Oxigraph server"], strict=True)
            )
            say(
                f"| {label} | "
                + " | ".join(f"{v:.0f}" for v in values)
                + (f" (vs Oxigraph: {ratio})" if "kzgraph" in label else "")
                + " |"
            )
        say()
        before_kz, before_ox = memory_mb(kz_pids()), memory_mb([oxs.process.pid])
        # Medians of interleaved runs: one run's first byte moves by tens of milliseconds
        # with what else the two cores are doing.
        runs = [
            (first_byte(ports["kz"], kz_path(LARGE)), first_byte(ports["ox"], ox_path(LARGE)))
            for _ in range(FIRST_BYTE_RUNS)
        ]
        after_kz, after_ox = memory_mb(kz_pids()), memory_mb([oxs.process.pid])
        kz_ttfb, kz_total = (statistics.median(run[0][i] for run in runs) for i in (0, 1))
        ox_ttfb, ox_total = (statistics.median(run[1][i] for run in runs) for i in (0, 1))
        say(
            f"| 100,000-row SELECT (TSV), median of {FIRST_BYTE_RUNS} | first byte ms | total ms "
            "| server memory growth MiB |"
        )
        say("|---|---|---|---|")
        say(
            f"| kzgraph | {kz_ttfb * 1000:.1f} | {kz_total * 1000:.0f} ({kz_total / ox_total:.2f}x) | {after_kz - before_kz:+.1f} |"
        )
        say(
            f"| Oxigraph server | {ox_ttfb * 1000:.1f} | {ox_total * 1000:.0f} | {after_ox - before_ox:+.1f} |"
        )
        say()
        cancel = runaway_cancel_seconds(kz, ports["kz"])
        say(
            f"Bulk load: kzgraph {len(quads) / kz_load:,.0f} quads/s (RocksDB store, N-Quads snapshot and four dumps) · "
            f"Oxigraph `load` {len(quads) / ox_load:,.0f} quads/s ({(len(quads) / kz_load) / (len(quads) / ox_load):.2f}x)."
        )
        say(
            f"Peak memory (VmHWM): kzgraph master+workers {memory_mb(kz_pids(), 'VmHWM'):.0f} MiB (the pages of the preloaded data are shared "
            f"copy-on-write, so the sum overcounts) · Oxigraph server {memory_mb([oxs.process.pid], 'VmHWM'):.0f} MiB."
        )
        say(
            f"A runaway query (three-way cross product) was cancelled {cancel:.2f} s after its client left."
        )
        t = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "kzgraph.cli", "build", "--store", str(tmp / "seed")],
            check=True,
            capture_output=True,
        )
        say(
            f"Building the seed graph end to end (`kzgraph build`): {time.perf_counter() - t:.2f} s."
        )
    finally:
        for server in (kz, kz_cached, oxs):
            server.stop()
    if args.output:
        publish(args.output, lines)


def load_both(triples: int, tmp: Path) -> tuple[list, float, float]:
    """A generated graph, written as kzgraph's store (tmp/kz/store) and loaded into an
    Oxigraph server's (tmp/ox); with the seconds each load took."""
    quads = generate(triples)
    dump = tmp / "graph.nq"
    dump.write_bytes(ox.serialize(quads, format=ox.RdfFormat.N_QUADS))
    t = time.perf_counter()
    on_disk.write(quads, tmp / "kz" / "store")
    kz_load = time.perf_counter() - t
    t = time.perf_counter()
    subprocess.run(
        [oxigraph_binary(), "load", "--location", str(tmp / "ox"), "--file", str(dump)],
        check=True,
        capture_output=True,
    )
    return quads, kz_load, time.perf_counter() - t


def publish(output: Path, lines: list[str]) -> None:
    """Put a section (``lines``, headed by its title) into ``output``, replacing the
    section of the same title."""
    text = output.read_text() if output.exists() else "# Benchmarks\n"
    marker = lines[0]
    if marker in text:
        start = text.index(marker)
        end = text.find("\n## ", start + 1)
        text = text[:start] + text[end + 1 :] if end != -1 else text[:start]
    output.write_text(text.rstrip() + "\n\n" + "\n".join(lines) + "\n")


def runaway_cancel_seconds(server, port: int) -> float:
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    before = set(server.worker_pids())
    sock = socket.create_connection(("127.0.0.1", port))
    sock.sendall(f"GET /sparql?query={quote(query)} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    time.sleep(1.0)
    sock.close()
    left = time.perf_counter()
    while time.perf_counter() - left < 30:
        if set(server.worker_pids()) != before:
            return time.perf_counter() - left
        time.sleep(0.02)
    return float("nan")


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    main()
