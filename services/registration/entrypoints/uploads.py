"""Reading an uploaded sheet within the service's limits, shared by the API and the pages; and the files a page's
preview holds until the officer confirms the import."""
from __future__ import annotations

import secrets
import threading

from cachetools import TTLCache
from fastapi import UploadFile

from services.registration.adapters.spreadsheet import Column, Row, Table, UnreadableSheet, read_table
from shared.errors import DomainError, Invalid, field_error
from shared.spreadsheets import SheetLimits, parse_in_worker


class TooLarge(DomainError):
    status, code = 413, "payload_too_large"


async def read_sheet(file: UploadFile, columns: list[Column], *, max_bytes: int, max_rows: int) -> list[Row]:
    return (await read_sheet_table(file, columns, max_bytes=max_bytes, max_rows=max_rows)).rows


async def read_sheet_table(file: UploadFile, columns: list[Column], *, max_bytes: int, max_rows: int) -> Table:
    """The sheet's rows and the headers none of `columns` takes (the cooperative import reports them)."""
    name, content = await read_upload(file, max_bytes=max_bytes)
    return await parse_table(name, content, columns, max_rows=max_rows)


async def read_upload(file: UploadFile, *, max_bytes: int) -> tuple[str, bytes]:
    name = (file.filename or "").lower()
    if not name.endswith((".csv", ".xlsx", ".txt")):
        raise Invalid("Berkas harus .csv atau .xlsx.", fields=[field_error("file", "harus .csv atau .xlsx")])
    content = bytearray()
    while chunk := await file.read(64 * 1024):
        content += chunk
        if len(content) > max_bytes:
            raise TooLarge(f"Berkas melebihi batas {max_bytes // 1024} KiB; bagi menjadi beberapa berkas.",
                           fields=[field_error("file", "terlalu besar")])
    return name, bytes(content)


async def parse_table(name: str, content: bytes, columns: list[Column], *, max_rows: int) -> Table:
    try:
        # off the event loop, in the worker that holds the memory and time limits
        return await parse_in_worker(read_table, name, content, columns, max_rows=max_rows,
                                     limits=SheetLimits(max_rows=max_rows))
    except UnreadableSheet as exc:
        raise Invalid(str(exc), fields=[field_error("file", str(exc))]) from exc


# A previewed file waits here for the officer's "Impor sekarang" (30 minutes, 32 MiB in all, per replica: on
# another replica, or later, the page asks for the file again).
_held: TTLCache = TTLCache(maxsize=32 * 2**20, ttl=30 * 60, getsizeof=lambda item: len(item[2]) + 1)
_held_lock = threading.Lock()


def hold_for_import(subject: str, name: str, content: bytes) -> str:
    token = secrets.token_urlsafe(16)
    with _held_lock:
        _held[token] = (subject, name, content)
    return token


def take_held(subject: str, token: str) -> tuple[str, bytes]:
    with _held_lock:
        held = _held.pop(token, None) if token else None
    if held is None or held[0] != subject:
        raise Invalid("Pratinjau sudah kedaluwarsa; pilih berkasnya lagi lalu klik Pratinjau atau Impor.",
                      fields=[field_error("file", "pilih berkas lagi")])
    return held[1], held[2]
