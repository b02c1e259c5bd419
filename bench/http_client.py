"""A minimal keep-alive HTTP/1.1 client: the load generator shares two cores with what it measures, so it
spends as little CPU per request as it can (a few µs here against some hundreds in a full client)."""
from __future__ import annotations

import asyncio
import json
from urllib.parse import urlsplit


class Connection:
    def __init__(self, host: str, port: int):
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, path: str, headers: bytes, body: bytes = b"") -> tuple[int, bytes]:
        reused = self.writer is not None
        try:
            return await self._request(method, path, headers, body)
        except (asyncio.IncompleteReadError, ConnectionError) as exc:
            self.close()
            # The server closes idle keep-alive connections (uvicorn after 5 s); a request that met such a
            # closed connection got no answer at all and was never handled: send it once more on a fresh one.
            if not reused or (isinstance(exc, asyncio.IncompleteReadError) and exc.partial):
                raise
            return await self._request(method, path, headers, body)

    async def _request(self, method: str, path: str, headers: bytes, body: bytes) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        head = (f"{method} {path} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
                f"Content-Length: {len(body)}\r\n").encode() + headers + b"\r\n"
        self.writer.write(head + body)
        raw = await self.reader.readuntil(b"\r\n\r\n")
        lines = raw.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ", 2)[1])
        fields = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)}
        if "content-length" in fields:
            payload = await self.reader.readexactly(int(fields["content-length"]))
        elif fields.get("transfer-encoding") == "chunked":
            payload = b""
            while size := int((await self.reader.readuntil(b"\r\n")).strip(), 16):
                payload += await self.reader.readexactly(size + 2)
                payload = payload[:-2]
            await self.reader.readuntil(b"\r\n")
        else:
            payload = await self.reader.read()
        if fields.get("connection") == "close":
            self.close()
        return status, payload

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


class Client:
    """A pool of keep-alive connections to one service, with fixed headers (the bearer token)."""

    def __init__(self, base_url: str, token: str | None = None, size: int = 32):
        parts = urlsplit(base_url)
        self._pool: asyncio.Queue[Connection] = asyncio.Queue()
        for _ in range(size):
            self._pool.put_nowait(Connection(parts.hostname, parts.port))
        self._headers = b"Content-Type: application/json\r\n" + (
            f"Authorization: Bearer {token}\r\n".encode() if token else b"")

    async def call(self, method: str, path: str, body=None) -> tuple[int, bytes]:
        conn = await self._pool.get()
        try:
            return await conn.request(method, path, self._headers,
                                      json.dumps(body).encode() if body is not None else b"")
        except BaseException:
            conn.close()
            raise
        finally:
            self._pool.put_nowait(conn)

    async def json(self, method: str, path: str, body=None, expect: tuple[int, ...] = (200, 201)):
        status, payload = await self.call(method, path, body)
        if status not in expect:
            raise RuntimeError(f"{method} {path} -> {status}: {payload[:500]!r}")
        return json.loads(payload) if payload else None

    def close(self) -> None:
        while not self._pool.empty():
            self._pool.get_nowait().close()
