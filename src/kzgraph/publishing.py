"""Where a build's graph goes and where an export reads it: the embedded store, or a remote
SPARQL server (remote.py). One interface for build, export and serve, above both kinds of
store, so that neither imports the other's caller."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator

import pyoxigraph as ox

from kzgraph.remote import RemoteStore
from kzgraph.settings import Settings
from kzgraph.store import (
    GraphStore,
    is_version_quad,
    new_version,
    open_read_only,
    without_version,
    write,
)


def publish(quads: Iterable[ox.Quad], settings: Settings) -> dict[str, int]:
    """Make ``quads`` the store's data, with a new data version; returns the distinct
    triples per graph as the store holds them afterwards."""
    quads = list(dict.fromkeys(without_version(quads)))
    version = new_version()
    if settings.is_remote:
        return RemoteStore(settings).publish(quads, version)
    write(quads, settings.store, version=version)
    return dict(Counter(q.graph_name.value for q in quads))


def check(settings: Settings) -> None:
    """Fail now, not after the extraction, when a remote store cannot be reached."""
    if settings.is_remote:
        RemoteStore(settings).quirks  # noqa: B018 - one cheap query to the server


def dataset_quads(settings: Settings) -> Iterator[ox.Quad]:
    """Every quad of the store's data, without the version marker."""
    if settings.is_remote:
        source: GraphStore = RemoteStore(settings)
    else:
        source = open_read_only(settings.store)
    return (q for q in source.quads_for_pattern(None, None, None, None) if not is_version_quad(q))
