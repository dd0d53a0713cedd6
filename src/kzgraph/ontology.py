"""The ontology as data: which Wikidata property and class each native term stands for.

``ontology/kzgraph.ttl`` is the single place these alignments are written; the
RDF writer reads them from there rather than keeping a second table in code.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pyoxigraph as ox

from kzgraph.namespaces import KZO, OWL, RDF_TYPE, RDFS, WD, WDT
from kzgraph.settings import PROJECT_ROOT

KIND_CLASSES = {
    "legislature": "Legislature",
    "chamber": "Chamber",
    "office": "Office",
    "position": "Position",
    "person": "Person",
    "party": "PoliticalParty",
    "group": "ParliamentaryGroup",
    "election": "Election",
    "referendum": "Referendum",
    "organization": "Organization",
    "place": "Place",
    "country": "Country",
    "constitution": "Constitution",
    "convocation": "Convocation",
    "event": "Event",
    "concept": "ElectoralSystem",
    "title": "HonoraryTitle",
}


@dataclass(frozen=True)
class Relation:
    name: str  # local name in kzo:
    pid: str | None  # Wikidata property, e.g. "P1342"
    functional: bool  # one value expected: different values are a conflict
    literal: bool  # a datatype property
    label: str = ""
    comment: str = ""


@dataclass(frozen=True)
class Ontology:
    relations: dict[str, Relation]
    class_qids: dict[str, str]  # kzo class local name -> Wikidata QID
    labels: dict[str, str]  # kzo term local name -> English label
    comments: dict[str, str]  # kzo term local name -> English comment
    alignments: dict[
        str, list[tuple[str, str]]
    ]  # kzo term -> (relation, IRI) to other vocabularies

    def relation(self, name: str) -> Relation:
        try:
            return self.relations[name]
        except KeyError:
            raise KeyError(f"relation {name!r} is not declared in ontology/kzgraph.ttl") from None


@cache
def load(path: Path | None = None) -> Ontology:
    path = path or PROJECT_ROOT / "ontology" / "kzgraph.ttl"
    triples = list(ox.parse(path=str(path), format=ox.RdfFormat.TURTLE))
    types: dict[str, set[str]] = {}
    equivalent: dict[str, str] = {}
    class_qids: dict[str, str] = {}
    labels: dict[str, str] = {}
    comments: dict[str, str] = {}
    alignments: dict[str, list[tuple[str, str]]] = {}
    aligning = {
        OWL + "equivalentClass",
        OWL + "equivalentProperty",
        RDFS + "subClassOf",
        RDFS + "subPropertyOf",
        OWL + "inverseOf",
    }
    for t in triples:
        s, p, o = t.subject, t.predicate.value, t.object
        if not isinstance(s, ox.NamedNode) or not s.value.startswith(KZO):
            continue
        name = s.value[len(KZO) :]
        if p == RDF_TYPE:
            types.setdefault(name, set()).add(o.value)
        elif p == OWL + "equivalentProperty" and o.value.startswith(WDT):
            equivalent[name] = o.value[len(WDT) :]
        elif p == KZO + "wikidataClass":
            class_qids[name] = o.value[len(WD) :]
        elif p == RDFS + "label":
            labels[name] = o.value
        elif p == RDFS + "comment":
            comments[name] = o.value
        if p in aligning or p == KZO + "wikidataClass":
            alignments.setdefault(name, []).append((p, o.value))
    relations = {}
    for name, kinds in types.items():
        if OWL + "ObjectProperty" in kinds or OWL + "DatatypeProperty" in kinds:
            relations[name] = Relation(
                name=name,
                pid=equivalent.get(name),
                functional=OWL + "FunctionalProperty" in kinds,
                literal=OWL + "DatatypeProperty" in kinds,
                label=labels.get(name, name),
                comment=comments.get(name, ""),
            )
    # A former name is an official name in the Wikibase shape.
    if "formerName" in relations:
        former = relations["formerName"]
        relations["formerName"] = Relation(
            "formerName", "P1448", False, True, former.label, former.comment
        )
    return Ontology(
        relations=relations,
        class_qids=class_qids,
        labels=labels,
        comments=comments,
        alignments=alignments,
    )
