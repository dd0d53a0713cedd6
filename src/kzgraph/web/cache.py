"""Result caching and streaming for the query service: small serialized results are kept
per worker until the data changes; larger ones spill from a buffer into the response."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable


class SpillWriter:
    """A file-like target for pyoxigraph's serializer: buffers the first ``limit`` bytes,
    then starts the response and streams everything after through WSGI ``write``."""

    def __init__(
        self, limit: int, start_streaming: Callable[[], Callable[[bytes], object]]
    ) -> None:
        self.limit = limit
        self.buffer = bytearray()
        self._start_streaming = start_streaming
        self._write: Callable[[bytes], object] | None = None
        self.streamed = 0

    def write(self, data: bytes) -> int:
        if self._write is None:
            self.buffer += data
            if len(self.buffer) > self.limit:
                self._write = self._start_streaming()
                self._write(bytes(self.buffer))
                self.streamed += len(self.buffer)
                self.buffer = bytearray()
        else:
            self._write(bytes(data))
            self.streamed += len(data)
        return len(data)

    def flush(self) -> None:
        pass

    @property
    def streaming(self) -> bool:
        return self._write is not None


class ResultCache:
    """Serialized results by request key, least recently used first out; one per worker."""

    def __init__(self, entries: int) -> None:
        self.entries = entries
        self._items: OrderedDict[str, tuple[str, bytes]] = OrderedDict()

    def get(self, key: str) -> tuple[str, bytes] | None:
        item = self._items.get(key)
        if item is not None:
            self._items.move_to_end(key)
        return item

    def put(self, key: str, content_type: str, body: bytes) -> None:
        if self.entries <= 0:
            return
        self._items[key] = (content_type, body)
        self._items.move_to_end(key)
        while len(self._items) > self.entries:
            self._items.popitem(last=False)

    def clear(self) -> None:
        self._items.clear()
