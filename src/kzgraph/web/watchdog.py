"""Hard limits for a request: a deadline, and cancellation when the client leaves.

pyoxigraph cannot cancel a running query (oxigraph#1926), and a query that
aggregates a cross product writes nothing until it is done, so no check between
result chunks can stop it. What can always stop it is ending the process. Each
gunicorn worker serves one request at a time (the sync worker class), so a
watchdog thread in the worker can, when the deadline passes or the client hangs
up, answer 503 itself on the client socket (if no response has started) and end
the worker with ``os._exit``. The gunicorn master starts a fresh worker at once,
forked from the preloaded app, so the dataset is already in memory.

Outside gunicorn (Flask's test client, ``flask run``) there is no socket to
watch and the watchdog does nothing.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import select
import socket
import threading
import time

log = logging.getLogger("kzgraph.watchdog")
EXIT_TIMEOUT = 70  # not 3 or 4: gunicorn halts when a worker exits with those
EXIT_CLIENT_GONE = 71
POLL_SECONDS = 0.1


class Watchdog:
    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self._sock: socket.socket | None = None
        self._deadline = 0.0
        self._responded = False
        self._started = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Start the watching thread; call in each worker after fork."""
        if self._thread is None or not self._thread.is_alive():
            self._thread = threading.Thread(
                target=self._watch, name="kzgraph-watchdog", daemon=True
            )
            self._thread.start()

    def arm(self, environ: dict) -> None:
        sock = environ.get("gunicorn.socket")
        if sock is None or self._thread is None:
            return
        self._responded = False
        self._deadline = time.monotonic() + self.timeout
        self._sock = sock

    def responded(self) -> None:
        """The response has started: a timeout can no longer send a 503, only end the worker."""
        self._responded = True

    def disarm(self) -> None:
        self._sock = None

    def _watch(self) -> None:
        while True:
            time.sleep(POLL_SECONDS)
            try:
                self._check()
            except Exception:  # the watchdog must outlive anything one request does
                log.exception("watchdog check failed")

    def _check(self) -> None:
        sock = self._sock
        if sock is None:
            return
        if time.monotonic() > self._deadline:
            if not self._responded:
                _send_timeout(sock, self.timeout)
            log.warning("request exceeded %.1f s: ending worker %d", self.timeout, os.getpid())
            os._exit(EXIT_TIMEOUT)
        if _client_gone(sock) and self._sock is sock:
            log.warning("client left mid-request: ending worker %d to stop its query", os.getpid())
            os._exit(EXIT_CLIENT_GONE)


def _client_gone(sock: socket.socket) -> bool:
    if sock.fileno() < 0:
        return False  # the server has closed it: the request is over
    try:
        readable, _, _ = select.select([sock], [], [], 0)
        if not readable:
            return False
        return sock.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT) == b""
    except BlockingIOError:
        return False
    except (OSError, ValueError):
        return sock.fileno() >= 0


def _send_timeout(sock: socket.socket, timeout: float) -> None:
    body = json.dumps(
        {
            "error": "query timeout",
            "message": f"the query ran longer than the {timeout:g} s limit and was stopped; "
            "narrow it (add LIMIT, more specific patterns, required patterns before OPTIONAL) "
            "or ask the operator for a longer --query-timeout",
        }
    ).encode()
    head = (
        "HTTP/1.1 503 Service Unavailable\r\n"
        "Content-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n"
        "Retry-After: 5\r\n"
        "Access-Control-Allow-Origin: *\r\n"
        "Connection: close\r\n\r\n"
    ).encode()
    with contextlib.suppress(OSError):
        sock.sendall(head + body)
