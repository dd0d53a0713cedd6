"""The WSGI middleware around the whole application: CORS, security headers, the request
deadline (the watchdog) and the access log. It sends ``/sparql`` to the plain WSGI endpoint,
kept off Flask's slower path, and everything else to Flask's routes."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable

from kzgraph.web.errors import HTTPProblem, problem_response
from kzgraph.web.sparql import SparqlEndpoint
from kzgraph.web.watchdog import Watchdog

access_log = logging.getLogger("kzgraph.access")

CORS_HEADERS = [
    ("Access-Control-Allow-Origin", "*"),
    ("Access-Control-Expose-Headers", "ETag, Link, Content-Type, Server-Timing, X-Cache"),
]
PREFLIGHT_HEADERS = [
    ("Access-Control-Allow-Methods", "GET, HEAD, POST, PUT, DELETE, OPTIONS"),
    ("Access-Control-Allow-Headers", "Accept, Authorization, Content-Type, If-None-Match"),
    ("Access-Control-Max-Age", "86400"),
]
# Pages load scripts and styles from this server only; YASGUI styles elements inline.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; connect-src 'self'; frame-ancestors *; base-uri 'none'; form-action 'self'"
)


class Gateway:
    """WSGI middleware around the whole application."""

    def __init__(self, app: Callable, sparql: SparqlEndpoint, watchdog: Watchdog) -> None:
        self.app = app
        self.sparql = sparql
        self.watchdog = watchdog

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        started = time.perf_counter()
        status_holder: list[str] = []

        def respond(status: str, headers: list, exc_info=None):
            status_holder.append(status)
            headers = [h for h in headers if h[0].lower() != "access-control-allow-origin"]
            headers += CORS_HEADERS
            headers += _html_policy(headers)
            headers.append(("X-Content-Type-Options", "nosniff"))
            self.watchdog.responded()
            return start_response(status, headers, exc_info)

        self.watchdog.arm(environ)
        try:
            if environ["REQUEST_METHOD"] == "OPTIONS":
                respond(
                    "204 No Content",
                    [*PREFLIGHT_HEADERS, ("Allow", "GET, HEAD, POST, PUT, DELETE, OPTIONS")],
                )
                return []
            # Header size and count are bounded by gunicorn (limit_request_field_size, ...).
            if environ.get("PATH_INFO") == "/sparql":
                body = self.sparql(environ, respond)
            else:
                body = self.app(environ, respond)
            return _Finishing(
                body, self.watchdog.disarm, lambda: self._finished(environ, status_holder, started)
            )
        except Exception:
            self.watchdog.disarm()
            access_log.exception("unexpected error on %s", environ.get("PATH_INFO"))
            if status_holder:
                raise  # the response has started; the server drops the connection
            return problem_response(
                respond, HTTPProblem(500, "an unexpected error occurred; it has been logged")
            )

    def _finished(self, environ: dict, status: list[str], started: float) -> None:
        self.watchdog.disarm()
        record = {
            "method": environ.get("REQUEST_METHOD"),
            "path": environ.get("PATH_INFO"),
            "status": int(status[0].split()[0]) if status else 0,
            "ms": round((time.perf_counter() - started) * 1000, 2),
        }
        if "kzgraph.query_ms" in environ:
            record["query_ms"] = round(environ["kzgraph.query_ms"], 2)
        access_log.info(json.dumps(record))


def _html_policy(headers: list) -> list[tuple[str, str]]:
    """The page policy for HTML that did not come through Flask (the /sparql page)."""
    names = {name.lower(): value for name, value in headers}
    if not names.get("content-type", "").startswith("text/html"):
        return []
    if "content-security-policy" in names:
        return []
    return [
        ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
        ("Referrer-Policy", "same-origin"),
    ]


class _Finishing:
    """Calls ``on_sent`` just before the last chunk is handed to the server, and
    ``on_close`` once the server has sent (or abandoned) the body. The watchdog is
    disarmed at the first, so a client that reads the whole answer and hangs up at
    once is not taken for one that left mid-query: disarmed after the last chunk, the
    watchdog could see the front close the connection in the moment between the server
    writing that chunk and asking for the next, and end a worker that had answered (seen
    under load, several times a minute, each costing a worker's replacement)."""

    def __init__(
        self, body: Iterable[bytes], on_sent: Callable[[], None], on_close: Callable[[], None]
    ) -> None:
        self.body = body
        self.on_sent = on_sent
        self.on_close = on_close

    def __iter__(self):
        chunks = iter(self.body)
        chunk = next(chunks, None)
        for following in chunks:
            yield chunk
            chunk = following
        self.on_sent()
        if chunk is not None:
            yield chunk

    def close(self) -> None:
        try:
            close = getattr(self.body, "close", None)
            if close:
                close()
        finally:
            self.on_close()
