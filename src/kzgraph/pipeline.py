"""The build: sources -> document -> extract -> resolve -> rdf, as one function.

Kept apart from the CLI so that tests, benchmarks and the web layer's tests can
build a graph without a subprocess, and apart from ``store`` so that a build can
be validated before anything is written.
"""

from __future__ import annotations

import hashlib
import os
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

import pyoxigraph as ox
import yaml

from kzgraph import __version__, document
from kzgraph.extract import article_country, article_subject, extract
from kzgraph.extract.facts import Mention
from kzgraph.extract.infobox import load_rules
from kzgraph.names import adjective_of, country_of_adjective, load_demonyms
from kzgraph.namespaces import DCAT, DCT, KZO, PROV, RDF, SCHEMA, VOID, XSD
from kzgraph.ontology import load as load_ontology
from kzgraph.rdf import GraphWriter, group_statements, node
from kzgraph.resolve import Claim, Resolver, learn_aliases, load_table, resolve_facts
from kzgraph.settings import Settings


@dataclass
class BuildResult:
    quads: list[ox.Quad]
    facts_per_relation: Counter = field(default_factory=Counter)
    facts_per_source: Counter = field(default_factory=Counter)
    statements: int = 0
    entities: int = 0
    conflicts: int = 0
    warnings: list[str] = field(default_factory=list)


def source_files(paths: list[str] | None, settings: Settings) -> list[Path]:
    """The articles to build: those named, or every ``*.txt`` in the sources folder."""
    if paths:
        return [Path(p) for p in paths]
    return sorted(Path(settings.sources).glob("*.txt"))


def build(paths: list[Path], settings: Settings) -> BuildResult:
    """Extract every article and return the whole dataset as quads (deterministic order)."""
    if not paths:
        raise document.DocumentError(settings.sources, "no articles to build (*.txt)")
    mappings = Path(settings.mappings)
    resolver = Resolver(load_table(mappings / "entities.yaml"))
    rules = load_rules(mappings)
    demonyms = load_demonyms(mappings / "demonyms.tsv")
    ontology = load_ontology()
    writer = GraphWriter(ontology, settings.base_iri)
    result = BuildResult(quads=writer.quads)
    docs = [document.load(p) for p in paths]  # every file parses, or nothing is built
    used: dict[str, object] = {}
    read: list[tuple[Mention, str, list]] = []
    for doc in docs:
        mention = article_subject(doc)
        named = resolver.country_in(doc.title) or country_of_adjective(doc.title, demonyms)
        country = article_country(doc, named)
        resolver.begin_article(mention, country)
        kinds = {
            name: resolver.entities[slug].kind for name, slug in resolver.known_names().items()
        }
        adjective = adjective_of(country, demonyms)
        read.append((mention, country, extract(doc, mention, kinds, rules, country, adjective)))
        result.warnings.extend(doc.warnings)
    # Other names a text gives (an election's usual name, "also spelled ...") are learned
    # from every article before any is resolved, so the order of the articles does not
    # decide whether two of them name one thing.
    for mention, country, facts in read:
        resolver.begin_article(mention, country)
        learn_aliases(facts, resolver)
    claims: list[Claim] = []
    for doc, (mention, country, facts) in zip(docs, read, strict=True):
        subject = resolver.begin_article(mention, country)
        used[subject.slug] = subject
        found = resolve_facts(facts, resolver)
        claims.extend(found)
        result.facts_per_relation.update(c.relation for c in found)
        result.facts_per_source[doc.name] += len(found)
    # One statement per thing said, whichever articles say it; conflicts and ranks across
    # articles. The statement is written once, in the graph of the first article (by name)
    # that states it, so the union default graph holds each triple once; every article's
    # graph holds its own references to it.
    statements = group_statements(claims, ontology)
    for st in statements:
        by_source: dict[str, list[Claim]] = {}
        for claim in st.claims:
            by_source.setdefault(claim.evidence.source, []).append(claim)
        for i, (source, own) in enumerate(sorted(by_source.items())):
            writer.statement(replace(st, claims=own), writer.ns.source(source), core=i == 0)
        used[st.subject.slug] = st.subject
        for v in [st.value, *st.qualifiers.values()]:
            if hasattr(v, "slug"):
                used[v.slug] = v
    # Entities with a class of their own (lower house) do not also get their kind's generic one.
    typed = {st.subject.slug for st in statements if st.relation == "instanceOf"}
    result.statements = len(statements)
    result.conflicts = sum(1 for s in statements if s.conflicts)
    for slug in sorted(used):
        writer.entity(used[slug], specific=slug in typed)  # type: ignore[arg-type]
    result.entities = len(used)
    _describe_build(writer, paths, settings)
    writer.quads[:] = sorted(
        set(writer.quads), key=str
    )  # a value node or reference said twice is one quad
    return result


def _describe_build(writer: GraphWriter, paths: list[Path], settings: Settings) -> None:
    """Sources, their licence and checksum, and the PROV activity that read them."""
    meta = writer.ns.graph("meta")
    base = settings.base_iri
    catalogue = _source_catalogue(paths)
    sums = {p.stem: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}
    activity = node(
        f"{base}activity/build-{hashlib.sha256(''.join(sorted(sums.values())).encode()).hexdigest()[:12]}"
    )
    dataset = node(f"{base}dataset")
    add = writer.add
    add(activity, RDF + "type", node(PROV + "Activity"), meta)
    add(
        activity,
        KZO + "extractorVersion",
        ox.Literal(__version__),
        meta,
    )
    add(activity, PROV + "wasAssociatedWith", node(f"{base}agent/kzgraph"), meta)
    add(
        activity,
        PROV + "endedAtTime",
        ox.Literal(_build_time(paths), datatype=node(XSD + "dateTime")),
        meta,
    )
    add(dataset, RDF + "type", node(VOID + "Dataset"), meta)
    add(dataset, RDF + "type", node(DCAT + "Dataset"), meta)
    add(
        dataset,
        DCT + "title",
        ox.Literal(settings.graph_title, language="en"),
        meta,
    )
    add(dataset, DCT + "license", node("https://creativecommons.org/licenses/by-sa/4.0/"), meta)
    add(dataset, PROV + "wasGeneratedBy", activity, meta)
    for path in paths:
        name = path.stem
        info = catalogue.get(name, {})
        src = writer.ns.source(name)
        add(src, RDF + "type", node(KZO + "SourceDocument"), meta)
        add(src, SCHEMA + "name", ox.Literal(info.get("title", name), language="en"), meta)
        add(src, KZO + "sha256", ox.Literal(sums[name]), meta)
        if info.get("url"):
            add(src, SCHEMA + "url", node(info["url"]), meta)
        if info.get("license"):
            add(src, DCT + "license", node(info["license"]), meta)
        if info.get("attribution"):
            add(src, DCT + "rights", ox.Literal(info["attribution"], language="en"), meta)
        add(activity, PROV + "used", src, meta)
        add(dataset, DCT + "source", src, meta)
        add(writer.ns.source(name), PROV + "wasGeneratedBy", activity, meta)


def _source_catalogue(paths: list[Path]) -> dict[str, dict]:
    catalogue: dict[str, dict] = {}
    for folder in sorted({p.parent for p in paths}):
        listing = folder / "sources.yaml"
        if listing.exists():
            catalogue.update(yaml.safe_load(listing.read_text(encoding="utf-8")) or {})
    return catalogue


def _build_time(paths: list[Path]) -> str:
    """SOURCE_DATE_EPOCH if set, else the newest source's mtime: the same input gives the
    same graph, byte for byte (reproducible-builds.org convention)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    seconds = int(epoch) if epoch else int(max(p.stat().st_mtime for p in paths))
    return datetime.fromtimestamp(seconds, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
