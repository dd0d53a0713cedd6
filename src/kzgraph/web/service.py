"""The query service: every query and update from a client runs through here, whatever
route it came by (``/sparql``, ``/queries``, ``/store``, entity pages).

It chooses the dataset, checks the text (shape, allowlist), rewrites it (the label
service, bind joins, the federation gateway), runs it in the egress sandbox, negotiates the
format, and caches or streams the result.

Small results (up to ``stream_after_bytes``) are buffered, given an ETag
and a Content-Length, and kept in a per-worker cache until the data changes.
Larger ones are streamed as pyoxigraph writes them: the first bytes leave at
once and memory does not grow with the result (behind the front, its shared cache
keeps streamed answers up to ``result_cache_max_bytes`` too). A streamed result whose client
leaves raises in ``write``, which stops pyoxigraph's evaluation.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable, Iterable
from typing import TypeVar

import pyoxigraph as ox

from kzgraph.functions import CUSTOM_FUNCTIONS
from kzgraph.namespaces import PREDEFINED
from kzgraph.settings import Settings
from kzgraph.sparql_text import names_dataset, redirect_services
from kzgraph.web import bindjoin, dumps, updates
from kzgraph.web.allowlist import MIGHT_CALL, NOT_ALLOWED, check_calls
from kzgraph.web.cache import ResultCache, SpillWriter
from kzgraph.web.dataset import Dataset, StoreUnavailable, derived
from kzgraph.web.egress import SANDBOX
from kzgraph.web.errors import HTTPProblem
from kzgraph.web.federation import client_message
from kzgraph.web.formats import (
    GRAPH_FORMATS,
    SOLUTION_FORMATS,
    NotAcceptable,
    UnknownFormat,
    negotiate,
)
from kzgraph.web.labels import LabelError, LabelRequest, label_solutions
from kzgraph.web.labels import prepare as prepare_labels
from kzgraph.web.protocol import QueryRequest
from kzgraph.web.shape import ShapeError, check_shape

T = TypeVar("T")


class QueryService:
    """Runs queries for /sparql and /queries: dataset selection, negotiation, caching, streaming."""

    def __init__(self, dataset: Dataset, settings: Settings) -> None:
        self.dataset = dataset
        self.settings = settings
        self.cache = ResultCache(settings.result_cache_entries)
        self._cache_version = ""
        self.cache_control = "public, max-age=60" if not settings.update_token else "no-cache"
        self.gateway = None  # a FederationGateway, once the worker has started one
        # The embedded engine runs client text in the egress sandbox (web/egress.py).
        self.sandboxed = not settings.is_remote

    def store(self) -> ox.Store:
        try:
            store = self.dataset.fresh()
        except StoreUnavailable as exc:
            raise HTTPProblem(503, str(exc), [("Retry-After", "5")]) from exc
        if self.dataset.version != self._cache_version:
            self.cache.clear()
            self._cache_version = self.dataset.version
        return store

    def run(
        self,
        environ: dict,
        start_response: Callable,
        text: str,
        req: QueryRequest,
        substitutions: dict | None = None,
        extra_headers: Iterable[tuple[str, str]] = (),
        stream: bool = True,
    ) -> Iterable[bytes]:
        store = self.store()
        # A federated answer depends on data elsewhere: never cached, never 304.
        federated = check_calls(text, self.settings)
        text, labels = self.prepare(text, federated)
        key = hashlib.sha256(
            "\x1f".join(
                [
                    self.dataset.version,
                    text,
                    repr(sorted((substitutions or {}).items(), key=str)),
                    repr(req.default_graphs),
                    repr(req.named_graphs),
                    req.base_iri or "",
                    req.accept or "",
                    req.format or "",
                ]
            ).encode()
        ).hexdigest()[:32]
        etag = f'"{key}"'
        common = [
            *([] if federated else [("ETag", etag)]),
            ("Cache-Control", "no-store" if federated else self.cache_control),
            ("Vary", "Accept"),
            *extra_headers,
        ]
        if not federated and etag in _etags(environ.get("HTTP_IF_NONE_MATCH", "")):
            start_response("304 Not Modified", common)
            return []
        cached = None if federated else self.cache.get(key)
        if cached is not None:
            content_type, body = cached
            start_response(
                "200 OK",
                [
                    ("Content-Type", content_type),
                    ("Content-Length", str(len(body))),
                    ("X-Cache", "hit"),
                    *common,
                ],
            )
            return [body] if environ["REQUEST_METHOD"] != "HEAD" else []
        try:
            check_shape(text, self.settings.max_query_depth, self.settings.max_query_operators)
        except ShapeError as exc:
            raise HTTPProblem(400, str(exc)) from exc
        self.refuse_unguarded_calls(text)
        return self.guarded(
            self._produce,
            environ,
            start_response,
            store,
            text,
            req,
            substitutions,
            common,
            key,
            federated,
            stream,
            labels,
        )

    def _produce(
        self,
        environ: dict,
        start_response: Callable,
        store: ox.Store,
        text: str,
        req: QueryRequest,
        substitutions: dict | None,
        common: list[tuple[str, str]],
        key: str,
        federated: bool,
        stream: bool,
        labels: LabelRequest | None,
    ) -> list[bytes]:
        """Evaluate and serialize, in the sandbox thread (pyoxigraph results must be read
        in the thread that made them)."""
        started = time.perf_counter()
        denied = SANDBOX.refused
        results = self._evaluate(store, text, req, substitutions, denied)
        if labels is not None and isinstance(results, ox.QuerySolutions):
            try:
                results = label_solutions(store, results, labels)
            except LabelError as exc:
                raise HTTPProblem(400, str(exc)) from exc
            except (SyntaxError, ValueError, OSError) as exc:
                raise HTTPProblem(*evaluation_problem(exc, text, denied)) from exc
        if isinstance(results, ox.QuerySolutions | ox.QueryBoolean):
            offered = SOLUTION_FORMATS
        else:
            offered = GRAPH_FORMATS
        try:
            fmt = negotiate(req.accept, offered, req.format)
        except NotAcceptable as exc:
            raise HTTPProblem(406, str(exc)) from exc
        except UnknownFormat as exc:
            raise HTTPProblem(400, str(exc)) from exc

        def start_streaming() -> Callable[[bytes], object]:
            return start_response(
                "200 OK", [("Content-Type", fmt.content_type), ("X-Streamed", "true"), *common]
            )

        out = SpillWriter(
            self.settings.stream_after_bytes if stream else float("inf"), start_streaming
        )
        try:
            results.serialize(out, fmt.oxigraph)
        except (SyntaxError, ValueError, OSError) as exc:
            if out.streaming:
                raise  # headers are sent: dropping the connection is the only signal left
            raise HTTPProblem(*evaluation_problem(exc, text, denied)) from exc
        elapsed = (time.perf_counter() - started) * 1000
        environ["kzgraph.query_ms"] = elapsed
        if out.streaming:
            return []
        body = bytes(out.buffer)
        if not federated and len(body) <= self.settings.result_cache_max_bytes:
            self.cache.put(key, fmt.content_type, body)
        start_response(
            "200 OK",
            [
                ("Content-Type", fmt.content_type),
                ("Content-Length", str(len(body))),
                ("Server-Timing", f"query;dur={elapsed:.2f}"),
                *common,
            ],
        )
        return [body] if environ["REQUEST_METHOD"] != "HEAD" else []

    def prepare(self, text: str, federated: bool) -> tuple[str, LabelRequest | None]:
        """The text pyoxigraph runs and the labels to add to its solutions: the label
        service taken out, SERVICE calls carrying the entities they are about (bind join)
        and routed through the gateway."""
        labels = None
        if "label" in text.lower():
            text, labels = prepare_labels(text, PREDEFINED)
        if federated:
            items = derived(self.dataset, "linked-items", bindjoin.linked_items)
            text = bindjoin.bind_join(
                text,
                self.settings.service_allowlist,
                items,
                self.settings.service_batch,
                PREDEFINED,
            )
        return self.route_services(text), labels

    def select(
        self, text: str, substitutions: dict | None = None
    ) -> tuple[list[str], list[list[ox.NamedNode | ox.BlankNode | ox.Literal | None]]]:
        """A SELECT's variables and rows, for pages that show them (canned query pages,
        pagination counts), with the same checks and rewrites as a /sparql request; other
        query forms give no rows."""
        store = self.store()
        text, labels = self.prepare(text, check_calls(text, self.settings))
        try:
            check_shape(text, self.settings.max_query_depth, self.settings.max_query_operators)
        except ShapeError as exc:
            raise HTTPProblem(400, str(exc)) from exc
        self.refuse_unguarded_calls(text)
        return self.guarded(self._rows, store, text, substitutions, labels)

    def _rows(
        self, store: ox.Store, text: str, substitutions: dict | None, labels: LabelRequest | None
    ) -> tuple[list[str], list[list]]:
        """Evaluated and read in the sandbox thread, like ``_produce``."""
        denied = SANDBOX.refused
        results = self._evaluate(store, text, QueryRequest(), substitutions, denied)
        if not isinstance(results, ox.QuerySolutions):
            return [], []
        try:
            if labels is not None:
                results = label_solutions(store, results, labels)
            names = [v.value for v in results.variables]
            return names, [[row[name] for name in names] for row in results]
        except LabelError as exc:
            raise HTTPProblem(400, str(exc)) from exc
        except (SyntaxError, ValueError, OSError) as exc:
            raise HTTPProblem(*evaluation_problem(exc, text, denied)) from exc

    def route_services(self, text: str) -> str:
        """Send allowlisted SERVICE calls through the worker's federation gateway."""
        if self.gateway is None or self.gateway.url is None or "service" not in text.lower():
            return text
        return redirect_services(text, PREDEFINED, self.gateway.target)

    def _evaluate(
        self, store: ox.Store, text: str, req: QueryRequest, substitutions: dict | None, denied: int
    ):
        kwargs: dict = {
            "prefixes": PREDEFINED,
            "substitutions": substitutions,
            "custom_functions": CUSTOM_FUNCTIONS,
            "base_iri": req.base_iri,
        }
        # A graph the store does not hold is an empty graph (SPARQL 1.1 Protocol 2.1.4):
        # the answer is computed over what there is, not refused.
        if req.default_graphs or req.named_graphs:
            if req.default_graphs:
                kwargs["default_graph"] = [ox.NamedNode(g) for g in req.default_graphs]
            if req.named_graphs:
                kwargs["named_graphs"] = [ox.NamedNode(g) for g in req.named_graphs]
        elif self.settings.union_default_graph and not names_dataset(text):
            # A query's own FROM / FROM NAMED is its dataset, as the standard says.
            kwargs["use_default_graph_as_union"] = True
        try:
            return store.query(text, **kwargs)
        except (SyntaxError, ValueError, OSError) as exc:
            raise HTTPProblem(*evaluation_problem(exc, text, denied)) from exc

    # --- updates ------------------------------------------------------------------------

    def authorize(self, authorization: str | None) -> None:
        """Writes need the configured token as ``Authorization: Bearer <token>``."""
        token = self.settings.update_token
        if not token:
            raise HTTPProblem(
                403, "this server is read-only: start it with --update-token to accept updates"
            )
        given = (
            (authorization or "").removeprefix("Bearer ").strip()
            if (authorization or "").startswith("Bearer ")
            else ""
        )
        if not given or not hmac.compare_digest(given.encode(), token.encode()):
            raise HTTPProblem(
                401,
                "updates need a valid token: send Authorization: Bearer <token>",
                [("WWW-Authenticate", 'Bearer realm="kzgraph"')],
            )

    def update(self, text: str, req: QueryRequest) -> None:
        self.authorize(req.authorization)
        check_calls(text, self.settings, keywords=("SERVICE",))
        try:
            # Nesting only: a long INSERT DATA legitimately holds many operator characters.
            check_shape(text, self.settings.max_query_depth, max_operators=None)
        except ShapeError as exc:
            raise HTTPProblem(400, str(exc)) from exc
        try:
            text = updates.with_protocol_dataset(text, req.using_graphs, req.using_named_graphs)
        except updates.DatasetConflict as exc:
            raise HTTPProblem(400, str(exc)) from exc
        text = self._skip_refused_loads(text, req)
        self.refuse_unguarded_calls(text)
        denied = SANDBOX.refused
        try:
            self.guarded(self._apply_update, text, req)
        except SyntaxError as exc:
            raise HTTPProblem(400, f"SPARQL Update syntax error: {exc}") from exc
        except StoreUnavailable as exc:
            raise HTTPProblem(503, str(exc), [("Retry-After", "5")]) from exc
        except OSError as exc:
            if SANDBOX.refused > denied:
                raise HTTPProblem(*evaluation_problem(exc, text, denied)) from exc
            raise HTTPProblem(
                503,
                f"the store could not be written (nothing was changed): {exc}",
                [("Retry-After", "5")],
            ) from exc
        except ValueError as exc:
            raise HTTPProblem(400, f"the update cannot be applied: {exc}") from exc

    def guarded(self, fn: Callable[..., T], *args) -> T:
        """Run engine work on client text where it cannot connect anywhere but the gateway."""
        return SANDBOX.call(fn, *args) if self.sandboxed else fn(*args)

    def refuse_unguarded_calls(self, text: str) -> None:
        """A remote store's engine, or ours where the egress sandbox is not available (not
        Linux, no seccomp), would connect wherever a SERVICE or LOAD points, out of
        kzgraph's control: refuse any text that might make it call out."""
        if self.sandboxed and SANDBOX.active:
            return
        if not self.sandboxed and self.settings.remote_store_isolated:
            return  # the store's network lets nothing out (docker-compose.yml)
        if MIGHT_CALL.search(text):
            raise HTTPProblem(
                400,
                "SERVICE and LOAD are disabled on this server: "
                + (
                    "its store is remote, and would make the calls itself"
                    if not self.sandboxed
                    else "its egress sandbox is not available"
                ),
            )

    def _apply_update(self, text: str, req: QueryRequest) -> None:
        with self.dataset.writable() as disk:
            disk.update(text, prefixes=PREDEFINED, base_iri=req.base_iri)
            dumps.mark_stale(self.dataset)

    def _skip_refused_loads(self, text: str, req: QueryRequest) -> str:
        """LOAD reads only from the allowlist. A LOAD of anything else fails as a LOAD
        whose source cannot be read does: ``LOAD SILENT`` goes on without it (SILENT
        means "ignore failure"), a plain LOAD fails the whole request, which then changes
        nothing. The text is checked for syntax first, so a malformed update is reported
        as such whatever it loads."""
        if "load" not in text.lower():
            return text
        refused = [
            load
            for load in updates.loads(text, PREDEFINED)
            if load.source not in self.settings.service_allowlist
        ]
        if not refused:
            return text
        text = updates.without(text, refused)
        failed = next((load for load in refused if not load.silent), None)
        if failed is not None:
            self._check_update_syntax(text, req)
            raise HTTPProblem(
                403,
                f"LOAD <{failed.source}> failed: this server loads only from the endpoints on "
                f"its allowlist ({', '.join(self.settings.service_allowlist) or 'none'}), so nothing "
                "was changed. Use LOAD SILENT to go on without it; an operator can extend the "
                "allowlist with KZGRAPH_SERVICE_ALLOWLIST",
            )
        return text

    def _check_update_syntax(self, text: str, req: QueryRequest) -> None:
        """400 if the update does not parse. pyoxigraph has no parser on its own, so the
        update runs on an empty scratch store, without any LOAD; one that might call a
        SERVICE is not run at all (it would leave the server)."""
        if "service" in text.lower() or "\\u" in text.lower():
            return  # a call, or text that could spell one in \u escapes
        scratch = updates.without(text, updates.loads(text, PREDEFINED))
        try:
            self.guarded(_parse_update, scratch, req.base_iri)
        except SyntaxError as exc:
            raise HTTPProblem(400, f"SPARQL Update syntax error: {exc}") from exc
        except (OSError, ValueError):
            pass


def evaluation_problem(exc: Exception, text: str, denied: int) -> tuple[int, str]:
    """Status and message for an engine error. ``denied`` is how many connections the
    egress sandbox had refused before this request: more now means the request tried
    to call somewhere the allowlist does not name."""
    if isinstance(exc, SyntaxError):
        return 400, f"SPARQL syntax error: {exc}"
    if SANDBOX.refused > denied:
        return 400, NOT_ALLOWED
    if isinstance(exc, OSError) and "service" in text.lower():
        # The engine's message names the gateway's internal address: say only what it found.
        return 502, f"a federated SERVICE call failed: {client_message(str(exc)) or 'no answer'}"
    if isinstance(exc, OSError):
        return 503, f"the store could not answer: {exc}"
    return 400, f"the query cannot be evaluated: {exc}"


def _parse_update(text: str, base_iri: str | None) -> None:
    """Parse (and run) an update on an empty scratch store: a syntax check."""
    ox.Store().update(text, prefixes=PREDEFINED, base_iri=base_iri)


def _etags(header: str) -> set[str]:
    return {t.strip().removeprefix("W/") for t in header.split(",") if t.strip()}
