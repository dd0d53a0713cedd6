"""Configuration in one place: defaults, overridden by a TOML file, environment
variables (``KZGRAPH_*``) and command-line flags, in that order."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, fields, replace
from pathlib import Path

PROJECT_ROOT = Path(os.environ.get("KZGRAPH_HOME", Path(__file__).resolve().parents[2]))
BASE_IRI = "https://w3id.org/kzgraph/"
WIKIDATA_SPARQL = "https://query.wikidata.org/sparql"
QLEVER_WIKIDATA = "https://qlever.cs.uni-freiburg.de/api/wikidata"


@dataclass(frozen=True)
class Settings:
    """Everything kzgraph can be told; see README "Configuration"."""

    store: str = str(PROJECT_ROOT / "var" / "store")
    sources: str = str(PROJECT_ROOT / "sources")
    mappings: str = str(PROJECT_ROOT / "mappings")
    queries: str = str(PROJECT_ROOT / "queries")
    base_iri: str = BASE_IRI
    # What the graph is called and what it is about, as pages, manifests and the dataset's
    # description say it: the same code serves another legislature's graph by changing these.
    graph_name: str = "kzgraph"
    graph_subject: str = "the Parliament of Kazakhstan"  # as it reads inside a sentence
    graph_subject_slug: str = "parliament-of-kazakhstan"  # its entity: VoID's example resource
    host: str = "127.0.0.1"
    # The URL the public reaches this server at (links in manifests, VoID, pages). Unset,
    # links use the request's Host only when it names this machine (see web/pages.py).
    public_base_url: str = ""
    # How many reverse proxies in front set X-Forwarded-*: only then are they trusted.
    proxy_count: int = 0
    port: int = 8000
    workers: int = 4
    update_token: str | None = None
    union_default_graph: bool = True
    query_timeout: float = 30.0  # seconds
    max_query_bytes: int = 100_000
    max_body_bytes: int = 10_000_000
    # Query shape (see web/shape.py): deeper nesting or longer chains overflow the engine's stack.
    max_query_depth: int = 100
    max_query_operators: int = 500
    # Memory a worker may use above what it holds when it starts (the dataset); a query
    # that goes past it is stopped with a 503 and the worker replaced (web/watchdog.py).
    # An update takes the most: the store's write handle, a snapshot written, and a new
    # in-memory copy loaded beside the old one (at 10^6 quads, a 372 MiB copy, an update
    # went past 1,024 MiB). 2,048 MiB bounds 4 workers to 8 GiB above the data.
    worker_memory_mb: int = 2048
    result_cache_entries: int = 256
    result_cache_max_bytes: int = 2_000_000  # a larger result is not cached
    # A larger result is streamed as it is written (its first byte leaves after this many,
    # not after the whole result); smaller ones are sent whole, with a Content-Length.
    stream_after_bytes: int = 65_536
    service_allowlist: tuple[str, ...] = (WIKIDATA_SPARQL, QLEVER_WIKIDATA)
    # Where an allowlisted endpoint is really reached ("IRI=URL"): for mirrors and tests.
    service_map: tuple[str, ...] = ()
    service_timeout: float = 20.0
    service_max_rows: int = 100_000
    # Networks (CIDR) an allowlisted endpoint may resolve into although they are not
    # public: loopback, private or link-local; for a mirror on the LAN, and for tests.
    service_private_networks: tuple[str, ...] = ()
    # A remote store's engine makes SERVICE/LOAD calls itself; kzgraph refuses them unless
    # the operator states the store has no route out (docker-compose.yml's internal network).
    remote_store_isolated: bool = False
    # A remote store (--store http://...): see README "Remote stores".
    store_update_url: str | None = None  # default: found from the server (Fuseki .../update)
    store_graph_store_url: str | None = None  # Graph Store Protocol; default: found likewise
    store_bulk_load: str = "auto"  # "auto": Graph Store Protocol where found; "update": INSERT DATA
    store_query_method: str = "post"  # "post" (URL-encoded form) or "get"
    store_user: str | None = None
    store_password: str | None = None
    store_auth: str = "digest"  # "digest" (Virtuoso's -auth endpoints) or "basic"
    store_insert_chunk: int = 1000  # triples per INSERT DATA; Virtuoso fails near 2,000
    store_max_rows: int = 10_000  # a result of exactly this size was cut (Virtuoso's default)
    # Entities sent along with one outbound SERVICE call (VALUES of a bind join).
    service_batch: int = 100
    user_agent: str = "kzgraph/0.1 (https://w3id.org/kzgraph/; kzgraph@example.org) pyoxigraph"

    # --- The front and the scheduling of the workers (web/front.py, web/lanes.py) ---
    # An asynchronous front reads requests whole before a worker sees them; false: the
    # workers serve clients directly (one connection per worker, as before the front).
    front: bool = True
    # A query still running after this many seconds is a long query: it moves to the long
    # lane, or, when that is full, is stopped and run again there in its turn.
    long_query_seconds: float = 1.0
    long_query_workers: int = 1  # workers that may run long queries at once
    reserved_workers: int = 1  # workers that never run queries: pages, lookups, health, writes
    # How long a query may wait for its lane (not counted in its own timeout); then a 503.
    # Well under the 60 s most HTTP clients wait, so the 503 reaches them.
    queue_timeout: float = 30.0
    # Requests one client (address; see proxy_count) may have in the server at once,
    # waiting or running; beyond that a 429 with Retry-After.
    client_max_requests: int = 64
    keepalive_seconds: int = 5  # an idle client connection is closed after this
    front_buffer_bytes: int = 16_000_000  # of an answer read ahead of a slow client
    shared_cache_bytes: int = 64_000_000  # the front's cache, shared by all workers

    def service_url(self, iri: str) -> str:
        """The URL an allowlisted SERVICE IRI is fetched from."""
        for entry in self.service_map:
            name, _, url = entry.partition("=")
            if name.strip() == iri:
                return url.strip()
        return iri

    @property
    def graph_title(self) -> str:
        """``kzgraph: the Parliament of Kazakhstan as a knowledge graph``."""
        return f"{self.graph_name}: {self.graph_subject} as a knowledge graph"

    @property
    def graph_headline(self) -> str:
        """``The Parliament of Kazakhstan as a knowledge graph``: the title for a heading."""
        return f"{self.graph_subject[:1].upper()}{self.graph_subject[1:]} as a knowledge graph"

    @property
    def is_remote(self) -> bool:
        return self.store.startswith(("http://", "https://"))


def load_settings(config_file: str | None = None, **overrides: object) -> Settings:
    """Defaults < TOML file (``KZGRAPH_CONFIG``) < ``KZGRAPH_*`` env vars < ``overrides``."""
    settings = Settings()
    path = config_file or os.environ.get("KZGRAPH_CONFIG")
    if path:
        with open(path, "rb") as f:
            settings = _apply(settings, tomllib.load(f).get("kzgraph", {}), f"config file {path}")
    env = {
        f.name: os.environ[f"KZGRAPH_{f.name.upper()}"]
        for f in fields(Settings)
        if f"KZGRAPH_{f.name.upper()}" in os.environ
    }
    settings = _apply(settings, env, "environment")
    return _apply(settings, {k: v for k, v in overrides.items() if v is not None}, "flags")


CHOICES = {
    "store_bulk_load": ("auto", "update"),
    "store_query_method": ("post", "get"),
    "store_auth": ("digest", "basic"),
}


def _apply(settings: Settings, values: dict, where: str) -> Settings:
    known = {f.name: f for f in fields(Settings)}
    changes = {}
    for name, value in values.items():
        if name not in known:
            raise ValueError(f"unknown setting {name!r} in {where}")
        default = getattr(Settings(), name)
        if isinstance(default, bool) and isinstance(value, str):
            value = value.lower() in ("1", "true", "yes", "on")
        elif isinstance(default, int) and not isinstance(default, bool) and isinstance(value, str):
            value = int(value)
        elif isinstance(default, float) and isinstance(value, str | int):
            value = float(value)
        elif isinstance(default, tuple) and isinstance(value, str):
            value = tuple(v.strip() for v in value.split(",") if v.strip())
        elif isinstance(default, tuple) and isinstance(value, list):
            value = tuple(value)
        if name in CHOICES and value not in CHOICES[name]:
            raise ValueError(
                f"{name} in {where} must be one of {', '.join(CHOICES[name])}, not {value!r}"
            )
        changes[name] = value
    return replace(settings, **changes)
