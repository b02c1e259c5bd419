"""The broker and the PostgreSQL server a bench run uses: given ones, or a local pair started for the run."""
from __future__ import annotations

import contextlib
import shutil
import socket
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg


def run_dir(what: str) -> Path:
    """A directory of this run under the data dir (.data/bench/...), not /tmp, where cleanups of other work
    that sweep /tmp/sipelkop-* cannot pull a broker's files from under it."""
    import os

    root = Path(os.environ.get("SIPELKOP_DATA_DIR", Path(__file__).resolve().parents[1] / ".data")) / "bench"
    root.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f"{what}-", dir=root)).resolve()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def plain_url(url: str) -> str:
    """asyncpg speaks postgresql://, SQLAlchemy wants postgresql+asyncpg://; keep the plain form here."""
    return url.replace("postgresql+asyncpg://", "postgresql://").replace("+psycopg2", "")


@dataclass
class Infra:
    bootstrap: str
    admin_url: str  # plain postgresql:// URL of a database we may CREATE DATABASE from
    started: list[str] = field(default_factory=list)  # what this run started itself (for the table's notes)
    _databases: list[str] = field(default_factory=list)

    async def new_database(self, prefix: str) -> str:
        """A fresh database; returns its plain URL (add +asyncpg for SQLAlchemy with `sa_url`)."""
        name = f"bench_{prefix}_{uuid.uuid4().hex[:8]}"
        conn = await asyncpg.connect(self.admin_url)
        try:
            await conn.execute(f'CREATE DATABASE "{name}"')
        finally:
            await conn.close()
        self._databases.append(name)
        return self.admin_url.rsplit("/", 1)[0] + f"/{name}"

    def forget_later(self, name: str) -> None:
        """A database someone else creates during the run, to be dropped with ours."""
        self._databases.append(name)

    async def drop_databases(self) -> None:
        conn = await asyncpg.connect(self.admin_url)
        try:
            for name in self._databases:
                with contextlib.suppress(Exception):
                    await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()
        self._databases.clear()

    async def pg_settings(self) -> dict[str, str]:
        conn = await asyncpg.connect(self.admin_url)
        try:
            names = ("server_version", "synchronous_commit", "fsync", "shared_buffers", "max_connections")
            return {n: await conn.fetchval(f"SHOW {n}") for n in names}
        finally:
            await conn.close()


def sa_url(url: str) -> str:
    return url.replace("postgresql://", "postgresql+asyncpg://", 1)


@contextlib.contextmanager
def infra(bootstrap: str | None, pg_admin_url: str | None):
    """Use the given broker/server, or start a local Kafka (KRaft, Maven jars) and PostgreSQL for this run."""
    with contextlib.ExitStack() as stack:
        started = []
        if not bootstrap:
            from shared.infra.kafka_local import LocalKafka

            data = run_dir("kafka")
            stack.callback(shutil.rmtree, data, ignore_errors=True)
            kafka = LocalKafka(data, port=free_port(), heap="1g")
            kafka.start()
            stack.callback(kafka.stop)
            bootstrap = kafka.bootstrap
            started.append(f"Kafka {kafka.version} (local KRaft, heap 1g)")
        if not pg_admin_url:
            from shared.infra.postgres_local import LocalPostgres

            data = run_dir("postgres")
            stack.callback(shutil.rmtree, data, ignore_errors=True)
            pg = LocalPostgres(data, port=free_port())
            pg.start()
            stack.callback(pg.stop)
            pg_admin_url = pg.url("postgres", driver="postgresql")
            started.append("PostgreSQL (local cluster, default settings, fsync on)")
        yield Infra(bootstrap=bootstrap, admin_url=plain_url(pg_admin_url), started=started)
