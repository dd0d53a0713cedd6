"""How fast can any Python HTTP server answer short queries on this machine? A ceiling for
issue 16's throughput target, measured beside kzgraph and the Oxigraph server.

    .venv/bin/python benchmarks/python_ceiling.py --triples 100000 [--rounds 3]

The contenders answer the same short query, new each time (benchmarks/availability.py's
wrk script), at c=8:

- **bare uvicorn, 1 and 2 processes**: uvicorn with httptools and uvloop (kzgraph's front)
  serving a raw ASGI function that evaluates the query on pyoxigraph in memory in its event
  loop and sends the JSON. No isolation, no limits, no cache, no access log, no content
  negotiation: nothing kzgraph does besides answering. No Python server that keeps any of
  those can be faster than this;
- **bare granian, 1 and 2 processes** (a Rust HTTP server calling the same function through
  its RSGI interface), when the ``granian`` command is installed beside this Python (it is
  not a kzgraph dependency: ``pip install granian`` to include it);
- **kzgraph serve** (its front and 4 workers, caches off);
- **the Oxigraph server** on disk, ``--union-default-graph``: the baseline of the ratios.

Rounds are interleaved (every contender once per round) and the medians reported, because a
single run on two shared cores mostly measures where the scheduler put wrk and the servers.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import parse_qs, quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from benchmarks.availability import distinct_short_script  # noqa: E402
from benchmarks.compare_servers import (  # noqa: E402
    NO_CACHE,
    PREFIXES,
    answers_per_second,
    load_both,
    rounds_arguments,
)
from tests.servers import free_port, start_kzgraph, start_oxigraph  # noqa: E402

JSON = "application/sparql-results+json"


def bare_app(graph: Path):
    """The least a query server can do: evaluate, serialize, send. For both ASGI (uvicorn)
    and RSGI (granian)."""
    import pyoxigraph as ox

    store = ox.Store()
    store.bulk_load(path=str(graph), format=ox.RdfFormat.N_QUADS)
    ready = Path(os.environ["KZGRAPH_CEILING_READY"])
    (ready / str(os.getpid())).touch()  # loaded: this process can answer at once

    def answer(query_string: bytes | str) -> bytes:
        query = parse_qs(query_string if isinstance(query_string, str) else query_string.decode())
        results = store.query(query["query"][0], use_default_graph_as_union=True)
        return results.serialize(format=ox.QueryResultsFormat.JSON)

    async def asgi(scope, receive, send) -> None:
        if scope["type"] != "http":
            return
        body = answer(scope["query_string"])
        headers = [(b"content-type", JSON.encode())]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    async def rsgi(scope, protocol) -> None:
        protocol.response_bytes(200, [("content-type", JSON)], answer(scope.query_string))

    return asgi, rsgi


def serve_bare_uvicorn(graph: Path, port: int, processes: int) -> None:
    """``processes`` uvicorn servers on one listening socket (each forked after loading)."""
    import uvicorn

    listener = socket.socket()
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", port))
    listener.listen(1024)
    for _ in range(processes - 1):
        if os.fork() == 0:
            break
    asgi, _ = bare_app(graph)
    config = uvicorn.Config(
        asgi, log_level="error", access_log=False, loop="uvloop", http="httptools"
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
    if kind == "uvicorn":
        command = [sys.executable, __file__, "--bare-uvicorn", str(port), str(processes)]
    else:
        command = [granian_binary(), "--interface", "rsgi", "--workers", str(processes)]
        command += ["--host", "127.0.0.1", "--port", str(port), "--no-ws"]
        command += ["--log-level", "error", "--factory", "benchmarks.python_ceiling:granian_app"]
        env["PYTHONPATH"] = f"{ROOT}{os.pathsep}{ROOT / 'src'}"
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
    return bare_app(Path(os.environ["KZGRAPH_CEILING_GRAPH"]))[1]


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


def main() -> None:
    args = rounds_arguments(__doc__)
    tmp = Path(tempfile.mkdtemp(prefix="kzgraph-ceiling-"))
    load_both(args.triples, tmp)
    graph = tmp / "graph.nq"

    contenders: list[tuple[str, int, Path]] = []
    stops = []
    try:
        oxigraph = start_oxigraph(tmp / "ox", tmp / "ox.log", "--union-default-graph")
        stops.append(oxigraph.stop)
        ox_port = int(oxigraph.url.rstrip("/").rsplit(":", 1)[1])
        contenders.append(
            (
                "Oxigraph server",
                ox_port,
                distinct_short_script(
                    lambda q: "/query?query=" + quote(PREFIXES + q), tmp / "ox.lua"
                ),
            )
        )
        kz = start_kzgraph(tmp / "kz" / "store", tmp / "kz.log", "--workers", "4", env=NO_CACHE)
        stops.append(kz.stop)
        kz_port = int(kz.url.rstrip("/").rsplit(":", 1)[1])
        contenders.append(
            (
                "kzgraph serve (front, 4 workers)",
                kz_port,
                distinct_short_script(lambda q: "/sparql?query=" + quote(q), tmp / "kz.lua"),
            )
        )
        kinds = ["uvicorn"] + (["granian"] if granian_binary() else [])
        for kind in kinds:
            for processes in (1, 2):
                process, port = start_bare(kind, processes, graph, tmp / f"{kind}{processes}.log")
                stops.append(lambda p=process: (os.killpg(p.pid, 15), p.wait()))
                name = f"bare {kind}, {processes} process{'es' if processes > 1 else ''}"
                contenders.append(
                    (
                        name,
                        port,
                        distinct_short_script(
                            lambda q: "/?query=" + quote(PREFIXES + q),
                            tmp / f"{kind}{processes}.lua",
                        ),
                    )
                )
        rates: dict[str, list[float]] = {name: [] for name, _, _ in contenders}
        ratios: dict[str, list[float]] = {name: [] for name, _, _ in contenders}
        for _ in range(args.rounds):
            measured = {
                name: answers(port, script, args.seconds) for name, port, script in contenders
            }
            for name, rate in measured.items():
                rates[name].append(rate)
                ratios[name].append(rate / measured["Oxigraph server"])
    finally:
        for stop in reversed(stops):
            stop()

    print(
        f"Short queries new each time, c=8, {args.triples:,} triples generated, "
        f"{args.rounds} interleaved rounds of {args.seconds} s (medians):\n"
    )
    print("| contender | requests/s | vs the Oxigraph server | ratio's range over the rounds |")
    print("|---|---|---|---|")
    for name in rates:
        low, high = min(ratios[name]), max(ratios[name])
        print(
            f"| {name} | {statistics.median(rates[name]):.0f} | "
            f"{statistics.median(ratios[name]):.2f}x | {low:.2f}x-{high:.2f}x |"
        )
    if not granian_binary():
        print("\n(granian not installed beside this Python: `pip install granian` to include it.)")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--bare-uvicorn":
        serve_bare_uvicorn(
            Path(os.environ["KZGRAPH_CEILING_GRAPH"]), int(sys.argv[2]), int(sys.argv[3])
        )
    else:
        main()
