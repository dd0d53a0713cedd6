"""Fair scheduling of the query workers, done by the front (web/front.py).

The workers are a fixed pool of processes, each running one request at a time. Queries
(``/sparql``, ``/queries/...``) may take any time up to the timeout, so they do not get
the whole pool: they go through lanes, each a number of workers.

- the **short lane** runs queries as they come;
- the **long lane** runs queries that have already run ``long_query_seconds``;
- the remaining **reserved** workers never run queries: pages, lookups, reconciliation,
  ``/health`` and writes always find one free.

Within a lane, waiting requests are served one client at a time in turn (round robin),
so one client's backlog delays that client only.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict, deque
from dataclasses import dataclass


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


class Lane:
    """``capacity`` places, handed to waiting clients in turn."""

    def __init__(self, name: str, capacity: int) -> None:
        self.name = name
        self.capacity = capacity
        self.busy = 0
        self._waiting: OrderedDict[str, deque[asyncio.Future]] = OrderedDict()

    def try_take(self) -> bool:
        """A place now, if one is free and nobody waits for it."""
        if self.busy < self.capacity and not self._waiting:
            self.busy += 1
            return True
        return False

    async def take(self, client: str, timeout: float) -> None:
        """Wait for a place, in turn with other clients; ``Busy`` after ``timeout`` s."""
        if self.try_take():
            return
        if timeout <= 0:
            raise Busy(self.name)
        waiter = asyncio.get_running_loop().create_future()
        self._waiting.setdefault(client, deque()).append(waiter)
        try:
            await asyncio.wait_for(asyncio.shield(waiter), timeout)
        except BaseException as exc:
            if waiter.done() and not waiter.cancelled():
                self.give_back()  # handed a place just as we stopped waiting
            else:
                waiter.cancel()
                self._forget(client, waiter)
            if isinstance(exc, TimeoutError):
                raise Busy(self.name) from None
            raise

    def give_back(self) -> None:
        """Free a place: it goes straight to the next client in turn that waits."""
        while self._waiting:
            client, queue = next(iter(self._waiting.items()))
            waiter = queue.popleft()
            if queue:
                self._waiting.move_to_end(client)  # that client's next request waits its turn
            else:
                del self._waiting[client]
            if not waiter.done():
                waiter.set_result(None)
                return
        self.busy -= 1

    @property
    def waiting(self) -> int:
        return sum(len(queue) for queue in self._waiting.values())

    def _forget(self, client: str, waiter: asyncio.Future) -> None:
        queue = self._waiting.get(client)
        if queue is not None and waiter in queue:
            queue.remove(waiter)
            if not queue:
                del self._waiting[client]


class Place:
    """A place a request holds in a lane, given back exactly once."""

    def __init__(self, lane: Lane | None) -> None:
        self.lane = lane

    def give_back(self) -> None:
        lane, self.lane = self.lane, None
        if lane is not None:
            lane.give_back()
