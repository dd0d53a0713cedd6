"""The SPARQL 1.1 Protocol's request side: what a GET or POST to ``/sparql`` asks for,
decoded strictly (UTF-8, one query or update, bounded sizes), with a 4xx for anything odd."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import unquote_to_bytes
from wsgiref.util import request_uri

from kzgraph.settings import Settings
from kzgraph.web.errors import HTTPProblem

FORM = "application/x-www-form-urlencoded"
QUERY_TYPE = "application/sparql-query"
UPDATE_TYPE = "application/sparql-update"


@dataclass
class QueryRequest:
    """What a client asked: the operation text and the dataset it names."""

    query: str | None = None
    update: str | None = None
    default_graphs: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)
    # The dataset of an update's WHERE clauses (using-graph-uri, using-named-graph-uri).
    using_graphs: list[str] = field(default_factory=list)
    using_named_graphs: list[str] = field(default_factory=list)
    # The endpoint's own URL: the base IRI of relative IRIs in the request.
    base_iri: str | None = None
    format: str | None = None
    accept: str | None = None
    authorization: str | None = None


def read_request(environ: dict, settings: Settings) -> QueryRequest:
    """Parse a SPARQL Protocol request (GET, POST form, POST direct); 4xx on anything odd."""
    method = environ["REQUEST_METHOD"]
    params = _params(environ.get("QUERY_STRING", ""))
    body_params: list[tuple[str, str]] = []
    req = QueryRequest(
        accept=environ.get("HTTP_ACCEPT"),
        authorization=environ.get("HTTP_AUTHORIZATION"),
        base_iri=request_uri(environ, include_query=False),
    )
    if method == "POST":
        ctype = environ.get("CONTENT_TYPE", "").split(";")[0].strip().lower()
        body = _read_body(environ, settings)
        if ctype == FORM:
            body_params = _params(body) if body else []
        elif ctype in (QUERY_TYPE, UPDATE_TYPE):
            text = _utf8(body, "the request body")
            if ctype == QUERY_TYPE:
                req.query = text
            else:
                req.update = text
        else:
            raise HTTPProblem(
                415,
                f"unsupported Content-Type {ctype or '(none)'!r}: POST a query as {QUERY_TYPE}, "
                f"an update as {UPDATE_TYPE}, or either as {FORM} (query= or update=)",
            )
    elif method not in ("GET", "HEAD"):
        raise HTTPProblem(
            405,
            f"{method} is not allowed on the SPARQL endpoint; use GET or POST",
            [("Allow", "GET, HEAD, POST, OPTIONS")],
        )
    all_params = params + body_params
    for key, value in all_params:
        if key in ("query", "update") and getattr(req, key) is not None:
            raise HTTPProblem(400, f"send one {key}= parameter, not several")
        if key == "query":
            req.query = value
        elif key == "update":
            if method != "POST":
                raise HTTPProblem(405, "SPARQL Update must be sent with POST", [("Allow", "POST")])
            req.update = value
        elif key == "default-graph-uri":
            req.default_graphs.append(value)
        elif key == "named-graph-uri":
            req.named_graphs.append(value)
        elif key == "using-graph-uri":
            req.using_graphs.append(value)
        elif key == "using-named-graph-uri":
            req.using_named_graphs.append(value)
        elif key == "format" and req.format is None:
            # Clients such as SPARQLWrapper repeat format= with a name, then media types:
            # the first one given decides.
            req.format = value.split(",")[0].strip()
    if req.query is not None and req.update is not None:
        raise HTTPProblem(400, "send either query or update, not both")
    text = req.query if req.query is not None else req.update
    if text is not None and len(text.encode("utf-8", "surrogatepass")) > settings.max_query_bytes:
        raise HTTPProblem(
            413, f"the query is longer than the {settings.max_query_bytes}-byte limit"
        )
    return req


def check_utf8(environ: dict) -> None:
    """Refuse a path or query string that is not UTF-8 (after percent-decoding): Flask's
    routes would read it with replacement characters and answer as if it meant something."""
    _utf8(environ.get("PATH_INFO", "").encode("latin-1"), "the path")
    _params(environ.get("QUERY_STRING", ""))


def _params(raw: str | bytes) -> list[tuple[str, str]]:
    """Decode ``a=1&b=2`` strictly as UTF-8 (WSGI hands the query string over as latin-1)."""
    data = raw.encode("latin-1") if isinstance(raw, str) else raw
    pairs = []
    for part in data.split(b"&"):
        if not part:
            continue
        key, _, value = part.partition(b"=")
        try:
            pairs.append((_unquote(key), _unquote(value)))
        except UnicodeDecodeError as exc:
            raise HTTPProblem(
                400, f"the parameters are not valid UTF-8 after percent-decoding (byte {exc.start})"
            ) from exc
    return pairs


def _unquote(data: bytes) -> str:
    return unquote_to_bytes(data.replace(b"+", b" ")).decode("utf-8")


def _utf8(data: bytes, what: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise HTTPProblem(400, f"{what} is not valid UTF-8 (byte {exc.start})") from exc


def _read_body(environ: dict, settings: Settings) -> bytes:
    try:
        length = int(environ.get("CONTENT_LENGTH") or 0)
    except ValueError as exc:
        raise HTTPProblem(400, "the Content-Length header is not a number") from exc
    if length > settings.max_body_bytes:
        raise HTTPProblem(
            413, f"the request body is larger than the {settings.max_body_bytes}-byte limit"
        )
    return environ["wsgi.input"].read(length) if length else b""
