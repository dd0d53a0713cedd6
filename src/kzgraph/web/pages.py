"""Flask routes other than the SPARQL hot path: home and query UI, health, VoID,
the service description, and error pages."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable
from urllib.parse import parse_qs

import pyoxigraph as ox
from flask import Blueprint, Flask, Response, current_app, jsonify, render_template, request
from markdown_it import MarkdownIt
from markupsafe import Markup
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from kzgraph import __version__
from kzgraph.namespaces import DCT, PREDEFINED, RDFS
from kzgraph.settings import Settings
from kzgraph.web import dumps, results
from kzgraph.web.dataset import StoreUnavailable, derived
from kzgraph.web.description import (
    DCAT,
    KZO,
    PREFIXES,
    SD,
    VOID,
    service_triples,
    statistics,
    void_triples,
)
from kzgraph.web.formats import GRAPH_FORMATS, NotAcceptable, UnknownFormat, negotiate
from kzgraph.web.sparql import STATUS_TEXT, HTTPProblem, problem_response

blueprint = Blueprint("pages", __name__)
DESCRIPTION_FORMATS = [f for f in GRAPH_FORMATS if f.name in ("ttl", "jsonld", "rdf", "nt")]


def settings() -> Settings:
    return current_app.config["KZGRAPH"]


def dataset_statistics(app: Flask) -> dict:
    """VoID counts for the current data, computed once per dataset version."""
    return derived(app.extensions["kzgraph.dataset"], "statistics", statistics)


def root_url(environ: dict | None = None, config: Settings | None = None) -> str:
    """The server's public URL, for links in manifests, descriptions and pages.

    The configured ``public_base_url`` when there is one. Otherwise the request's own
    scheme and Host, but only a Host that names this machine (localhost or the bound
    address): any other is the client's word, and links built on it would point
    wherever the client likes. X-Forwarded-* headers count only through ProxyFix, which
    ``create_app`` installs for the configured number of proxies (``proxy_count``)."""
    config = config or (current_app.config["KZGRAPH"] if environ is None else None)
    env = environ or request.environ
    if config is not None and config.public_base_url:
        return config.public_base_url.rstrip("/") + "/"
    scheme = env.get("wsgi.url_scheme", "http")
    host = env.get("HTTP_HOST") or f"{env.get('SERVER_NAME')}:{env.get('SERVER_PORT')}"
    name = host.rsplit(":", 1)[0].strip("[]") if not host.endswith("]") else host.strip("[]")
    trusted = {"localhost", "127.0.0.1", "::1"} | ({config.host} if config is not None else set())
    if config is not None and not config.proxy_count and name not in trusted:
        host = f"{config.host}:{config.port}"
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
        root = root_url(environ, app.config["KZGRAPH"])
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


def prefers_html(accept: str | None, others: Iterable[str] = ()) -> bool:
    """A browser: it names text/html at least as high as any of the ``others`` (by default
    the RDF formats); ``*/*`` alone means a program, which gets data."""
    parsed = parse_accept_header(accept or "", MIMEAccept)
    alternatives = list(others) or [f.media_type for f in DESCRIPTION_FORMATS]
    return "text/html" in parsed.values() and parsed["text/html"] >= max(
        (parsed[m] for m in alternatives), default=0
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


class TripleIndex:
    """Triples by subject and predicate, to read a description back for its page."""

    def __init__(self, triples: Iterable[ox.Triple]) -> None:
        self.by: dict[tuple[str, str], list] = {}
        for t in triples:
            self.by.setdefault((t.subject.value, t.predicate.value), []).append(t.object)

    def values(self, subject: str, predicate: str) -> list:
        return self.by.get((subject, predicate), [])

    def first(self, subject: str, predicate: str, default: str = "") -> str:
        found = self.values(subject, predicate)
        return found[0].value if found else default


def service_view(triples: list[ox.Triple], root: str, queries: list[tuple[str, str]]) -> dict:
    """What the service description says, read back from its own triples, so that the
    page shows exactly what programs are told."""
    sd = TripleIndex(triples)
    values, first = sd.values, sd.first
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
        # The reason, without where the store is: a path or an internal URL is for the log.
        current_app.logger.warning("health check failed: %s", exc)
        location = settings().store
        message = str(exc).replace(location.rstrip("/"), "the store").replace(location, "the store")
        return jsonify(status="unavailable", message=message), 503
    return jsonify(
        status="ok",
        version=__version__,
        data_version=dataset.version,
        store="remote" if settings().is_remote else "embedded",
        writable=bool(settings().update_token),
        check_ms=round((time.perf_counter() - started) * 1000, 2),
    )


@blueprint.route("/.well-known/void")
def void():
    root = root_url()
    stats = dataset_statistics(current_app)
    folder = dumps.current(current_app.extensions["kzgraph.dataset"])
    files = sorted(folder.glob("*.gz")) if folder is not None else []
    listed = [(p.name, f"{root}dumps/{p.name}", p.stat().st_size) for p in files]
    triples = void_triples(stats, settings(), root, listed)
    explicit = request.args.get("format")
    if explicit is None and prefers_html(request.headers.get("Accept")):
        response = Response(
            render_template(
                "void.html",
                version=__version__,
                void=void_view(triples, f"{settings().base_iri}dataset"),
                formats=DESCRIPTION_FORMATS,
            )
        )
        response.headers["Vary"] = "Accept"
        return response
    return rdf_response(triples, request.headers.get("Accept"), explicit)


def void_view(triples: list[ox.Triple], dataset: str) -> dict:
    """The VoID description read back from its triples for its page."""
    void = TripleIndex(triples)

    def partitions(kind: str, key: str, count: str) -> list[tuple[str, str]]:
        rows = [
            (void.first(part.value, VOID + key), void.first(part.value, VOID + count))
            for part in void.values(dataset, VOID + kind)
        ]
        return sorted(rows, key=lambda row: -int(row[1] or 0))

    dumps = []
    for dist in void.values(dataset, DCAT + "distribution"):
        dumps.append(
            (
                void.first(dist.value, DCAT + "downloadURL"),
                void.first(dist.value, DCAT + "mediaType"),
                void.first(dist.value, DCAT + "byteSize"),
            )
        )
    subsets = [
        (void.first(sub.value, SD + "name"), void.first(sub.value, VOID + "triples"))
        for sub in void.values(dataset, VOID + "subset")
    ]
    return {
        "iri": dataset,
        "title": void.first(dataset, DCT + "title"),
        "license": void.first(dataset, DCT + "license"),
        "endpoint": void.first(dataset, VOID + "sparqlEndpoint"),
        "uri_space": void.first(dataset, VOID + "uriSpace"),
        "example": void.first(dataset, VOID + "exampleResource"),
        "vocabularies": [o.value for o in void.values(dataset, VOID + "vocabulary")],
        "counts": [
            (word, void.first(dataset, VOID + key))
            for word, key in (
                ("triples", "triples"),
                ("entities", "entities"),
                ("classes", "classes"),
                ("properties", "properties"),
            )
            if void.values(dataset, VOID + key)
        ],
        "classes": partitions("classPartition", "class", "entities"),
        "properties": partitions("propertyPartition", "property", "triples"),
        "subsets": sorted(subsets),
        "dumps": sorted(dumps),
    }


# The README's example queries, offered on the home page as well.
README_EXAMPLES = [
    (
        "Chambers and their sizes, with Wikidata's label service",
        "SELECT DISTINCT ?chamber ?chamberLabel ?seats WHERE {\n"
        "  VALUES ?house { wd:Q375928 wd:Q637846 }  # lower house, upper house\n"
        "  ?chamber wdt:P31 ?house ; wdt:P1342 ?seats .\n"
        '  SERVICE wikibase:label { bd:serviceParam wikibase:language "en". }\n'
        "} ORDER BY ?chamberLabel ?seats",
    ),
    (
        "The 2016 Mäjilis election, party by party",
        "SELECT DISTINCT ?party ?partyLabel ?share ?seats WHERE {\n"
        "  ?election owl:sameAs wd:Q23014128 ; p:P710 ?st .\n"
        "  ?st ps:P710 ?party ; pq:P1107 ?share ; pq:P1410 ?seats .\n"
        '  SERVICE wikibase:label { bd:serviceParam wikibase:language "en". }\n'
        "} ORDER BY DESC(?share)",
    ),
    (
        "Where each size of the Senate comes from",
        "SELECT DISTINCT ?seats ?quote WHERE {\n"
        "  kz:senate p:P1342 ?st . ?st ps:P1342 ?seats ; prov:wasDerivedFrom/pr:P1683 ?quote .\n"
        "} ORDER BY ?seats ?quote",
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
    """The JSON error body every kzgraph endpoint uses (see ``sparql.problem_response``);
    a browser (Accept: text/html before JSON) gets the same message as a page with a way on."""
    if prefers_html(request.headers.get("Accept"), ["application/json"]):
        response = Response(
            render_template(
                "error.html",
                version=__version__,
                status=status,
                title=STATUS_TEXT.get(status, "Error"),
                message=message,
            ),
            status=status,
            mimetype="text/html",
        )
    else:
        error = STATUS_TEXT.get(status, "Error").lower()
        response = jsonify(error=error, status=status, message=message)
        response.status_code = status
    response.headers["Vary"] = "Accept"
    for key, value in headers:
        response.headers[key] = value
    return response


MANIFEST_PATHS = ("/reconcile", "/reconcile/v1")


@blueprint.after_app_request
def manifest_page(response: Response) -> Response:
    """The reconciliation manifest as a page for a browser; OpenRefine and other programs
    (which do not ask for text/html first) keep the JSON."""
    if (
        request.method == "GET"
        and request.path in MANIFEST_PATHS
        and not request.args
        and response.status_code == 200
        and response.mimetype == "application/json"
        and prefers_html(request.headers.get("Accept"), ["application/json"])
    ):
        manifest = response.get_json()
        page = render_template(
            "reconcile.html",
            version=__version__,
            m=manifest,
            service=root_url().rstrip("/") + request.path,
            raw=json.dumps(manifest, indent=2, ensure_ascii=False),
        )
        html = Response(page, mimetype="text/html")
        for key in ("Access-Control-Allow-Origin", "Content-Security-Policy"):
            if key in response.headers:
                html.headers[key] = response.headers[key]
        html.headers["Vary"] = "Accept"
        return html
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
