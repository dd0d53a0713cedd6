"""Outbound federation: SERVICE calls leave through a gateway that kzgraph controls.

pyoxigraph makes SERVICE calls itself, with its own User-Agent and no row bound, and
connects wherever the IRI points. So each worker runs a small HTTP gateway on a
loopback port, allowlisted SERVICE IRIs in a query are pointed at it, and the thread
that evaluates queries may connect to that port and nowhere else (``web/egress.py``):
a SERVICE the rewrite does not see fails instead of leaving.

The gateway forwards a call to the endpoint (or its configured mirror, ``service_map``)
with a descriptive User-Agent and a contact, as the Wikidata Query Service requires, a
timeout, and a bound on the rows it will accept. It resolves the endpoint's host
itself and connects to the address it checked (no loopback, private or link-local
address unless ``service_private_networks`` lists it), follows no redirect, and accepts
only SPARQL results. What it tells the client is short and fixed ("the remote endpoint
answered HTTP 403"); upstream bodies and details go to the log only.
"""

from __future__ import annotations

import http.client
import ipaddress
import logging
import socket
import ssl
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pyoxigraph as ox

from kzgraph.settings import Settings
from kzgraph.web.egress import SANDBOX

log = logging.getLogger("kzgraph.federation")
MAX_BYTES = 64 * 1024 * 1024
RESULT_FORMATS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
# What the client is told comes after this marker in the gateway's error body.
MARKER = "kzgraph-federation: "


class FederationError(Exception):
    """A call that did not give results: ``status`` and a message fit for the client."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class FederationGateway:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.endpoints = list(settings.service_allowlist)
        self.private_networks = [
            ipaddress.ip_network(cidr, strict=False) for cidr in settings.service_private_networks
        ]
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
        SANDBOX.allow("127.0.0.1", self._server.server_address[1])
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
            self._answer(handler, 404, "text/plain; charset=utf-8", b"unknown endpoint")
            return
        iri = self.endpoints[int(path)]
        length = int(handler.headers.get("Content-Length") or 0)
        body = handler.rfile.read(length) if length else None
        headers = {
            "User-Agent": self.settings.user_agent,
            "Accept": handler.headers.get("Accept", "application/sparql-results+json"),
        }
        if handler.headers.get("Content-Type"):
            headers["Content-Type"] = handler.headers["Content-Type"]
        url = self.settings.service_url(iri) + (f"?{query}" if query else "")
        try:
            content_type, data = self.fetch(iri, url, handler.command, body, headers)
        except FederationError as exc:
            log.warning("federation: %s", exc.message)
            self._answer(
                handler, exc.status, "text/plain; charset=utf-8", (MARKER + exc.message).encode()
            )
            return
        self._answer(handler, 200, content_type, data)

    def fetch(
        self, iri: str, url: str, method: str, body: bytes | None, headers: dict[str, str]
    ) -> tuple[str, bytes]:
        """One request to an allowlisted endpoint; FederationError unless it gave results."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise FederationError(502, f"the remote endpoint {iri} is not an http(s) URL")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        address = self._checked_address(iri, parts.hostname, port)
        connection = _pinned_connection(
            parts.scheme, parts.hostname, port, address, self.settings.service_timeout
        )
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        try:
            connection.request(method, target, body=body, headers=headers)
            response = connection.getresponse()
            if not 200 <= response.status < 300:
                log.info(
                    "federation: %s answered %s: %r", iri, response.status, response.read(2000)
                )
                raise FederationError(
                    502, f"the remote endpoint {iri} answered HTTP {response.status}"
                )
            data = response.read(MAX_BYTES + 1)
            content_type = response.getheader("Content-Type", "")
        except (OSError, http.client.HTTPException) as exc:
            log.info("federation: %s could not be reached: %r", iri, exc)
            raise FederationError(502, f"the remote endpoint {iri} could not be reached") from exc
        finally:
            connection.close()
        if len(data) > MAX_BYTES:
            raise FederationError(
                502, f"the remote endpoint {iri} sent more than {MAX_BYTES} bytes"
            )
        fmt = RESULT_FORMATS.get(content_type.split(";")[0].strip().lower())
        if fmt is None:
            raise FederationError(
                502,
                f"the remote endpoint {iri} answered with {content_type.split(';')[0] or 'no Content-Type'}, "
                "not SPARQL results",
            )
        rows = self._rows(data, fmt)
        if rows is None:
            raise FederationError(502, f"the remote endpoint {iri} sent results that do not parse")
        if rows > self.settings.service_max_rows:
            raise FederationError(
                502,
                f"the remote endpoint {iri} returned {rows} rows, more than the "
                f"{self.settings.service_max_rows}-row bound; narrow the SERVICE pattern",
            )
        return content_type, data

    def _checked_address(self, iri: str, host: str, port: int) -> str:
        """Resolve the host once and return an address this server may call; the
        connection then goes to that address (a second lookup could answer otherwise)."""
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except OSError as exc:
            log.info("federation: %s: %s does not resolve: %r", iri, host, exc)
            raise FederationError(502, f"the remote endpoint {iri} could not be reached") from exc
        addresses = [info[4][0] for info in infos]
        refused = [a for a in addresses if not self.address_allowed(a)]
        if refused or not addresses:
            log.warning("federation: %s resolves to %s: not called", iri, addresses)
            raise FederationError(
                502,
                f"the remote endpoint {iri} resolves to an address this server does not call "
                "(loopback, private or link-local)",
            )
        return addresses[0]

    def address_allowed(self, text: str) -> bool:
        address = ipaddress.ip_address(text.split("%")[0])
        mapped = getattr(address, "ipv4_mapped", None)
        if mapped is not None:
            address = mapped
        if any(address in network for network in self.private_networks):
            return True
        return address.is_global and not address.is_multicast

    @staticmethod
    def _rows(data: bytes, fmt: ox.QueryResultsFormat) -> int | None:
        try:
            results = ox.parse_query_results(data, fmt)
            return 0 if isinstance(results, ox.QueryBoolean) else sum(1 for _ in results)
        except (SyntaxError, ValueError, OSError):
            return None

    @staticmethod
    def _answer(
        handler: BaseHTTPRequestHandler, status: int, content_type: str, body: bytes
    ) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)


def _pinned_connection(
    scheme: str, host: str, port: int, address: str, timeout: float
) -> http.client.HTTPConnection:
    """An HTTP(S) connection to ``address`` that names (Host, TLS SNI and certificate) ``host``."""
    if scheme == "https":
        connection: http.client.HTTPConnection = http.client.HTTPSConnection(
            host, port, timeout=timeout, context=ssl.create_default_context()
        )
    else:
        connection = http.client.HTTPConnection(host, port, timeout=timeout)

    def connect_to_checked(_address, timeout=None, source_address=None):
        return socket.create_connection((address, port), timeout, source_address)

    connection._create_connection = connect_to_checked  # type: ignore[attr-defined]
    return connection


def client_message(error_text: str) -> str | None:
    """The gateway's message inside an engine error, without the gateway's own address."""
    if MARKER not in error_text:
        return None
    return error_text.split(MARKER, 1)[1].splitlines()[0].strip()
