"""Canned queries over HTTP: /queries, /queries/<name>[.ext], /openapi.json, /openapi."""

from __future__ import annotations

import math
from urllib.parse import urlencode

import pyoxigraph as ox
from flask import Blueprint, Response, render_template, request

from kzgraph import __version__
from kzgraph.queries import CannedQuery, ParameterError
from kzgraph.web.errors import HTTPProblem, problem_response
from kzgraph.web.formats import GRAPH_FORMATS, SOLUTION_FORMATS, prefers_html
from kzgraph.web.protocol import QueryRequest
from kzgraph.web.service import QueryService
from kzgraph.web.state import state
from kzgraph.web.urls import root_url

blueprint = Blueprint("queries", __name__)
SUFFIXES = {
    "json": "json",
    "csv": "csv",
    "tsv": "tsv",
    "xml": "xml",
    "ttl": "ttl",
    "nt": "nt",
    "jsonld": "jsonld",
}
MAX_PER_PAGE = 1000


def catalogue() -> dict[str, CannedQuery]:
    return {q.name: q for q in state().queries}


def _service() -> QueryService:
    return state().service


def _wants_html() -> bool:
    """A browser: it names text/html (``*/*`` alone means a program, which gets data)."""
    return prefers_html(request.headers.get("Accept"), ["application/json"])


def describe(q: CannedQuery, root: str) -> dict:
    return {
        "name": q.name,
        "summary": q.summary,
        "description": q.description,
        "tags": list(q.tags),
        "url": f"{root}queries/{q.name}",
        "sparql": q.text,
        "pagination": q.pagination,
        "federated": q.endpoint is not None,
        "parameters": [
            {
                "name": p.name,
                "type": p.type,
                "required": p.required and p.default is None,
                "default": p.default_value(),
                "enum": list(p.enum) or None,
            }
            for p in q.parameters
        ],
    }


@blueprint.route("/queries")
@blueprint.route("/queries.json")
def index():
    root = root_url()
    items = [describe(q, root) for q in catalogue().values()]
    if request.path.endswith(".json") or not _wants_html():
        return {"queries": items}
    return render_template("queries.html", version=__version__, queries=items)


@blueprint.route("/queries/<name>")
@blueprint.route("/queries/<name>.<ext>")
def run(name: str, ext: str | None = None):
    q = catalogue().get(name)
    if q is None:
        raise HTTPProblem(404, f"no canned query {name!r}; see /queries for the list")
    if ext is not None and ext not in SUFFIXES:
        raise HTTPProblem(
            404, f"unknown suffix .{ext}; use one of {', '.join('.' + s for s in SUFFIXES)}"
        )
    given = {k: v for k, v in request.args.items()}
    try:
        substitutions = q.bind(given)
    except ParameterError as exc:
        raise HTTPProblem(400, str(exc)) from exc
    if ext is None and _wants_html():
        return _page(q, given, substitutions)
    text, links = _paginate(q, given, substitutions)
    req = QueryRequest(
        accept=request.headers.get("Accept"), format=SUFFIXES.get(ext or "") or given.get("format")
    )
    service = _service()

    def app(environ, start_response):
        try:
            return service.run(
                environ, start_response, text, req, substitutions, extra_headers=links, stream=False
            )
        except HTTPProblem as problem:
            return problem_response(start_response, problem)

    return Response.force_type(app, request.environ)


def _paginate(
    q: CannedQuery, given: dict, substitutions: dict
) -> tuple[str, list[tuple[str, str]]]:
    """The page's query text and RFC 8288 Link headers; ``last`` is from a real count."""
    if not q.pagination:
        return q.text, []
    try:
        page = int(given.get("page", 1))
        per_page = int(given.get("per_page", q.pagination))
    except ValueError as exc:
        raise HTTPProblem(400, "page and per_page must be whole numbers") from exc
    if page < 1 or not 1 <= per_page <= MAX_PER_PAGE:
        raise HTTPProblem(400, f"page must be 1 or more and per_page from 1 to {MAX_PER_PAGE}")
    total = len(_execute(q.text, substitutions)[1])
    last = max(1, math.ceil(total / per_page))
    base = {k: v for k, v in given.items() if k not in ("page", "per_page")}

    def url(n: int) -> str:
        return f"{request.base_url}?{urlencode({**base, 'page': n, 'per_page': per_page})}"

    links = [f'<{url(1)}>; rel="first"', f'<{url(last)}>; rel="last"']
    if page > 1:
        links.append(f'<{url(min(page - 1, last))}>; rel="prev"')
    if page < last:
        links.append(f'<{url(page + 1)}>; rel="next"')
    headers = [("Link", ", ".join(links)), ("X-Total-Count", str(total))]
    return f"{q.text}\nLIMIT {per_page} OFFSET {(page - 1) * per_page}", headers


def _execute(text: str, substitutions: dict) -> tuple[list[str], list[list]]:
    """A canned query's variables and rows, through the same query service as /sparql
    (label service, bind join, federation gateway, sandbox, dataset)."""
    return _service().select(text, substitutions)


def _page(q: CannedQuery, given: dict, substitutions: dict):
    """The query as a page: description, a form for its parameters, its SPARQL, its results."""
    text, links = _paginate(q, given, substitutions)
    error = None
    columns: list[str] = []
    rows: list[list[ox.NamedNode | ox.Literal | ox.BlankNode | None]] = []
    try:
        names, found = _execute(text, substitutions)
        shown = [i for i, name in enumerate(names) if not name.startswith("_")]
        columns = [names[i] for i in shown]
        rows = [[row[i] for i in shown] for row in found]
    except HTTPProblem as problem:
        error = problem.message
    except (SyntaxError, OSError, ValueError) as exc:
        error = str(exc)
    formats = [f.name for f in (SOLUTION_FORMATS if q.form in ("SELECT", "ASK") else GRAPH_FORMATS)]
    return render_template(
        "query.html",
        version=__version__,
        q=describe(q, "/"),
        given=given,
        columns=columns,
        rows=rows,
        error=error,
        links=links,
        formats=formats,
        editor_link="/?" + urlencode({"query": q.text}),
        query_string=urlencode({k: v for k, v in given.items() if k != "format"}),
    )


def openapi_document(root: str) -> dict:
    """OpenAPI 3.1: one GET operation per canned query, with typed parameters."""
    paths: dict = {}
    for q in state().queries:
        media = SOLUTION_FORMATS if q.form in ("SELECT", "ASK") else GRAPH_FORMATS
        params = [
            {
                "name": p.name,
                "in": "query",
                "required": p.required and p.default is None,
                "description": f"{p.type} ({'required' if p.required else 'optional'})",
                "schema": p.schema,
            }
            for p in q.parameters
        ]
        if q.pagination:
            params += [
                {
                    "name": "page",
                    "in": "query",
                    "required": False,
                    "schema": {"type": "integer", "minimum": 1, "default": 1},
                },
                {
                    "name": "per_page",
                    "in": "query",
                    "required": False,
                    "schema": {
                        "type": "integer",
                        "minimum": 1,
                        "maximum": MAX_PER_PAGE,
                        "default": q.pagination,
                    },
                },
            ]
        paths[f"/queries/{q.name}"] = {
            "get": {
                "operationId": q.name.replace("-", "_"),
                "summary": q.summary,
                "description": q.description,
                "tags": list(q.tags),
                "parameters": params,
                "responses": {
                    "200": {
                        "description": "the results",
                        "content": {f.media_type: {"schema": {}} for f in media},
                    },
                    "304": {"description": "not modified (If-None-Match)"},
                    "400": {
                        "description": "a parameter does not fit its type",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}
                        },
                    },
                    "406": {
                        "description": "no acceptable format",
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}
                        },
                    },
                },
            }
        }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": f"{state().settings.graph_name} canned queries",
            "version": __version__,
            "description": f"Researchers' questions about {state().settings.graph_subject}, "
            "as a REST API. "
            "Each operation runs one SPARQL query of the queries/ folder (grlc-compatible).",
            "license": {
                "name": "CC BY-SA 4.0 (data)",
                "url": "https://creativecommons.org/licenses/by-sa/4.0/",
            },
        },
        "servers": [{"url": root.rstrip("/") or "/"}],
        "paths": paths,
        "components": {
            "schemas": {
                "Problem": {
                    "type": "object",
                    "properties": {
                        "error": {"type": "string"},
                        "status": {"type": "integer"},
                        "message": {"type": "string"},
                    },
                    "required": ["error", "status", "message"],
                }
            }
        },
    }


@blueprint.route("/openapi.json")
def openapi_json():
    return openapi_document(root_url())


@blueprint.route("/openapi")
def openapi_page():
    return render_template("openapi.html", version=__version__, spec=openapi_document(root_url()))
