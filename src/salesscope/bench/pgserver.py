"""A PostgreSQL server of our own on 127.0.0.1 (benchmark and tests): throwaway, in a temporary
directory, or kept in a folder so that a long benchmark's loaded tables outlive one run."""

from __future__ import annotations

import os
import pwd
import shlex
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

from salesscope.config import BackendConfig
from salesscope.errors import WorkspaceError

PG_BIN = Path(os.environ.get("SALESSCOPE_PG_BIN", "/usr/lib/postgresql/15/bin"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PgServer:
    """A PostgreSQL server owned by the ``postgres`` account when run as root: in a temporary
    directory removed by :meth:`stop`, or in ``folder``, kept by :meth:`stop` and started again on
    the same data by the next :meth:`start` (its databases still hold what was loaded)."""

    def __init__(self, folder: Path | None = None) -> None:
        self.kept = folder is not None
        self.dir = Path(folder) if folder is not None else Path(tempfile.mkdtemp(prefix="salesscope-pg-"))
        self.port = _free_port()
        self.data = self.dir / "data"
        self.as_postgres = os.geteuid() == 0  # initdb refuses to run as root

    def _run(self, *args: str | Path) -> None:
        cmd = [str(a) for a in args]
        if self.as_postgres:
            cmd = ["su", "postgres", "-s", "/bin/bash", "-c", " ".join(_q(a) for a in cmd)]
        subprocess.run(cmd, check=True, capture_output=True, timeout=900)

    def start(self) -> PgServer:
        if not (PG_BIN / "initdb").exists():
            raise WorkspaceError(f"PostgreSQL 15 is not installed at {PG_BIN} (apt-get install postgresql-15)")
        self.dir.mkdir(parents=True, exist_ok=True)
        if self.as_postgres:
            pw = pwd.getpwnam("postgres")
            os.chown(self.dir, pw.pw_uid, pw.pw_gid)
        if not (self.data / "PG_VERSION").exists():
            shutil.rmtree(self.data, ignore_errors=True)  # an initdb cut short
            self._run(PG_BIN / "initdb", "-D", self.data, "-U", "postgres", "--auth=trust", "-E", "UTF8",
                      "--locale=C.UTF-8")
        # fsync off: a benchmark's server; memory settings of a small dedicated analytics server;
        # minimal WAL: a table created and filled by COPY in one transaction is not also logged
        opts = (f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.dir} -c fsync=off "
                "-c shared_buffers=512MB -c work_mem=128MB -c max_parallel_workers_per_gather=2 "
                "-c wal_level=minimal -c max_wal_senders=0 -c max_wal_size=4GB")
        self._run(PG_BIN / "pg_ctl", "-D", self.data, "-l", self.dir / "log", "-o", opts, "-w", "-t", "600",
                  "start")
        return self

    def pids(self) -> list[int]:
        """The server's main process (its children are the backends serving each connection)."""
        return [int((self.data / "postmaster.pid").read_text().split()[0])]

    def stop(self) -> None:
        try:
            self._run(PG_BIN / "pg_ctl", "-D", self.data, "-m", "fast", "-w", "stop")
        finally:
            if not self.kept:
                shutil.rmtree(self.dir, ignore_errors=True)

    def create_database(self, name: str) -> BackendConfig:
        """A new, empty database (one of the same name made before is dropped first)."""
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=self.port, user="postgres", dbname="postgres",
                             autocommit=True) as con:
            con.execute(f'DROP DATABASE IF EXISTS "{name}"')
            con.execute(f'CREATE DATABASE "{name}"')
        return self.database(name)

    def database(self, name: str) -> BackendConfig:
        """How to reach a database of this server."""
        return BackendConfig(kind="postgres", host="127.0.0.1", port=self.port, user="postgres",
                             database=name)


def _q(s: str) -> str:
    return shlex.quote(s)
