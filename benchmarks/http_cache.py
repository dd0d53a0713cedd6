"""Repeated queries through the compose deployment's HTTP cache (nginx/kzgraph.conf,
Debian's nginx) against the Oxigraph server, which has no cache and runs each again.

    .venv/bin/python benchmarks/http_cache.py --triples 100000 [--output docs/benchmarks.md]

kzgraph serves read-only (its answers carry Cache-Control: public, max-age and an ETag),
with its front's shared cache on; nginx runs with the configuration the compose
deployment mounts (tests/servers.py: start_nginx). Each query is asked once before
the measurement (the cache's first miss), then wrk repeats it.

On a two-core machine one wrk run says more about where the scheduler put wrk, nginx's
worker and the Oxigraph server's threads than about either server (measured: the same
configuration gave 0.5x to 3.1x at c=1 and 2.4x to 5.2x at c=8 in consecutive 3 s runs):
``--rounds`` runs every cell that many times, the contenders interleaved, and reports the
median rate of each and the range of the ratio.
"""

from __future__ import annotations

import argparse
import http.client
import statistics
import sys
import tempfile
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from benchmarks.compare_servers import PREFIXES, load_both, publish, wrk  # noqa: E402
from benchmarks.compare_servers import QUERIES as QUERY_SET  # noqa: E402
from tests.servers import (  # noqa: E402
    oxigraph_binary,
    start_kzgraph,
    start_nginx,
    start_oxigraph,
    stop_all,
)

QUERIES = {
    name: QUERY_SET[name][1] for name in ("short: lookup", "medium: aggregate over legislatures")
}


def port_of(url: str) -> int:
    return int(url.rsplit(":", 1)[1].strip("/"))


def cache_status(port: int, path: str) -> str:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    conn.request("GET", path)
    response = conn.getresponse()
    response.read()
    conn.close()
    return response.getheader("X-Proxy-Cache") or response.getheader("X-Cache") or "-"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--triples", type=int, default=100_000)
    parser.add_argument("--wrk-seconds", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--output", type=Path)
    args = parser.parse_args()
    if oxigraph_binary() is None:
        sys.exit("the Oxigraph server is needed: pip install oxigraph")
    tmp = Path(tempfile.mkdtemp(prefix="kzgraph-http-cache-"))
    quads, _, _ = load_both(args.triples, tmp)
    kz = start_kzgraph(tmp / "kz" / "store", tmp / "kz.log", "--workers", "4")
    (tmp / "nginx").mkdir()
    nginx = start_nginx(kz.url, tmp / "nginx")
    oxs = start_oxigraph(tmp / "ox", tmp / "ox.log", "--union-default-graph")
    lines = [
        f"## Repeated queries through the compose deployment's HTTP cache, {len(quads):,} quads",
        "",
        f"Command: `.venv/bin/python benchmarks/http_cache.py --triples {args.triples} "
        f"--rounds {args.rounds}` (wrk {args.wrk_seconds} s per cell and round, the three "
        "contenders in turn, medians of the rounds; the same query each time, asked once "
        "before). "
        "nginx: Debian's, with nginx/kzgraph.conf (the compose profile `cache`) before "
        "`kzgraph serve` (read-only, 4 workers, its front's shared cache on). "
        "Oxigraph server: on disk, `--union-default-graph`, no cache.",
        "",
        "| query (requests/s) | c | through nginx's cache | kzgraph's front (shared cache) "
        "| Oxigraph server | nginx / Oxigraph (median) | ratio's range over the rounds |",
        "|---|---|---|---|---|---|---|",
    ]
    print("\n".join(lines), flush=True)
    try:
        for name, query in QUERIES.items():
            kz_path = "/sparql?" + urlencode({"query": query})
            ox_path = "/query?" + urlencode({"query": PREFIXES + query})
            cache_status(port_of(nginx.url), kz_path)  # the miss that fills the cache
            hit = cache_status(port_of(nginx.url), kz_path)
            cache_status(port_of(kz.url), kz_path)
            for c in (1, 8, 32):
                rounds = [
                    [
                        wrk(f"{nginx.url.rstrip('/')}{kz_path}", c, args.wrk_seconds),
                        wrk(f"{kz.url.rstrip('/')}{kz_path}", c, args.wrk_seconds),
                        wrk(f"{oxs.url.rstrip('/')}{ox_path}", c, args.wrk_seconds),
                    ]
                    for _ in range(args.rounds)
                ]
                rates = [statistics.median(column) for column in zip(*rounds, strict=True)]
                ratios = sorted(r[0] / r[2] for r in rounds)
                line = (
                    f"| {name} (nginx: {hit}) | {c} | {rates[0]:.0f} | {rates[1]:.0f} | "
                    f"{rates[2]:.0f} | {rates[0] / rates[2]:.2f}x | "
                    f"{ratios[0]:.2f}x-{ratios[-1]:.2f}x |"
                )
                print(line, flush=True)
                lines.append(line)
    finally:
        stop_all([nginx, kz, oxs])
    if args.output:
        publish(args.output, lines)


if __name__ == "__main__":
    main()
