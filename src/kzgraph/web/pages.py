"""The server's own pages: home and query UI, health, VoID, the service description, the
predefined prefixes, and the reconciliation manifest as a page (errors: ``errors.py``)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from urllib.parse import parse_qs

import pyoxigraph as ox
from flask import Blueprint, Flask, Response, current_app, jsonify, render_template, request
from markdown_it import MarkdownIt
from markupsafe import Markup

from kzgraph import __version__
from kzgraph.namespaces import DCT, DQV, PREDEFINED, RDFS
from kzgraph.quality import METRICS
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
from kzgraph.web.errors import as_problem, problem_response
from kzgraph.web.formats import (
    DESCRIPTION_FORMATS,
    NotAcceptable,
    UnknownFormat,
    negotiate,
    prefers_html,
)
from kzgraph.web.linked import local, reader
from kzgraph.web.state import settings, state
from kzgraph.web.urls import root_url

blueprint = Blueprint("pages", __name__)


def dataset_statistics(app: Flask) -> dict:
    """VoID counts for the current data, computed once per dataset version."""
    return derived(state(app).dataset, "statistics", statistics)


def rdf_response(
    triples: list[ox.Triple], accept: str | None, explicit: str | None = None
) -> Response:
    fmt = negotiate(accept, DESCRIPTION_FORMATS, explicit)
    body = ox.serialize(
        triples, format=fmt.oxigraph, prefixes=PREFIXES if fmt.name == "ttl" else None
    )
    return Response(body, content_type=fmt.content_type, headers={"Vary": "Accept"})


def canned_query_links(app: Flask, root: str) -> list[tuple[str, str]]:
    return [(q.name, f"{root}queries/{q.name}") for q in state(app).queries]


def describe_service(app: Flask) -> Callable[[dict, Callable], Iterable[bytes]]:
    """The WSGI handler for GET /sparql without a query: a page for browsers, the SPARQL
    1.1 Service Description (by content negotiation or ``?format=``) for programs."""

    def describe(environ: dict, start_response: Callable) -> Iterable[bytes]:
        accept = environ.get("HTTP_ACCEPT", "")
        explicit = parse_qs(environ.get("QUERY_STRING", "")).get("format", [None])[0]
        root = root_url(environ, settings(app))
        try:
            with app.app_context():
                stats = dataset_statistics(app)
                queries = canned_query_links(app, root)
                triples = service_triples(stats, settings(app), root, queries)
                if explicit is None and prefers_html(accept):
                    body = render_page(
                        app, "service.html", root=root, sd=service_view(triples, root, queries)
                    ).encode()
                    content_type = "text/html; charset=utf-8"
                else:
                    response = rdf_response(triples, accept, explicit)
                    body, content_type = response.get_data(), response.content_type
        except (StoreUnavailable, NotAcceptable, UnknownFormat) as exc:
            return problem_response(start_response, as_problem(exc))
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
    dataset = state(app).dataset
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
    folder = dumps.current(state().dataset)
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
        "quality": quality_view(void, dataset),
    }


def quality_view(void: TripleIndex, dataset: str) -> list[dict]:
    """Each evaluation corpus's mean recall and precision, read back from the dataset's DQV
    measurements (each article's and each relation's are in the RDF)."""
    means = {KZO + name: metric for (metric, scope), name in METRICS.items() if scope == "mean"}
    corpora: dict[str, dict] = {}
    for measurement in void.values(dataset, DQV + "hasQualityMeasurement"):
        m = measurement.value
        metric = means.get(void.first(m, DQV + "isMeasurementOf"))
        if metric:
            corpus = corpora.setdefault(void.first(m, KZO + "evaluationCorpus"), {})
            corpus[metric] = f"{float(void.first(m, DQV + 'value')):.0%}"
    return [{"corpus": name, **figures} for name, figures in sorted(corpora.items())]


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
        "Where each size of the Senate comes from, and the parts its seats are filled by",
        "SELECT DISTINCT ?seats ?filledBy ?quote WHERE {\n"
        "  kz:senate p:P1342 ?st . ?st ps:P1342 ?seats ; prov:wasDerivedFrom/pr:P1683 ?quote .\n"
        "  OPTIONAL { ?st <https://w3id.org/kzgraph/prop/qualifier/seatsFilledBy> ?filledBy }\n"
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
        queries=state().queries,
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
    return results.build(columns, rows, settings().base_iri, reader().label, local)
