"""A SPARQL 1.1 store over HTTP (the Oxigraph server, Virtuoso, Jena Fuseki, ...), behind
the same small interface as the embedded pyoxigraph store (``kzgraph.store.GraphStore``).

What every server accepts, and nothing more:

- Queries go as ``query=`` parameters, by URL-encoded POST (default) or GET
  (``store_query_method``); never as an ``application/sparql-query`` body, which
  Virtuoso does not answer. The Accept header fits the query form: SPARQL results for
  SELECT and ASK, RDF for CONSTRUCT and DESCRIBE.
- kzgraph's dataset is its own graphs (those under its base IRI): each query names
  them as ``default-graph-uri`` (the union default graph) and ``named-graph-uri``
  (so ``GRAPH ?g`` sees them). Other graphs on the server are neither read nor written.
  kzgraph's bookkeeping graph (the data version) is left out of that dataset, so queries
  never see it.
- Updates go as ``update=`` to the update URL; bulk loads by the Graph Store Protocol
  when the server has it, otherwise as INSERT DATA in chunks (``store_insert_chunk``).
- Credentials (``store_user``/``store_password``) by HTTP Basic or Digest.
- A server's refusal is raised with the server's own message, never swallowed.
- A result the server cut at its row cap is never passed on as if it were whole:
  reads of the whole dataset page through the cap, anything else is an error that
  says so.

Server differences live in one place, ``Quirks`` below.
"""

from __future__ import annotations

import contextlib
import json
import re
import time
import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox
import requests

from kzgraph import store as stores
from kzgraph.settings import Settings
from kzgraph.sparql_text import bind_inline, prefixes, spans, tokens

RESULTS_JSON = "application/sparql-results+json"
RDF_ACCEPT = "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.5"
XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
NT_NUMERIC_BOOLEAN = re.compile(r'(?<!\\)"([01])"\^\^<http://www\.w3\.org/2001/XMLSchema#boolean>')


class RemoteStoreError(OSError):
    """The remote store could not be reached or refused a request."""


class RowCapReached(ValueError):
    """The server cut a result at its row cap: the query must ask for less (a client
    error, not an outage: retrying gives the same cut)."""


# --- server differences, all of them -----------------------------------------------------------


@dataclass(frozen=True)
class Quirks:
    """What a server does differently; found from its ``Server`` header.

    - ``booleans_as_numbers``: Virtuoso writes ``true``/``false`` as ``"1"``/``"0"``
      typed xsd:boolean; kzgraph rewrites them to the canonical form.
    - ``update_path`` / ``graph_store_path``: where updates and the Graph Store Protocol
      live, relative to the query URL's dataset (Fuseki ``/ds/update``, ``/ds/data``;
      the Oxigraph server ``/update``, ``/store``; Virtuoso ``/sparql-auth`` and
      ``/sparql-graph-crud-auth`` with credentials, ``/sparql`` and
      ``/sparql-graph-crud`` without).
    - ``drop``: how a graph is removed. Virtuoso refuses ``DROP GRAPH`` for a graph not
      made by ``CREATE GRAPH`` (its quad store has no empty graphs): it gets ``CLEAR GRAPH``.
    - ``row_cap_header``: Virtuoso sends ``X-SPARQL-MaxRows`` when a SELECT reached its
      ``ResultSetMaxRows`` (default 10,000); its CONSTRUCT is cut at the same number
      silently, so a result of exactly that size counts as cut too.
    """

    server: str = "generic"
    booleans_as_numbers: bool = False
    update_path: str | None = None
    graph_store_path: str | None = None
    graph_store_param: str = "graph"
    drop: str = "DROP GRAPH"
    row_cap_header: str = "X-SPARQL-MaxRows"


def quirks_for(server_header: str, has_credentials: bool) -> Quirks:
    name = server_header.lower()
    if "virtuoso" in name:
        return Quirks(
            server="virtuoso",
            booleans_as_numbers=True,
            update_path="/sparql-auth" if has_credentials else "/sparql",
            graph_store_path="/sparql-graph-crud-auth" if has_credentials else "/sparql-graph-crud",
            graph_store_param="graph-uri",
            drop="CLEAR GRAPH",
        )
    if "fuseki" in name:
        return Quirks(server="fuseki", update_path="update", graph_store_path="data")
    if "oxigraph" in name:
        return Quirks(server="oxigraph", update_path="update", graph_store_path="store")
    return Quirks()


def _sibling(url: str, path: str) -> str:
    """``path`` beside the query service: an absolute path replaces the URL's path,
    a relative one replaces its last segment (``/ds/query`` -> ``/ds/update``)."""
    parts = urllib.parse.urlsplit(url)
    if path.startswith("/"):
        new = path
    else:
        head = parts.path.rstrip("/")
        head = head.rsplit("/", 1)[0] if head.rsplit("/", 1)[-1] in ("query", "sparql") else head
        new = f"{head}/{path}"
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, new, "", ""))


def query_url(store_url: str) -> str:
    """The query service for ``--store URL``: the URL itself when it names one (``…/query``,
    ``…/sparql``), else ``URL/query`` (the Oxigraph server's root, a Fuseki dataset)."""
    url = store_url.rstrip("/")
    return url if url.endswith(("/query", "/sparql")) else url + "/query"


FOLD = "https://w3id.org/kzgraph/ontology#fold"


def without_fold(text: str) -> str:
    """``kzo:fold(x)`` is kzgraph's own function (ignore case, accents and transliteration);
    a remote server has no such function, so it becomes ``LCASE(x)``: case is ignored,
    accents and transliteration are not."""
    if "fold" not in text:
        return text
    declared = prefixes(tokens(text), {})
    out, last = [], 0
    for kind, value, start, end in spans(text):
        name = value[1:-1] if kind == "iri" else None
        if kind == "pname":
            head, _, local = value.partition(":")
            name = declared.get(head, "\0") + local
        if name == FOLD:
            out += [text[last:start], "LCASE"]
            last = end
    return "".join(out) + text[last:]


# --- results -------------------------------------------------------------------------------------


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


def query_form(text: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the first such keyword outside strings and IRIs."""
    for kind, value in tokens(text):
        if kind == "word" and value.upper() in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
            return value.upper()
    return "SELECT"


@dataclass
class RemoteStore:
    """One SPARQL 1.1 server; implements ``kzgraph.store.GraphStore``."""

    settings: Settings
    session: requests.Session = field(default_factory=requests.Session, repr=False)
    _quirks: Quirks | None = None
    _graphs: list[ox.NamedNode] | None = None

    def __post_init__(self) -> None:
        s = self.settings
        self.url = s.store
        self.query_url = query_url(s.store)
        self.base = s.base_iri
        self.staging_prefix = f"{s.base_iri}staging/"
        self.marker = stores.version_quad(s.base_iri, "")
        if s.store_user:
            auth = (
                requests.auth.HTTPDigestAuth(s.store_user, s.store_password or "")
                if s.store_auth == "digest"
                else requests.auth.HTTPBasicAuth(s.store_user, s.store_password or "")
            )
            self.session.auth = auth
        self.session.headers["User-Agent"] = s.user_agent

    # --- where things go ---------------------------------------------------------------------

    @property
    def quirks(self) -> Quirks:
        """The server's quirks, from the ``Server`` header of one cheap query."""
        if self._quirks is None:
            response = self._send("GET", self.query_url, params={"query": "ASK {}"})
            self._quirks = quirks_for(
                response.headers.get("Server", ""), bool(self.settings.store_user)
            )
        return self._quirks

    @property
    def update_url(self) -> str:
        if self.settings.store_update_url:
            return self.settings.store_update_url
        path = self.quirks.update_path
        return _sibling(self.query_url, path) if path else self.query_url

    @property
    def graph_store_url(self) -> str | None:
        """The Graph Store Protocol service, or None to load by SPARQL Update."""
        if self.settings.store_graph_store_url:
            return self.settings.store_graph_store_url
        if self.settings.store_bulk_load == "update":
            return None
        path = self.quirks.graph_store_path
        return _sibling(self.query_url, path) if path else None

    # --- HTTP -----------------------------------------------------------------------------------

    def _send(self, method: str, url: str, is_query: bool = False, **kwargs) -> requests.Response:
        try:
            response = self.session.request(
                method, url, timeout=self.settings.query_timeout, **kwargs
            )
        except requests.Timeout as exc:
            raise RemoteStoreError(
                f"the remote store at {url} did not answer within {self.settings.query_timeout:g} s"
            ) from exc
        except requests.RequestException as exc:
            # requests nests the cause ("... Caused by NewConnectionError(...: [Errno 111]
            # Connection refused')"): keep its last part.
            reason = str(exc).rsplit(": ", 1)[-1].rstrip("'\")")
            raise RemoteStoreError(
                f"the remote store at {url} cannot be reached: {reason}"
            ) from exc
        if response.status_code >= 400:
            detail = response.text.strip()[:1000]
            if response.status_code == 400 and is_query:
                raise SyntaxError(f"the remote store rejected the query: {detail}")
            raise RemoteStoreError(
                f"the remote store at {url} answered HTTP {response.status_code}: {detail}"
            )
        return response

    def _ask_server(self, params: list[tuple[str, str]], accept: str) -> requests.Response:
        headers = {"Accept": accept}
        if self.settings.store_query_method == "get":
            return self._send("GET", self.query_url, True, params=params, headers=headers)
        return self._send("POST", self.query_url, True, data=params, headers=headers)

    # --- the GraphStore interface ---------------------------------------------------------------

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
        if substitutions:
            query = bind_inline(query, {v.value: str(t) for v, t in substitutions.items()})
        text = "".join(f"PREFIX {k}: <{v}>\n" for k, v in (prefixes or {}).items()) + query
        text = without_fold(text)
        if use_default_graph_as_union and not default_graph:
            default_graph = named_graphs = self.named_graphs()
        return self._results(text, default_graph or [], named_graphs or [])

    def _results(self, text: str, default_graph: list, named_graphs: list):
        results, capped = self._answer(text, default_graph, named_graphs)
        if capped:
            raise RowCapReached(
                f"the remote store cut the result at its row cap ({capped} rows); kzgraph "
                "does not pass on partial results: narrow the query or page it with LIMIT and "
                "OFFSET, or raise the server's cap (Virtuoso: [SPARQL] ResultSetMaxRows)"
            )
        return results

    def _answer(self, text: str, default_graph: list, named_graphs: list):
        """(results, 0) or (results, N) when the server cut them at its row cap of N."""
        form = query_form(text)
        params = [("query", text)]
        params += [("default-graph-uri", g.value) for g in default_graph]
        params += [("named-graph-uri", g.value) for g in named_graphs]
        accept = RESULTS_JSON if form in ("SELECT", "ASK") else RDF_ACCEPT
        response = self._ask_server(params, accept)
        media = response.headers.get("Content-Type", "").split(";")[0].strip()
        if form == "ASK" and media == RESULTS_JSON:
            data = response.json()
            return ox.parse_query_results(json.dumps(data), ox.QueryResultsFormat.JSON), 0
        if media == RESULTS_JSON:
            data = response.json()
            rows = data["results"]["bindings"]
            if self.quirks.booleans_as_numbers:
                _canonical_booleans(rows)
            results = ox.parse_query_results(json.dumps(data), ox.QueryResultsFormat.JSON)
            return results, self._cap(len(rows), response)
        try:
            rdf_format = ox.RdfFormat.from_media_type(media)
        except ValueError as exc:
            raise RemoteStoreError(
                f"the remote store answered a {form} query with {media or 'no media type'!r}"
            ) from exc
        body = response.text
        if self.quirks.booleans_as_numbers:
            body = NT_NUMERIC_BOOLEAN.sub(_canonical_nt_boolean, body)
        triples = [
            q.triple if isinstance(q, ox.Quad) else q
            for q in ox.parse(body.encode(), format=rdf_format)
        ]
        return TripleResults(triples), self._cap(len(triples), response)

    def _cap(self, count: int, response: requests.Response) -> int:
        """The row cap the result reached, or 0. Virtuoso flags a cut SELECT with a header
        but cuts CONSTRUCT silently: a result of exactly the known cap counts as cut."""
        header = response.headers.get(self.quirks.row_cap_header)
        if header is not None or count == self.settings.store_max_rows:
            return int(header) if header and header.isdigit() else count
        return 0

    def update(
        self, update: str, *, prefixes: dict[str, str] | None = None, base_iri: str | None = None
    ) -> None:
        text = "".join(f"PREFIX {k}: <{v}>\n" for k, v in (prefixes or {}).items()) + update
        self._send("POST", self.update_url, data={"update": text})

    def named_graphs(self) -> list[ox.NamedNode]:
        """kzgraph's own graphs (under its base IRI, staging graphs excluded)."""
        if self._graphs is not None:
            return list(self._graphs)
        return self.list_graphs()

    def list_graphs(self, staging: bool = False) -> list[ox.NamedNode]:
        """kzgraph's data graphs on the server (or its staging graphs); never the
        bookkeeping graph."""
        rows = self._results(
            "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } "
            f'FILTER(STRSTARTS(STR(?g), "{self.base}")) }}',
            [],
            [],
        )
        return sorted(
            (
                r["g"]
                for r in rows
                if staging == r["g"].value.startswith(self.staging_prefix)
                and r["g"] != self.marker.graph_name
            ),
            key=lambda g: g.value,
        )

    # --- the data version, in a graph no query's dataset names ---------------------------------

    def read_version(self) -> str | None:
        """The data version, or None when the server holds no kzgraph data."""
        m = self.marker
        rows = self._results(
            f"SELECT ?v WHERE {{ GRAPH {m.graph_name} {{ {m.subject} {m.predicate} ?v }} }}",
            [],
            [m.graph_name],
        )
        found = [r["v"].value for r in rows]
        return max(found) if found else None

    def version_update(self, version: str) -> str:
        """The update that replaces the data version with ``version``."""
        m = stores.version_quad(self.base, version)
        return (
            f"DELETE WHERE {{ GRAPH {m.graph_name} {{ {m.subject} {m.predicate} ?v }} }} ;\n"
            f"INSERT DATA {{ GRAPH {m.graph_name} {{ {m.subject} {m.predicate} {m.object} }} }}"
        )

    def stamp_version(self) -> str:
        """Give the data a new version (after a write); returns it."""
        version = stores.new_version()
        self.update(self.version_update(version))
        return version

    def remember_graphs(self, graphs: list[ox.NamedNode] | None) -> None:
        """Serve ``graphs`` as the dataset until told otherwise (None: ask each time)."""
        self._graphs = graphs

    def contains_named_graph(self, graph: ox.NamedNode) -> bool:
        return graph in self.named_graphs()

    def quads_for_pattern(
        self, subject=None, predicate=None, object=None, graph_name=None
    ) -> list[ox.Quad]:
        """Matching quads in kzgraph's graphs, paged through the server's row cap."""
        if isinstance(graph_name, ox.DefaultGraph):
            return []  # kzgraph writes named graphs only
        terms = {"s": subject, "p": predicate, "o": object, "g": graph_name}
        bound = {k: v for k, v in terms.items() if v is not None}
        values = ""
        if bound:
            names = " ".join("?" + k for k in bound)
            row = " ".join(str(v) for v in bound.values())
            values = f"VALUES ({names}) {{ ({row}) }}"
        where = f"{{ {values} GRAPH ?g {{ ?s ?p ?o }} }}"
        graphs = self.named_graphs()
        if not graphs:
            return []
        rows = self._paged(f"SELECT ?s ?p ?o ?g WHERE {where}", where, graphs)
        return [ox.Quad(r["s"], r["p"], r["o"], r["g"]) for r in rows]

    def _paged(self, text: str, where: str, graphs: list) -> list:
        """All rows of a SELECT, in pages of the server's row cap when it has one.

        Pages are cut from an ordered subquery, the form Virtuoso can page beyond its
        sort limit."""
        results, cap = self._answer(text, [], graphs)
        if not cap:
            return list(results)
        rows: list = []
        offset = 0
        while True:
            page = (
                "SELECT ?s ?p ?o ?g WHERE { { SELECT ?s ?p ?o ?g WHERE "
                f"{where} ORDER BY ?g ?s ?p ?o }} }} LIMIT {cap} OFFSET {offset}"
            )
            got = list(self._answer(page, [], graphs)[0])
            rows += got
            if len(got) < cap:
                return rows
            offset += cap

    # --- writing kzgraph's graphs -----------------------------------------------------------------

    # The writes the Graph Store Protocol of ``kzgraph serve --update-token`` makes.
    def clear_graph(self, graph: ox.NamedNode) -> None:
        self.update(f"CLEAR GRAPH <{graph.value}>")

    def remove_graph(self, graph: ox.NamedNode) -> None:
        self.update(f"{self.quirks.drop} <{graph.value}>")

    def add_graph(self, graph: ox.NamedNode) -> None:
        self.update(f"CREATE SILENT GRAPH <{graph.value}>")

    def extend(self, quads: Iterable[ox.Quad]) -> None:
        by_graph: dict[ox.NamedNode, list[ox.Triple]] = {}
        for q in quads:
            by_graph.setdefault(q.graph_name, []).append(q.triple)
        for graph, triples in by_graph.items():
            self.insert(graph, triples)

    def insert(self, graph: ox.NamedNode, triples: list[ox.Triple]) -> None:
        """INSERT DATA in chunks small enough for the server (``store_insert_chunk``)."""
        chunk = self.settings.store_insert_chunk
        for i in range(0, len(triples), chunk):
            body = ox.serialize(triples[i : i + chunk], format=ox.RdfFormat.N_TRIPLES).decode()
            self.update(f"INSERT DATA {{ GRAPH <{graph.value}> {{\n{body}}} }}")

    def load_graph(self, graph: ox.NamedNode, triples: list[ox.Triple]) -> None:
        """Replace ``graph`` with ``triples``: a Graph Store PUT, or CLEAR + INSERT DATA chunks."""
        gsp = self.graph_store_url
        if gsp:
            self._send(
                "PUT",
                gsp,
                params={self.quirks.graph_store_param: graph.value},
                data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES),
                headers={"Content-Type": "application/n-triples"},
            )
            return
        self.update(f"DROP SILENT GRAPH <{graph.value}>")
        self.insert(graph, triples)

    def counts(self, graphs: Iterable[ox.NamedNode]) -> dict[str, int]:
        """Triples per graph, as the server counts them."""
        graphs = list(graphs)
        if not graphs:
            return {}
        values = " ".join(str(g) for g in graphs)
        rows = self._results(
            f"SELECT ?g (COUNT(*) AS ?n) WHERE {{ VALUES ?g {{ {values} }} GRAPH ?g {{ ?s ?p ?o }} }} GROUP BY ?g",
            [],
            graphs,
        )
        found = {r["g"].value: int(r["n"].value) for r in rows}
        return {g.value: found.get(g.value, 0) for g in graphs}

    def publish(self, quads: Iterable[ox.Quad], version: str) -> dict[str, int]:
        """Make ``quads`` kzgraph's whole dataset on the server, with data version
        ``version``, then check it arrived.

        The graphs are loaded under staging names first, then one SPARQL Update request
        moves them over the live ones, drops kzgraph's graphs the build no longer has and
        sets the data version (servers run one update request as one transaction: readers
        see the old graphs and version or the new ones). Graphs not under kzgraph's base
        IRI are never touched. Returns the triples per graph as the server counts them
        after publishing.
        """
        by_graph: dict[str, set[ox.Triple]] = {}
        for q in quads:
            if not isinstance(q.graph_name, ox.NamedNode):
                raise ValueError("a remote store holds kzgraph's named graphs only")
            by_graph.setdefault(q.graph_name.value, set()).add(q.triple)
        foreign = [g for g in by_graph if not g.startswith(self.base)]
        if foreign:
            raise ValueError(f"graphs outside kzgraph's base IRI {self.base}: {foreign[:3]}")
        expected = {g: len(t) for g, t in by_graph.items()}
        # Staging graphs left by an interrupted build are kzgraph's own: remove them.
        leftovers = self.list_graphs(staging=True)
        if leftovers:
            self.update(" ;\n".join(f"{self.quirks.drop} <{g.value}>" for g in leftovers))
        release = stores.new_version()
        staging = {
            g: ox.NamedNode(f"{self.staging_prefix}{release}/{i}")
            for i, g in enumerate(sorted(by_graph))
        }
        try:
            for graph, triples in by_graph.items():
                self.load_graph(staging[graph], sorted(triples, key=str))
            loaded = self.counts(staging.values())
            wrong = {
                g: loaded[s.value] for g, s in staging.items() if loaded[s.value] != expected[g]
            }
            if wrong:
                raise RemoteStoreError(
                    f"the remote store holds other counts than were loaded: {_diff(expected, wrong)}"
                )
            stale = [g.value for g in self.list_graphs() if g.value not in by_graph]
            operations = [f"MOVE <{staging[g].value}> TO <{g}>" for g in sorted(by_graph)]
            operations += [f"{self.quirks.drop} <{g}>" for g in stale]
            operations.append(self.version_update(version))
            self.update(" ;\n".join(operations))
        except (OSError, SyntaxError):
            self._drop_quietly(staging.values())
            raise
        published = self.counts(ox.NamedNode(g) for g in by_graph)
        left = self.list_graphs(staging=True)
        wrong = {g: n for g, n in published.items() if n != expected[g]}
        if wrong or left:
            raise RemoteStoreError(
                "publishing did not take effect on the remote store "
                f"(counts after publishing: {_diff(expected, wrong)}; staging graphs left: "
                f"{[g.value for g in left]}); the server may not implement MOVE correctly "
                "(Jena Fuseki before 4.6 does not)"
            )
        return published

    def _drop_quietly(self, graphs: Iterable[ox.NamedNode]) -> None:
        """Best-effort cleanup after a failure that is already being reported."""
        for graph in graphs:
            with contextlib.suppress(OSError, SyntaxError):
                self.update(f"DROP SILENT GRAPH <{graph.value}>")


def _diff(expected: dict[str, int], wrong: dict[str, int]) -> str:
    return (
        ", ".join(f"<{g}> {n} instead of {expected[g]}" for g, n in sorted(wrong.items()))
        or "as expected"
    )


def _canonical_nt_boolean(match: re.Match) -> str:
    return f'"{"true" if match[1] == "1" else "false"}"^^<{XSD_BOOLEAN}>'


def _canonical_booleans(rows: list[dict]) -> None:
    for row in rows:
        for term in row.values():
            if term.get("datatype") == XSD_BOOLEAN and term.get("value") in ("0", "1"):
                term["value"] = "true" if term["value"] == "1" else "false"


class RemoteDataset:
    """What the web layer reads from when the store is remote: no copy is kept, so any
    number of ``kzgraph serve`` instances can serve the same store.

    The data version is kzgraph's marker in its bookkeeping graph (``RemoteStore.read_version``),
    read at most once a second; the list of kzgraph's graphs is re-read only when it changes.
    """

    def __init__(self, settings: Settings) -> None:
        self.store = RemoteStore(settings)
        self.path = settings.store
        self.version = ""
        self._checked = 0.0

    def current_version(self) -> str:
        try:
            version = self.store.read_version()
        except (OSError, SyntaxError) as exc:
            raise stores.StoreUnavailable(str(exc)) from exc
        if version is None:
            raise stores.StoreUnavailable(
                f"the remote store at {self.path} holds no kzgraph data (no data version in "
                f"its bookkeeping graph): run `kzgraph build --store {self.path}`"
            )
        return version

    def fresh(self) -> RemoteStore:
        now = time.monotonic()
        if now - self._checked > 1.0 or not self.version:
            version = self.current_version()
            if version != self.version:
                self.store.remember_graphs(None)
                self.store.remember_graphs(self.store.list_graphs())
                self.version = version
            self._checked = now
        return self.store

    def writable(self):
        @contextlib.contextmanager
        def handle():
            self.store.remember_graphs(None)
            try:
                yield self.store
            finally:
                self.store.stamp_version()
                self._checked = 0.0
                self.version = ""

        return handle()
