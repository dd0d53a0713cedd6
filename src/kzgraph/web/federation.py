"""Outbound federation: SERVICE calls leave through a gateway that kzgraph controls.

pyoxigraph makes SERVICE calls itself, with its own User-Agent and no row bound.
So each worker runs a small HTTP gateway on a loopback port, and allowlisted SERVICE
IRIs in a query are pointed at it. The gateway forwards the call to the endpoint
(or to its configured mirror, ``service_map``) with a descriptive User-Agent and a
contact, as the Wikidata Query Service requires, a timeout, and a bound on the rows
it will accept; a failure is an HTTP error that pyoxigraph reports (or ignores, for
``SERVICE SILENT``).
"""

from __future__ import annotations

import logging
import threading
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pyoxigraph as ox

from kzgraph.settings import Settings

log = logging.getLogger("kzgraph.federation")
MAX_BYTES = 64 * 1024 * 1024
RESULT_FORMATS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}


class FederationGateway:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.endpoints = list(settings.service_allowlist)
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str | None:
        if self._server is None:
            return None
        return f"http://127.0.0.1:{self._server.server_address[1]}/"

    def start(self) -> None:
        """Listen on a free loopback port; call in each worker after fork."""
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
                gateway.forward(self)

            def do_POST(self) -> None:  # noqa: N802
                gateway.forward(self)

            def log_message(self, format: str, *args: object) -> None:
                log.info("federation: " + format, *args)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(
            target=self._server.serve_forever, name="kzgraph-federation", daemon=True
        ).start()

    def target(self, iri: str) -> str | None:
        """The gateway URL standing in for an allowlisted endpoint (None: not ours to route)."""
        if self.url is None or iri not in self.endpoints:
            return None
        return f"{self.url}{self.endpoints.index(iri)}"

    def forward(self, handler: BaseHTTPRequestHandler) -> None:
        path, _, query = handler.path.lstrip("/").partition("?")
        if not path.isdigit() or int(path) >= len(self.endpoints):
            handler.send_error(404, "unknown endpoint")
            return
        iri = self.endpoints[int(path)]
        url = self.settings.service_url(iri) + (f"?{query}" if query else "")
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else None
        headers = {
            "User-Agent": self.settings.user_agent,
            "Accept": handler.headers.get("Accept", "application/sparql-results+json"),
        }
        if handler.headers.get("Content-Type"):
            headers["Content-Type"] = handler.headers["Content-Type"]
        request = urllib.request.Request(url, data=body, headers=headers, method=handler.command)
        try:
            with urllib.request.urlopen(request, timeout=self.settings.service_timeout) as response:
                data = response.read(MAX_BYTES + 1)
                content_type = response.headers.get("Content-Type", "application/octet-stream")
        except urllib.error.HTTPError as exc:
            self._fail(handler, 502, f"{iri} answered HTTP {exc.code}")
            return
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            self._fail(
                handler,
                504,
                f"{iri} could not be reached within {self.settings.service_timeout:g} s: {exc}",
            )
            return
        if len(data) > MAX_BYTES:
            self._fail(handler, 502, f"{iri} sent more than {MAX_BYTES} bytes")
            return
        rows = self._rows(data, content_type)
        if rows is not None and rows > self.settings.service_max_rows:
            self._fail(
                handler,
                502,
                f"{iri} returned {rows} rows, more than the {self.settings.service_max_rows}-row bound; narrow the SERVICE pattern",
            )
            return
        handler.send_response(200)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    @staticmethod
    def _rows(data: bytes, content_type: str) -> int | None:
        fmt = RESULT_FORMATS.get(content_type.split(";")[0].strip())
        if fmt is None:
            return None
        try:
            results = ox.parse_query_results(data, fmt)
        except (SyntaxError, ValueError, OSError):
            return None
        return 0 if isinstance(results, ox.QueryBoolean) else sum(1 for _ in results)

    @staticmethod
    def _fail(handler: BaseHTTPRequestHandler, status: int, message: str) -> None:
        log.warning("federation: %s", message)
        body = message.encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "text/plain; charset=utf-8")
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)
