"""The web layer: ``create_app(settings)`` builds the Flask application.

Requests pass through ``gateway.Gateway`` (CORS, security headers, the request
deadline, the access log) and reach either the SPARQL endpoint, a plain WSGI app
kept off Flask's slower path, or Flask's routes for everything else.
"""

from __future__ import annotations

from flask import Flask, request
from werkzeug.middleware.proxy_fix import ProxyFix

from kzgraph.queries import load_catalogue
from kzgraph.settings import Settings, load_settings
from kzgraph.web import graphstore, linked, pages, queries, reconcile
from kzgraph.web.dataset import Dataset, open_dataset
from kzgraph.web.errors import register_error_handlers
from kzgraph.web.federation import FederationGateway
from kzgraph.web.gateway import CONTENT_SECURITY_POLICY, Gateway
from kzgraph.web.protocol import check_utf8
from kzgraph.web.service import QueryService
from kzgraph.web.sparql import SparqlEndpoint
from kzgraph.web.state import AppState
from kzgraph.web.watchdog import Watchdog


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
    app.register_blueprint(pages.blueprint)
    app.register_blueprint(graphstore.blueprint)
    app.register_blueprint(queries.blueprint)
    app.register_blueprint(reconcile.blueprint)
    app.register_blueprint(linked.blueprint)
    app.jinja_env.filters["local"] = lambda iri: linked.local(iri)
    # Templates name the graph and its subject from the configuration, never literally.
    app.jinja_env.globals["graph"] = settings

    @app.before_request
    def _strict_utf8() -> None:
        check_utf8(request.environ)

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
