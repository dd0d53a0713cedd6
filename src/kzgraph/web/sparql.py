"""The SPARQL 1.1 Protocol endpoint, ``/sparql``, written as a plain WSGI application.

It sits in front of Flask (``app.wsgi_app``) because it is the hot path: a query
costs about a millisecond in pyoxigraph, and every layer of request parsing
shows. It also needs WSGI's ``write`` callable, which Flask hides, to stream a
large result while pyoxigraph serializes it (see ``service.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from kzgraph.web.errors import HTTPProblem, problem_response
from kzgraph.web.protocol import read_request
from kzgraph.web.service import QueryService


class SparqlEndpoint:
    """WSGI app for ``/sparql``: queries, updates, and the service description."""

    def __init__(
        self, service: QueryService, describe: Callable[[dict, Callable], Iterable[bytes]]
    ) -> None:
        self.service = service
        self.describe = describe

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        try:
            req = read_request(environ, self.service.settings)
            if req.update is not None:
                self.service.update(req.update, req)
                start_response("204 No Content", [])
                return []
            if req.query is None:
                return self.describe(environ, start_response)
            return self.service.run(environ, start_response, req.query, req)
        except HTTPProblem as problem:
            return problem_response(start_response, problem)
