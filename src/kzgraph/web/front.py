"""The front: an asynchronous HTTP server between the clients and the query workers.

``kzgraph serve`` runs one front process (uvicorn, an asyncio server, with httptools'
parser and uvloop) on the public address, and the gunicorn workers behind it on a Unix
socket in a private folder. The front:

- reads each request whole (headers and body) before a worker sees it, keeps client
  connections alive between requests, and reads each response ahead of a slow client
  (up to ``front_buffer_bytes``): a slowloris socket, an idle keep-alive connection or
  a slow reader costs a socket here, never a worker;
- schedules the workers fairly (web/lanes.py): queries go through the short and long
  lanes, everything else finds a reserved worker free; a client (an address) may have
  ``client_max_requests`` requests in the server at once, beyond that a 429;
- answers repeated GETs from one cache shared by all workers, keyed by the request and
  dropped when the data changes (the store's files, checked with two ``stat`` calls);
- keeps its connections to the workers open between requests (``Connections``; each
  worker serves one at a time, web/worker.py): no connection is made per request;
- stops a query whose client leaves by half-closing its connection to the worker: the
  worker's watchdog (web/watchdog.py) sees it and ends the query, as before.

The workers keep every limit of their own (timeout, memory, crash answers), unchanged.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import os
import re
import time
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import httptools

from kzgraph.settings import Settings
from kzgraph.web.dataset import StoreUnavailable, files_version
from kzgraph.web.lanes import READY, Busy, Lane, Place, Workers, plan
from kzgraph.web.watchdog import CRASH_MESSAGE

log = logging.getLogger("kzgraph.front")

Send = Callable[[dict], Awaitable[None]]
Receive = Callable[[], Awaitable[dict]]

# Headers about one connection, not the request: never passed on.
HOP_BY_HOP = frozenset(
    b"connection keep-alive transfer-encoding te trailer upgrade proxy-connection expect "
    b"content-length".split()
)
# Request headers a cached response may depend on (the key), besides the method and target.
KEY_HEADERS = (
    b"host",
    b"accept",
    b"accept-language",
    b"x-forwarded-host",
    b"x-forwarded-proto",
    b"x-forwarded-prefix",
)
VARY_KEYED = frozenset({"accept", "accept-language"})
STARTUP_SECONDS = 60.0  # how long a request waits for the workers to come up
CACHE_ENTRY_LIMIT = 10_000
LONG_QUERIES_REMEMBERED = 10_000
UPDATE_FORM = re.compile(rb"(?:^|&)update=")
WORKER_DIED = "the worker closed the connection before answering"


@dataclass
class Request:
    """A request read whole from a client."""

    method: str
    path: str
    target: bytes
    headers: list[tuple[bytes, bytes]]
    body: bytes
    client: str
    arrived: float = field(default_factory=time.monotonic)
    long: bool = False  # judged a long query: runs in (or waits for) the long lane

    def header(self, name: bytes) -> bytes:
        for key, value in self.headers:
            if key == name:
                return value
        return b""

    @property
    def is_query(self) -> bool:
        """A read-only query, which may take any time up to the timeout and may be run
        again from the start: SPARQL queries and the canned queries."""
        if self.path.startswith("/queries/"):
            return self.method in ("GET", "HEAD")
        if self.path != "/sparql":
            return False
        if self.method in ("GET", "HEAD"):
            return True
        if self.method != "POST":
            return False
        content_type = self.header(b"content-type").lower()
        if content_type.startswith(b"application/sparql-update"):
            return False
        return not (
            content_type.startswith(b"application/x-www-form-urlencoded")
            and UPDATE_FORM.search(self.body)
        )

    @property
    def fingerprint(self) -> bytes:
        return hashlib.sha256(b"\0".join([self.method.encode(), self.target, self.body])).digest()

    def cache_key(self) -> tuple | None:
        """The shared cache's key, or None when the answer may not be shared."""
        if self.method not in ("GET", "HEAD") or self.header(b"authorization"):
            return None
        if self.header(b"cookie"):
            return None
        return (self.target, *(self.header(name) for name in KEY_HEADERS))

    @property
    def repeatable(self) -> bool:
        """Whether sending the request twice does no harm: it may be sent again when a
        kept-alive connection turns out closed (its worker ended between requests)."""
        return self.method in ("GET", "HEAD", "OPTIONS") or self.is_query

    def upstream_head(self) -> bytes:
        """The request line and headers as sent to a worker (HTTP/1.1: the connection is
        kept open for the next request, see web/worker.py)."""
        lines = [b"%s %s HTTP/1.1" % (self.method.encode(), self.target)]
        lines += [b"%s: %s" % (k, v) for k, v in self.headers if k not in HOP_BY_HOP]
        if self.body or self.method in ("POST", "PUT"):
            lines.append(b"content-length: %d" % len(self.body))
        return b"\r\n".join(lines) + b"\r\n\r\n"


@dataclass
class Stored:
    """A response kept in the shared cache."""

    version: str
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes
    etag: bytes


class SharedCache:
    """Small complete answers, shared by every client, valid for one data version."""

    def __init__(self, max_bytes: int, max_entry_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.max_entry_bytes = max_entry_bytes
        self.size = 0
        self._entries: OrderedDict[tuple, Stored] = OrderedDict()

    def get(self, key: tuple, version: str) -> Stored | None:
        stored = self._entries.get(key)
        if stored is None:
            return None
        if stored.version != version:
            self._drop(key)
            return None
        self._entries.move_to_end(key)
        return stored

    def put(self, key: tuple, stored: Stored) -> None:
        self._drop(key)
        self._entries[key] = stored
        self.size += len(stored.body)
        while self._entries and (
            self.size > self.max_bytes or len(self._entries) > CACHE_ENTRY_LIMIT
        ):
            self._drop(next(iter(self._entries)))

    def _drop(self, key: tuple) -> None:
        stored = self._entries.pop(key, None)
        if stored is not None:
            self.size -= len(stored.body)


def storable(status: int, headers: list[tuple[bytes, bytes]], max_bytes: int) -> bytes | None:
    """The ETag of a response the shared cache may keep, or None."""
    if status != 200:
        return None
    names = {k.lower(): v for k, v in headers}
    control = names.get(b"cache-control", b"").lower()
    if b"no-store" in control or b"private" in control or b"set-cookie" in names:
        return None
    # A streamed answer (no length) is kept once whole: a cut one never is (see relay).
    if int(names.get(b"content-length", b"-1")) > max_bytes:
        return None
    vary = {v.strip().lower() for v in names.get(b"vary", b"").decode("latin-1").split(",")}
    if not vary <= VARY_KEYED | {""}:
        return None
    return names.get(b"etag")


Connection = tuple[asyncio.StreamReader, asyncio.StreamWriter]


class Connections:
    """The front's connections to the workers, kept open between requests.

    Each worker serves one connection at a time and keeps it open after an answer
    (web/worker.py), so an idle connection here holds a worker that is free: a request
    that is given a worker (``Workers.take``) uses an idle connection if there is one, and
    opens a new one otherwise, which a worker without a connection accepts at once (the
    connections, idle and in use, never outnumber the ready workers)."""

    def __init__(self, socket_path: str) -> None:
        self.socket_path = socket_path
        self.idle: list[Connection] = []

    def take_idle(self) -> Connection | None:
        """The most recently used idle connection still open (its worker's pages are
        warmest), or None."""
        while self.idle:
            reader, writer = self.idle.pop()
            if reader.at_eof() or reader.exception() is not None or writer.is_closing():
                writer.close()  # its worker ended (replaced, retired) while it was idle
                continue
            return reader, writer
        return None

    def keep(self, connection: Connection) -> None:
        self.idle.append(connection)

    def close_idle(self, keep: int) -> None:
        """Close idle connections beyond ``keep``: their workers go back to accepting
        new connections."""
        while len(self.idle) > max(0, keep):
            self.idle.pop(0)[1].close()

    async def open(self, deadline: float) -> Connection:
        return await _connect(self.socket_path, deadline)


class Exchange:
    """One request sent to a worker over the Unix socket, its response read ahead of
    the client. Once the worker is done with it (answered, failed, or stopped and gone:
    ``grace`` seconds at most after a stop), ``on_worker_free`` runs and ``place`` is
    given back; a connection that served a whole answer is kept for the next request."""

    def __init__(
        self,
        connections: Connections,
        request: Request,
        buffer_bytes: int,
        grace: float,
        on_worker_free: Callable[[], None],
        place: Place,
    ) -> None:
        self.request = request
        self.buffer_bytes = buffer_bytes
        self.grace = grace
        self.on_worker_free = on_worker_free
        self.place = place
        self.stopped = False
        self._writer: asyncio.StreamWriter | None = None
        self.status = 0
        self.headers: list[tuple[bytes, bytes]] = []
        self.chunks: deque[bytes] = deque()
        self.buffered = 0
        self.complete = False
        self.failure: str | None = None
        self.started = asyncio.Event()  # the head arrived, or the exchange ended
        self.more = asyncio.Event()  # a chunk arrived, or the exchange ended
        self.room = asyncio.Event()  # the client took some of the buffered chunks
        self.received = 0  # bytes of the answer read from the worker
        self.reusable = False  # the worker keeps the connection open after this answer
        self._parser = httptools.HttpResponseParser(self)
        self._task = asyncio.create_task(self._run(connections))

    # --- httptools callbacks --------------------------------------------------------------
    def on_header(self, name: bytes, value: bytes) -> None:
        self.headers.append((name.lower(), value))

    def on_headers_complete(self) -> None:
        self.status = self._parser.get_status_code()
        self.reusable = self._parser.should_keep_alive()  # read here: reset once complete
        self.started.set()
        if self.request.method == "HEAD":
            self.complete = True  # the length describes a body that never comes

    def on_body(self, body: bytes) -> None:
        self.chunks.append(body)
        self.buffered += len(body)
        self.more.set()

    def on_message_complete(self) -> None:
        self.complete = True

    # ---------------------------------------------------------------------------------------
    async def _run(self, connections: Connections) -> None:
        kept = False
        try:
            deadline = self.request.arrived + STARTUP_SECONDS
            reused = connections.take_idle() if self.request.repeatable else None
            reader, self._writer = reused or await connections.open(deadline)
            message = self.request.upstream_head() + self.request.body
            self._writer.write(message)
            while not self.complete:
                read = reader.read(262144)
                try:
                    data = await (asyncio.wait_for(read, self.grace) if self.stopped else read)
                except (ConnectionResetError, BrokenPipeError):
                    if reused is None or self.received or self.stopped:
                        raise
                    # The worker ended between requests, before this one was read (the
                    # kernel says so with a reset, or a broken pipe if it had closed before
                    # the request went out; a worker that read it and died gives an end of
                    # file instead): it never ran, send it on a new connection.
                    self._writer.close()
                    reused = None
                    reader, self._writer = await connections.open(deadline)
                    self._writer.write(message)
                    continue
                if not data:
                    self.failure = WORKER_DIED
                    break
                self.received += len(data)
                self._parser.feed_data(data)
                if self.stopped:
                    self._drop_chunks()
                while self.buffered > self.buffer_bytes and not self.complete and not self.stopped:
                    self.room.clear()
                    await self.room.wait()
            kept = self.complete and not self.stopped and self.failure is None and self.reusable
        except (OSError, TimeoutError, httptools.HttpParserError) as exc:
            self.failure = f"the workers could not be reached: {exc}"
        finally:
            if self._writer is not None and kept:
                connections.keep((reader, self._writer))
            elif self._writer is not None:
                self._writer.close()
            self.started.set()
            self.more.set()
            self.place.give_back()
            self.on_worker_free()

    async def head(self, timeout: float | None = None) -> bool:
        """Whether the response head arrived (or the exchange ended) within ``timeout``."""
        try:
            await asyncio.wait_for(self.started.wait(), timeout)
        except TimeoutError:
            return False
        return True

    async def next_chunk(self) -> bytes | None:
        """The next chunk of the body; None at its end."""
        while not self.chunks:
            if self._task.done():
                return None
            self.more.clear()
            await self.more.wait()
        chunk = self.chunks.popleft()
        self.buffered -= len(chunk)
        self.room.set()
        return chunk

    def take_all(self) -> bytes:
        """The whole body of a complete answer."""
        body = b"".join(self.chunks)
        self._drop_chunks()
        self.room.set()
        return body

    @property
    def ended_early(self) -> bool:
        return self._task.done() and not self.complete

    def stop(self) -> None:
        """Drop the exchange. A worker still running it sees its client leave (the
        connection half-closed) and ends its query; the worker counts as busy until its
        side of the connection closes, so no other request is sent its way meanwhile."""
        if self._task.done() or self.stopped:
            return
        self.stopped = True
        self._drop_chunks()
        self.room.set()
        if self._writer is None:
            self._task.cancel()  # not connected yet: nothing runs
            return
        with contextlib.suppress(OSError):
            self._writer.write_eof()

    def _drop_chunks(self) -> None:
        self.chunks.clear()
        self.buffered = 0


async def _connect(socket_path: str, deadline: float):
    """Open a connection to the workers, waiting while they start."""
    while True:
        try:
            return await asyncio.open_unix_connection(socket_path)
        except (FileNotFoundError, ConnectionRefusedError):
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.05)


class Front:
    """The ASGI application of the front process."""

    def __init__(self, settings: Settings, socket_path: str, data_version: Callable[[], str]):
        self.settings = settings
        self.connections = Connections(socket_path)
        self.data_version = data_version
        self.lanes = plan(settings.workers, settings.long_query_workers, settings.reserved_workers)
        self.long_clients: dict[str, int] = {}  # clients' queries in or waiting for the long lane
        self.short = Lane("short", self.lanes.short, self._short_cap)
        self.long = Lane("long", self.lanes.long)
        self.workers = Workers(self.lanes.reserved)
        self.cache = SharedCache(settings.shared_cache_bytes, settings.result_cache_max_bytes)
        self.long_queries: OrderedDict[bytes, None] = OrderedDict()
        self.in_server: dict[str, int] = {}
        self.on_startup: Callable[[], None] = lambda: None

    async def __call__(self, scope: dict, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self._lifespan(receive, send)
        elif scope["type"] == "http":
            await self._http(scope, receive, send)

    async def _lifespan(self, receive: Receive, send: Send) -> None:
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                self.on_startup()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return

    async def _http(self, scope: dict, receive: Receive, send: Send) -> None:
        client = self.client_address(scope)
        held = self.in_server.get(client, 0)
        if held >= self.settings.client_max_requests:
            await problem(
                send,
                429,
                f"this client already has {held} requests in the server, the most one client "
                "may have at once; wait for their answers before sending more",
                retry_after=1,
            )
            return
        self.in_server[client] = held + 1
        try:
            body = await read_body(receive, self.settings.max_body_bytes)
        except ClientLeft:
            return
        try:
            if body is None:
                await problem(
                    send,
                    413,
                    f"the request body is larger than {self.settings.max_body_bytes} bytes",
                )
                return
            request = Request(
                method=scope["method"],
                path=scope["path"],
                target=scope["raw_path"]
                + (b"?" + scope["query_string"] if scope["query_string"] else b""),
                headers=list(scope["headers"]),
                body=body,
                client=client,
            )
            finishing = asyncio.Event()
            await until_client_leaves(receive, self.answer(request, send, finishing), finishing)
        finally:
            left = self.in_server[client] - 1
            if left:
                self.in_server[client] = left
            else:
                del self.in_server[client]

    def client_address(self, scope: dict) -> str:
        """The client, as the configured proxies tell it (X-Forwarded-For), else the peer."""
        peer = (scope.get("client") or ("",))[0]
        if not self.settings.proxy_count:
            return peer
        for name, value in scope["headers"]:
            if name == b"x-forwarded-for":
                hops = [h.strip() for h in value.decode("latin-1").split(",")]
                if len(hops) >= self.settings.proxy_count:
                    return hops[-self.settings.proxy_count]
        return peer

    async def answer(self, request: Request, send: Send, finishing: asyncio.Event) -> None:
        shared = self.cache.max_bytes and not self.settings.is_remote
        key = request.cache_key() if shared else None
        version = self.data_version() if key is not None else ""
        if not version:
            key = None
        if key is not None:
            stored = self.cache.get(key, version)
            if stored is not None:
                await send_stored(request, stored, send)
                return
        try:
            await self.dispatch(request, send, key, version, finishing)
        finally:
            if request.long:
                self._long_client_done(request.client)

    async def dispatch(
        self,
        request: Request,
        send: Send,
        key: tuple | None,
        version: str,
        finishing: asyncio.Event,
    ) -> None:
        try:
            exchange = await (self.run_query(request) if request.is_query else self.run(request))
        except Busy:
            message = (
                "the server is busy with long queries and this one waited the "
                f"{self.settings.queue_timeout:g} s limit for its turn; retry later, or narrow it"
                if request.is_query
                else f"no worker came free for this request in {STARTUP_SECONDS:g} s; retry later"
            )
            await problem(send, 503, message, retry_after=5)
            return
        try:
            await self.relay(exchange, send, key, version, finishing)
        finally:
            exchange.stop()

    async def run(self, request: Request, place: Place | None = None) -> Exchange:
        """Send ``request`` to a worker once one is free for it (a query holds ``place``
        in its lane meanwhile, and gives it back if no worker comes free in time)."""
        place = place or Place(None)
        query = place.lane is not None
        if self.workers.ever_ready:
            waited = self.settings.queue_timeout if query else STARTUP_SECONDS
        else:
            waited = STARTUP_SECONDS  # the workers are still starting
        try:
            await self.workers.take(query, request.arrived + waited - time.monotonic())
        except BaseException:
            place.give_back()
            raise
        if not request.repeatable:
            # Sent on a new connection only (see Exchange._run), which a worker without
            # one must accept: the connections never outnumber the ready workers.
            self.connections.close_idle(len(self.workers.ready) - self.workers.open)
        return Exchange(
            self.connections,
            request,
            self.settings.front_buffer_bytes,
            self.settings.query_timeout + 30,  # the workers' own hard limit (web/server.py)
            lambda: self.workers.give_back(query),
            place,
        )

    async def run_query(self, request: Request) -> Exchange:
        """A query in the short lane, moved to the long lane if it runs long; when the long
        lane is full it is stopped and run again there, when its turn comes."""
        remaining = request.arrived + self.settings.queue_timeout - time.monotonic()
        fingerprint = request.fingerprint
        if self.lanes.long and fingerprint not in self.long_queries:
            await self.short.take(request.client, remaining)
            exchange = await self.run(request, Place(self.short, request.client))
            try:
                started = await exchange.head(self.settings.long_query_seconds)
            except BaseException:
                exchange.stop()  # the client left: its worker stops the query
                raise
            if started:
                return exchange
            self._remember_long(fingerprint)
            self._long_client(request)
            if self.long.try_take(request.client):
                moved, exchange.place = exchange.place, Place(self.long, request.client)
                moved.give_back()
                return exchange
            log.info("long lane full: stopping a query to run it again there")
            exchange.stop()
        lane = self.long if self.lanes.long else self.short
        if lane is self.long:
            self._long_client(request)
        remaining = request.arrived + self.settings.queue_timeout - time.monotonic()
        await lane.take(request.client, remaining)
        return await self.run(request, Place(lane, request.client))

    def _long_client(self, request: Request) -> None:
        """Count ``request`` as one of its client's long queries (once)."""
        if not request.long:
            request.long = True
            self.long_clients[request.client] = self.long_clients.get(request.client, 0) + 1

    def _long_client_done(self, client: str) -> None:
        left = self.long_clients[client] - 1
        if left:
            self.long_clients[client] = left
        else:
            del self.long_clients[client]
            self.short.hand_out()  # the client may hold more short-lane places again

    def _short_cap(self, client: str) -> int:
        """A client with a long query running or waiting probes with one short place."""
        return 1 if client in self.long_clients else self.lanes.short

    def _remember_long(self, fingerprint: bytes) -> None:
        self.long_queries[fingerprint] = None
        self.long_queries.move_to_end(fingerprint)
        while len(self.long_queries) > LONG_QUERIES_REMEMBERED:
            self.long_queries.popitem(last=False)

    async def relay(
        self,
        exchange: Exchange,
        send: Send,
        key: tuple | None,
        version: str,
        finishing: asyncio.Event,
    ) -> None:
        """The worker's answer, passed on as it comes; kept in the shared cache if it may be."""
        await exchange.head()
        if exchange.status == 0 and exchange.failure == WORKER_DIED:
            # Its watchdog would have answered a timeout or a memory overrun: the engine
            # aborted the process (a panic, an allocation failure).
            await problem(send, 503, CRASH_MESSAGE, 5, error="query crashed")
            return
        if exchange.status == 0:
            await problem(send, 503, exchange.failure or "no answer from the workers", 5)
            return
        etag = key and storable(exchange.status, exchange.headers, self.cache.max_entry_bytes)
        headers = [
            (k, v) for k, v in exchange.headers if k not in HOP_BY_HOP or k == b"content-length"
        ]
        start = {"type": "http.response.start", "status": exchange.status, "headers": headers}
        if exchange.complete:  # the whole answer came with its head: passed on in one piece
            body = exchange.take_all()
            finishing.set()
            await send(start)
            await send({"type": "http.response.body", "body": body, "more_body": False})
            if etag and len(body) <= self.cache.max_entry_bytes:
                self._keep(
                    exchange,
                    key,
                    Stored(version, exchange.status, whole(headers, body), body, etag),
                )
            return
        await send(start)
        kept: list[bytes] | None = [] if etag else None
        size = 0
        while (chunk := await exchange.next_chunk()) is not None:
            size += len(chunk)
            if kept is not None and size > self.cache.max_entry_bytes:
                kept = None  # too large to keep
            elif kept is not None:
                kept.append(chunk)
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
        if exchange.ended_early:
            raise ConnectionError(exchange.failure or "the worker's answer was cut")
        finishing.set()
        await send({"type": "http.response.body", "body": b"", "more_body": False})
        if etag and kept is not None:
            body = b"".join(kept)
            self._keep(
                exchange, key, Stored(version, exchange.status, whole(headers, body), body, etag)
            )

    def _keep(self, exchange: Exchange, key: tuple | None, stored: Stored) -> None:
        """Keep a whole answer to a GET in the shared cache."""
        if key is not None and exchange.request.method == "GET":
            self.cache.put(key, stored)


def whole(headers: list[tuple[bytes, bytes]], body: bytes) -> list[tuple[bytes, bytes]]:
    """The headers of an answer kept whole: with its length, not marked streamed."""
    kept = [(k, v) for k, v in headers if k not in (b"x-streamed", b"content-length")]
    return [*kept, (b"content-length", b"%d" % len(body))]


class ClientLeft(Exception):
    """The client hung up before its request was read."""


async def read_body(receive: Receive, limit: int) -> bytes | None:
    """The whole request body; None past ``limit`` bytes."""
    parts: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientLeft
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        parts.append(chunk)
        if not message.get("more_body"):
            return b"".join(parts)


async def until_client_leaves(
    receive: Receive, answering: Awaitable[None], finishing: asyncio.Event
) -> None:
    """Run ``answering``; if the client hangs up first, stop it (which stops its query).
    Once the last chunk is being sent (``finishing``), the server reports the exchange
    over, not the client gone."""
    task = asyncio.ensure_future(answering)
    left = asyncio.ensure_future(receive())
    try:
        await asyncio.wait({task, left}, return_when=asyncio.FIRST_COMPLETED)
        if not task.done() and not finishing.is_set():
            task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
    finally:
        left.cancel()
        if not task.done():
            task.cancel()


async def send_stored(request: Request, stored: Stored, send: Send) -> None:
    headers = [(k, v) for k, v in stored.headers if k != b"x-cache"] + [(b"x-cache", b"shared")]
    if stored.etag in request.header(b"if-none-match"):
        kept = [(k, v) for k, v in headers if k not in (b"content-type", b"content-length")]
        await send({"type": "http.response.start", "status": 304, "headers": kept})
        await send({"type": "http.response.body", "body": b""})
        return
    await send({"type": "http.response.start", "status": stored.status, "headers": headers})
    body = b"" if request.method == "HEAD" else stored.body
    await send({"type": "http.response.body", "body": body})


def watch_workers(loop: asyncio.AbstractEventLoop, ready: int, workers: Workers) -> None:
    """Count a worker in when it writes its pid to ``ready``, and out when it ends (its
    pidfd becomes readable): the workers are the master's children, not the front's."""
    pending = bytearray()

    def on_ready() -> None:
        try:
            data = os.read(ready, 4096)
        except BlockingIOError:
            return
        if not data:
            loop.remove_reader(ready)  # every writer is gone: the master is ending
            return
        pending.extend(data)
        while len(pending) >= READY.size:
            (pid,) = READY.unpack_from(pending)
            del pending[: READY.size]
            watch(pid)

    def watch(pid: int) -> None:
        try:
            pidfd = os.pidfd_open(pid)
        except ProcessLookupError:
            return  # it ended already
        workers.add(pid)

        def ended() -> None:
            loop.remove_reader(pidfd)
            os.close(pidfd)
            workers.remove(pid)

        loop.add_reader(pidfd, ended)

    os.set_blocking(ready, False)
    loop.add_reader(ready, on_ready)


class OneWriteTransport:
    """A client connection's transport whose writes made in one turn of the event loop
    leave in one system call. uvicorn writes a response's head as soon as it is given and
    its body apart: for a small answer, two writes to the client where one does (and a
    client woken twice). The writes are joined and sent once the turn's callbacks have
    run (``call_soon``); a close sends what is held first."""

    __slots__ = ("_transport", "_loop", "_held")

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._held: list[bytes] | None = None

    def write(self, data: bytes) -> None:
        if self._held is None:
            self._held = [data]
            self._loop.call_soon(self._send)
        else:
            self._held.append(data)

    def _send(self) -> None:
        held, self._held = self._held, None
        if held and not self._transport.is_closing():
            self._transport.write(held[0] if len(held) == 1 else b"".join(held))

    def close(self) -> None:
        self._send()
        self._transport.close()

    def __getattr__(self, name: str):
        return getattr(self._transport, name)


def front_protocol():
    """uvicorn's httptools protocol, writing to its clients through ``OneWriteTransport``."""
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

    class FrontProtocol(HttpToolsProtocol):
        def connection_made(self, transport) -> None:  # type: ignore[override]
            super().connection_made(OneWriteTransport(transport, self.loop))

    return FrontProtocol


REASONS = {413: "content too large", 429: "too many requests", 503: "service unavailable"}


async def problem(
    send: Send, status: int, message: str, retry_after: int | None = None, error: str = ""
) -> None:
    """An error in the same JSON shape as the application's."""
    body = json.dumps(
        {"error": error or REASONS[status], "status": status, "message": message}
    ).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"access-control-allow-origin", b"*"),
        (b"x-content-type-options", b"nosniff"),
    ]
    if retry_after is not None:
        headers.append((b"retry-after", str(retry_after).encode()))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def run_front(
    settings: Settings, listener, socket_path: str, master_alive: int, workers_ready: int
) -> None:
    """The front process's whole life: serve ``listener`` until the master process ends
    (``master_alive``, the read end of a pipe only the master holds open, reaches EOF).
    Each worker writes its pid to ``workers_ready`` when it is ready to take requests."""
    import resource

    import uvicorn

    # Each waiting client is a socket: allow as many as the system lets this process have.
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    store = Path(settings.store)

    def data_version() -> str:
        try:
            return files_version(store)
        except StoreUnavailable:
            return ""  # nothing is shared while there is no store

    app = Front(settings, socket_path, data_version)
    config = uvicorn.Config(
        app,
        loop="uvloop",
        http=front_protocol(),
        lifespan="on",
        access_log=False,  # the workers log each request they answer
        server_header=False,
        date_header=False,
        proxy_headers=False,  # X-Forwarded-* are the application's to judge (proxy_count)
        timeout_keep_alive=settings.keepalive_seconds,
        timeout_graceful_shutdown=5,
        log_level="warning",
    )
    server = uvicorn.Server(config)

    def watch_master() -> None:
        loop = asyncio.get_running_loop()
        loop.add_reader(master_alive, lambda: setattr(server, "should_exit", True))
        watch_workers(loop, workers_ready, app.workers)

    app.on_startup = watch_master
    server.run(sockets=[listener])
