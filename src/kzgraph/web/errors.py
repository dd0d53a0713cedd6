"""Errors, one way for all of ``web/``: an ``HTTPProblem`` raised anywhere becomes the same
JSON body (``{"error", "status", "message"}``), from the plain WSGI endpoint and from Flask
routes alike; a browser that asks for HTML first gets that message as a page instead."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable

from flask import Flask, Response, render_template, request

from kzgraph import __version__
from kzgraph.web.dataset import StoreUnavailable
from kzgraph.web.formats import NotAcceptable, UnknownFormat, prefers_html


class HTTPProblem(Exception):
    """An error answer: status, a message a person can act on, and extra headers."""

    def __init__(self, status: int, message: str, headers: Iterable[tuple[str, str]] = ()) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = list(headers)


STATUS_TEXT = {
    200: "OK",
    204: "No Content",
    304: "Not Modified",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    406: "Not Acceptable",
    413: "Content Too Large",
    415: "Unsupported Media Type",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
}


def problem_response(start_response: Callable, problem: HTTPProblem) -> list[bytes]:
    """A plain WSGI app's error (the /sparql endpoint, the gateway)."""
    body = problem_body(problem)
    headers = [
        ("Content-Type", "application/json"),
        ("Content-Length", str(len(body))),
        *problem.headers,
    ]
    start_response(f"{problem.status} {STATUS_TEXT.get(problem.status, 'Error')}", headers)
    return [body]


def problem_body(problem: HTTPProblem) -> bytes:
    """The JSON body of every error kzgraph answers."""
    return json.dumps(
        {
            "error": STATUS_TEXT.get(problem.status, "Error").lower(),
            "status": problem.status,
            "message": problem.message,
        }
    ).encode()


def as_problem(exc: Exception) -> HTTPProblem | None:
    """The answer to an exception of the layers below: the store is down, no format fits."""
    if isinstance(exc, HTTPProblem):
        return exc
    if isinstance(exc, StoreUnavailable):
        return HTTPProblem(503, str(exc), [("Retry-After", "5")])
    if isinstance(exc, NotAcceptable):
        return HTTPProblem(406, str(exc))
    if isinstance(exc, UnknownFormat):
        return HTTPProblem(400, str(exc))
    return None


def problem_page(problem: HTTPProblem) -> Response:
    """A Flask route's error: the JSON body, or for a browser (Accept: text/html before
    JSON) the same message as a page with a way on."""
    if prefers_html(request.headers.get("Accept"), ["application/json"]):
        response = Response(
            render_template(
                "error.html",
                version=__version__,
                status=problem.status,
                title=STATUS_TEXT.get(problem.status, "Error"),
                message=problem.message,
            ),
            status=problem.status,
            mimetype="text/html",
        )
    else:
        response = Response(
            problem_body(problem), status=problem.status, mimetype="application/json"
        )
    response.headers["Vary"] = "Accept"
    for key, value in problem.headers:
        response.headers[key] = value
    return response


def problem(status: int, message: str, headers: Iterable[tuple[str, str]] = ()) -> Response:
    return problem_page(HTTPProblem(status, message, headers))


def register_error_handlers(app: Flask) -> None:
    """Every error a Flask route raises or Flask itself finds, answered by ``problem_page``."""
    for exc_type in (HTTPProblem, StoreUnavailable, NotAcceptable, UnknownFormat):
        app.register_error_handler(exc_type, lambda exc: problem_page(as_problem(exc)))
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
