"""Check a built graph against ``ontology/shapes.ttl`` (SHACL) before it is published."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
import rdflib
from pyshacl import validate as shacl_validate

from kzgraph.namespaces import SHACL
from kzgraph.settings import PROJECT_ROOT

SHAPES = PROJECT_ROOT / "ontology" / "shapes.ttl"


@dataclass(frozen=True)
class Report:
    conforms: bool
    violations: int
    text: str


def validate(quads: list[ox.Quad], shapes: Path = SHAPES) -> Report:
    """Validate the union of all graphs; the report text is pyshacl's, readable as is."""
    data = rdflib.Graph()
    data.parse(
        data=ox.serialize([q.triple for q in quads], format=ox.RdfFormat.N_TRIPLES), format="nt"
    )
    shapes_graph = rdflib.Graph().parse(shapes, format="turtle")
    conforms, results, text = shacl_validate(data, shacl_graph=shapes_graph, advanced=True)
    violations = len(
        list(results.subjects(rdflib.RDF.type, rdflib.URIRef(SHACL + "ValidationResult")))
    )
    return Report(bool(conforms), violations, text)
