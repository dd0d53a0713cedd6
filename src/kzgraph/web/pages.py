"""Flask routes other than the SPARQL hot path: home and query UI, health, VoID,
the service description, and error pages."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from pathlib import Path
from urllib.parse import parse_qs

import pyoxigraph as ox
from flask import Blueprint, Flask, Response, current_app, jsonify, render_template, request
from markdown_it import MarkdownIt
from markupsafe import Markup
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from kzgraph import __version__
from kzgraph.rdf import RDFS
from kzgraph.settings import Settings
from kzgraph.store import dumps_path
from kzgraph.web import results
from kzgraph.web.dataset import StoreUnavailable, derived
from kzgraph.web.description import (
    KZO,
    PREFIXES,
    SD,
    VOID,
    service_triples,
    statistics,
    void_triples,
)
from kzgraph.web.formats import GRAPH_FORMATS, NotAcceptable, UnknownFormat, negotiate
from kzgraph.web.sparql import PREDEFINED, STATUS_TEXT, HTTPProblem, problem_response

blueprint = Blueprint("pages", __name__)
DESCRIPTION_FORMATS = [f for f in GRAPH_FORMATS if f.name in ("ttl", "jsonld", "rdf", "nt")]


def settings() -> Settings:
    return current_app.config["KZGRAPH"]


def dataset_statistics(app: Flask) -> dict:
    """VoID counts for the current data, computed once per dataset version."""
    return derived(app.extensions["kzgraph.dataset"], "statistics", statistics)


def root_url(environ: dict | None = None) -> str:
    env = environ or request.environ
    scheme = env.get("HTTP_X_FORWARDED_PROTO") or env.get("wsgi.url_scheme", "http")
    host = (
        env.get("HTTP_X_FORWARDED_HOST")
        or env.get("HTTP_HOST")
        or f"{env.get('SERVER_NAME')}:{env.get('SERVER_PORT')}"
    )
    return f"{scheme}://{host}{env.get('SCRIPT_NAME', '')}/"


def rdf_response(
    triples: list[ox.Triple], accept: str | None, explicit: str | None = None
) -> Response:
    fmt = negotiate(accept, DESCRIPTION_FORMATS, explicit)
    body = ox.serialize(
        triples, format=fmt.oxigraph, prefixes=PREFIXES if fmt.name == "ttl" else None
    )
    return Response(body, content_type=fmt.content_type, headers={"Vary": "Accept"})


def canned_query_links(app: Flask, root: str) -> list[tuple[str, str]]:
    catalogue = app.extensions.get("kzgraph.queries")
    return [(q.name, f"{root}queries/{q.name}") for q in catalogue] if catalogue else []


def describe_service(app: Flask) -> Callable[[dict, Callable], Iterable[bytes]]:
    """The WSGI handler for GET /sparql without a query: a page for browsers, the SPARQL
    1.1 Service Description (by content negotiation or ``?format=``) for programs."""

    def describe(environ: dict, start_response: Callable) -> Iterable[bytes]:
        accept = environ.get("HTTP_ACCEPT", "")
        explicit = parse_qs(environ.get("QUERY_STRING", "")).get("format", [None])[0]
        root = root_url(environ)
        try:
            with app.app_context():
                stats = dataset_statistics(app)
                queries = canned_query_links(app, root)
                triples = service_triples(stats, app.config["KZGRAPH"], root, queries)
                if explicit is None and prefers_html(accept):
                    body = render_page(
                        app, "service.html", root=root, sd=service_view(triples, root, queries)
                    ).encode()
                    content_type = "text/html; charset=utf-8"
                else:
                    response = rdf_response(triples, accept, explicit)
                    body, content_type = response.get_data(), response.content_type
        except StoreUnavailable as exc:
            return problem_response(
                start_response, HTTPProblem(503, str(exc), [("Retry-After", "5")])
            )
        except NotAcceptable as exc:
            return problem_response(start_response, HTTPProblem(406, str(exc)))
        except UnknownFormat as exc:
            return problem_response(start_response, HTTPProblem(400, str(exc)))
        start_response(
            "200 OK",
            [
                ("Content-Type", content_type),
                ("Content-Length", str(len(body))),
                ("Vary", "Accept"),
            ],
        )
        return [body]

    return describe


def prefers_html(accept: str | None) -> bool:
    """A browser: it names text/html at least as high as any RDF format (``*/*`` alone
    means a program, which gets data)."""
    parsed = parse_accept_header(accept or "", MIMEAccept)
    return "text/html" in parsed.values() and parsed["text/html"] >= max(
        (parsed[f.media_type] for f in DESCRIPTION_FORMATS), default=0
    )


FORMAT_MEDIA_TYPES = {
    "SPARQL_Results_JSON": "application/sparql-results+json",
    "SPARQL_Results_XML": "application/sparql-results+xml",
    "SPARQL_Results_CSV": "text/csv",
    "SPARQL_Results_TSV": "text/tab-separated-values",
    "Turtle": "text/turtle",
    "N-Triples": "application/n-triples",
    "RDF_XML": "application/rdf+xml",
    "JSON-LD": "application/ld+json",
    "TriG": "application/trig",
    "N-Quads": "application/n-quads",
}


def service_view(triples: list[ox.Triple], root: str, queries: list[tuple[str, str]]) -> dict:
    """What the service description says, read back from its own triples, so that the
    page shows exactly what programs are told."""
    by: dict[tuple[str, str], list] = {}
    for t in triples:
        by.setdefault((t.subject.value, t.predicate.value), []).append(t.object)

    def values(subject: str, predicate: str) -> list:
        return by.get((subject, predicate), [])

    def first(subject: str, predicate: str, default: str = "") -> str:
        found = values(subject, predicate)
        return found[0].value if found else default

    service = f"{root}sparql"
    dataset = first(service, SD + "defaultDataset")
    default_graph = first(dataset, SD + "defaultGraph")
    graphs = []
    for named in values(dataset, SD + "namedGraph"):
        inner = first(named.value, SD + "graph")
        graphs.append((first(named.value, SD + "name"), first(inner, VOID + "triples")))
    return {
        "endpoint": first(service, SD + "endpoint", service),
        "languages": [local_name(o.value) for o in values(service, SD + "supportedLanguage")],
        "features": [local_name(o.value) for o in values(service, SD + "feature")],
        "formats": [
            (local_name(o.value).replace("_", " "), FORMAT_MEDIA_TYPES.get(local_name(o.value), ""))
            for o in values(service, SD + "resultFormat")
        ],
        "comments": [o.value for o in values(service, RDFS + "comment")],
        "timeout": first(service, KZO + "queryTimeoutSeconds"),
        "row_limit": first(service, KZO + "resultRowLimit"),
        "allowlist": [o.value for o in values(service, KZO + "federationAllowlist")],
        "default_graph_triples": first(default_graph, VOID + "triples"),
        "default_graph_notes": [o.value for o in values(default_graph, RDFS + "comment")],
        "graphs": sorted(graphs),
        "queries": queries,
        "machine_formats": [(f.name, f.media_type) for f in DESCRIPTION_FORMATS],
    }


def local_name(iri: str) -> str:
    return iri.rstrip("/").rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def render_page(app: Flask, template: str, **context) -> str:
    """Render outside Flask's routing (the SPARQL endpoint is plain WSGI)."""
    with app.test_request_context():
        return render_template(template, version=__version__, **context)


@blueprint.route("/health")
def health():
    """For load balancers: 200 when the store can be read, 503 when it cannot."""
    app = current_app
    dataset = app.extensions["kzgraph.dataset"]
    started = time.perf_counter()
    try:
        store = dataset.fresh()
        bool(store.query("ASK { ?s ?p ?o }", use_default_graph_as_union=True))
    except (StoreUnavailable, OSError) as exc:
        return jsonify(status="unavailable", message=str(exc)), 503
    return jsonify(
        status="ok",
        version=__version__,
        data_version=dataset.version,
        store=settings().store,
        writable=bool(settings().update_token),
        check_ms=round((time.perf_counter() - started) * 1000, 2),
    )


@blueprint.route("/.well-known/void")
def void():
    root = root_url()
    stats = dataset_statistics(current_app)
    dumps = [
        (p.name, f"{root}dumps/{p.name}", p.stat().st_size)
        for p in sorted(dumps_path(Path(settings().store)).glob("*.gz"))
    ]
    return rdf_response(
        void_triples(stats, settings(), root, dumps),
        request.headers.get("Accept"),
        request.args.get("format"),
    )


# The README's example queries, offered on the home page as well.
README_EXAMPLES = [
    (
        "Chambers and their sizes, with Wikidata's label service",
        "SELECT ?chamber ?chamberLabel ?seats WHERE {\n  ?chamber wdt:P31 wd:Q10553309 ; wdt:P1342 ?seats .\n"
        '  SERVICE wikibase:label { bd:serviceParam wikibase:language "en". }\n} ORDER BY ?chamberLabel ?seats',
    ),
    (
        "The 2016 Mäjilis election, party by party",
        "SELECT ?party ?partyLabel ?share ?seats WHERE {\n  ?election owl:sameAs wd:Q23014128 ; p:P710 ?st .\n"
        "  ?st ps:P710 ?party ; pq:P1107 ?share ; pq:P1410 ?seats .\n"
        '  SERVICE wikibase:label { bd:serviceParam wikibase:language "en". }\n} ORDER BY DESC(?share)',
    ),
    (
        "Where each size of the Senate comes from",
        "SELECT ?seats ?quote WHERE {\n  kz:senate p:P1342 ?st . ?st ps:P1342 ?seats ; prov:wasDerivedFrom/pr:P1683 ?quote .\n} ORDER BY ?seats",
    ),
]


@blueprint.route("/prefixes.json")
def prefixes_json():
    """The predefined prefixes in prefix.cc's shape: the editor adds a PREFIX line from
    here as soon as a prefixed name is typed (instead of asking prefix.cc)."""
    return jsonify(PREDEFINED)


@blueprint.route("/")
def home():
    root = root_url()
    stats = dataset_statistics(current_app)
    return render_template(
        "home.html",
        version=__version__,
        root=root,
        stats=stats,
        queries=current_app.extensions.get("kzgraph.queries") or [],
        readme_examples=README_EXAMPLES,
        prefixes=PREDEFINED,
        base=settings().base_iri,
    )


MARKDOWN = MarkdownIt("commonmark", {"html": False})


@blueprint.app_template_filter("markdown")
def markdown(text: str) -> Markup:
    """Descriptions are Markdown (backticks, emphasis, links); raw HTML in them is escaped."""
    return Markup(MARKDOWN.render(text or ""))


@blueprint.app_template_global("result_table")
def result_table(columns: list[str], rows: list[list]) -> results.Table:
    from kzgraph.web.linked import local, reader

    return results.build(columns, rows, settings().base_iri, reader().label, local)


def problem(status: int, message: str, headers: Iterable[tuple[str, str]] = ()) -> Response:
    """The JSON error body every kzgraph endpoint uses (see ``sparql.problem_response``)."""
    error = STATUS_TEXT.get(status, "Error").lower()
    response = jsonify(error=error, status=status, message=message)
    response.status_code = status
    for key, value in headers:
        response.headers[key] = value
    return response


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(
        HTTPProblem, lambda exc: problem(exc.status, exc.message, exc.headers)
    )
    app.register_error_handler(
        StoreUnavailable, lambda exc: problem(503, str(exc), [("Retry-After", "5")])
    )
    app.register_error_handler(NotAcceptable, lambda exc: problem(406, str(exc)))
    app.register_error_handler(UnknownFormat, lambda exc: problem(400, str(exc)))
    app.register_error_handler(
        404,
        lambda exc: problem(404, f"nothing at {request.path}; see / for what this server offers"),
    )
    app.register_error_handler(
        405, lambda exc: problem(405, f"{request.method} is not allowed on {request.path}")
    )
    app.register_error_handler(413, lambda exc: problem(413, "the request body is too large"))

    @app.errorhandler(500)
    def _internal(exc):
        app.logger.exception("unexpected error")
        return problem(500, "an unexpected error occurred; it has been logged")
