"""Uploaded spreadsheets read within a budget (issue 14 item 3): an XLSX's declared sizes are checked from its zip
central directory before openpyxl opens it, rows come back no wider than the column limit, and the whole parse runs
in a worker process with a memory ceiling and a time limit, so a bomb costs one worker and never the event loop."""
from __future__ import annotations

import asyncio
import csv
import io
import logging
import multiprocessing
import os
import threading
import zipfile
from collections.abc import Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass

from shared.errors import DomainError, field_error
from shared.web.format import angka

MIB = 2**20
log = logging.getLogger("sipelkop.spreadsheets")
# Excel saves a workbook's parts with these names; openpyxl reads the shared-strings part whole before any row.
CONTENT_TYPES = "[Content_Types].xml"


@dataclass(frozen=True)
class SheetLimits:
    max_rows: int  # data rows, the header not counted
    max_columns: int = 200
    max_cells: int = 500_000  # non-empty cells within the first max_columns columns
    max_uncompressed_bytes: int = 64 * MIB  # every part of the XLSX together, as its central directory declares
    max_shared_strings_bytes: int = 16 * MIB
    max_parts: int = 200
    max_seconds: float = 30.0  # of the worker's time for one file; the worker is killed beyond it
    worker_memory_bytes: int = 160 * MIB  # address space the worker may add to what it holds once started


class SheetRefused(DomainError):
    """A file over one of the limits; the message names the limit, for the field `file`."""

    status, code = 413, "payload_too_large"

    def __init__(self, message: str):  # one argument: it crosses the process boundary by pickling
        super().__init__(message, fields=[field_error("file", message)])


def check_archive(content: bytes, limits: SheetLimits) -> None:
    """What the zip's central directory declares, before a byte is inflated: parts, total and shared-strings sizes."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            parts = archive.infolist()
            if len(parts) > limits.max_parts:
                raise SheetRefused(f"Berkas XLSX berisi {angka(len(parts))} bagian; batasnya "
                                   f"{angka(limits.max_parts)}. Simpan ulang dari Excel atau gunakan templat.")
            total = sum(p.file_size for p in parts)
            if total > limits.max_uncompressed_bytes:
                raise SheetRefused(f"Isi berkas XLSX setelah dibuka {_mib(total)}; batas ukuran tanpa kompresi "
                                   f"{_mib(limits.max_uncompressed_bytes)}. Bagi menjadi beberapa berkas.")
            strings = _shared_strings_part(archive)
            if strings is not None and strings.file_size > limits.max_shared_strings_bytes:
                raise SheetRefused(f"Tabel teks (shared strings) berkas XLSX {_mib(strings.file_size)}; batasnya "
                                   f"{_mib(limits.max_shared_strings_bytes)}. Bagi menjadi beberapa berkas.")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, KeyError, ValueError, SyntaxError):
        return  # not a readable archive: the reader refuses it in its own words


def _shared_strings_part(archive: zipfile.ZipFile) -> zipfile.ZipInfo | None:
    """The part openpyxl will read as the shared strings: the one [Content_Types].xml names, as openpyxl finds it."""
    from openpyxl.packaging.manifest import Manifest
    from openpyxl.xml.constants import SHARED_STRINGS
    from openpyxl.xml.functions import fromstring

    try:
        info = archive.getinfo(CONTENT_TYPES)
    except KeyError:
        return None
    if info.file_size > MIB:
        raise SheetRefused("Daftar isi ([Content_Types].xml) berkas XLSX lebih dari 1 MiB; simpan ulang dari Excel.")
    manifest = Manifest.from_tree(fromstring(archive.read(info)))
    found = manifest.find(SHARED_STRINGS)
    if found is None:
        return None
    try:
        return archive.getinfo(found.PartName.lstrip("/"))
    except KeyError:
        return None


def xlsx_rows(content: bytes, limits: SheetLimits, unreadable: Callable[[], Exception]) -> Iterator[tuple]:
    """The first sheet's rows as values, cut to max_columns; its declared dimension and its cells within limits.
    `unreadable()` is the caller's refusal for a file that is no workbook at all."""
    from openpyxl import load_workbook

    check_archive(content, limits)
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        raise unreadable() from exc
    try:
        if not book.worksheets:
            raise unreadable()
        sheet = book.worksheets[0]
        declared_rows, declared_columns = sheet.max_row or 0, sheet.max_column or 0
        if declared_rows > limits.max_rows + 1 or declared_columns > 16_384:
            raise SheetRefused(f"Lembar kerja menyatakan ukuran {angka(declared_rows)} baris × "
                               f"{angka(declared_columns)} kolom, lebih dari {angka(limits.max_rows)} baris data "
                               "(batas dimensi lembar kerja). Salin datanya ke templat atau bagi menjadi beberapa "
                               "berkas.")
        cells = 0
        # max_col: a row is never wider than the limit, whatever the sheet declares (a stale or lying dimension
        # must not cut real columns, nor pad every row to 16,384 cells)
        for row in sheet.iter_rows(values_only=True, max_col=limits.max_columns):
            cells += sum(value is not None for value in row)
            if cells > limits.max_cells:
                raise SheetRefused(f"Berkas berisi lebih dari {angka(limits.max_cells)} sel terisi; batasnya "
                                   f"{angka(limits.max_cells)}. Bagi menjadi beberapa berkas.")
            yield row
    finally:
        book.close()


def csv_rows(text: str, limits: SheetLimits) -> Iterator[list[str]]:
    """Rows of a decoded CSV (delimiter , ; or tab, as its first line uses most), within the column and cell limits."""
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)  # Indonesian Excel writes ';' (its decimal is ',')
    if first.count(delimiter) >= limits.max_columns:
        raise _too_wide(first.count(delimiter) + 1, limits)
    cells = 0
    for row in csv.reader(io.StringIO(text), delimiter=delimiter):
        if len(row) > limits.max_columns:
            raise _too_wide(len(row), limits)
        cells += sum(value != "" for value in row)
        if cells > limits.max_cells:
            raise SheetRefused(f"Berkas berisi lebih dari {angka(limits.max_cells)} sel terisi; bagi menjadi "
                               "beberapa berkas.")
        yield row


def _too_wide(columns: int, limits: SheetLimits) -> SheetRefused:
    return SheetRefused(f"Berkas CSV berisi {angka(columns)} kolom; batasnya {angka(limits.max_columns)} kolom. "
                        "Gunakan kolom templat saja.")


def _mib(size: int) -> str:
    return f"{angka(size / MIB, 1)} MiB"


# ---- the worker process ------------------------------------------------------------------------------------

_pool = None
_pool_lock = threading.Lock()


def _start_worker(memory_bytes: int) -> None:
    """In the worker, before its first file: die with the service, yield the CPU to the service's event loop (a
    bomb's parse must not slow the requests answered meanwhile), load the readers, then cap the address space."""
    os.nice(10)
    try:
        import ctypes

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, 9)  # PR_SET_PDEATHSIG, SIGKILL
    except OSError:
        pass
    import openpyxl  # noqa: F401  (loaded before the cap: the budget is for the file, not the library)

    import resource

    try:
        with open("/proc/self/statm") as statm:
            held = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        return  # no /proc: the time limit still holds
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = held + memory_bytes
    resource.setrlimit(resource.RLIMIT_AS, (cap if hard == resource.RLIM_INFINITY else min(cap, hard), hard))


def _worker_pool(memory_bytes: int = SheetLimits.worker_memory_bytes):
    """One worker per service process, started with the service (`with_sheet_worker`; or on the first upload where
    no lifespan started it) and renewed after 25 files (what one large file fragmented is given back). Forked from a
    fork server that loaded only the readers: a fork of the service itself (threads, open connections) is unsafe, and
    a spawned child would import the service's main module again."""
    global _pool
    from pebble import ProcessPool

    with _pool_lock:
        if _pool is None or not _pool.active:
            context = multiprocessing.get_context("forkserver")
            context.set_forkserver_preload(["openpyxl", "shared.spreadsheets"])
            _pool = ProcessPool(max_workers=1, max_tasks=25, initializer=_start_worker,
                                initargs=(memory_bytes,), context=context)
        return _pool


def _ready() -> int:  # run in the worker
    return os.getpid()


def start() -> int:
    """The fork server and the worker started, and the worker through its initializer (readers loaded, address space
    capped): the seconds that costs are spent here, not by the first upload. Returns the worker's process id."""
    return _worker_pool().schedule(_ready).result(timeout=120)


def shutdown() -> None:
    """The worker stopped and waited for: no process of it outlives the service."""
    global _pool
    with _pool_lock:
        if _pool is not None:
            _pool.stop()
            _pool.join(5)
            _pool = None


def with_sheet_worker(lifespan: Callable) -> Callable:
    """A service's lifespan with the sheet worker started beside it (while the database and Kafka start) and warm
    before the first request, and stopped after the last."""
    @asynccontextmanager
    async def lifespan_with_worker(app):
        warming = asyncio.ensure_future(asyncio.to_thread(start))
        try:
            async with lifespan(app):
                try:
                    await warming
                except Exception as exc:  # the service still serves; the first upload tries to start it again
                    log.warning("sheet worker did not start: %s", exc)
                yield
        finally:
            await asyncio.gather(warming, return_exceptions=True)
            await asyncio.to_thread(shutdown)

    return lifespan_with_worker


def _schedule(function: Callable, args: tuple, kwargs: dict, limits: SheetLimits):
    return _worker_pool(limits.worker_memory_bytes).schedule(function, args=args, kwargs=kwargs,
                                                             timeout=limits.max_seconds)


async def parse_in_worker(function: Callable, *args, limits: SheetLimits, **kwargs):
    """function(*args, **kwargs) in the worker; beyond its memory or time the file is refused, naming the limit."""
    from pebble import ProcessExpired

    # In a thread: where no lifespan started the worker, the first call starts the fork server and waits for it to
    # load the readers (seconds).
    future = await asyncio.to_thread(_schedule, function, args, kwargs, limits)
    try:
        return await asyncio.wrap_future(future)
    except TimeoutError as exc:
        raise SheetRefused(f"Membaca berkas ini memerlukan lebih dari {angka(limits.max_seconds, 0)} detik (batas "
                           "waktu baca); bagi menjadi beberapa berkas atau simpan ulang sebagai .csv.") from exc
    except (MemoryError, ProcessExpired) as exc:
        raise SheetRefused(f"Membaca berkas ini memerlukan lebih dari {angka(limits.worker_memory_bytes // MIB)} "
                           "MiB memori (batas memori baca); bagi menjadi beberapa berkas.") from exc
