"""Hard limits for a request: a deadline, and cancellation when the client leaves.

pyoxigraph cannot cancel a running query (oxigraph#1926), and a query that
aggregates a cross product writes nothing until it is done, so no check between
result chunks can stop it. What can always stop it is ending the process. Each
gunicorn worker serves one request at a time (the sync worker class), so a
watchdog thread in the worker can, when the deadline passes or the client hangs
up, answer 503 itself on the client socket (if no response has started) and end
the worker with ``os._exit``. The gunicorn master starts a fresh worker at once,
forked from the preloaded app, so the dataset is already in memory.

The same thread bounds memory: a worker may grow ``worker_memory_mb`` above what it
held when it started (the dataset); past that, the query is answered 503 "query used too
much memory" and the worker ends. An address-space limit (``RLIMIT_AS``) well above
that is the backstop for growth too fast to be seen between two polls.

What no thread of the worker can answer is its own crash: the engine aborts the
process on a Rust panic (ORDER BY over values it cannot order consistently) and on
allocation failure. Behind the front (web/front.py), the front sees the worker's
connection close before an answer and tells the client. Without it, each worker forks
a small keeper process at start (the ``Lifeline``); for each request the worker hands it a duplicate of the client socket,
and a shared byte says whether the response has started. When the worker dies, the
keeper sees its end of the link close and, if nothing was answered yet, sends the
client a 503 with a message; gunicorn starts a new worker.

Outside gunicorn (Flask's test client, ``flask run``) there is no socket to
watch and the watchdog does nothing.
"""

from __future__ import annotations

import contextlib
import json
import logging
import mmap
import os
import resource
import select
import signal
import socket
import threading
import time
from collections.abc import Callable

log = logging.getLogger("kzgraph.watchdog")
EXIT_TIMEOUT = 70  # not 3 or 4: gunicorn halts when a worker exits with those
EXIT_CLIENT_GONE = 71
EXIT_MEMORY = 72
POLL_SECONDS = 0.05
PAGE = os.sysconf("SC_PAGE_SIZE")
# Address space allowed above the worker's at start, beyond four times its memory budget:
# thread stacks (the query sandbox reserves 512 MiB), malloc arenas, mapped libraries.
ADDRESS_SPACE_SLACK = 1536 * 1024 * 1024


class Watchdog:
    def __init__(self, timeout: float) -> None:
        self.timeout = timeout
        self.memory_budget = 0
        self.memory_limit = 0  # resident bytes; set when the worker starts
        self.lifeline: Lifeline | None = None
        self.retire: Callable[[], None] = lambda: None
        self._sock: socket.socket | None = None
        self._deadline = 0.0
        self._responded = False
        self._started = threading.Event()
        self._thread: threading.Thread | None = None

    def start(
        self,
        memory_budget_mb: int = 0,
        retire: Callable[[], None] | None = None,
        lifeline: bool = True,
    ) -> None:
        """Start the keeper and the watching thread; call in each worker after fork.
        ``retire`` asks the server to end this worker after its current request. Behind
        the front no keeper is needed (``lifeline`` false): the front sees the worker's
        connection close before an answer and tells the client itself."""
        self.retire = retire or self.retire
        self.memory_budget = memory_budget_mb * 1024 * 1024
        if not lifeline:
            self.lifeline = None
        elif self.lifeline is None or self.lifeline.pid != os.getpid():
            self.lifeline = Lifeline()
        if self.memory_budget:
            self.memory_limit = resident_bytes() + self.memory_budget
            _limit_address_space(4 * self.memory_budget + ADDRESS_SPACE_SLACK)
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
        if self.lifeline is not None:
            self.lifeline.begin(sock)

    def responded(self) -> None:
        """The response has started: a timeout can no longer send a 503, only end the worker."""
        self._responded = True
        if self.lifeline is not None:
            self.lifeline.responded()

    def disarm(self) -> None:
        if self._sock is not None and self.lifeline is not None:
            self.lifeline.end()
        self._sock = None
        if self.memory_limit and resident_bytes() > self.memory_limit:
            # Memory a query took is not always given back: start afresh after this request.
            log.warning("worker %d holds more than its memory budget: retiring it", os.getpid())
            self.retire()

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
        if self.memory_limit and resident_bytes() > self.memory_limit:
            if not self._responded:
                self.responded()
                _send_503(sock, "query used too much memory", _memory_message(self.memory_budget))
            log.warning("request exceeded the memory budget: ending worker %d", os.getpid())
            os._exit(EXIT_MEMORY)
        if time.monotonic() > self._deadline:
            if not self._responded:
                self.responded()
                _send_503(sock, "query timeout", _timeout_message(self.timeout))
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


_statm = -1  # this process's /proc/PID/statm, kept open: read on every request


def _forget_statm() -> None:
    """After a fork: the descriptor names the parent's file (/proc/self was resolved at
    open), so the child opens its own."""
    global _statm
    _statm = -1


os.register_at_fork(after_in_child=_forget_statm)


def resident_bytes() -> int:
    """This process's resident size. Read at the end of every request and by the watching
    thread: one ``pread`` on a kept descriptor, not an open, a read and a close."""
    global _statm
    if _statm < 0:
        _statm = os.open(f"/proc/{os.getpid()}/statm", os.O_RDONLY | os.O_CLOEXEC)
    return int(os.pread(_statm, 128, 0).split()[1]) * PAGE


def _limit_address_space(extra: int) -> None:
    with open("/proc/self/statm", "rb") as statm:
        size = int(statm.read().split()[0]) * PAGE
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = size + extra if hard == resource.RLIM_INFINITY else min(hard, size + extra)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _timeout_message(timeout: float) -> str:
    return (
        f"the query ran longer than the {timeout:g} s limit and was stopped; "
        "narrow it (add LIMIT, more specific patterns, required patterns before OPTIONAL) "
        "or ask the operator for a longer --query-timeout"
    )


def _memory_message(budget: int) -> str:
    return (
        f"the query used more than the {budget // (1024 * 1024)} MiB of memory a query may use "
        "and was stopped; narrow it (smaller intermediate results, no strings built by "
        "repeated CONCAT) or ask the operator for a larger worker_memory_mb"
    )


CRASH_MESSAGE = (
    "the query engine failed on this query and its worker was replaced; this happens with "
    "ORDER BY over values of mixed kinds (order by STR(?x) or by one datatype instead) and "
    "with queries that need more memory than the server has"
)


def _send_503(sock: socket.socket, error: str, message: str) -> None:
    body = json.dumps({"error": error, "status": 503, "message": message}).encode()
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


class Lifeline:
    """A keeper process that answers the client of a request whose worker died."""

    def __init__(self) -> None:
        self.pid = os.getpid()
        self._started = mmap.mmap(-1, 1)  # shared with the keeper: 1 once a response began
        link, keeper_end = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        if os.fork() == 0:
            link.close()
            _keep(keeper_end, self._started)
        keeper_end.close()
        self._link: socket.socket | None = link

    def begin(self, client: socket.socket) -> None:
        self._started[0] = 0
        self._send(b"B", [client.fileno()])

    def responded(self) -> None:
        self._started[0] = 1

    def end(self) -> None:
        self._send(b"E", [])

    def _send(self, message: bytes, fds: list[int]) -> None:
        if self._link is None:
            return
        try:
            socket.send_fds(self._link, [message], fds)
        except OSError:
            log.warning("the lifeline keeper of worker %d is gone", os.getpid())
            self._link = None


def _keep(link: socket.socket, started: mmap.mmap) -> None:
    """The keeper's whole life: hold the current client socket; answer it if the worker dies."""
    for signum in (
        signal.SIGINT,
        signal.SIGQUIT,
        signal.SIGHUP,
        signal.SIGUSR1,
        signal.SIGUSR2,
        signal.SIGWINCH,
        signal.SIGTTIN,
        signal.SIGTTOU,
    ):
        signal.signal(signum, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    held: socket.socket | None = None
    while True:
        try:
            message, fds, _, _ = socket.recv_fds(link, 16, 4)
        except InterruptedError:
            continue
        except OSError:
            message, fds = b"", []
        if held is not None and message in (b"B", b"E"):
            held.close()
            held = None
        if message == b"B" and fds:
            held = socket.socket(fileno=fds[0])
        elif not message:
            if held is not None and started[0] == 0:
                _send_503(held, "query crashed", CRASH_MESSAGE)
            os._exit(0)
