"""Linked data: every IRI under the base resolves here, for people (HTML) and programs (RDF).

``https://w3id.org/kzgraph/entity/majilis`` is served at ``/entity/majilis``, with content
negotiation (``Vary: Accept``), suffix forms (``.ttl``, ``.jsonld``, ``.nt``, ``.rdf``) and
``Link: rel=alternate`` headers; likewise statements, references, sources and the ontology.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pyoxigraph as ox
import rdflib
import yaml
from flask import (
    Blueprint,
    Response,
    abort,
    redirect,
    render_template,
    request,
    send_from_directory,
)
from markupsafe import Markup, escape

from kzgraph import __version__
from kzgraph.namespaces import KZO, PREDEFINED, PROV
from kzgraph.ontology import KIND_CLASSES
from kzgraph.ontology import load as load_ontology
from kzgraph.queries import CannedQuery
from kzgraph.settings import PROJECT_ROOT
from kzgraph.web import dates, dumps, terms
from kzgraph.web.entities import EntityReader, split_text
from kzgraph.web.errors import HTTPProblem
from kzgraph.web.formats import GRAPH_FORMATS, NotAcceptable, negotiate, prefers_html
from kzgraph.web.hemicycle import Group, default_colour, svg
from kzgraph.web.state import settings, state

blueprint = Blueprint("linked", __name__)
RDF_FORMATS = [f for f in GRAPH_FORMATS if f.name in ("ttl", "jsonld", "nt", "rdf")]
SUFFIX = {"ttl": "ttl", "jsonld": "jsonld", "nt": "nt", "rdf": "rdf"}
CONTEXT = PROJECT_ROOT / "ontology" / "context.jsonld"


@blueprint.app_template_filter("shown")
def shown(term: object, precision: int | None = None) -> Markup:
    """A literal for a page: a date at its precision in a <time> element, else its text."""
    date = dates.of_literal(term, precision)
    if date is None:
        return escape(dates.shown(term))
    return Markup('<time datetime="{}">{}</time>').format(date.iso, str(date))


ALIGNMENT_WORDS = {
    "wikidataClass": "Wikidata class",
    "equivalentClass": "same as",
    "equivalentProperty": "same as",
    "subClassOf": "a kind of",
    "subPropertyOf": "a kind of",
}


@blueprint.app_template_filter("term")
def term(iri: str) -> Markup:
    """An outside term as its label with its prefixed name, linked to its IRI."""
    short = terms.compact(iri)
    name = terms.term_label(iri)
    if iri.startswith(KZO):  # the project's own terms: their label, their local page
        name = load_ontology().labels.get(iri[len(KZO) :], name)
    extra = Markup(" <code>{}</code>").format(short) if name != short else ""
    return Markup('<a href="{}" title="{}">{}</a>{}').format(local(iri), iri, name, extra)


WIKIDATA_ID_IN_TEXT = re.compile(r"\b([PQ]\d+)\b")


@blueprint.app_template_filter("wikidata_ids")
def wikidata_ids(text: str) -> Markup:
    """Text with each Wikidata ID it mentions shown by label and linked to Wikidata."""

    def link(match: re.Match) -> str:
        ident = match[1]
        label = terms.wikidata_labels().get(ident)
        page = f"Property:{ident}" if ident.startswith("P") else ident
        shown = f"{label} ({ident})" if label else ident
        return Markup('<a href="https://www.wikidata.org/wiki/{}">{}</a>').format(page, shown)

    return Markup(WIKIDATA_ID_IN_TEXT.sub(link, str(escape(text or ""))))


@blueprint.app_template_filter("alignment")
def alignment(relation: str) -> str:
    local_name = relation.rsplit("#", 1)[-1]
    return ALIGNMENT_WORDS.get(local_name, local_name)


_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,300}$")


def checked(key: str) -> str:
    """Slugs and keys are ASCII words; anything else names nothing here (404, not an error)."""
    if not _KEY.fullmatch(key):
        raise HTTPProblem(
            404, f"no such identifier {key!r}; see /queries/find-entity to search by name"
        )
    return key


def reader() -> EntityReader:
    store = state().service.store()
    return EntityReader(store, load_ontology(), settings().base_iri)


def local(iri: str) -> str:
    """A link to where this server serves the IRI (the base maps onto its root)."""
    base = settings().base_iri
    if isinstance(iri, str) and iri.startswith(base):
        return "/" + iri[len(base) :]
    return iri


def wants_html(ext: str | None) -> bool:
    """No suffix, and a browser's Accept (text/html as high as any RDF format)."""
    return not ext and prefers_html(request.headers.get("Accept"))


def rdf(triples: set[ox.Triple], ext: str | None, alternates: str) -> Response:
    try:
        fmt = negotiate(request.headers.get("Accept"), RDF_FORMATS, SUFFIX.get(ext or ""))
    except NotAcceptable as exc:
        raise HTTPProblem(406, str(exc)) from exc
    ordered = sorted(triples, key=str)
    if fmt.name == "jsonld":
        graph = rdflib.Graph().parse(
            data=ox.serialize(ordered, format=ox.RdfFormat.N_TRIPLES), format="nt"
        )
        context = json.loads(CONTEXT.read_text())["@context"]
        body = graph.serialize(format="json-ld", context=context, auto_compact=True)
    else:
        body = ox.serialize(
            ordered, format=fmt.oxigraph, prefixes=PREDEFINED if fmt.name == "ttl" else None
        )
    response = Response(body, content_type=fmt.content_type)
    response.headers["Vary"] = "Accept"
    response.headers["Link"] = alternates
    return response


def alternates(path: str) -> str:
    links = [f'<{path}>; rel="alternate"; type="text/html"']
    links += [f'<{path}.{f.name}>; rel="alternate"; type="{f.media_type}"' for f in RDF_FORMATS]
    return ", ".join(links)


def _subject_triples(r: EntityReader, iri: str, follow: bool = True) -> set[ox.Triple]:
    """An IRI's triples, with its references, and its statements when ``follow``."""
    return r.description(iri, statements=follow)


def source_text(name: str) -> str | None:
    """The article a source graph was built from (None for a name no file has)."""
    path = Path(settings().sources) / f"{name}.txt"
    return path.read_text(encoding="utf-8") if path.is_file() else None


# --- entities ---------------------------------------------------------------------------------


@blueprint.route("/entity/<slug>")
@blueprint.route("/entity/<slug>.<ext>")
def entity(slug: str, ext: str | None = None):
    checked(slug)
    if ext is not None and ext not in SUFFIX:
        abort(404)
    r = reader()
    if not r.exists(slug):
        html = render_template("missing.html", version=__version__, slug=slug)
        if wants_html(ext):
            return html, 404
        raise HTTPProblem(
            404, f"no entity {slug!r}; search for it at /queries/find-entity?name={slug}"
        )
    iri = r.entity_base + slug
    if not wants_html(ext):
        return rdf(_subject_triples(r, iri), ext, alternates(f"/entity/{slug}"))
    view = r.entity(slug)
    diagram = None
    if "Chamber" in view.types or "Legislature" in view.types:
        diagram = seat_diagram(r, iri, request.args.get("date"))
    response = Response(
        render_template(
            "entity.html",
            version=__version__,
            e=view,
            r=r,
            local=local,
            diagram=diagram,
            is_chamber="Chamber" in view.types or "Legislature" in view.types,
            date=request.args.get("date", ""),
        )
    )
    response.headers["Vary"] = "Accept"
    response.headers["Link"] = alternates(f"/entity/{slug}")
    return response


def seat_diagram(r: EntityReader, chamber_iri: str, date: str | None):
    """The composition on ``date`` (default: the latest) as a hemicycle, with its legend."""
    query: CannedQuery | None = next(
        (q for q in state().queries if q.name == "composition-on-date"),
        None,
    )
    if query is None:
        return None
    try:
        bindings = query.bind({"chamber": chamber_iri, **({"date": date} if date else {})})
    except ValueError as exc:
        raise HTTPProblem(400, str(exc)) from exc
    # Through the query service, as /queries/composition-on-date runs it.
    names, found = state().service.select(query.text, bindings)
    rows = [dict(zip(names, row, strict=True)) for row in found]
    if not rows:
        return None
    colours = _colours()
    groups, seen = [], set()
    for row in rows:
        party = row["party"].value
        if party in seen:
            continue
        seen.add(party)
        slug = party.rsplit("/", 1)[-1]
        groups.append(
            Group(
                r.label(party),
                int(row["seats"].value),
                colours.get(slug) or default_colour(slug),
                local(party),
            )
        )
    precision = rows[0]["sincePrecision"]  # None when the data gives no precision
    since = dates.shown(rows[0]["since"], precision.value if precision else None)
    title = f"Seats on {date or 'the latest date'}: {sum(g.seats for g in groups)} (composition since {since})"
    return {"svg": Markup(svg(groups, title)), "groups": groups, "since": since, "title": title}


def _colours() -> dict[str, str]:
    path = Path(settings().mappings) / "colours.yaml"
    return yaml.safe_load(path.read_text()) if path.exists() else {}


@blueprint.route("/statement/<key>")
@blueprint.route("/statement/<key>.<ext>")
def statement(key: str, ext: str | None = None):
    checked(key)
    r = reader()
    iri = r.ns.statement(key).value
    subjects = [
        q.subject.value for q in r.store.quads_for_pattern(None, None, ox.NamedNode(iri), None)
    ]
    if not subjects:
        raise HTTPProblem(404, f"no statement {key!r}")
    if wants_html(ext):
        return redirect(local(subjects[0]) + f"#{key}", 303)
    return rdf(_subject_triples(r, iri), ext, alternates(f"/statement/{key}"))


@blueprint.route("/reference/<key>")
@blueprint.route("/reference/<key>.<ext>")
def reference(key: str, ext: str | None = None):
    checked(key)
    r = reader()
    iri = r.ns.reference(key).value
    triples = _subject_triples(r, iri, follow=False)
    if not triples:
        raise HTTPProblem(404, f"no reference {key!r}")
    if wants_html(ext):
        source = next((t.object.value for t in triples if t.predicate.value.endswith("P248")), "")
        start = next(
            (t.object.value for t in triples if t.predicate.value == KZO + "spanStart"), "0"
        )
        return redirect(local(source) + f"#at-{start}", 303)
    return rdf(triples, ext, alternates(f"/reference/{key}"))


# --- sources ----------------------------------------------------------------------------------


@blueprint.route("/source/<name>")
@blueprint.route("/source/<name>.<ext>")
def source(name: str, ext: str | None = None):
    checked(name)
    text = source_text(name)
    if text is None:
        raise HTTPProblem(404, f"no source {name!r}")
    if ext == "txt":
        return Response(text, mimetype="text/plain")
    r = reader()
    iri = r.ns.source(name).value
    if not wants_html(ext):
        if ext is not None and ext not in SUFFIX:
            abort(404)
        return rdf(_subject_triples(r, iri, follow=False), ext, alternates(f"/source/{name}"))
    spans = []
    graph = ox.NamedNode(iri)
    statement_of: dict[str, str] = {}
    for q in r.store.quads_for_pattern(None, ox.NamedNode(PROV + "wasDerivedFrom"), None, graph):
        statement_of.setdefault(q.object.value, q.subject.value.rsplit("/", 1)[-1])
    for ref, key in statement_of.items():
        data = {p: o.value for p, o in r.triples(ref)}
        if KZO + "spanStart" in data:
            spans.append((int(data[KZO + "spanStart"]), int(data[KZO + "spanEnd"]), key))
    pieces = split_text(text, spans)
    offsets, position = [], 0
    for piece, keys in pieces:
        offsets.append((position, piece, keys))
        position += len(piece)
    covered = sum(len(piece) for _, piece, keys in offsets if keys)
    return render_template(
        "source.html",
        version=__version__,
        name=name,
        pieces=offsets,
        statements=len(set(statement_of.values())),
        covered=covered,
        total=len(text),
    )


# --- ontology and dumps -------------------------------------------------------------------------


@blueprint.route("/ontology")
@blueprint.route("/ontology.<ext>")
def ontology(ext: str | None = None):
    path = PROJECT_ROOT / "ontology" / "kzgraph.ttl"
    if ext is not None and ext not in SUFFIX:
        abort(404)
    if not wants_html(ext):
        triples = {
            t.triple if isinstance(t, ox.Quad) else t
            for t in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE)
        }
        return rdf(triples, ext, alternates("/ontology"))
    onto = load_ontology()
    classes = sorted(set(KIND_CLASSES.values()) | {"SourceDocument"})
    return render_template(
        "ontology.html",
        version=__version__,
        onto=onto,
        classes=classes,
        relations=sorted(onto.relations.values(), key=lambda rel: rel.name),
    )


def dumps_dir() -> Path:
    """The dumps of the data as served now (rewritten after an update; see web/dumps.py)."""
    folder = dumps.current(state().dataset)
    if folder is None:
        raise HTTPProblem(404, "this server reads a remote store and serves no dumps")
    return folder


@blueprint.route("/dumps/")
def dumps_index():
    folder = dumps_dir()
    files = sorted(p for p in folder.glob("*.gz")) if folder.exists() else []
    return render_template(
        "dumps.html", version=__version__, files=[(p.name, p.stat().st_size) for p in files]
    )


@blueprint.route("/dumps/<path:filename>")
def dump_file(filename: str):
    # send_from_directory refuses paths that leave the folder (../, absolute paths).
    return send_from_directory(
        dumps_dir(), filename, mimetype="application/gzip", as_attachment=True
    )
