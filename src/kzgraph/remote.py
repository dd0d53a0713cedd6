"""A SPARQL 1.1 store over HTTP (Oxigraph server, Fuseki, Virtuoso, GraphDB, Neptune ...),
behind the subset of pyoxigraph's ``Store`` API that kzgraph uses.

- Queries go to the query endpoint; results come back parsed into pyoxigraph objects, so
  the web layer serializes and negotiates them as it does for the embedded store.
- The default graph is the union of the named graphs, given to the store as
  ``default-graph-uri`` parameters (the SPARQL Protocol's portable way to say so).
- Parameters (pyoxigraph's ``substitutions``) become a ``VALUES`` block opening the WHERE
  group, with the terms written by pyoxigraph itself: typed terms, never user text
  pasted into the query.
- ``replace_all`` publishes a build atomically: the new graphs are loaded under staging
  names, then one SPARQL Update request moves them over the live ones and drops the
  graphs the build no longer has. Stores execute one update request as one transaction,
  so readers see the old graphs or the new ones, never a half-loaded mix.
"""

from __future__ import annotations

import contextlib
import hashlib
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable

import pyoxigraph as ox

from kzgraph.sparql_text import bind_inline

STAGING = "#kzgraph-staging-"
RESULTS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
}
ACCEPT = "application/sparql-results+json, application/n-triples;q=0.9, text/turtle;q=0.8"
INSERT_CHUNK = 5000


class RemoteStoreError(OSError):
    """The remote store could not be reached or refused a request."""


class TripleResults:
    """CONSTRUCT / DESCRIBE results from a remote store, shaped like ``QueryTriples``."""

    def __init__(self, triples: list[ox.Triple]) -> None:
        self.triples = triples

    def __iter__(self):
        return iter(self.triples)

    def serialize(self, output=None, format: ox.RdfFormat | None = None):
        data = ox.serialize(self.triples, format=format or ox.RdfFormat.N_TRIPLES)
        if output is None:
            return data
        output.write(data)
        return None


class RemoteStore:
    def __init__(self, url: str, user_agent: str, timeout: float = 30.0) -> None:
        url = url.rstrip("/")
        if url.endswith(("/query", "/sparql")):
            self.query_url = url
        else:
            self.query_url = url + "/query"
        self.update_url = (
            self.query_url[: -len("query")] + "update"
            if self.query_url.endswith("/query")
            else self.query_url
        )
        self.user_agent = user_agent
        self.timeout = timeout

    # --- HTTP -----------------------------------------------------------------------------

    def _post(
        self, url: str, data: bytes, content_type: str, accept: str = "*/*"
    ) -> tuple[str, bytes]:
        request = urllib.request.Request(
            url,
            data=data,
            method="POST",
            headers={"Content-Type": content_type, "Accept": accept, "User-Agent": self.user_agent},
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return response.headers.get("Content-Type", ""), response.read()
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode("utf-8", "replace")[:500]
            if exc.code == 400:
                raise SyntaxError(f"the remote store rejected the query: {detail}") from exc
            raise RemoteStoreError(
                f"the remote store at {url} answered HTTP {exc.code}: {detail}"
            ) from exc
        except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
            raise RemoteStoreError(
                f"the remote store at {url} cannot be reached: {getattr(exc, 'reason', exc)}"
            ) from exc

    # --- the Store API kzgraph uses --------------------------------------------------------

    def query(
        self,
        query: str,
        *,
        prefixes: dict[str, str] | None = None,
        substitutions: dict | None = None,
        custom_functions: dict | None = None,
        use_default_graph_as_union: bool = False,
        default_graph: list | None = None,
        named_graphs: list | None = None,
        base_iri: str | None = None,
    ):
        if custom_functions and any(f.value in query for f in custom_functions):
            raise ValueError(
                "kzgraph's extension functions (kzo:fold) are not available on a remote store"
            )
        if substitutions:
            query = bind_inline(query, {v.value: str(t) for v, t in substitutions.items()})
        text = "".join(f"PREFIX {k}: <{v}>\n" for k, v in (prefixes or {}).items()) + query
        params = []
        graphs = (
            default_graph
            if default_graph
            else (self.named_graphs() if use_default_graph_as_union else [])
        )
        params += [("default-graph-uri", g.value) for g in graphs if isinstance(g, ox.NamedNode)]
        params += [("named-graph-uri", g.value) for g in named_graphs or []]
        url = self.query_url + ("?" + urllib.parse.urlencode(params) if params else "")
        content_type, body = self._post(
            url, text.encode("utf-8"), "application/sparql-query", ACCEPT
        )
        media = content_type.split(";")[0].strip()
        if media in RESULTS:
            return ox.parse_query_results(body, RESULTS[media])
        try:
            rdf_format = ox.RdfFormat.from_media_type(media)
        except ValueError as exc:
            raise RemoteStoreError(f"the remote store answered with {media!r}") from exc
        return TripleResults(
            [q.triple if isinstance(q, ox.Quad) else q for q in ox.parse(body, format=rdf_format)]
        )

    def update(
        self, update: str, *, prefixes: dict[str, str] | None = None, base_iri: str | None = None
    ) -> None:
        text = "".join(f"PREFIX {k}: <{v}>\n" for k, v in (prefixes or {}).items()) + update
        self._post(self.update_url, text.encode("utf-8"), "application/sparql-update")

    def named_graphs(self) -> list[ox.NamedNode]:
        rows = self.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
        return sorted((r["g"] for r in rows if STAGING not in r["g"].value), key=lambda g: g.value)

    def contains_named_graph(self, graph: ox.NamedNode) -> bool:
        return graph in self.named_graphs()

    def quads_for_pattern(
        self, subject=None, predicate=None, object=None, graph_name=None
    ) -> list[ox.Quad]:
        terms = {"s": subject, "p": predicate, "o": object, "g": graph_name}
        bound = {
            k: v for k, v in terms.items() if v is not None and not isinstance(v, ox.DefaultGraph)
        }
        default = isinstance(graph_name, ox.DefaultGraph)
        pattern = "?s ?p ?o" if default else "GRAPH ?g { ?s ?p ?o }"
        values = ""
        if bound:
            values = f"VALUES ({' '.join('?' + k for k in bound)}) {{ ({' '.join(str(v) for v in bound.values())}) }}"
        rows = self.query(f"SELECT ?s ?p ?o ?g WHERE {{ {values} {pattern} }}")
        quads = []
        for r in rows:
            g = r["g"] if r["g"] is not None else ox.DefaultGraph()
            if isinstance(g, ox.NamedNode) and STAGING in g.value:
                continue
            quads.append(ox.Quad(r["s"], r["p"], r["o"], g))
        return quads

    def clear_graph(self, graph) -> None:
        self.update(
            "CLEAR SILENT DEFAULT"
            if isinstance(graph, ox.DefaultGraph)
            else f"CLEAR SILENT GRAPH <{graph.value}>"
        )

    def remove_graph(self, graph) -> None:
        self.update(f"DROP SILENT GRAPH <{graph.value}>")

    def add_graph(self, graph) -> None:
        self.update(f"CREATE SILENT GRAPH <{graph.value}>")

    def extend(self, quads: Iterable[ox.Quad]) -> None:
        quads = list(quads)
        for i in range(0, len(quads), INSERT_CHUNK):
            self.update(f"INSERT DATA {{ {_quads_as_update(quads[i : i + INSERT_CHUNK])} }}")

    # --- publishing a build ----------------------------------------------------------------

    def replace_all(self, quads: Iterable[ox.Quad]) -> str:
        """Publish ``quads`` as the store's whole content, atomically; returns the release id."""
        by_graph: dict[str, list[ox.Quad]] = {}
        for q in quads:
            by_graph.setdefault(q.graph_name.value, []).append(q)
        release = hashlib.sha256(
            "".join(sorted(map(str, by_graph))).encode()
            + str(sum(map(len, by_graph.values()))).encode()
        ).hexdigest()[:12]
        staging = {g: f"{g}{STAGING}{release}" for g in by_graph}
        try:
            for graph, graph_quads in by_graph.items():
                self.update(f"DROP SILENT GRAPH <{staging[graph]}>")
                target = ox.NamedNode(staging[graph])
                self.extend(
                    [ox.Quad(q.subject, q.predicate, q.object, target) for q in graph_quads]
                )
        except (OSError, SyntaxError):
            for name in staging.values():
                with contextlib.suppress(OSError):
                    self.update(f"DROP SILENT GRAPH <{name}>")
            raise
        stale = [g.value for g in self.named_graphs() if g.value not in by_graph]
        operations = [f"MOVE SILENT <{staging[g]}> TO <{g}>" for g in sorted(by_graph)]
        operations += [f"DROP SILENT GRAPH <{g}>" for g in stale]
        self.update(" ;\n".join(operations))
        return release


def _quads_as_update(quads: list[ox.Quad]) -> str:
    """Quads as the body of INSERT DATA: default-graph triples, then one GRAPH block each."""
    by_graph: dict[object, list[ox.Triple]] = {}
    for q in quads:
        by_graph.setdefault(q.graph_name, []).append(q.triple)
    parts = []
    for graph, triples in by_graph.items():
        text = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode()
        parts.append(
            text if isinstance(graph, ox.DefaultGraph) else f"GRAPH <{graph.value}> {{\n{text}}}"
        )
    return "\n".join(parts)


class RemoteDataset:
    """What the web layer reads from when the store is remote: no copy is kept, so any
    number of ``kzgraph serve`` instances can serve the same store."""

    def __init__(self, url: str, user_agent: str, timeout: float = 30.0) -> None:
        self.store = RemoteStore(url, user_agent, timeout)
        self.path = url
        self.version = ""
        self._checked = 0.0

    def current_version(self) -> str:
        from kzgraph.web.dataset import StoreUnavailable

        try:
            rows = list(self.store.query("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"))
        except OSError as exc:
            raise StoreUnavailable(str(exc)) from exc
        return f"remote:{rows[0]['n'].value if rows else 0}"

    def fresh(self):
        # The data version costs a round trip; ask at most once a second.
        now = time.monotonic()
        if now - self._checked > 1.0 or not self.version:
            self.version = self.current_version()
            self._checked = now
        return self.store

    def writable(self):
        @contextlib.contextmanager
        def handle():
            yield self.store
            self._checked = 0.0

        return handle()
