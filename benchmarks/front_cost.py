"""CPU time per request of ``kzgraph serve`` on short queries new each time, by process.

    .venv/bin/python benchmarks/front_cost.py --triples 100000 [--rounds 3]

Throughput on this shared machine moves with the other users' load; the CPU time the
server's own processes spend per answer moves much less, and says where it goes: the
front (the asynchronous process before the workers) or the workers. wrk sends short
queries, each new (the Lua script of benchmarks/availability.py), at c=8 for
``--seconds``; the CPU time of every process of the server's process group is read from
/proc before and after. Run it on two checkouts to compare them (PYTHONPATH=other/src).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from benchmarks.availability import distinct_short_script  # noqa: E402
from benchmarks.compare_servers import (  # noqa: E402
    NO_CACHE,
    answers_per_second,
    load_both,
    rounds_arguments,
)
from tests.servers import GROUP, processes_where, start_kzgraph  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    """User and system time of each process (its reaped children's included)."""
    times = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        times[pid] = sum(int(f) for f in fields[11:15]) / TICK
    return times


def main() -> None:
    args = rounds_arguments(__doc__)
    tmp = Path(tempfile.mkdtemp(prefix="kzgraph-front-cost-"))
    load_both(args.triples, tmp)
    server = start_kzgraph(tmp / "kz" / "store", tmp / "kz.log", "--workers", "4", env=NO_CACHE)
    script = distinct_short_script(lambda q: "/sparql?query=" + quote(q), tmp / "distinct.lua")
    front = [p for p in processes_where(GROUP, server.process.pid) if p != server.process.pid]
    front = [p for p in front if p not in server.worker_pids()]
    try:
        print("| round | answers/s | CPU ms per answer: all | front | workers and master |")
        print("|---|---|---|---|---|")
        for n in range(args.rounds):
            pids = processes_where(GROUP, server.process.pid)
            start = cpu_seconds(pids)
            out = subprocess.run(
                ["wrk", "-t", "2", "-c", "8", "-d", f"{args.seconds}s", "-s", str(script)]
                + [server.url],
                capture_output=True,
                text=True,
            ).stdout
            end = cpu_seconds(processes_where(GROUP, server.process.pid))
            answers = int(re.search(r"(\d+) requests in", out).group(1))
            spent = {pid: end[pid] - start.get(pid, 0.0) for pid in end}
            total = sum(spent.values()) * 1000 / answers
            in_front = sum(spent.get(p, 0.0) for p in front) * 1000 / answers
            print(
                f"| {n + 1} | {answers_per_second(out):.0f} | {total:.2f} | {in_front:.2f} | "
                f"{total - in_front:.2f} |"
            )
    finally:
        server.stop()


if __name__ == "__main__":
    main()
