"""Reconcile a 1,000-row column of names against `kzgraph serve`, as OpenRefine would.

    .venv/bin/python benchmarks/reconcile_throughput.py [--rows 1000] [--batch 10]

The column is made from the graph's own entities (labels, aliases, other-language labels),
with deterministic variants: upper/lower case, dropped accents, and one typo (a swapped,
dropped or doubled letter) in a third of the rows. Prints rows per second and the share
auto-matched (match: true) to the right entity, matched to a wrong one, and left unmatched.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kzgraph import store  # noqa: E402
from kzgraph.ontology import load as load_ontology  # noqa: E402
from kzgraph.pipeline import build, source_files  # noqa: E402
from kzgraph.reconcile import EntityIndex  # noqa: E402
from kzgraph.settings import load_settings  # noqa: E402
from tests.servers import start_kzgraph  # noqa: E402

KINDS = {"Person", "PoliticalParty", "Chamber", "Legislature", "Organization", "Office"}


def variants(rng: random.Random, name: str) -> str:
    choice = rng.random()
    if choice < 0.2:
        name = name.upper()
    elif choice < 0.4:
        name = name.lower()
    elif choice < 0.6:
        name = "".join(
            c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c)
        )
    if rng.random() < 1 / 3 and len(name) > 5:
        i = rng.randrange(1, len(name) - 2)
        edit = rng.choice(["swap", "drop", "double"])
        if edit == "swap":
            name = name[:i] + name[i + 1] + name[i] + name[i + 2 :]
        elif edit == "drop":
            name = name[:i] + name[i + 1 :]
        else:
            name = name[:i] + name[i] + name[i:]
    return name


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1000)
    parser.add_argument("--batch", type=int, default=10)
    args = parser.parse_args()
    settings = load_settings()
    tmp = Path(tempfile.mkdtemp(prefix="kzgraph-recon-"))
    store.write(build(source_files(None, settings), settings).quads, tmp / "store")
    index = EntityIndex(store.load_in_memory(tmp / "store"), load_ontology(), settings.base_iri)
    pool = [
        (name, e.slug) for e in index.entries.values() if KINDS & set(e.types) for name in e.names
    ]
    rng = random.Random(20261127)
    column = [
        (variants(rng, name), slug) for name, slug in (rng.choice(pool) for _ in range(args.rows))
    ]
    server = start_kzgraph(tmp / "store", tmp / "server.log", "--workers", "2")
    right = wrong = unmatched = 0
    try:
        started = time.perf_counter()
        for start in range(0, len(column), args.batch):
            chunk = column[start : start + args.batch]
            queries = {f"q{i}": {"query": name, "limit": 3} for i, (name, _) in enumerate(chunk)}
            results = requests.post(
                server.url + "reconcile", data={"queries": json.dumps(queries)}, timeout=60
            ).json()
            for i, (_, slug) in enumerate(chunk):
                candidates = results[f"q{i}"]["result"]
                if candidates and candidates[0]["match"]:
                    right += candidates[0]["id"] == slug
                    wrong += candidates[0]["id"] != slug
                else:
                    unmatched += 1
        elapsed = time.perf_counter() - started
    finally:
        server.stop()
    n = len(column)
    print(f"{n} rows in batches of {args.batch}: {n / elapsed:.0f} rows/s ({elapsed:.2f} s)")
    print(
        f"auto-matched correctly: {right / n:.1%}; matched wrongly: {wrong / n:.1%}; left for review: {unmatched / n:.1%}"
    )


if __name__ == "__main__":
    main()
