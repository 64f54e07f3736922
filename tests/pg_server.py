"""A real PostgreSQL server for the tests: Debian's ``postgresql`` package, a cluster made with initdb in a
temporary folder and started with pg_ctl on a free loopback port, stopped at the end of the session.

PostgreSQL refuses to run as root, so under root the cluster belongs to an unprivileged user
(``nobody``) and the server runs as that user. Connections are trusted on loopback only.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path

SERVER_USER = "nobody"  # the system's unprivileged account; the cluster's files are its own
SUPERUSER = "storyline"  # the role initdb creates, which the tests connect as


def postgres_bin() -> Path | None:
    """The folder of Debian's PostgreSQL binaries (newest major version), if the package is installed."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"), key=lambda p: int(Path(p).parts[-3]))
    return Path(found[-1]).parent if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PostgresServer:
    """One running cluster; :meth:`new_database` hands each test an empty database of its own."""

    def __init__(self, bin_dir: Path) -> None:
        self.bin_dir = bin_dir
        self.root = Path(tempfile.mkdtemp(prefix="storyline-pg-"))
        self.data = self.root / "data"
        self.port = _free_port()
        self._as: dict[str, int] = {}
        if os.geteuid() == 0:
            account = pwd.getpwnam(SERVER_USER)
            os.chown(self.root, account.pw_uid, account.pw_gid)
            self._as = {"user": account.pw_uid, "group": account.pw_gid}
        self._run(
            "initdb", "-D", self.data, "-U", SUPERUSER, "--auth=trust", "--encoding=UTF8", "--no-locale"
        )
        options = f"-c listen_addresses=127.0.0.1 -c port={self.port} -c unix_socket_directories={self.root}"
        self._run("pg_ctl", "-D", self.data, "-l", self.root / "server.log", "-o", options, "-w", "start")

    def _run(self, program: str, *args: str | Path) -> None:
        done = subprocess.run(
            [str(self.bin_dir / program), *map(str, args)],
            capture_output=True,
            text=True,
            check=False,
            cwd=self.root,
            **self._as,  # type: ignore[arg-type]
        )
        if done.returncode != 0:
            log = self.root / "server.log"
            raise RuntimeError(
                f"{program} failed ({done.returncode}): {done.stderr.strip()}\n"
                + (log.read_text(errors="replace")[-2000:] if log.exists() else "")
            )

    def url(self, database: str) -> str:
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        """The URL of a new, empty database."""
        import psycopg

        name = "t_" + uuid.uuid4().hex[:12]
        with psycopg.connect(self.url("postgres"), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
