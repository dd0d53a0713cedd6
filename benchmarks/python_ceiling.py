"""How fast can any Python HTTP server answer short queries on this machine? A ceiling for
issue 16's short-query targets, measured beside kzgraph and the Oxigraph server.

    .venv/bin/python benchmarks/python_ceiling.py --triples 100000 [--rounds 3]

The contenders answer the same short query, new each time: throughput at c=8 (wrk, with
benchmarks/availability.py's script) and the p50 latency of queries sent one at a time,
each on a new connection (as benchmarks/compare_servers.py measures it):

- **bare uvicorn, 1 and 2 processes**: uvicorn with httptools and uvloop (kzgraph's front)
  serving a raw ASGI function that evaluates the query on pyoxigraph in memory in its event
  loop and sends the JSON. No isolation, no limits, no cache, no access log, no content
  negotiation: nothing kzgraph does besides answering. No Python server that keeps any of
  those can be faster than this;
- **bare granian, 1 and 2 processes** (a Rust HTTP server calling the same function through
  its RSGI interface), when the ``granian`` command is installed beside this Python (it is
  not a kzgraph dependency: ``pip install granian`` to include it);
- **a bare front before 2 worker processes**: the bare uvicorn server handing each query to
  a worker process over a socket (a length-prefixed query and answer, no HTTP) and relaying
  the answer. pyoxigraph cannot stop a query running in a thread, so a server that must stop
  a runaway query at its deadline runs it in a process it can end: this is the least such a
  server can do, and the shape of kzgraph's front and workers with nothing else;
- **kzgraph serve** (its front and 4 workers, caches off);
- **the Oxigraph server** on disk, ``--union-default-graph``: the baseline of the ratios.

Rounds are interleaved (every contender once per round) and the medians reported, because a
single run on two shared cores mostly measures where the scheduler put wrk and the servers.
"""

from __future__ import annotations

import asyncio
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs, quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from benchmarks.availability import SHORT, distinct_short_script  # noqa: E402
from benchmarks.compare_servers import (  # noqa: E402
    NO_CACHE,
    PREFIXES,
    answers_per_second,
    http_get,
    load_both,
    rounds_arguments,
)
from tests.servers import free_port, start_kzgraph, start_oxigraph  # noqa: E402

JSON = "application/sparql-results+json"
LATENCY_QUERIES = 200  # per contender and round, one at a time, each on a new connection


def load_answer(graph: Path) -> Callable[[bytes | str], bytes]:
    """The least a query server can do with a request's query string: evaluate, serialize."""
    import pyoxigraph as ox

    store = ox.Store()
    store.bulk_load(path=str(graph), format=ox.RdfFormat.N_QUADS)
    ready = Path(os.environ["KZGRAPH_CEILING_READY"])
    (ready / str(os.getpid())).touch()  # loaded: this process can answer at once

    def answer(query_string: bytes | str) -> bytes:
        query = parse_qs(query_string if isinstance(query_string, str) else query_string.decode())
        results = store.query(query["query"][0], use_default_graph_as_union=True)
        return results.serialize(format=ox.QueryResultsFormat.JSON)

    return answer


async def send_json(send, body: bytes) -> None:
    headers = [(b"content-type", JSON.encode())]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def bare_asgi(graph: Path):
    answer = load_answer(graph)

    async def asgi(scope, receive, send) -> None:
        if scope["type"] == "http":
            await send_json(send, answer(scope["query_string"]))

    return asgi


def isolated_asgi(graph: Path, workers: int):
    """A front that hands each query to one of ``workers`` processes (forked here, one
    socket each, a length-prefixed query and answer) and relays the answer: the least a
    server can do that runs each query in a process it could end (the only way to stop a
    pyoxigraph query), with no HTTP between the two."""
    ends = []
    for _ in range(workers):
        front_end, worker_end = socket.socketpair()
        if os.fork() == 0:
            front_end.close()
            answer_queries(worker_end, load_answer(graph))
            os._exit(0)
        worker_end.close()
        ends.append(front_end)
    idle: asyncio.Queue | None = None

    async def asgi(scope, receive, send) -> None:
        nonlocal idle
        if scope["type"] != "http":
            return
        if idle is None:
            idle = asyncio.Queue()
            for end in ends:
                idle.put_nowait(await asyncio.open_unix_connection(sock=end))
        connection = await idle.get()
        reader, writer = connection
        query = scope["query_string"]
        writer.write(len(query).to_bytes(4, "big") + query)
        size = int.from_bytes(await reader.readexactly(4), "big")
        body = await reader.readexactly(size)
        idle.put_nowait(connection)
        await send_json(send, body)

    return asgi


def answer_queries(connection: socket.socket, answer: Callable[[bytes], bytes]) -> None:
    stream = connection.makefile("rb")
    while header := stream.read(4):
        body = answer(stream.read(int.from_bytes(header, "big")))
        connection.sendall(len(body).to_bytes(4, "big") + body)


def serve_with_uvicorn(kind: str, graph: Path, port: int, processes: int) -> None:
    """``bare``: ``processes`` uvicorn servers on one listening socket, each loading its own
    copy after the fork; ``isolated``: one uvicorn front before ``processes`` workers."""
    import uvicorn

    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", port))
    listener.listen(1024)
    if kind == "isolated":
        app = isolated_asgi(graph, processes)
    else:
        for _ in range(processes - 1):
            if os.fork() == 0:
                break
        app = bare_asgi(graph)
    config = uvicorn.Config(
        app, log_level="error", access_log=False, loop="uvloop", http="httptools"
    )
    uvicorn.Server(config).run(sockets=[listener])


def granian_binary() -> str | None:
    beside = Path(sys.executable).with_name("granian")
    return str(beside) if beside.exists() else shutil.which("granian")


def start_bare(kind: str, processes: int, graph: Path, log: Path) -> tuple[subprocess.Popen, int]:
    port = free_port()
    ready = log.with_suffix(".ready")
    ready.mkdir()
    env = {**os.environ, "KZGRAPH_CEILING_GRAPH": str(graph), "KZGRAPH_CEILING_READY": str(ready)}
    if kind == "granian":
        command = [granian_binary(), "--interface", "rsgi", "--workers", str(processes)]
        command += ["--host", "127.0.0.1", "--port", str(port), "--no-ws"]
        command += ["--log-level", "error", "--factory", "benchmarks.python_ceiling:granian_app"]
        env["PYTHONPATH"] = f"{ROOT}{os.pathsep}{ROOT / 'src'}"
    else:
        command = [sys.executable, __file__, "--serve", kind, str(port), str(processes)]
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env=env,
        stdout=open(log, "wb"),  # noqa: SIM115 - the server writes to it until stopped
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if len(list(ready.iterdir())) >= processes:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return process, port
            except OSError:
                pass
        time.sleep(0.2)
    raise RuntimeError(f"{kind} did not start: see {log}")


def granian_app():
    """granian's factory (``--factory benchmarks.python_ceiling:granian_app``), called in
    each of its worker processes before it serves."""
    answer = load_answer(Path(os.environ["KZGRAPH_CEILING_GRAPH"]))

    async def rsgi(scope, protocol) -> None:
        protocol.response_bytes(200, [("content-type", JSON)], answer(scope.query_string))

    return rsgi


def answers(port: int, script: Path, seconds: int) -> float:
    out = subprocess.run(
        ["wrk", "-t", "2", "-c", "8", "-d", f"{seconds}s", "-s", str(script)]
        + ["-H", f"Accept: {JSON}", f"http://127.0.0.1:{port}/"],
        capture_output=True,
        text=True,
    ).stdout
    if re.search(r"Non-2xx", out):
        raise RuntimeError(f"errors under wrk: {out}")
    return answers_per_second(out)


def latency(port: int, path_of: Callable[[str], str], first: int) -> float:
    """Median milliseconds of LATENCY_QUERIES short queries, new each time, one at a time."""
    return 1000 * statistics.median(
        http_get(port, path_of(SHORT.format(n=first + i))) for i in range(LATENCY_QUERIES)
    )


class Contender:
    def __init__(self, name: str, port: int, path_of: Callable[[str], str], tmp: Path) -> None:
        self.name, self.port, self.path_of = name, port, path_of
        self.script = distinct_short_script(path_of, tmp / f"{len(list(tmp.glob('*.lua')))}.lua")
        self.rates: list[float] = []
        self.ratios: list[float] = []
        self.p50s: list[float] = []
        self.p50_ratios: list[float] = []


def main() -> None:
    args = rounds_arguments(__doc__)
    tmp = Path(tempfile.mkdtemp(prefix="kzgraph-ceiling-"))
    load_both(args.triples, tmp)
    graph = tmp / "graph.nq"

    def with_prefixes(path: str) -> Callable[[str], str]:
        return lambda q: path + quote(PREFIXES + q)

    contenders: list[Contender] = []
    stops = []
    try:
        oxigraph = start_oxigraph(tmp / "ox", tmp / "ox.log", "--union-default-graph")
        stops.append(oxigraph.stop)
        port = int(oxigraph.url.rstrip("/").rsplit(":", 1)[1])
        contenders.append(Contender("Oxigraph server", port, with_prefixes("/query?query="), tmp))
        kz = start_kzgraph(tmp / "kz" / "store", tmp / "kz.log", "--workers", "4", env=NO_CACHE)
        stops.append(kz.stop)
        port = int(kz.url.rstrip("/").rsplit(":", 1)[1])
        name = "kzgraph serve (front, 4 workers)"
        contenders.append(Contender(name, port, lambda q: "/sparql?query=" + quote(q), tmp))
        plan = [("isolated", 2, "bare front before 2 worker processes")]
        plan += [
            ("uvicorn", n, f"bare uvicorn, {n} process{'es' if n > 1 else ''}") for n in (1, 2)
        ]
        if granian_binary():
            plan += [
                ("granian", n, f"bare granian, {n} process{'es' if n > 1 else ''}") for n in (1, 2)
            ]
        for kind, processes, name in plan:
            process, port = start_bare(kind, processes, graph, tmp / f"{kind}{processes}.log")
            stops.append(lambda p=process: (os.killpg(p.pid, 15), p.wait()))
            contenders.append(Contender(name, port, with_prefixes("/?query="), tmp))
        oxigraph_contender = contenders[0]
        for round_ in range(args.rounds):
            for contender in contenders:
                contender.rates.append(answers(contender.port, contender.script, args.seconds))
                first = 10_000_000 * (round_ + 1)
                contender.p50s.append(latency(contender.port, contender.path_of, first))
            for contender in contenders:
                contender.ratios.append(contender.rates[-1] / oxigraph_contender.rates[-1])
                contender.p50_ratios.append(contender.p50s[-1] / oxigraph_contender.p50s[-1])
    finally:
        for stop in reversed(stops):
            stop()

    print(
        f"Short queries new each time, {args.triples:,} triples generated, {args.rounds} "
        f"interleaved rounds (medians): throughput at c=8 (wrk, {args.seconds} s), and the "
        f"p50 of {LATENCY_QUERIES} queries one at a time, each on a new connection.\n"
    )
    print(
        "| contender | requests/s, c=8 | vs the Oxigraph server (range) "
        "| p50 ms, c=1 | vs the Oxigraph server (range) |"
    )
    print("|---|---|---|---|---|")
    for c in contenders:
        print(
            f"| {c.name} | {statistics.median(c.rates):.0f} | {statistics.median(c.ratios):.2f}x "
            f"({min(c.ratios):.2f}x-{max(c.ratios):.2f}x) | {statistics.median(c.p50s):.2f} | "
            f"{statistics.median(c.p50_ratios):.2f}x ({min(c.p50_ratios):.2f}x-"
            f"{max(c.p50_ratios):.2f}x) |"
        )
    if not granian_binary():
        print(
            "\n(granian is not installed beside this Python: `pip install granian` to include it.)"
        )


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--serve":
        kind, port, processes = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
        serve_with_uvicorn(kind, Path(os.environ["KZGRAPH_CEILING_GRAPH"]), port, processes)
    else:
        main()
