"""The W3C SPARQL 1.1 query-evaluation tests, run over HTTP against any endpoint.

Each test's data is loaded through the Graph Store Protocol, its query sent through the
SPARQL Protocol, and the answer compared with the expected results. The same runner is
pointed at kzgraph and at the Oxigraph server, so that kzgraph can be held to pass at
least as many: the engine is the same, the protocol layer is ours.
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


def load_tests(root: Path) -> list[EvaluationTest]:
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
    return sorted(tests, key=lambda t: t.name)


@dataclass
class Endpoint:
    query_url: str
    update_url: str
    store_url: str
    headers: dict


def _triples(path: Path) -> bytes:
    fmt = ox.RdfFormat.RDF_XML if path.suffix == ".rdf" else ox.RdfFormat.TURTLE
    quads = ox.parse(path=str(path), format=fmt, base_iri=path.as_uri())
    return ox.serialize(
        [q.triple if isinstance(q, ox.Quad) else q for q in quads], format=ox.RdfFormat.N_TRIPLES
    )


def run(endpoint: Endpoint, test: EvaluationTest) -> bool:
    """True when the endpoint's answer matches the expected result."""
    h = endpoint.headers
    requests.post(
        endpoint.update_url,
        data="DROP ALL",
        headers={**h, "Content-Type": "application/sparql-update"},
        timeout=30,
    ).raise_for_status()
    nt = {**h, "Content-Type": "application/n-triples"}
    if test.data:
        requests.put(
            endpoint.store_url + "?default", data=_triples(test.data), headers=nt, timeout=30
        ).raise_for_status()
    for graph in test.graph_data:
        requests.put(
            f"{endpoint.store_url}?graph={quote(graph.as_uri(), safe='')}",
            data=_triples(graph),
            headers=nt,
            timeout=30,
        ).raise_for_status()
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
    passed, failed = 0, []
    for test in tests:
        try:
            ok = run(endpoint, test)
        except (requests.RequestException, SyntaxError, ValueError, OSError):
            ok = False
        if ok:
            passed += 1
        else:
            failed.append(test.name)
    return passed, failed
