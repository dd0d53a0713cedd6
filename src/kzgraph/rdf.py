"""Claims to quads, in both shapes: the native ontology and the Wikibase statement model.

One named graph per source document holds its statements and references; the
``graph/entities`` graph holds labels, types and Wikidata links of every entity;
``graph/meta`` holds the dataset description and the provenance of the build.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

import pyoxigraph as ox

from kzgraph.extract.facts import DateValue, Evidence
from kzgraph.namespaces import (  # noqa: F401 - PREFIXES: store.py reads it from here
    DCT,
    KZO,
    OWL,
    PQ,
    PR,
    PREFIXES,
    PROV,
    PS,
    RDF,
    RDFS,
    SCHEMA,
    SKOS,
    WD,
    WDT,
    WIKIBASE,
    XSD,
    P,
)
from kzgraph.ontology import KIND_CLASSES, Ontology, Relation
from kzgraph.resolve import Claim, ClaimValue, Entity

DATE_TYPES = {"day": XSD + "date", "month": XSD + "gYearMonth", "year": XSD + "gYear"}
TIME_PRECISION = {"day": 11, "month": 10, "year": 9}
# Values written in no particular language: file names, native names, figures as written.
UNTAGGED = {"image", "nativeLabel", "turnout", "registeredVoters"}


GREGORIAN = "Q1985727"  # the calendar model of every Wikidata time value


def node(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


def _integer(text: str) -> ox.Literal:
    return ox.Literal(text, datatype=node(XSD + "integer"))


@dataclass(frozen=True)
class Namespaces:
    """The IRIs of one deployment, derived from its base (``https://w3id.org/kzgraph/``)."""

    base: str

    def entity(self, slug: str) -> ox.NamedNode:
        return node(f"{self.base}entity/{slug}")

    def source(self, name: str) -> ox.NamedNode:
        return node(f"{self.base}source/{name}")

    def graph(self, name: str) -> ox.NamedNode:
        return node(f"{self.base}graph/{name}")

    def statement(self, key: str) -> ox.NamedNode:
        return node(f"{self.base}statement/{key}")

    def reference(self, key: str) -> ox.NamedNode:
        return node(f"{self.base}reference/{key}")

    def property_iris(self, relation: Relation) -> tuple[str, str, str, str]:
        """(truthy, p, ps, pq) for a relation: Wikidata's where it has a PID, ours otherwise."""
        if relation.pid:
            pid = relation.pid
            return WDT + pid, P + pid, PS + pid, PQ + pid
        prop = f"{self.base}prop/"
        name = relation.name
        return KZO + name, prop + name, f"{prop}statement/{name}", f"{prop}qualifier/{name}"


def digest(*parts: object, length: int = 12) -> str:
    return hashlib.sha256("\x1f".join(map(str, parts)).encode()).hexdigest()[:length]


@dataclass
class Statement:
    """Claims that agree on subject, relation, value and qualifiers: one Wikibase statement."""

    subject: Entity
    relation: str
    value: ClaimValue
    qualifiers: dict[str, ClaimValue]
    claims: list[Claim]
    conflicts: list[Statement]
    rank: str = "NormalRank"  # or "PreferredRank" for the current value of a changing fact
    best: bool = True  # among the best-ranked statements of its subject and relation

    def key(self) -> str:
        quals = sorted((k, value_key(v)) for k, v in self.qualifiers.items())
        return f"{self.subject.slug}-{digest(self.relation, value_key(self.value), quals)}"


def value_key(value: ClaimValue) -> str:
    if isinstance(value, Entity):
        return "entity:" + value.slug
    if isinstance(value, DateValue):
        return "date:" + value.iso
    return f"{type(value).__name__}:{value}"


def group_statements(claims: list[Claim], ontology: Ontology) -> list[Statement]:
    """Merge agreeing claims; a claim whose qualifiers disagree gets a statement of its own.

    Two statements of a single-valued relation with different values and no
    distinguishing dates are marked as conflicting; both are kept.
    """
    buckets: dict[tuple, list[Statement]] = defaultdict(list)
    for claim in claims:
        bucket = buckets[(claim.subject.slug, claim.relation, value_key(claim.value))]
        quals = dict(claim.qualifiers)
        for statement in bucket:
            if _part_of(statement.qualifiers) == _part_of(quals) and all(
                value_key(statement.qualifiers[k]) == value_key(v)
                for k, v in quals.items()
                if k in statement.qualifiers
            ):
                statement.qualifiers.update(quals)
                statement.claims.append(claim)
                break
        else:
            bucket.append(Statement(claim.subject, claim.relation, claim.value, quals, [claim], []))
    statements = [s for bucket in buckets.values() for s in bucket]
    by_property: dict[tuple, list[Statement]] = defaultdict(list)
    for s in statements:
        if ontology.relation(s.relation).functional:
            dates = tuple(
                sorted(
                    (k, value_key(v))
                    for k, v in s.qualifiers.items()
                    if isinstance(v, DateValue) or k in PART_QUALIFIERS  # a part is not the whole
                )
            )
            by_property[(s.subject.slug, s.relation, dates)].append(s)
    for group in by_property.values():
        for s in group:
            s.conflicts = [o for o in group if o is not s and not agree(s.value, o.value)]
    rank_statements(statements)
    return sorted(statements, key=Statement.key)


TIME_QUALIFIERS = ("startTime", "pointInTime", "endTime")
PART_QUALIFIERS = ("seatsFilledBy",)
# what an infobox gives as it is now; its office holders and results are dated instead
PRESENT_IN_INFOBOX = ("numberOfSeats", "termLength")


def _part_of(qualifiers: dict) -> tuple:
    """How a part of the seats is filled ("98 elected by party list"), () for the whole:
    a part never merges into the whole's statement, nor the whole into a part's."""
    return tuple(sorted((k, value_key(v)) for k, v in qualifiers.items() if k in PART_QUALIFIERS))


def rank_statements(statements: list[Statement]) -> None:
    """Wikidata's ranks for facts that change over time: where statements of one subject
    and relation carry dates, the current one (the latest start or point in time, with
    no end time) is preferred and the others stay normal; only best-ranked statements
    get truthy triples. Undated values of a subject and relation all stay normal."""
    by_subject: dict[tuple, list[Statement]] = defaultdict(list)
    for s in statements:
        by_subject[(s.subject.slug, s.relation)].append(s)
    for group in by_subject.values():
        _prefer_precise_dates(group)
        for s in group:
            if any(k in s.qualifiers for k in PART_QUALIFIERS):
                s.best = False  # a part of the seats is not the chamber's size
        group = [s for s in group if s.best]
        dated = [s for s in group if any(k in s.qualifiers for k in TIME_QUALIFIERS)]
        undated = [s for s in group if not any(k in s.qualifiers for k in TIME_QUALIFIERS)]
        # An infobox tells the present ("Members: 98"): its undated value is the current
        # one, not the latest value the history dates ("won 42 of the 77 seats" in 2004).
        infobox = {id(s) for s in undated if _from_infobox(s)}
        if dated and infobox and group[0].relation in PRESENT_IN_INFOBOX:
            for s in group:
                s.best = id(s) in infobox
                s.rank = "PreferredRank" if s.best else "NormalRank"
            continue
        open_ended = [s for s in dated if "endTime" not in s.qualifiers]
        if len(group) < 2 or not dated or not open_ended:
            continue
        latest = max(_since(s) for s in open_ended)
        current = {id(s) for s in open_ended if _since(s) == latest}
        if len(current) == len(group):
            continue
        for s in group:
            s.rank = "PreferredRank" if id(s) in current else "NormalRank"
            s.best = id(s) in current


def _from_infobox(st: Statement) -> bool:
    return any(c.evidence.origin == "infobox" for c in st.claims)


def _prefer_precise_dates(group: list[Statement]) -> None:
    """A date that another statement refines ("1995-12" beside "1995-12-05", a year beside
    its day) is kept, at normal rank; the precise one is preferred, as in Wikidata."""
    dates = [s for s in group if isinstance(s.value, DateValue)]
    coarse = {
        id(s)
        for s in dates
        for o in dates
        if len(o.value.iso) > len(s.value.iso) and o.value.iso.startswith(s.value.iso)  # type: ignore[union-attr]
    }
    if not coarse:
        return
    for s in group:
        s.rank = "NormalRank" if id(s) in coarse else "PreferredRank"
        s.best = id(s) not in coarse


def _since(st: Statement) -> str:
    """When a statement's value began to hold, as YYYY-MM-DD (undated: the beginning)."""
    for key in ("startTime", "pointInTime"):
        value = st.qualifiers.get(key)
        if isinstance(value, DateValue):
            return value.first_day
    return "0000-00-00"


def agree(a: ClaimValue, b: ClaimValue) -> bool:
    """Equal values agree; so do dates where one refines the other (1993 and 1993-01-28)."""
    if isinstance(a, DateValue) and isinstance(b, DateValue):
        return a.iso.startswith(b.iso) or b.iso.startswith(a.iso)
    return value_key(a) == value_key(b)


class GraphWriter:
    """Writes quads for one build; ``quads`` is the result."""

    def __init__(self, ontology: Ontology, base: str) -> None:
        self.ontology = ontology
        self.ns = Namespaces(base)
        self.quads: list[ox.Quad] = []
        self._entities_graph = self.ns.graph("entities")

    def add(self, s: ox.NamedNode, p: str, o: ox.NamedNode | ox.Literal, g: ox.NamedNode) -> None:
        self.quads.append(ox.Quad(s, node(p), o, g))

    # --- values ----------------------------------------------------------------------

    def native(self, value: ClaimValue, tagged: bool = True) -> ox.NamedNode | ox.Literal:
        """A value in the native shape: dates keep their precision (xsd:gYear ...); text is
        English unless ``tagged`` is false (file names, native names)."""
        if isinstance(value, Entity):
            return self.ns.entity(value.slug)
        if isinstance(value, DateValue):
            return ox.Literal(value.iso, datatype=node(DATE_TYPES[value.precision]))
        if isinstance(value, bool):
            return ox.Literal(str(value).lower(), datatype=node(XSD + "boolean"))
        if isinstance(value, int):
            return ox.Literal(str(value), datatype=node(XSD + "integer"))
        if isinstance(value, Decimal):
            return ox.Literal(format(value, "f"), datatype=node(XSD + "decimal"))
        if value.startswith("wd:"):
            return node(WD + value[3:])
        return ox.Literal(value, language="en") if tagged else ox.Literal(value)

    def wikibase(self, value: ClaimValue, tagged: bool = True) -> ox.NamedNode | ox.Literal:
        """A value as Wikidata publishes it: times are xsd:dateTime at the period's first day."""
        if isinstance(value, DateValue):
            return ox.Literal(f"{value.first_day}T00:00:00Z", datatype=node(XSD + "dateTime"))
        return self.native(value, tagged)

    def value_node(self, value: ClaimValue, graph: ox.NamedNode) -> ox.NamedNode | None:
        """Wikidata's full value node of a time or a quantity (``psv:``/``pqv:`` objects):
        the time with its precision, the amount as a decimal with unit 1."""
        if isinstance(value, DateValue):
            iri = node(f"{self.ns.base}value/{digest('time', value.iso)}")
            self.add(iri, RDF + "type", node(WIKIBASE + "TimeValue"), graph)
            self.add(iri, WIKIBASE + "timeValue", self.wikibase(value), graph)
            precision = str(TIME_PRECISION[value.precision])
            self.add(iri, WIKIBASE + "timePrecision", _integer(precision), graph)
            self.add(iri, WIKIBASE + "timeTimezone", _integer("0"), graph)
            self.add(iri, WIKIBASE + "timeCalendarModel", node(WD + GREGORIAN), graph)
            return iri
        if isinstance(value, int | Decimal) and not isinstance(value, bool):
            amount = format(Decimal(value), "f")
            iri = node(f"{self.ns.base}value/{digest('quantity', amount)}")
            self.add(iri, RDF + "type", node(WIKIBASE + "QuantityValue"), graph)
            self.add(
                iri,
                WIKIBASE + "quantityAmount",
                ox.Literal(amount, datatype=node(XSD + "decimal")),
                graph,
            )
            self.add(iri, WIKIBASE + "quantityUnit", node(WD + "Q199"), graph)
            return iri
        return None

    # --- entities --------------------------------------------------------------------

    def entity(self, e: Entity, specific: bool = False) -> None:
        """Labels, aliases, type and Wikidata link of an entity; the generic class of its
        kind (legislative house) is left out when a statement gives a ``specific`` one."""
        g, s = self._entities_graph, self.ns.entity(e.slug)
        cls = KIND_CLASSES[e.kind]
        self.add(s, RDF + "type", node(KZO + cls), g)
        if e.kind == "concept":
            self.add(s, RDF + "type", node(SKOS + "Concept"), g)
            self.add(s, SKOS + "prefLabel", ox.Literal(e.label, language="en"), g)
        qid = self.ontology.class_qids.get(cls)
        if qid and not specific:
            self.add(s, WDT + "P31", node(WD + qid), g)
        self.add(s, RDFS + "label", ox.Literal(e.label, language="en"), g)
        for lang, label in sorted(e.labels.items()):
            self.add(s, RDFS + "label", ox.Literal(label, language=lang), g)
        for alias in sorted(set(e.aliases + e.local_aliases) - {e.label}):
            self.add(s, SKOS + "altLabel", ox.Literal(alias, language="en"), g)
        if e.description:
            self.add(s, SCHEMA + "description", ox.Literal(e.description, language="en"), g)
        self.add(s, KZO + "slug", ox.Literal(e.slug), g)
        if e.qid:
            self.add(s, OWL + "sameAs", node(WD + e.qid), g)

    # --- statements ------------------------------------------------------------------

    def statement(self, st: Statement, graph: ox.NamedNode, core: bool = True) -> None:
        """The statement in ``graph`` with the references of its claims; with ``core``
        false, only the references (the statement itself is written in another graph)."""
        if not core:
            self._references(st, graph)
            return
        relation = self.ontology.relation(st.relation)
        truthy, p, ps, pq = self.ns.property_iris(relation)
        subject = self.ns.entity(st.subject.slug)
        iri = self.ns.statement(st.key())
        tagged = st.relation not in UNTAGGED
        # The native triple always (but not for a part of the seats: the chamber does not
        # have 9 seats); Wikidata's truthy triple for best-ranked statements only.
        if not any(k in st.qualifiers for k in PART_QUALIFIERS):
            self.add(subject, KZO + st.relation, self.native(st.value, tagged), graph)
        if st.best and truthy != KZO + st.relation:
            self.add(subject, truthy, self.wikibase(st.value, tagged), graph)
        self.add(subject, p, iri, graph)
        self.add(iri, RDF + "type", node(WIKIBASE + "Statement"), graph)
        self.add(iri, ps, self.wikibase(st.value, tagged), graph)
        self.add(iri, WIKIBASE + "rank", node(WIKIBASE + st.rank), graph)
        if st.best:
            self.add(iri, RDF + "type", node(WIKIBASE + "BestRank"), graph)
        full = self.value_node(st.value, graph) if relation.pid else None
        if full is not None:
            self.add(iri, P + "statement/value/" + relation.pid, full, graph)
        for name, value in sorted(st.qualifiers.items()):
            qualifier = self.ontology.relation(name)
            q = self.ns.property_iris(qualifier)[3]
            self.add(iri, q, self.wikibase(value), graph)
            full = self.value_node(value, graph) if qualifier.pid else None
            if full is not None:
                self.add(iri, P + "qualifier/value/" + qualifier.pid, full, graph)
        if st.conflicts:
            self.add(
                iri, KZO + "hasConflict", ox.Literal("true", datatype=node(XSD + "boolean")), graph
            )
            for other in st.conflicts:
                self.add(iri, KZO + "conflictsWith", self.ns.statement(other.key()), graph)
        self._references(st, graph)

    def _references(self, st: Statement, graph: ox.NamedNode) -> None:
        iri = self.ns.statement(st.key())
        for claim in st.claims:
            ref = self.reference(claim, graph)
            self.add(iri, PROV + "wasDerivedFrom", ref, graph)

    def reference(self, claim: Claim, graph: ox.NamedNode) -> ox.NamedNode:
        ev: Evidence = claim.evidence
        ref = self.ns.reference(
            f"{ev.source}-{ev.span_start}-{ev.span_end}-{digest(ev.start, ev.end, claim.rule, length=8)}"
        )
        integer = node(XSD + "integer")
        self.add(ref, RDF + "type", node(WIKIBASE + "Reference"), graph)
        self.add(ref, PR + "P248", self.ns.source(ev.source), graph)
        self.add(ref, PR + "P1683", ox.Literal(ev.text, language="en"), graph)
        self.add(ref, KZO + "sentenceStart", ox.Literal(str(ev.start), datatype=integer), graph)
        self.add(ref, KZO + "sentenceEnd", ox.Literal(str(ev.end), datatype=integer), graph)
        self.add(ref, KZO + "spanStart", ox.Literal(str(ev.span_start), datatype=integer), graph)
        self.add(ref, KZO + "spanEnd", ox.Literal(str(ev.span_end), datatype=integer), graph)
        words = ev.text[ev.span_start - ev.start : ev.span_end - ev.start]
        self.add(ref, KZO + "evidenceText", ox.Literal(words, language="en"), graph)
        self.add(ref, KZO + "origin", ox.Literal(ev.origin), graph)
        if claim.rule:
            self.add(ref, KZO + "extractionRule", ox.Literal(claim.rule), graph)
        return ref
