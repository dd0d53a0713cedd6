"""Fair scheduling of the query workers, done by the front (web/front.py).

The workers are a fixed pool of processes, each running one request at a time. Queries
(``/sparql``, ``/queries/...``) may take any time up to the timeout, so they do not get
the whole pool: they go through lanes, each a number of workers.

- the **short lane** runs queries as they come;
- the **long lane** runs queries that have already run ``long_query_seconds``;
- the remaining **reserved** workers never run queries: pages, lookups, reconciliation,
  ``/health`` and writes always find one free.

Within a lane, waiting requests are served one client at a time in turn (round robin),
so one client's backlog delays that client only. A client whose queries run long (one is
in the long lane or waits for it) holds one short-lane place at a time: its next queries,
probably long too, cannot take every short-lane worker for ``long_query_seconds`` each
while other clients' short queries wait.
"""

from __future__ import annotations

import asyncio
import struct
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass

READY = struct.Struct("<I")  # a worker's pid, written on the ready pipe when it is ready


@dataclass(frozen=True)
class Plan:
    """How many workers each lane has."""

    short: int
    long: int
    reserved: int


def plan(workers: int, long_query_workers: int, reserved_workers: int) -> Plan:
    """The lanes for ``workers`` workers. With too few workers for all three, the reserve
    is kept first (cheap requests matter most), then the short lane; with no long lane,
    queries are never moved or restarted, they run in the short lane to the end."""
    if workers >= long_query_workers + reserved_workers + 1:
        short = workers - long_query_workers - reserved_workers
        return Plan(short, long_query_workers, reserved_workers)
    reserved = min(reserved_workers, 1) if workers >= 2 else 0
    return Plan(workers - reserved, 0, reserved)


class Busy(Exception):
    """No place in the lane came free before the request's deadline."""


async def wait_for_place(
    waiter: asyncio.Future,
    timeout: float,
    name: str,
    give_back: Callable[[], None],
    forget: Callable[[], None],
) -> None:
    """Wait until ``waiter`` is handed a place; ``Busy`` after ``timeout`` s. A place
    handed just as the wait ended (time-out, or the client left) is given back; a waiter
    never handed one is forgotten."""
    try:
        await asyncio.wait_for(asyncio.shield(waiter), timeout)
    except BaseException as exc:
        if waiter.done() and not waiter.cancelled():
            give_back()
        else:
            waiter.cancel()
            forget()
        if isinstance(exc, TimeoutError):
            raise Busy(name) from None
        raise


class Lane:
    """``capacity`` places, handed to waiting clients in turn. ``cap`` says how many
    places one client may hold at once (all of them unless said)."""

    def __init__(self, name: str, capacity: int, cap: Callable[[str], int] | None = None) -> None:
        self.name = name
        self.capacity = capacity
        self.cap = cap or (lambda client: capacity)
        self.busy = 0
        self.held: dict[str, int] = {}
        self._waiting: OrderedDict[str, deque[asyncio.Future]] = OrderedDict()

    def try_take(self, client: str) -> bool:
        """A place now, if one is free for this client and nobody it would pass waits."""
        self.hand_out()
        if client not in self._waiting and self._free_for(client):
            self._grant(client)
            return True
        return False

    async def take(self, client: str, timeout: float) -> None:
        """Wait for a place, in turn with other clients; ``Busy`` after ``timeout`` s."""
        if self.try_take(client):
            return
        if timeout <= 0:
            raise Busy(self.name)
        waiter = asyncio.get_running_loop().create_future()
        self._waiting.setdefault(client, deque()).append(waiter)
        await wait_for_place(
            waiter,
            timeout,
            self.name,
            lambda: self.give_back(client),
            lambda: self._forget(client, waiter),
        )

    def give_back(self, client: str) -> None:
        """Free a place: it goes straight to the next client in turn that waits."""
        self.busy -= 1
        left = self.held[client] - 1
        if left:
            self.held[client] = left
        else:
            del self.held[client]
        self.hand_out()

    def hand_out(self) -> None:
        """Free places to waiting clients, in turn, each within its cap (call again when a
        cap may have grown)."""
        progress = True
        while progress and self._waiting and self.busy < self.capacity:
            progress = False
            for client in list(self._waiting):
                if self.busy >= self.capacity:
                    return
                if not self._free_for(client):
                    continue
                queue = self._waiting[client]
                waiter = queue.popleft()
                if queue:
                    self._waiting.move_to_end(client)  # its next request waits its turn
                else:
                    del self._waiting[client]
                if not waiter.done():
                    self._grant(client)
                    waiter.set_result(None)
                progress = True

    @property
    def waiting(self) -> int:
        return sum(len(queue) for queue in self._waiting.values())

    def _free_for(self, client: str) -> bool:
        return self.busy < self.capacity and self.held.get(client, 0) < self.cap(client)

    def _grant(self, client: str) -> None:
        self.busy += 1
        self.held[client] = self.held.get(client, 0) + 1

    def _forget(self, client: str, waiter: asyncio.Future) -> None:
        queue = self._waiting.get(client)
        if queue is not None and waiter in queue:
            queue.remove(waiter)
            if not queue:
                del self._waiting[client]


class Place:
    """A place a client's request holds in a lane, given back exactly once."""

    def __init__(self, lane: Lane | None, client: str = "") -> None:
        self.lane = lane
        self.client = client

    def give_back(self) -> None:
        lane, self.lane = self.lane, None
        if lane is not None:
            lane.give_back(self.client)


class Workers:
    """The workers that can take a request now, as the front knows them.

    The lanes bound how many queries run; this bounds connections to the workers by the
    workers that are alive and ready. gunicorn's workers all accept from one socket, so a
    connection opened while every live worker is busy (one was ended to stop a query and
    its replacement is still starting) waits in the socket's backlog, out of the front's
    sight: there, a cheap request waits behind queries, and a query waiting its turn
    looks like a long one. Each worker says when it is ready (its pid, on a pipe, see
    web/server.py) and the front watches it end (a pidfd), so every connection the front
    opens finds a worker free to accept it at once.

    ``reserved`` of the ready workers are kept for cheap requests (everything but
    queries): a query takes a worker only while more than that are free, so a worker
    that is being replaced costs the queries a place, never the cheap requests.
    """

    def __init__(self, reserved: int) -> None:
        self.reserved = reserved
        self.ready: set[int] = set()
        self.open = 0  # connections open to workers
        self.cheap_open = 0  # of which for cheap requests
        self.ever_ready = False
        self._cheap: deque[asyncio.Future] = deque()
        self._queries: deque[asyncio.Future] = deque()

    def add(self, pid: int) -> None:
        self.ready.add(pid)
        self.ever_ready = True
        self._hand_out()

    def remove(self, pid: int) -> None:
        self.ready.discard(pid)

    def _free_for(self, query: bool) -> bool:
        free = len(self.ready) - self.open
        if not query:
            return free > 0
        return free > max(0, self.reserved - self.cheap_open)

    def _grant(self, query: bool) -> None:
        self.open += 1
        if not query:
            self.cheap_open += 1

    async def take(self, query: bool, timeout: float) -> None:
        """A worker for one connection; ``Busy`` after ``timeout`` s."""
        waiting = self._queries if query else self._cheap
        if not waiting and self._free_for(query):
            self._grant(query)
            return
        if timeout <= 0:
            raise Busy("workers")
        waiter = asyncio.get_running_loop().create_future()
        waiting.append(waiter)

        def forget() -> None:
            if waiter in waiting:
                waiting.remove(waiter)

        await wait_for_place(waiter, timeout, "workers", lambda: self.give_back(query), forget)

    def give_back(self, query: bool) -> None:
        """The connection is closed: its worker is free again (or gone, see ``remove``)."""
        self.open -= 1
        if not query:
            self.cheap_open -= 1
        self._hand_out()

    def _hand_out(self) -> None:
        """Free workers go to waiting cheap requests first, then to waiting queries."""
        for query, waiting in ((False, self._cheap), (True, self._queries)):
            while waiting and self._free_for(query):
                waiter = waiting.popleft()
                if not waiter.done():
                    self._grant(query)
                    waiter.set_result(None)
