"""The web layer: ``create_app(settings)`` builds the Flask application.

Requests pass through ``Gateway`` (CORS, security headers, the request
deadline, the access log) and reach either the SPARQL endpoint, a plain WSGI app
kept off Flask's slower path, or Flask's routes for everything else.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable, Iterable

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from kzgraph.queries import load_catalogue
from kzgraph.settings import Settings, load_settings
from kzgraph.web import graphstore, linked, pages, queries, reconcile
from kzgraph.web.dataset import Dataset, open_dataset
from kzgraph.web.errors import HTTPProblem, problem_response, register_error_handlers
from kzgraph.web.federation import FederationGateway
from kzgraph.web.service import QueryService
from kzgraph.web.sparql import SparqlEndpoint
from kzgraph.web.state import AppState
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
    """Calls ``on_sent`` once the last chunk has been handed to the server, and
    ``on_close`` once the server has sent (or abandoned) the body. The watchdog is
    disarmed at the first, so a client that reads the whole answer and hangs up at
    once is not taken for one that left mid-query."""

    def __init__(
        self, body: Iterable[bytes], on_sent: Callable[[], None], on_close: Callable[[], None]
    ) -> None:
        self.body = body
        self.on_sent = on_sent
        self.on_close = on_close

    def __iter__(self):
        yield from self.body
        self.on_sent()

    def close(self) -> None:
        try:
            close = getattr(self.body, "close", None)
            if close:
                close()
        finally:
            self.on_close()


def create_app(settings: Settings | None = None, dataset: Dataset | None = None) -> Flask:
    """The kzgraph application. Loads the dataset into memory now, so that a preloading
    server (gunicorn --preload) shares it across its workers."""
    settings = settings or load_settings()
    dataset = dataset or open_dataset(settings)
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = settings.max_body_bytes
    service = QueryService(dataset, settings)
    watchdog = Watchdog(settings.query_timeout)
    # A malformed canned query stops the start-up: it is never silently missing.
    catalogue = load_catalogue(settings.queries)
    app.extensions["kzgraph"] = AppState(settings, dataset, service, catalogue, watchdog)
    # web/server.py reads these two; they go when it reads the state object instead.
    app.extensions["kzgraph.service"] = service
    app.extensions["kzgraph.watchdog"] = watchdog
    app.register_blueprint(pages.blueprint)
    app.register_blueprint(graphstore.blueprint)
    app.register_blueprint(queries.blueprint)
    app.register_blueprint(reconcile.blueprint)
    app.register_blueprint(linked.blueprint)
    app.jinja_env.filters["local"] = lambda iri: linked.local(iri)
    # Templates name the graph and its subject from the configuration, never literally.
    app.jinja_env.globals["graph"] = settings

    @app.after_request
    def _security_headers(response):
        if response.mimetype == "text/html":
            response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
            response.headers.setdefault("Referrer-Policy", "same-origin")
        return response

    # A remote store makes its own SERVICE calls; the gateway serves the embedded store.
    service.gateway = None if settings.is_remote else FederationGateway(settings)
    endpoint = SparqlEndpoint(service, pages.describe_service(app))
    app.wsgi_app = Gateway(app.wsgi_app, endpoint, watchdog)  # type: ignore[method-assign]
    if settings.proxy_count:
        # X-Forwarded-* are believed only as set by the configured number of proxies.
        n = settings.proxy_count
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=n, x_proto=n, x_host=n, x_port=n, x_prefix=n
        )
    register_error_handlers(app)
    return app
