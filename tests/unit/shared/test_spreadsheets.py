"""Uploaded sheets within their budget: the archive's declared sizes refused before inflating, rows cut to the
column limit, and the worker process that holds the time and memory limits (and is renewed after breaking one)."""
from __future__ import annotations

import io
import time

import pytest
from openpyxl import Workbook

from bench.upload_bombs import dimension_bomb, shared_strings_bomb, wide_csv
from services.registration.adapters.spreadsheet import UnreadableSheet, read_rows
from services.registration.service_layer.import_formats import COOPERATIVE_COLUMNS
from shared.spreadsheets import SheetLimits, SheetRefused, check_archive, parse_in_worker
from tests.fixtures import factories

LIMITS = SheetLimits(max_rows=10_000)


def workbook(rows: list[list]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def sleeps(seconds: float) -> str:  # run in the worker
    time.sleep(seconds)
    return "bangun"


def hoards(mib: int) -> int:  # run in the worker
    return len(bytearray(mib * 2**20))


def test_a_shared_strings_bomb_is_refused_from_the_central_directory():
    bomb = shared_strings_bomb(strings=2_000_000)  # 34 MB of strings in some 80 KB
    assert len(bomb) < 200 * 1024
    with pytest.raises(SheetRefused) as refused:
        check_archive(bomb, LIMITS)
    assert refused.value.status == 413
    assert "Tabel teks (shared strings)" in refused.value.message and "batasnya 16,0 MiB" in refused.value.message
    assert refused.value.fields[0]["field"] == "file"


def test_a_declared_dimension_over_the_rows_is_refused_and_a_wide_csv_too():
    with pytest.raises(SheetRefused) as dimension:
        read_rows("bom.xlsx", dimension_bomb(), COOPERATIVE_COLUMNS, max_rows=10_000)
    assert "1.048.576 baris × 16.384 kolom" in dimension.value.message and "batas dimensi" in dimension.value.message
    with pytest.raises(SheetRefused) as wide:
        read_rows("bom.csv", wide_csv(), COOPERATIVE_COLUMNS, max_rows=10_000)
    assert "batasnya 200 kolom" in wide.value.message


def test_a_lying_small_dimension_does_not_cut_real_columns():
    row = factories.cooperative_row("64.02")
    content = workbook([list(row), list(row.values())])
    rows = read_rows("koperasi.xlsx", content, COOPERATIVE_COLUMNS, max_rows=10)
    assert rows[0].values["registration_number"] == row["nomor_induk_koperasi"]
    assert rows[0].values["district_code"] == "64.02"


def test_cells_over_the_limit_are_refused():
    small = SheetLimits(max_rows=100, max_cells=50)
    content = workbook([["nama_koperasi"] + [f"kolom{n}" for n in range(9)]] + [[n] * 10 for n in range(10)])
    with pytest.raises(SheetRefused) as refused:
        read_rows("x.xlsx", content, COOPERATIVE_COLUMNS, max_rows=100, limits=small)
    assert "lebih dari 50 sel terisi" in refused.value.message


async def test_the_worker_reads_a_sheet_and_refuses_what_is_not_one():
    row = factories.cooperative_row("64.02")
    rows = await parse_in_worker(read_rows, "k.xlsx", workbook([list(row), list(row.values())]), COOPERATIVE_COLUMNS,
                                 max_rows=10, limits=LIMITS)
    assert [r.values["name"] for r in rows] == [row["nama_koperasi"]]
    with pytest.raises(UnreadableSheet, match="tidak dapat dibaca"):
        await parse_in_worker(read_rows, "k.xlsx", b"PK\x03\x04 bukan buku kerja", COOPERATIVE_COLUMNS, max_rows=10,
                              limits=LIMITS)


async def test_the_worker_is_killed_past_its_time_and_the_next_file_is_read():
    with pytest.raises(SheetRefused) as refused:
        await parse_in_worker(sleeps, 60, limits=SheetLimits(max_rows=10, max_seconds=1))
    assert "lebih dari 1 detik (batas waktu baca)" in refused.value.message
    assert await parse_in_worker(sleeps, 0, limits=LIMITS) == "bangun"


async def test_the_worker_cannot_take_more_memory_than_its_budget():
    with pytest.raises(SheetRefused) as refused:
        await parse_in_worker(hoards, 1024, limits=LIMITS)
    assert "batas memori baca" in refused.value.message and "160 MiB" in refused.value.message
    assert await parse_in_worker(hoards, 16, limits=LIMITS) == 16 * 2**20
