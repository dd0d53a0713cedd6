"""The W3C SPARQL 1.1 query-evaluation tests, run over HTTP against any endpoint.

Each test's data is loaded by one SPARQL Update request (a write costs kzgraph a
durable commit, so one per test, and query tests that share a dataset share one load), its
query sent through the SPARQL Protocol, and the answer compared with the expected results.
The same runner is pointed at kzgraph and at the Oxigraph server, so that kzgraph can be held
to pass at least as many: the engine is the same, the protocol layer is ours.
"""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox
import rdflib
import rdflib.compare
import requests

MF = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
QT = "http://www.w3.org/2001/sw/DataAccess/tests/test-query#"
SUITES = [
    "aggregates",
    "bind",
    "bindings",
    "cast",
    "construct",
    "csv-tsv-res",
    "exists",
    "functions",
    "grouping",
    "json-res",
    "negation",
    "project-expression",
    "property-path",
    "subquery",
]
RESULT_FORMATS = {
    ".srx": ox.QueryResultsFormat.XML,
    ".srj": ox.QueryResultsFormat.JSON,
    ".tsv": ox.QueryResultsFormat.TSV,
    ".csv": ox.QueryResultsFormat.CSV,
}


@dataclass(frozen=True)
class EvaluationTest:
    name: str
    query: Path
    data: Path | None
    graph_data: tuple[Path, ...]
    result: Path

    @property
    def dataset(self) -> tuple[Path | None, tuple[tuple[str, Path], ...]]:
        """The default graph's file and the named graphs (name, file) the query runs over."""
        return self.data, tuple((graph.as_uri(), graph) for graph in self.graph_data)


def load_tests(root: Path) -> list[EvaluationTest]:
    """The query-evaluation tests, those over the same dataset one after another (they load
    it once), by name within."""
    tests = []
    for suite in SUITES:
        manifest = root / suite / "manifest.ttl"
        if not manifest.exists():
            continue
        g = rdflib.Graph().parse(manifest, format="turtle", publicID=manifest.as_uri())
        for test in g.subjects(rdflib.RDF.type, rdflib.URIRef(MF + "QueryEvaluationTest")):
            action = g.value(test, rdflib.URIRef(MF + "action"))
            result = g.value(test, rdflib.URIRef(MF + "result"))
            query = g.value(action, rdflib.URIRef(QT + "query")) if action is not None else None
            if query is None or result is None or not str(result).startswith("file:"):
                continue
            data = g.value(action, rdflib.URIRef(QT + "data"))
            graphs = tuple(
                sorted(Path(str(x)[7:]) for x in g.objects(action, rdflib.URIRef(QT + "graphData")))
            )
            tests.append(
                EvaluationTest(
                    f"{suite}/{str(test).rsplit('#', 1)[-1]}",
                    Path(str(query)[7:]),
                    Path(str(data)[7:]) if data else None,
                    graphs,
                    Path(str(result)[7:]),
                )
            )
    return sorted(tests, key=lambda t: (str(t.dataset), t.name))


@dataclass
class Endpoint:
    query_url: str
    update_url: str
    store_url: str
    headers: dict
    # The dataset the endpoint holds as loaded by ``run``, None after anything that writes.
    holding: object = None


def _triples(path: Path) -> bytes:
    fmt = ox.RdfFormat.RDF_XML if path.suffix == ".rdf" else ox.RdfFormat.TURTLE
    quads = ox.parse(path=str(path), format=fmt, base_iri=path.as_uri())
    return ox.serialize(
        [q.triple if isinstance(q, ox.Quad) else q for q in quads], format=ox.RdfFormat.N_TRIPLES
    )


def run(endpoint: Endpoint, test: EvaluationTest) -> bool:
    """True when the endpoint's answer matches the expected result."""
    if endpoint.holding != test.dataset:  # a query test leaves the data as it found it
        _reset(endpoint, *test.dataset)
        endpoint.holding = test.dataset
    h = endpoint.headers
    text = test.query.read_text(encoding="utf-8")
    if not text.lstrip().upper().startswith("BASE"):
        text = f"BASE <{test.query.as_uri()}>\n{text}"
    suffix = test.result.suffix
    accept = {
        ".csv": "text/csv",
        ".tsv": "text/tab-separated-values",
        ".ttl": "application/n-triples",
        ".rdf": "application/n-triples",
    }.get(suffix, "application/sparql-results+json")
    r = requests.post(
        endpoint.query_url,
        data=text.encode(),
        headers={**h, "Content-Type": "application/sparql-query", "Accept": accept},
        timeout=30,
    )
    if r.status_code != 200:
        return False
    if suffix in (".ttl", ".rdf"):
        expected = rdflib.Graph().parse(
            test.result,
            format="turtle" if suffix == ".ttl" else "xml",
            publicID=test.result.as_uri(),
        )
        actual = rdflib.Graph().parse(data=r.content, format="nt")
        return rdflib.compare.isomorphic(expected, actual)
    if suffix in (".csv", ".tsv"):
        return _solutions(r.content, RESULT_FORMATS[suffix]) == _solutions(
            test.result.read_bytes(), RESULT_FORMATS[suffix]
        )
    return _solutions(r.content, ox.QueryResultsFormat.JSON) == _solutions(
        test.result.read_bytes(), RESULT_FORMATS[suffix]
    )


def _solutions(data: bytes, fmt) -> object:
    results = ox.parse_query_results(io.BytesIO(data), fmt)
    if isinstance(results, ox.QueryBoolean):
        return bool(results)
    variables = sorted(v.value for v in results.variables)
    rows = Counter()
    for solution in results:
        row = []
        for v in variables:
            term = solution[v]
            row.append(
                "_:b" if isinstance(term, ox.BlankNode) else (str(term) if term is not None else "")
            )
        rows[tuple(row)] += 1
    return variables, rows


def pass_count(endpoint: Endpoint, tests: list[EvaluationTest]) -> tuple[int, list[str]]:
    return pass_count_of(run, endpoint, tests)


# --- SPARQL Update evaluation and syntax tests ------------------------------------------

UT = "http://www.w3.org/2009/sparql/tests/test-update#"
UPDATE_SUITES = [
    "add",
    "basic-update",
    "clear",
    "copy",
    "delete",
    "delete-data",
    "delete-insert",
    "delete-where",
    "drop",
    "move",
    "syntax-update-1",
    "syntax-update-2",
    "update-silent",
]
SYNTAX_TYPES = {
    MF + "PositiveUpdateSyntaxTest11": True,
    MF + "NegativeUpdateSyntaxTest11": False,
    MF + "NegativeSyntaxTest11": False,
}


@dataclass(frozen=True)
class UpdateTest:
    """An update evaluation test (``expected_data`` set) or a syntax test (``accepted``)."""

    name: str
    request: Path
    data: Path | None = None
    graph_data: tuple[tuple[str, Path], ...] = ()
    expected_data: Path | None = None
    expected_graphs: tuple[tuple[str, Path], ...] = ()
    accepted: bool | None = None

    def text(self) -> str:
        text = self.request.read_text(encoding="utf-8")
        if text.lstrip().upper().startswith("BASE"):
            return text
        return f"BASE <{self.request.as_uri()}>\n{text}"

    def leaves_the_machine(self) -> bool:
        """A LOAD from the web: a server that follows it would make a request to the
        Internet, which a test here must not (the test is not sent to such a server)."""
        return any(
            iri.startswith(("http://", "https://"))
            and not iri.startswith(("http://127.", "http://localhost"))
            for iri in _load_sources(self.text())
        )


def _load_sources(text: str) -> list[str]:
    from kzgraph.web.updates import loads

    return [load.source for load in loads(text, {})]


def _file(term) -> Path:
    return Path(str(term)[7:])


def _graph_data(g: rdflib.Graph, node) -> tuple[tuple[str, Path], ...]:
    pairs = []
    for entry in g.objects(node, rdflib.URIRef(UT + "graphData")):
        graph = g.value(entry, rdflib.URIRef(UT + "graph"))
        label = g.value(entry, rdflib.RDFS.label)
        pairs.append((str(label), _file(graph)))
    return tuple(sorted(pairs))


def load_update_tests(root: Path) -> list[UpdateTest]:
    tests = []
    for suite in UPDATE_SUITES:
        manifest = root / suite / "manifest.ttl"
        if not manifest.exists():
            continue
        g = rdflib.Graph().parse(manifest, format="turtle", publicID=manifest.as_uri())
        for test, kind in g.subject_objects(rdflib.RDF.type):
            name = f"{suite}/{str(test).rsplit('#', 1)[-1]}"
            action = g.value(test, rdflib.URIRef(MF + "action"))
            if str(kind) in SYNTAX_TYPES:
                tests.append(UpdateTest(name, _file(action), accepted=SYNTAX_TYPES[str(kind)]))
            elif str(kind) == MF + "UpdateEvaluationTest":
                result = g.value(test, rdflib.URIRef(MF + "result"))
                data = g.value(action, rdflib.URIRef(UT + "data"))
                expected = g.value(result, rdflib.URIRef(UT + "data"))
                tests.append(
                    UpdateTest(
                        name,
                        _file(g.value(action, rdflib.URIRef(UT + "request"))),
                        _file(data) if data else None,
                        _graph_data(g, action),
                        _file(expected) if expected else None,
                        _graph_data(g, result),
                    )
                )
    return sorted(tests, key=lambda t: t.name)


def _reset(endpoint: Endpoint, data: Path | None, graphs: tuple[tuple[str, Path], ...]) -> None:
    """Empty the store and load a test's data, in one update request (one write)."""
    endpoint.holding = None
    operations = ["DROP ALL"]
    if data:
        operations.append(f"INSERT DATA {{\n{_triples(data).decode()}}}")
    for label, path in graphs:
        # The graph exists even when its file is empty, as after a Graph Store PUT.
        operations.append(f"CREATE SILENT GRAPH <{label}>")
        operations.append(f"INSERT DATA {{ GRAPH <{label}> {{\n{_triples(path).decode()}}} }}")
    requests.post(
        endpoint.update_url,
        data=" ;\n".join(operations).encode(),
        headers={**endpoint.headers, "Content-Type": "application/sparql-update"},
        timeout=30,
    ).raise_for_status()


def _graph(endpoint: Endpoint, selector: str) -> rdflib.Graph:
    r = requests.get(
        f"{endpoint.store_url}?{selector}",
        headers={**endpoint.headers, "Accept": "application/n-triples"},
        timeout=30,
    )
    graph = rdflib.Graph()
    if r.status_code == 200:
        graph.parse(data=r.content, format="nt")
    return graph


def _expected_graph(path: Path | None) -> rdflib.Graph:
    graph = rdflib.Graph()
    if path is not None:
        graph.parse(data=_triples(path), format="nt")
    return graph


def run_update(endpoint: Endpoint, test: UpdateTest) -> bool:
    """True when the endpoint accepts (or refuses) the update as the test expects and, for
    an evaluation test, leaves every graph as expected."""
    _reset(endpoint, test.data, test.graph_data)
    r = requests.post(
        endpoint.update_url,
        data=test.text().encode(),
        headers={**endpoint.headers, "Content-Type": "application/sparql-update"},
        timeout=30,
    )
    if test.accepted is not None:
        return (200 <= r.status_code < 300) if test.accepted else (400 <= r.status_code < 500)
    if not 200 <= r.status_code < 300:
        return False
    names = requests.post(
        endpoint.query_url,
        data="SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
        headers={
            **endpoint.headers,
            "Content-Type": "application/sparql-query",
            "Accept": "application/sparql-results+json",
        },
        timeout=30,
    ).json()["results"]["bindings"]
    expected = dict(test.expected_graphs)
    if {row["g"]["value"] for row in names} != {
        n for n, p in expected.items() if len(_expected_graph(p))
    }:
        return False
    if not rdflib.compare.isomorphic(
        _graph(endpoint, "default"), _expected_graph(test.expected_data)
    ):
        return False
    return all(
        rdflib.compare.isomorphic(
            _graph(endpoint, f"graph={quote(name, safe='')}"), _expected_graph(path)
        )
        for name, path in expected.items()
    )


# --- SPARQL Protocol and Graph Store Protocol tests (requests written in the manifest) -----

HT = "http://www.w3.org/2011/http#"
CNT = "http://www.w3.org/2011/content#"
STATUS_CLASSES = {
    "StatusCode2xx": (200, 300),
    "StatusCode3xx": (300, 400),
    "StatusCode4xx": (400, 500),
}
STATUS_CODES = {"OK": 200, "Created": 201, "NoContent": 204, "NotFound": 404}
RESULT_MEDIA = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
}
FORMAT_MEDIA = {
    "boolean": set(RESULT_MEDIA),
    "tabular": {*RESULT_MEDIA, "text/csv", "text/tab-separated-values"},
    "RDF": {"application/rdf+xml", "text/turtle", "application/n-triples", "text/html"},
}


@dataclass(frozen=True)
class HttpRequest:
    method: str
    path: str
    headers: tuple[tuple[str, str], ...]
    body: bytes | None
    statuses: tuple[tuple[int, int], ...]
    boolean: bool | None
    format: str | None
    location: str | None
    content_type: str | None
    rdf_body: str | None


@dataclass(frozen=True)
class HttpTest:
    """A SPARQL Protocol or Graph Store Protocol test: requests sent in order."""

    name: str
    requests: tuple[HttpRequest, ...]
    graph_data: tuple[tuple[str, Path], ...] = ()
    is_update: bool = False


def _rdf_list(g: rdflib.Graph, head) -> list:
    return list(rdflib.collection.Collection(g, head)) if head is not None else []


def _headers(g: rdflib.Graph, node) -> tuple[tuple[str, str], ...]:
    return tuple(
        (
            str(g.value(h, rdflib.URIRef(HT + "fieldName"))),
            str(g.value(h, rdflib.URIRef(HT + "fieldValue"))),
        )
        for h in _rdf_list(g, g.value(node, rdflib.URIRef(HT + "headers")))
    )


def _statuses(g: rdflib.Graph, response) -> tuple[tuple[int, int], ...]:
    ranges = []
    for status in g.objects(response, rdflib.URIRef(MF + "expectedStatus")):
        local = str(status).rsplit("#", 1)[-1]
        if local in STATUS_CLASSES:
            ranges.append(STATUS_CLASSES[local])
        else:
            code = STATUS_CODES[local]
            ranges.append((code, code + 1))
    return tuple(ranges)


def _http_request(g: rdflib.Graph, node) -> HttpRequest:
    def value(subject, prop: str, ns: str = HT):
        return g.value(subject, rdflib.URIRef(ns + prop)) if subject is not None else None

    body_node = value(node, "body")
    body = None
    if body_node is not None:
        encoding = str(value(body_node, "characterEncoding", CNT) or "UTF-8")
        body = str(value(body_node, "chars", CNT)).encode(encoding.lower())
    response = value(node, "resp")
    boolean = value(response, "expectedBoolean", MF)
    response_headers = dict(_headers(g, response))
    response_body = value(response, "body")
    return HttpRequest(
        method=str(value(node, "methodName")),
        path=str(value(node, "absolutePath")),
        headers=_headers(g, node),
        body=body,
        statuses=_statuses(g, response),
        boolean=None if boolean is None else bool(boolean.toPython()),
        format=str(value(response, "expectedFormat", MF) or "") or None,
        location=str(value(response, "expectedLocation", MF) or "") or None,
        content_type=response_headers.get("content-type"),
        rdf_body=str(value(response_body, "chars", CNT)) if response_body is not None else None,
    )


def load_http_tests(manifests: list[Path]) -> list[HttpTest]:
    tests = []
    for manifest in manifests:
        g = rdflib.Graph().parse(manifest, format="turtle", publicID=manifest.as_uri())
        for kind in ("ProtocolTest", "GraphStoreProtocolTest"):
            for test in g.subjects(rdflib.RDF.type, rdflib.URIRef(MF + kind)):
                local = str(test).rsplit("#", 1)[-1]
                action = g.value(test, rdflib.URIRef(MF + "action"))
                requests_list = _rdf_list(g, g.value(action, rdflib.URIRef(HT + "requests")))
                tests.append(
                    HttpTest(
                        f"{manifest.parent.name}/{local}",
                        tuple(_http_request(g, r) for r in requests_list),
                        _graph_data(g, test),
                        local.startswith(("update_", "bad_update")),
                    )
                )
    return sorted(tests, key=lambda t: t.name)


def _is_update(test: HttpTest, request: HttpRequest) -> bool:
    """Whether a request goes to the update endpoint (the Oxigraph server has two)."""
    content_type = dict(request.headers).get("content-type", "")
    body = request.body or b""
    if "sparql-query" in content_type or "query=" in request.path or body.startswith(b"query="):
        return False
    if "sparql-update" in content_type or "update=" in request.path or body.startswith(b"update="):
        return True
    return test.is_update


def _url(endpoint: Endpoint, test: HttpTest, request: HttpRequest) -> str:
    path = request.path
    if path.startswith("/sparql/"):
        base = endpoint.update_url if _is_update(test, request) else endpoint.query_url
        return base + path[len("/sparql/") :]
    return endpoint.store_url + path[len("/gsp") :]


def _media(content_type: str | None) -> str:
    return (content_type or "").split(";")[0].strip().lower()


def _check(response: requests.Response, request: HttpRequest, base: str) -> bool:
    if not any(low <= response.status_code < high for low, high in request.statuses):
        return False
    media = _media(response.headers.get("Content-Type"))
    if request.format and media not in FORMAT_MEDIA[request.format]:
        return False
    if request.boolean is not None:
        if media not in RESULT_MEDIA:
            return False
        answer = ox.parse_query_results(io.BytesIO(response.content), RESULT_MEDIA[media])
        if not isinstance(answer, ox.QueryBoolean) or bool(answer) != request.boolean:
            return False
    if request.content_type and media != _media(request.content_type):
        return False
    if request.rdf_body is not None:
        expected = rdflib.Graph().parse(data=request.rdf_body, format="turtle", publicID=base)
        fmt = {"text/turtle": "turtle", "application/n-triples": "nt"}.get(media, media)
        actual = rdflib.Graph().parse(data=response.content, format=fmt, publicID=base)
        return rdflib.compare.isomorphic(expected, actual)
    return True


def run_http(endpoint: Endpoint, test: HttpTest) -> bool:
    """Send the test's requests in order; True when every answer is as expected."""
    _reset(endpoint, None, test.graph_data)
    location = None
    for request in test.requests:
        url = _url(endpoint, test, request)
        body = request.body
        if location is not None:
            url = url.replace("$LOCATION$", location)
            body = body.replace(b"$LOCATION$", location.encode()) if body else body
        response = requests.request(
            request.method,
            url,
            data=body,
            headers={**endpoint.headers, **dict(request.headers)},
            timeout=30,
            allow_redirects=False,
        )
        if not _check(response, request, url):
            return False
        if request.location:
            location = response.headers.get("Location")
            if not location:
                return False
    return True


def pass_count_of(run_one, endpoint: Endpoint, tests: list) -> tuple[int, list[str]]:
    passed, failed = 0, []
    for test in tests:
        try:
            ok = run_one(endpoint, test)
        except (requests.RequestException, SyntaxError, ValueError, OSError, KeyError):
            ok = False
        if ok:
            passed += 1
        else:
            failed.append(test.name)
    return passed, failed
