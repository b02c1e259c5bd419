"""The parts of a backup other than the topics: each service's database (SQLite's online backup API, or pg_dump
in custom format from an exported snapshot), identity's signing keys sealed with a passphrase, training's
evidence files; and putting each back. Each database copy also yields its outbox's event ids (see backup_topics)."""
from __future__ import annotations

import asyncio
import base64
import json
import os
import shutil
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

PASSPHRASE_ENV = "SIPELKOP_BACKUP_PASSPHRASE"


@dataclass(frozen=True)
class Database:
    """One database to copy: `name` is the part's name (registration, reporting.g2, ...)."""
    service: str
    name: str
    url: str

    @property
    def engine(self) -> str:
        return "postgresql" if make_url(self.url).get_backend_name() == "postgresql" else "sqlite"

    @property
    def sqlite_path(self) -> Path:
        return Path(make_url(self.url).database).resolve()

    @property
    def libpq_url(self) -> str:
        return make_url(self.url).set(drivername="postgresql").render_as_string(hide_password=False)

    @property
    def part(self) -> str:
        return f"databases/{self.name}." + ("pgdump" if self.engine == "postgresql" else "db")


@dataclass
class Copied:
    outbox_ids: set[str]
    live_generation: int | None  # reporting's control database: which generation is live


# --- copying ---------------------------------------------------------------------------------------------------

async def copy_database(db: Database, target: Path) -> Copied:
    target.parent.mkdir(parents=True, exist_ok=True)
    if db.engine == "sqlite":
        return await asyncio.to_thread(_copy_sqlite, db.sqlite_path, target)
    return await _dump_postgres(db, target)


def _copy_sqlite(source: Path, target: Path) -> Copied:
    if not source.is_file():
        raise FileNotFoundError(f"basis data {source} tidak ada")
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    dst = sqlite3.connect(target)
    try:
        # The online backup API: a consistent copy while the service keeps writing (pages copied in steps,
        # restarted by SQLite when a writer changes one already copied).
        src.backup(dst, pages=4096)
    finally:
        src.close()
    try:
        return Copied(_rows(dst, "SELECT event_id FROM outbox"), _generation(dst))
    finally:
        dst.close()


def _rows(conn: sqlite3.Connection, sql: str) -> set[str]:
    try:
        return {r[0] for r in conn.execute(sql)}
    except sqlite3.OperationalError:  # no such table
        return set()


def _generation(conn: sqlite3.Connection) -> int | None:
    try:
        row = conn.execute("SELECT generation FROM store_pointer WHERE id = 1").fetchone()
    except sqlite3.OperationalError:
        return None
    return row[0] if row else 0


async def _dump_postgres(db: Database, target: Path) -> Copied:
    import asyncpg

    conn = await asyncpg.connect(db.libpq_url)
    try:
        # pg_dump reads the very snapshot the outbox ids are read from: the ids match the dump exactly.
        async with conn.transaction(isolation="repeatable_read", readonly=True):
            snapshot = await conn.fetchval("SELECT pg_export_snapshot()")
            tables = {r[0] for r in await conn.fetch("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}
            ids = {r[0] for r in await conn.fetch("SELECT event_id FROM outbox")} if "outbox" in tables else set()
            generation = None
            if "store_pointer" in tables:
                generation = await conn.fetchval("SELECT generation FROM store_pointer WHERE id = 1") or 0
            done = await asyncio.create_subprocess_exec(
                "pg_dump", "--format=custom", f"--snapshot={snapshot}", "--no-owner", f"--file={target}",
                f"--dbname={db.libpq_url}", stderr=asyncio.subprocess.PIPE)
            _, err = await done.communicate()
            if done.returncode != 0:
                raise RuntimeError(f"pg_dump {db.name}: {err.decode(errors='replace').strip()}")
        return Copied(ids, generation)
    finally:
        await conn.close()


# --- emptiness and restoring -------------------------------------------------------------------------------------

async def holds_data(db: Database) -> bool:
    if db.engine == "sqlite":
        path = db.sqlite_path
        if not path.is_file() or path.stat().st_size == 0:
            return False
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return bool(conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0])
        finally:
            conn.close()
    import asyncpg

    try:
        conn = await asyncpg.connect(db.libpq_url)
    except asyncpg.InvalidCatalogNameError:
        return False
    try:
        return bool(await conn.fetchval("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"))
    finally:
        await conn.close()


async def restore_database(db: Database, source: Path) -> None:
    if db.engine == "sqlite":
        await asyncio.to_thread(_restore_sqlite, source, db.sqlite_path)
        return
    await _ensure_pg_database(db)
    done = await asyncio.create_subprocess_exec(
        "pg_restore", "--no-owner", "--clean", "--if-exists", "--exit-on-error", f"--dbname={db.libpq_url}",
        str(source), stderr=asyncio.subprocess.PIPE)
    _, err = await done.communicate()
    if done.returncode != 0:
        raise RuntimeError(f"pg_restore {db.name}: {err.decode(errors='replace').strip()}")


def _restore_sqlite(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    for stale in (target, target.with_name(target.name + "-wal"), target.with_name(target.name + "-shm")):
        stale.unlink(missing_ok=True)
    src, dst = sqlite3.connect(f"file:{source}?mode=ro", uri=True), sqlite3.connect(target)
    try:
        src.backup(dst)
    finally:
        src.close()
        dst.close()


async def _ensure_pg_database(db: Database) -> None:
    """A reporting generation's database (<name>_gN) may not exist on a fresh server: create it."""
    import asyncpg

    url = make_url(db.libpq_url)
    try:
        await (await asyncpg.connect(db.libpq_url)).close()
        return
    except asyncpg.InvalidCatalogNameError:
        pass
    conn = await asyncpg.connect(url.set(database="postgres").render_as_string(hide_password=False))
    try:
        await conn.execute(f'CREATE DATABASE "{url.database}"')
    finally:
        await conn.close()


# --- identity's signing keys, sealed -----------------------------------------------------------------------------

def _key(passphrase: str, salt: bytes, n: int) -> bytes:
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    return Scrypt(salt=salt, length=32, n=n, r=8, p=1).derive(passphrase.encode())


def seal(plain: bytes, passphrase: str) -> bytes:
    """scrypt (n=2^15, r=8, p=1) derives an AES-256-GCM key from the passphrase; JSON with base64 fields."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    salt, nonce, n = os.urandom(16), os.urandom(12), 2 ** 15
    sealed = AESGCM(_key(passphrase, salt, n)).encrypt(nonce, plain, b"sipelkop-signing-keys")
    b64 = lambda b: base64.b64encode(b).decode()  # noqa: E731
    return json.dumps({"cipher": "AES-256-GCM", "kdf": "scrypt", "n": n, "r": 8, "p": 1, "salt": b64(salt),
                       "nonce": b64(nonce), "ciphertext": b64(sealed)}).encode()


def unseal(sealed: bytes, passphrase: str) -> bytes:
    from cryptography.exceptions import InvalidTag
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    doc = json.loads(sealed)
    key = _key(passphrase, base64.b64decode(doc["salt"]), doc["n"])
    try:
        return AESGCM(key).decrypt(base64.b64decode(doc["nonce"]), base64.b64decode(doc["ciphertext"]),
                                   b"sipelkop-signing-keys")
    except InvalidTag:
        raise ValueError(f"kunci penanda tangan tidak dapat dibuka: {PASSPHRASE_ENV} tidak sama dengan saat "
                         "pencadangan") from None


def write_private(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)


# --- evidence files ------------------------------------------------------------------------------------------------

def evidence_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else []


def copy_evidence(root: Path, target: Path) -> list[str]:
    """Copy every file under `root` into `target`; the relative paths copied."""
    copied = []
    for path in evidence_files(root):
        relative = path.relative_to(root)
        (target / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target / relative)
        copied.append(relative.as_posix())
    return copied
