"""Reading an uploaded sheet within the service's limits, shared by the API and the pages."""
from __future__ import annotations

from fastapi import UploadFile

from services.registration.adapters.spreadsheet import Column, Row, UnreadableSheet, read_rows
from shared.errors import DomainError, Invalid, field_error


class TooLarge(DomainError):
    status, code = 413, "payload_too_large"


async def read_sheet(file: UploadFile, columns: list[Column], *, max_bytes: int, max_rows: int) -> list[Row]:
    name = (file.filename or "").lower()
    if not name.endswith((".csv", ".xlsx", ".txt")):
        raise Invalid("Berkas harus .csv atau .xlsx.", fields=[field_error("file", "harus .csv atau .xlsx")])
    content = bytearray()
    while chunk := await file.read(64 * 1024):
        content += chunk
        if len(content) > max_bytes:
            raise TooLarge(f"Berkas melebihi batas {max_bytes // 1024} KiB; bagi menjadi beberapa berkas.",
                           fields=[field_error("file", "terlalu besar")])
    try:
        return read_rows(name, bytes(content), columns, max_rows=max_rows)
    except UnreadableSheet as exc:
        raise Invalid(str(exc), fields=[field_error("file", str(exc))]) from exc
