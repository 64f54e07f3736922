"""Web server latency under load: concurrent clients on loopback against the story list and story pages.

    python bench/serve_load.py [--clients 100] [--seconds 30] [--backends sqlite,postgresql] [--db FILE]
                               [--record]
    (--record appends the run to bench/results.jsonl and rewrites this benchmark's table in BENCHMARKS.md)

The server is ``storyline serve`` in its own process over the demo store (built from demo/corpus into
.bench-cache/serve-demo.db on first use, or ``--db``), and over the same stories built into a database on a
local PostgreSQL server this script starts (Debian's package, as the tests do), reached over TCP on
loopback. Each client loops without pause over the list page and every story page in turn, over a
keep-alive connection of its own (a bare asyncio HTTP/1.1 client: the generator shares the cores with the
server and must not be what is measured). As a baseline in the same run, one client alone measures the
same pages' latency without contention first. An error is any answer but 200, or a failed or timed-out
request.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import numpy as np

from common import CACHE, ROOT, markdown_table, postgres_server, record

P99_TARGET_MS = 300  # from the acceptance criteria
REQUEST_TIMEOUT_S = 30
STARTUP_TIMEOUT_S = 60
BIN = Path(sys.executable).parent


@dataclass
class Run:
    latencies: dict[str, list[float]] = field(default_factory=lambda: {"list": [], "story": []})
    errors: int = 0
    seconds: float = 0.0
    server_cpu: float = 0.0  # seconds of CPU the server process used during the run

    def row(self, store: str, name: str, clients: int) -> list[object]:
        every = [x for xs in self.latencies.values() for x in xs]
        p = np.percentile(every, [50, 99]) * 1000 if every else [float("nan")] * 2
        by_kind = {k: np.percentile(v, 99) * 1000 if v else float("nan") for k, v in self.latencies.items()}
        return [
            store,
            name,
            clients,
            len(every),
            self.errors,
            round(len(every) / self.seconds, 1),
            round(p[0], 1),
            round(p[1], 1),
            round(by_kind["list"], 1),
            round(by_kind["story"], 1),
            round(1000 * self.server_cpu / max(len(every), 1), 2),
        ]


def demo_db() -> Path:
    db = CACHE / "serve-demo.db"
    if not db.is_file():
        CACHE.mkdir(exist_ok=True)
        out = CACHE / "serve-demo-out"
        subprocess.run(
            [BIN / "storyline", "run", ROOT / "demo" / "corpus", "--out", out, "--db", db],
            check=True,
            cwd=ROOT,
        )
    return db


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_demo_db(server: object) -> str:
    """The demo corpus run into a new database on the PostgreSQL server: the SQLite store's stories."""
    url = server.new_database()  # type: ignore[attr-defined]
    with tempfile.TemporaryDirectory() as out:
        subprocess.run(
            [BIN / "storyline", "run", ROOT / "demo" / "corpus", "--out", out, "--db", url],
            check=True,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
        )
    return url


def start_server(db: Path | str, port: int) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if k != "STORYLINE_TOKEN"}
    server = subprocess.Popen(
        [BIN / "storyline", "serve", "--db", db, "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/stories?limit=1", timeout=1).status_code == 200:
                return server
        except httpx.TransportError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("storyline serve did not start")


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux), so the table shows the server's own cost."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Connection:
    """A bare HTTP/1.1 keep-alive connection. The load generator shares the machine's cores with the
    server, so it must cost far less per request than the server does; an httpx client costs several
    times more and would measure itself."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def get(self, path: str) -> int:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        self.writer.write(f"GET {path} HTTP/1.1\r\nHost: {self.host}\r\n\r\n".encode())
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        length = next(
            (
                int(line.split(b":", 1)[1])
                for line in head.split(b"\r\n")
                if line.lower().startswith(b"content-length:")
            ),
            None,
        )
        if length is None:
            raise ValueError("response without Content-Length")
        await self.reader.readexactly(length)
        return status

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None


async def load(base: str, paths: list[str], clients: int, seconds: float, pid: int) -> Run:
    run = Run()
    cpu_before = cpu_seconds(pid)
    host, port = base.removeprefix("http://").split(":")
    stop = time.monotonic() + seconds

    async def client(offset: int) -> None:
        connection = Connection(host, int(port))
        n = offset
        while time.monotonic() < stop:
            path = paths[n % len(paths)]
            n += 1
            started = time.perf_counter()
            try:
                ok = await asyncio.wait_for(connection.get(path), REQUEST_TIMEOUT_S) == 200
            except (TimeoutError, OSError, ValueError, asyncio.IncompleteReadError):
                ok = False
            if ok:
                run.latencies["list" if path == "/" else "story"].append(time.perf_counter() - started)
            else:
                run.errors += 1
                connection.close()  # a failed exchange leaves the stream in an unknown state
        connection.close()

    began = time.monotonic()
    await asyncio.gather(*(client(i) for i in range(clients)))
    run.seconds = time.monotonic() - began
    run.server_cpu = cpu_seconds(pid) - cpu_before
    return run


def measure(db: Path | str, args: argparse.Namespace) -> tuple[Run, Run, list[dict[str, object]]]:
    """One client alone, then ``args.clients`` at once, against ``storyline serve`` over ``db``."""
    port = free_port()
    server = start_server(db, port)
    base = f"http://127.0.0.1:{port}"
    try:
        stories = httpx.get(f"{base}/api/stories?limit=100").json()["stories"]
        paths = ["/"] + [f"/stories/{s['id']}" for s in stories]
        # Warm-up: the first request of each page builds the server's read model and page cache.
        for path in paths:
            httpx.get(base + path).raise_for_status()
        baseline = asyncio.run(load(base, paths, 1, args.baseline_seconds, server.pid))
        loaded = asyncio.run(load(base, paths, args.clients, args.seconds, server.pid))
    finally:
        server.terminate()
        server.wait(timeout=10)
    return baseline, loaded, stories


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument("--baseline-seconds", type=float, default=5.0)
    parser.add_argument(
        "--backends", default="sqlite,postgresql", help="stores to serve, comma-separated [sqlite,postgresql]"
    )
    parser.add_argument(
        "--db", type=Path, help="SQLite store to serve [default: the demo corpus, built once]."
    )
    parser.add_argument(
        "--record", action="store_true", help="append the run to bench/results.jsonl and update BENCHMARKS.md"
    )
    args = parser.parse_args()

    backends = [b.strip() for b in args.backends.split(",") if b.strip()]
    if unknown := set(backends) - {"sqlite", "postgresql"}:
        parser.error(f"unknown backend(s): {', '.join(sorted(unknown))} (choose from sqlite, postgresql)")
    rows, stories = [], []
    with postgres_server() if "postgresql" in backends else nullcontext() as pg:
        for backend in backends:
            if backend == "postgresql" and pg is None:
                print("PostgreSQL is not installed (apt-get install postgresql): its rows are left out")
                continue
            db = (args.db or demo_db()) if backend == "sqlite" else server_demo_db(pg)
            baseline, loaded, stories = measure(db, args)
            rows += [
                baseline.row(backend, "one client (baseline)", 1),
                loaded.row(backend, "load", args.clients),
            ]

    header = [
        "store",
        "run",
        "clients",
        "requests",
        "errors",
        "req/s",
        "p50 ms",
        "p99 ms",
        "p99 list",
        "p99 story",
        "server CPU ms/req",
    ]
    table = markdown_table(header, rows)
    table += (
        f"\n\n{len(stories) + 1} pages per store (the list and {len(stories)} story pages), "
        f"{args.seconds:g} s under load, "
        f"{args.baseline_seconds:g} s baseline; target p99 ≤ {P99_TARGET_MS} ms."
    )
    print(table)
    if args.record:
        record(
            "Serve latency under load (bench/serve_load.py)",
            f"python bench/serve_load.py --clients {args.clients} --seconds {args.seconds:g} "
            f"--backends {','.join(backends)} --record",
            table,
        )


if __name__ == "__main__":
    main()
