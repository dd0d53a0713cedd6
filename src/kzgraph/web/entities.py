"""Reading one entity out of the store for its page: labels, statements with their
qualifiers and quotations, incoming links, a timeline and (for chambers) the seats."""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from kzgraph.namespaces import KZO, OWL, PR, PROV, RDF, RDFS, SCHEMA, SKOS, WD, WIKIBASE
from kzgraph.ontology import Ontology
from kzgraph.rdf import Namespaces
from kzgraph.web import dates, terms
from kzgraph.web.dates import Date

PROV_DERIVED = PROV + "wasDerivedFrom"
SAME_AS = OWL + "sameAs"
TIME_VALUE = WIKIBASE + "timeValue"
TIME_PRECISION = WIKIBASE + "timePrecision"
# How the timeline says what a dated fact is, by relation (else the relation's label).
TIMELINE_WORDS = {
    "inception": "established",
    "dissolved": "dissolved",
    "firstSession": "first session",
}


@dataclass
class Reference:
    iri: str
    source: str
    quote: str
    before: str
    words: str
    after: str
    sentence_start: int
    span_start: int
    span_end: int
    origin: str


@dataclass
class StatementView:
    iri: str
    key: str
    value: ox.NamedNode | ox.Literal
    precision: int | None  # wikibase:timePrecision of a date value
    rank: str
    conflict: bool
    qualifiers: list[tuple[str, ox.NamedNode | ox.Literal, int | None]] = field(
        default_factory=list
    )
    references: list[Reference] = field(default_factory=list)

    @property
    def date(self) -> Date | None:
        return dates.of_literal(self.value, self.precision)


@dataclass
class EntityView:
    iri: str
    slug: str
    label: str
    labels: dict[str, list[str]]
    aliases: list[str]
    types: list[str]
    description: str
    qid: str | None
    properties: list[tuple[str, str, list[StatementView]]]  # (name, label, statements)
    incoming: list[tuple[str, str]]  # (subject IRI, property label)
    timeline: list[tuple[Date, str, str]]  # (date, what IRI, how)


class EntityReader:
    """Builds EntityViews from a store; one per request (the store may be reloaded)."""

    def __init__(self, store: ox.Store, ontology: Ontology, base: str) -> None:
        self.store = store
        self.ontology = ontology
        self.ns = Namespaces(base)
        self.entity_base = f"{base}entity/"
        self.by_p: dict[str, tuple[str, str]] = {}
        self.by_pq: dict[str, str] = {}
        self.by_truthy: dict[str, str] = {}
        for rel in ontology.relations.values():
            truthy, p, ps, pq = self.ns.property_iris(rel)
            self.by_p.setdefault(p, (rel.name, ps))
            self.by_pq.setdefault(pq, rel.label)
            self.by_truthy.setdefault(truthy, rel.label)
            self.by_truthy.setdefault(KZO + rel.name, rel.label)
        self._labels: dict[str, str] = {}

    def triples(self, subject: str) -> list[tuple[str, ox.NamedNode | ox.Literal]]:
        node = ox.NamedNode(subject)
        return sorted(
            {
                (q.predicate.value, q.object)
                for q in self.store.quads_for_pattern(node, None, None, None)
            },
            key=str,
        )

    def description(self, iri: str, statements: bool = True) -> set[ox.Triple]:
        """The triples of ``iri``, of the references it links to and (when ``statements``)
        of the statements it reaches and their references.

        Each IRI is described once: statements link to each other (``kzo:conflictsWith``
        runs both ways between two claims), so following links without remembering
        what was visited would never end."""
        reference = self.ns.base + "reference/"
        followed = (self.ns.base + "statement/", reference) if statements else (reference,)
        out: set[ox.Triple] = set()
        seen = {iri}
        todo = [iri]
        while todo:
            subject = todo.pop()
            for q in self.store.quads_for_pattern(ox.NamedNode(subject), None, None, None):
                out.add(q.triple)
                target = q.object
                if (
                    not subject.startswith(reference)  # a reference's links are not followed
                    and isinstance(target, ox.NamedNode)
                    and target.value.startswith(followed)
                    and target.value not in seen
                ):
                    seen.add(target.value)
                    todo.append(target.value)
        return out

    def label(self, iri: str) -> str:
        """The English label of an entity (of a Wikidata term: from the labels table),
        or the end of its IRI."""
        if iri not in self._labels:
            best = None
            for q in self.store.quads_for_pattern(
                ox.NamedNode(iri), ox.NamedNode(RDFS + "label"), None, None
            ):
                if isinstance(q.object, ox.Literal) and (best is None or q.object.language == "en"):
                    best = q.object.value
            self._labels[iri] = (
                best
                or terms.wikidata_label(iri)
                or iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
            )
        return self._labels[iri]

    def exists(self, slug: str) -> bool:
        node = ox.NamedNode(self.entity_base + slug)
        return any(
            True for _ in self.store.quads_for_pattern(node, ox.NamedNode(KZO + "slug"), None, None)
        )

    def entity(self, slug: str) -> EntityView:
        iri = self.entity_base + slug
        labels: dict[str, list[str]] = {}
        aliases, types, description, qid = [], [], "", None
        grouped: dict[str, list[StatementView]] = {}
        for p, o in self.triples(iri):
            if p == RDFS + "label" and isinstance(o, ox.Literal):
                labels.setdefault(o.language or "", []).append(o.value)
            elif p == SKOS + "altLabel":
                aliases.append(o.value)
            elif p == SCHEMA + "description":
                description = o.value
            elif p == RDF + "type" and o.value.startswith(KZO):
                types.append(o.value[len(KZO) :])
            elif p == SAME_AS and o.value.startswith(WD):
                qid = o.value[len(WD) :]
            elif p in self.by_p and isinstance(o, ox.NamedNode):
                name, ps = self.by_p[p]
                grouped.setdefault(name, []).append(self.statement(o.value, ps))
        properties = [
            (name, self.ontology.relations[name].label, sorted(sts, key=rank_order))
            for name, sts in sorted(
                grouped.items(), key=lambda kv: self.ontology.relations[kv[0]].label
            )
        ]
        return EntityView(
            iri=iri,
            slug=slug,
            label=(labels.get("en") or [slug])[0],
            labels=labels,
            aliases=sorted(set(aliases)),
            types=sorted(types),
            description=description,
            qid=qid,
            properties=properties,
            incoming=self.incoming(iri),
            timeline=self.timeline(iri),
        )

    def statement(self, iri: str, ps: str) -> StatementView:
        value, rank, conflict, node_precision = None, "normal", False, None
        qualifiers, references = [], []
        triples = self.triples(iri)
        precisions = self.value_precisions(triples)
        for p, o in triples:
            if p == ps:
                value = o
            elif p == WIKIBASE + "rank":
                rank = o.value.rsplit("#", 1)[-1].removesuffix("Rank").lower()
            elif p == KZO + "hasConflict":
                conflict = o.value == "true"
            elif p == TIME_PRECISION:
                node_precision = int(o.value)
            elif p in self.by_pq:
                qualifiers.append((self.by_pq[p], o, precisions.get((p, o.value))))
            elif p == PROV_DERIVED:
                references.append(self.reference(o.value))
        # The value node (psv:) is Wikidata's place for the precision; the statement node
        # is where earlier builds put it.
        precision = precisions.get((ps, value.value if value is not None else ""), node_precision)
        return StatementView(
            iri,
            iri.rsplit("/", 1)[-1],
            value,
            precision,
            rank,
            conflict,
            sorted(qualifiers, key=lambda q: (q[0], str(q[1]))),
            references,
        )

    def value_precisions(
        self, triples: list[tuple[str, ox.NamedNode | ox.Literal]]
    ) -> dict[tuple[str, str], int]:
        """(ps:/pq: predicate, time value) -> precision, from the statement's full value
        nodes (``psv:Pn [ wikibase:timeValue …; wikibase:timePrecision 9 ]``, also pqv:)."""
        found = {}
        for p, o in triples:
            if "/value/" not in p or isinstance(o, ox.Literal):
                continue
            simple = p.replace("/statement/value/", "/statement/").replace(
                "/qualifier/value/", "/qualifier/"
            )
            node = {
                q.predicate.value: q.object.value
                for q in self.store.quads_for_pattern(o, None, None, None)
            }
            if TIME_VALUE in node and TIME_PRECISION in node:
                found[(simple, node[TIME_VALUE])] = int(node[TIME_PRECISION])
        return found

    def reference(self, iri: str) -> Reference:
        data = {p: o.value for p, o in self.triples(iri)}
        quote = data.get(PR + "P1683", "")
        start = int(data.get(KZO + "sentenceStart", 0))
        span_start, span_end = (
            int(data.get(KZO + "spanStart", start)),
            int(data.get(KZO + "spanEnd", start)),
        )
        a, b = span_start - start, span_end - start
        return Reference(
            iri=iri,
            source=data.get(PR + "P248", ""),
            quote=quote,
            before=quote[:a],
            words=quote[a:b],
            after=quote[b:],
            sentence_start=start,
            span_start=span_start,
            span_end=span_end,
            origin=data.get(KZO + "origin", ""),
        )

    def incoming(self, iri: str) -> list[tuple[str, str]]:
        found = set()
        for q in self.store.quads_for_pattern(None, None, ox.NamedNode(iri), None):
            p = q.predicate.value
            if (
                p.startswith(KZO)
                and p in self.by_truthy
                and q.subject.value.startswith(self.entity_base)
            ):
                found.add((q.subject.value, self.by_truthy[p]))
        return sorted(found, key=lambda x: (x[1], self.label(x[0])))

    def timeline(self, iri: str) -> list[tuple[Date, str, str]]:
        """Dated statements of the entity and of the entities that link to it, in the order
        of the real intervals (see ``dates``)."""
        rows = set()
        subjects = {iri} | {s for s, _ in self.incoming(iri)}
        for subject in subjects:
            for p, o in self.triples(subject):
                if p not in self.by_p or not isinstance(o, ox.NamedNode):
                    continue
                name, ps = self.by_p[p]
                if not self.ontology.relations[name].literal:
                    continue
                st = self.statement(o.value, ps)
                if st.date is None:
                    continue
                if name == "pointInTime":  # an event, an election: say which kind
                    how = ", ".join(self.kinds(subject)).lower() or "event"
                else:
                    how = TIMELINE_WORDS.get(name, self.ontology.relations[name].label)
                rows.add((st.date, subject, how))
        return sorted(rows, key=lambda row: (row[0].sort_key, self.label(row[1]), row[2]))

    def kinds(self, iri: str) -> list[str]:
        """The kzo classes of an entity, as words (Election, Referendum …)."""
        return sorted(
            q.object.value[len(KZO) :]
            for q in self.store.quads_for_pattern(
                ox.NamedNode(iri), ox.NamedNode(RDF + "type"), None, None
            )
            if q.object.value.startswith(KZO)
        )


RANKS = {"preferred": 0, "normal": 1, "deprecated": 2}


def rank_order(statement: StatementView) -> tuple[int, str]:
    """The preferred (current) statement first, as on Wikidata; deprecated ones last."""
    return (RANKS.get(statement.rank, 1), statement.key)


def split_text(text: str, spans: list[tuple[int, int, str]]) -> list[tuple[str, list[str]]]:
    """Cut ``text`` at every span boundary: (piece, the statement keys covering it)."""
    cuts = sorted({0, len(text), *(s for s, _, _ in spans), *(e for _, e, _ in spans)})
    pieces = []
    for a, b in zip(cuts, cuts[1:], strict=False):
        covering = sorted({key for s, e, key in spans if s <= a and b <= e})
        pieces.append((text[a:b], covering))
    return pieces
