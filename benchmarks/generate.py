"""A deterministic graph shaped like kzgraph's, at any size, for benchmarks.

    .venv/bin/python benchmarks/generate.py --triples 100000 > /tmp/graph.nq

Many legislatures, each with chambers, chair offices and their holders, parties with
seats per chamber and date, elections with results, members with parties and
positions, dated events, and labels in en/kk/ru. Claims go through kzgraph's own RDF
writer, so the result has exactly the shape of a built graph (statements, qualifiers,
references with quotations and offsets).
"""

from __future__ import annotations

import argparse
import random
import sys
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from kzgraph.extract.facts import DateValue, Evidence  # noqa: E402
from kzgraph.ontology import load as load_ontology  # noqa: E402
from kzgraph.rdf import GraphWriter, group_statements  # noqa: E402
from kzgraph.resolve import Claim, Entity  # noqa: E402
from kzgraph.settings import BASE_IRI  # noqa: E402

TRIPLES_PER_LEGISLATURE = 3_900  # measured: one legislature as generated below


def generate(triples: int, seed: int = 7) -> list[ox.Quad]:
    rng = random.Random(seed)
    ontology = load_ontology()
    writer = GraphWriter(ontology, BASE_IRI)
    entities: dict[str, Entity] = {}

    def entity(slug: str, kind: str, label: str) -> Entity:
        if slug not in entities:
            entities[slug] = Entity(
                slug,
                kind,
                label,
                labels={"kk": label + " (kk)", "ru": label + " (ru)"},
                aliases=[label.upper()],
            )
        return entities[slug]

    legislatures = max(1, triples // TRIPLES_PER_LEGISLATURE)
    for n in range(legislatures):
        claims = legislature_claims(n, rng, entity)
        for st in group_statements(claims, ontology):
            writer.statement(st, writer.ns.source(f"legislature-{n}"))
    for slug in sorted(entities):
        writer.entity(entities[slug])
    return writer.quads


def legislature_claims(n: int, rng: random.Random, entity) -> list[Claim]:
    """One legislature: chambers, offices and holders, parties, elections, events."""
    source = f"legislature-{n}"
    text = f"Parliament {n} has chambers, parties and elections. " * 4
    claims: list[Claim] = []
    offset = 0

    def claim(subject: Entity, relation: str, value, qualifiers=()) -> None:
        nonlocal offset
        start = offset % (len(text) - 40)
        offset += 13
        ev = Evidence(
            source, start, start + 40, text[start : start + 40], start + 5, start + 20, "prose"
        )
        claims.append(Claim(subject, relation, value, ev, tuple(qualifiers), "generated"))

    leg = entity(f"parliament-{n}", "legislature", f"Parliament {n}")
    claim(leg, "instanceOf", "wd:Q189445")
    claim(leg, "inception", DateValue(str(1900 + n % 120), "year"))
    parties = [entity(f"party-{n}-{p}", "party", f"Party {n}-{p}") for p in range(8)]
    for c in range(2):
        chamber = entity(f"chamber-{n}-{c}", "chamber", f"Chamber {n}-{c}")
        claim(leg, "hasPart", chamber)
        claim(chamber, "partOf", leg)
        claim(chamber, "numberOfSeats", 50 + rng.randrange(200))
        office = entity(f"chair-{n}-{c}", "office", f"Chair of Chamber {n}-{c}")
        claim(chamber, "officeOfHead", office)
        for year in range(4):
            date = DateValue(f"{1995 + 5 * year}-0{1 + year}-1{year}", "day")
            election = entity(f"election-{n}-{c}-{year}", "election", f"Election {n}-{c}-{year}")
            claim(election, "pointInTime", date)
            claim(election, "electionFor", chamber)
            for party in parties:
                seats = rng.randrange(40)
                share = Decimal(rng.randrange(1000)) / 1000
                claim(election, "participant", party, [("proportion", share), ("seats", seats)])
                claim(
                    party,
                    "partySeats",
                    seats,
                    [("legislativeBody", chamber), ("startTime", date)],
                )
            holder = entity(f"person-{n}-{c}-{year}", "person", f"Person {n}-{c}-{year}")
            claim(office, "officeholder", holder, [("startTime", date)])
            claim(holder, "positionHeld", office, [("startTime", date)])
            claim(holder, "memberOfParty", rng.choice(parties))
    for e in range(5):
        event = entity(f"event-{n}-{e}", "event", f"Event {n}-{e} of Parliament {n}")
        claim(event, "pointInTime", DateValue(f"{1990 + e * 6}-0{1 + e}", "month"))
        claim(event, "concerns", leg)
    return claims


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--triples", type=int, default=100_000)
    args = parser.parse_args()
    quads = generate(args.triples)
    sys.stdout.buffer.write(ox.serialize(quads, format=ox.RdfFormat.N_QUADS))
    print(f"{len(quads)} quads", file=sys.stderr)


if __name__ == "__main__":
    main()
