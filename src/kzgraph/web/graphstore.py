"""The SPARQL 1.1 Graph Store HTTP Protocol at /store (?graph=IRI or ?default).

Reads are open; PUT, POST and DELETE need the update token, like SPARQL Update.
"""

from __future__ import annotations

import pyoxigraph as ox
from flask import Blueprint, Response, current_app, request

from kzgraph.web.formats import GRAPH_FORMATS, negotiate
from kzgraph.web.sparql import HTTPProblem, QueryService

blueprint = Blueprint("graphstore", __name__)
TRIPLE_FORMATS = [f for f in GRAPH_FORMATS if f.name in ("ttl", "nt", "rdf", "jsonld")]


def _service() -> QueryService:
    return current_app.extensions["kzgraph.service"]


def _target() -> ox.NamedNode | ox.DefaultGraph:
    if "default" in request.args and "graph" not in request.args:
        return ox.DefaultGraph()
    iri = request.args.get("graph")
    if not iri:
        raise HTTPProblem(400, "name the graph: ?graph=<IRI> or ?default")
    try:
        return ox.NamedNode(iri)
    except ValueError as exc:
        raise HTTPProblem(400, f"?graph= is not a valid IRI: {exc}") from exc


def _exists(store: ox.Store, graph: ox.NamedNode | ox.DefaultGraph) -> bool:
    return isinstance(graph, ox.DefaultGraph) or store.contains_named_graph(graph)


@blueprint.route("/store", methods=["GET", "HEAD"])
def read():
    graph = _target()
    store = _service().store()
    if not _exists(store, graph):
        raise HTTPProblem(404, f"no graph <{graph.value}> in the store")
    fmt = negotiate(request.headers.get("Accept"), TRIPLE_FORMATS, request.args.get("format"))
    triples = [q.triple for q in store.quads_for_pattern(None, None, None, graph)]
    body = ox.serialize(triples, format=fmt.oxigraph)
    return Response(
        body if request.method == "GET" else b"",
        content_type=fmt.content_type,
        headers={"Vary": "Accept"},
    )


@blueprint.route("/store", methods=["PUT", "POST", "DELETE"])
def write():
    service = _service()
    service.authorize(request.headers.get("Authorization"))
    graph = _target()
    if request.method == "DELETE":
        with service.dataset.writable() as disk:
            if not _exists(disk, graph):
                raise HTTPProblem(404, f"no graph <{graph.value}> in the store")
            if isinstance(graph, ox.DefaultGraph):
                disk.clear_graph(graph)
            else:
                disk.remove_graph(graph)
        return Response(status=204)
    media_type = (request.content_type or "").split(";")[0].strip()
    try:
        rdf_format = ox.RdfFormat.from_media_type(media_type) if media_type else None
    except ValueError:
        rdf_format = None
    if rdf_format is None:
        raise HTTPProblem(
            415,
            f"cannot read {media_type or 'a body without Content-Type'}: send Turtle, N-Triples, RDF/XML or JSON-LD",
        )
    try:
        triples = [
            q.triple if isinstance(q, ox.Quad) else q
            for q in ox.parse(request.get_data(), format=rdf_format)
        ]
    except SyntaxError as exc:
        raise HTTPProblem(400, f"the body is not valid {rdf_format.name}: {exc}") from exc
    with service.dataset.writable() as disk:
        created = not _exists(disk, graph)
        if request.method == "PUT" and not created:
            disk.clear_graph(graph)
        disk.extend([ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples])
        if isinstance(graph, ox.NamedNode) and not triples:
            disk.add_graph(graph)
    return Response(status=201 if created else 204)
