"""The SPARQL 1.1 Graph Store HTTP Protocol at /store (?graph=IRI or ?default), and at
/store/<name> for graphs named by this server's own URL (direct identification).

Reads are open; PUT, POST and DELETE need the update token, like SPARQL Update. A POST to
/store itself creates a new graph, named under /store/, and answers 201 with its
Location (Graph Store Protocol 5.5).
"""

from __future__ import annotations

import uuid

import pyoxigraph as ox
from flask import Blueprint, Response, request

from kzgraph.web import dumps
from kzgraph.web.errors import HTTPProblem
from kzgraph.web.formats import GRAPH_FORMATS, negotiate
from kzgraph.web.service import QueryService
from kzgraph.web.state import state

blueprint = Blueprint("graphstore", __name__)
TRIPLE_FORMATS = [f for f in GRAPH_FORMATS if f.name in ("ttl", "nt", "rdf", "jsonld")]


def _service() -> QueryService:
    return state().service


def _target(direct: str | None = None) -> ox.NamedNode | ox.DefaultGraph:
    if direct is not None:
        try:
            return ox.NamedNode(request.base_url)
        except ValueError as exc:
            raise HTTPProblem(
                404, f"no graph here: {request.path!r} is not a valid IRI path"
            ) from exc
    if "default" in request.args and "graph" not in request.args:
        return ox.DefaultGraph()
    iri = request.args.get("graph")
    if not iri:
        raise HTTPProblem(
            400, "name the graph: ?graph=<IRI> or ?default (or POST to /store to create one)"
        )
    try:
        return ox.NamedNode(iri)
    except ValueError as exc:
        raise HTTPProblem(400, f"?graph= is not a valid IRI: {exc}") from exc


def _exists(store: ox.Store, graph: ox.NamedNode | ox.DefaultGraph) -> bool:
    return isinstance(graph, ox.DefaultGraph) or store.contains_named_graph(graph)


@blueprint.route("/store", methods=["GET", "HEAD"])
@blueprint.route("/store/<path:direct>", methods=["GET", "HEAD"])
def read(direct: str | None = None):
    graph = _target(direct)
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


def _triples(data: bytes, content_type: str, base: str) -> list[ox.Triple]:
    """The triples of an RDF document; 415 for a type that is not RDF, 400 if it does not parse."""
    media_type = content_type.split(";")[0].strip()
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
        return [
            q.triple if isinstance(q, ox.Quad) else q
            for q in ox.parse(data, format=rdf_format, base_iri=base)
        ]
    except SyntaxError as exc:
        raise HTTPProblem(400, f"the body is not valid {rdf_format.name}: {exc}") from exc


def _new_graph() -> ox.NamedNode:
    """A graph IRI no one has used: under this server's /store/, so that it resolves here."""
    return ox.NamedNode(f"{request.url_root}store/{uuid.uuid4().hex}")


@blueprint.route("/store", methods=["PUT", "POST", "DELETE"])
@blueprint.route("/store/<path:direct>", methods=["PUT", "POST", "DELETE"])
def write(direct: str | None = None):
    service = _service()
    service.authorize(request.headers.get("Authorization"))
    minted = (
        request.method == "POST" and direct is None and not {"graph", "default"} & set(request.args)
    )
    graph = _new_graph() if minted else _target(direct)
    if request.method == "DELETE":
        with service.dataset.writable() as disk:
            if not _exists(disk, graph):
                raise HTTPProblem(404, f"no graph <{graph.value}> in the store")
            if isinstance(graph, ox.DefaultGraph):
                disk.clear_graph(graph)
            else:
                disk.remove_graph(graph)
            dumps.mark_stale(service.dataset)
        return Response(status=204)
    base = graph.value if isinstance(graph, ox.NamedNode) else request.base_url
    if (request.content_type or "").startswith("multipart/form-data"):
        # Graph Store Protocol 5.5: a POST may send several RDF documents as form parts.
        triples = [
            t
            for part in request.files.values()
            for t in _triples(part.read(), part.content_type or "", base)
        ]
    else:
        triples = _triples(request.get_data(), request.content_type or "", base)
    with service.dataset.writable() as disk:
        created = not _exists(disk, graph)
        if request.method == "PUT" and not created:
            disk.clear_graph(graph)
        disk.extend([ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples])
        if isinstance(graph, ox.NamedNode) and not triples:
            disk.add_graph(graph)
        dumps.mark_stale(service.dataset)
    if minted:
        return Response(status=201, headers={"Location": graph.value})
    return Response(status=201 if created else 204)
