"""Median latency of `kzgraph serve` next to the in-process pyoxigraph floor.

    .venv/bin/python benchmarks/serve_latency.py [--repeat 200]

Builds the seed graph into a temporary store, starts `kzgraph serve` on a free loopback
port, and times the same queries three ways: pyoxigraph in this process (query and
serialize to JSON: the floor), the server with a fresh query each time (cache defeated by
a varying comment), and the server answering a repeated query (result cache). Prints a
Markdown table; the ratios are to the floor. Figures vary with the machine's load.
"""

from __future__ import annotations

import argparse
import http.client
import io
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from urllib.parse import urlencode

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kzgraph import store  # noqa: E402
from kzgraph.namespaces import PREDEFINED  # noqa: E402
from kzgraph.pipeline import build, source_files  # noqa: E402
from kzgraph.queries import load_catalogue  # noqa: E402
from kzgraph.settings import load_settings  # noqa: E402
from tests.servers import start_kzgraph  # noqa: E402

COMPOSITION = next(q for q in load_catalogue(ROOT / "queries") if q.name == "composition-on-date")
SPARQL = {
    "lookup": "SELECT ?n WHERE { kz:majilis wdt:P1342 ?n }",
    "elections": next(
        q for q in load_catalogue(ROOT / "queries") if q.name == "chamber-elections"
    ).text,
    "aggregate": "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p ORDER BY DESC(?n)",
}


def day(i: int) -> str:
    return (date(2000, 1, 1) + timedelta(days=i)).isoformat()


def cases():
    """(name, text, bindings, path for request i): each request i is a new cache key."""
    for name, text in SPARQL.items():
        yield name, text, {}, lambda i, t=text: "/sparql?" + urlencode({"query": f"{t}\n# {i}"})
    yield (
        "composition (canned)",
        COMPOSITION.text,
        COMPOSITION.bind({"date": day(0)}),
        lambda i: f"/queries/composition-on-date.json?date={day(i)}",
    )


def floor(memory: ox.Store, text: str, bindings: dict, repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        out = io.BytesIO()
        results = memory.query(
            text, prefixes=PREDEFINED, substitutions=bindings, use_default_graph_as_union=True
        )
        results.serialize(out, ox.QueryResultsFormat.JSON)
        times.append(time.perf_counter() - t)
    return times


def over_http(port: int, path_for, repeat: int) -> list[float]:
    times = []
    for i in range(repeat):
        t = time.perf_counter()
        conn = http.client.HTTPConnection("127.0.0.1", port)
        conn.request("GET", path_for(i), headers={"Accept": "application/sparql-results+json"})
        response = conn.getresponse()
        response.read()
        conn.close()
        times.append(time.perf_counter() - t)
        if response.status != 200:
            raise RuntimeError(f"{path_for(i)}: HTTP {response.status}")
    return times


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=200)
    args = parser.parse_args()
    settings = load_settings()
    tmp = Path(tempfile.mkdtemp(prefix="kzgraph-bench-"))
    quads = build(source_files(None, settings), settings).quads
    store.write(quads, tmp / "store")
    memory = store.load_in_memory(tmp / "store")
    server = start_kzgraph(tmp / "store", tmp / "server.log", "--workers", "2")
    port = int(server.url.rsplit(":", 1)[1].strip("/"))
    print(f"seed graph: {len(quads)} quads; {args.repeat} requests per figure; median milliseconds")
    print("command: .venv/bin/python benchmarks/serve_latency.py --repeat", args.repeat, "\n")
    print(
        "| query | in-process floor | kzgraph serve, new query | ratio | overhead | kzgraph serve, repeated | ratio |"
    )
    print("|---|---|---|---|---|---|---|")
    try:
        for name, text, bindings, path_for in cases():
            base = statistics.median(floor(memory, text, bindings, args.repeat)) * 1000
            fresh = statistics.median(over_http(port, path_for, args.repeat)) * 1000
            repeated = (
                statistics.median(over_http(port, lambda i, p=path_for: p(0), args.repeat)) * 1000
            )
            print(
                f"| {name} | {base:.2f} | {fresh:.2f} | {fresh / base:.1f}x | +{fresh - base:.2f} | "
                f"{repeated:.2f} | {repeated / base:.1f}x |"
            )
    finally:
        server.stop()


if __name__ == "__main__":
    main()
