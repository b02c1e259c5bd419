"""Upload bombs under registration's 5 MiB import limit, and a measurement of what each costs a running service:
the process tree's RSS above its idle size and the latency of other requests answered meanwhile.

    python -m bench.upload_bombs                  # this tree's code
    python -m bench.upload_bombs --root /tmp/old  # another checkout (git worktree add /tmp/old <commit>)

Prints figures only; the assertion of the behaviour is tests/e2e/registration/test_upload_bombs.py."""
from __future__ import annotations

import argparse
import io
import statistics
import tempfile
import threading
import time
import zipfile
from pathlib import Path

import httpx

from shared.infra.service_process import ServiceProcess

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    '</Types>')
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>')
_WORKBOOK = (f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{NS}" '
             'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
             '<sheets><sheet name="koperasi" sheetId="1" r:id="rId1"/></sheets></workbook>')
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'sharedStrings" Target="sharedStrings.xml"/></Relationships>')


def _xlsx(sheet_xml, shared_xml) -> bytes:
    """A minimal workbook; sheet_xml and shared_xml are iterables of byte chunks (streamed into the deflater)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _ROOT_RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        for name, chunks in (("xl/worksheets/sheet1.xml", sheet_xml), ("xl/sharedStrings.xml", shared_xml)):
            with archive.open(name, "w", force_zip64=True) as member:
                for chunk in chunks:
                    member.write(chunk)
    return out.getvalue()


def _sheet(rows, dimension: str | None = None):
    yield f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{NS}">'.encode()
    if dimension:
        yield f'<dimension ref="{dimension}"/>'.encode()
    yield b"<sheetData>"
    yield from rows
    yield b"</sheetData></worksheet>"


def _header_row() -> bytes:
    return (b'<row r="1"><c r="A1" t="inlineStr"><is><t>nama_koperasi</t></is></c>'
            b'<c r="B1" t="inlineStr"><is><t>nomor_induk_koperasi</t></is></c></row>')


def _no_strings():
    yield f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{NS}" count="0" uniqueCount="0"></sst>'.encode()


def shared_strings_bomb(strings: int = 4_000_000) -> bytes:
    """Millions of one-letter shared strings: openpyxl reads the whole table into a list before the first row."""
    def table():
        yield f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{NS}">'.encode()
        piece = b"<si><t>a</t></si>" * 10_000
        for _ in range(strings // 10_000):
            yield piece
        yield b"</sst>"
    return _xlsx(_sheet([_header_row()]), table())


def dimension_bomb() -> bytes:
    """A sheet that declares A1:XFD1048576 and holds one header: every row comes back 16,384 cells wide."""
    return _xlsx(_sheet([_header_row(), b'<row r="1048576"><c r="A1048576"><v>1</v></c></row>'],
                        dimension="A1:XFD1048576"), _no_strings())


def many_cells_bomb(rows: int = 10_000, cells_per_row: int = 400) -> bytes:
    """Ten thousand rows of four hundred tiny numeric cells (four million cells) after a valid header."""
    def body():
        yield _header_row()
        row = b"<c><v>1</v></c>" * cells_per_row
        for n in range(2, rows + 1):
            yield b'<row r="%d">' % n + row + b"</row>"
    return _xlsx(_sheet(body()), _no_strings())


def wide_csv(limit: int = 5 * 1024 * 1024) -> bytes:
    """A CSV header of nearly five million empty columns: one line, all commas."""
    return b"nama_koperasi" + b"," * (limit - 64) + b"\n"


BOMBS = {"sharedStrings zip bomb": shared_strings_bomb, "declared dimension A1:XFD1048576": dimension_bomb,
         "4 million tiny cells": many_cells_bomb, "CSV of 5 million columns": wide_csv}


def _address_space_cap() -> None:
    """The machine is shared: an old build that takes all it is given stops at 4 GiB (a MemoryError) instead."""
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (4 * 2**30, 4 * 2**30))


def tree_rss(pid: int) -> int:
    import psutil

    try:
        parent = psutil.Process(pid)
        procs = [parent, *parent.children(recursive=True)]
    except psutil.Error:
        return 0
    total = 0
    for proc in procs:
        try:
            total += proc.memory_info().rss
        except psutil.Error:
            pass
    return total


class Probe(threading.Thread):
    """Other requests while an upload runs: one keep-alive client asking for a page of cooperatives."""

    def __init__(self, url: str, token: str):
        super().__init__(daemon=True)
        self.client = httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=300)
        self.latencies: list[float] = []
        self.started: list[float] = []  # perf_counter at each request's start
        self.failures = 0
        self.stop = threading.Event()

    def run(self) -> None:
        while not self.stop.is_set():
            started = time.perf_counter()
            try:
                ok = self.client.get("/api/v1/cooperatives", params={"page_size": 1}).status_code == 200
            except httpx.HTTPError:
                ok = False
            self.latencies.append(time.perf_counter() - started)
            self.started.append(started)
            self.failures += not ok
            self.stop.wait(0.05)


def p99(values: list[float]) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[98] if len(values) >= 2 else (
        values[0] if values else 0.0)


def measure(root: Path, name: str, content: bytes, bootstrap: str) -> dict:
    from bench import stack

    tmp = Path(tempfile.mkdtemp(prefix="bomb-"))
    port = stack.free_port()
    env = stack.service_env("registration", bootstrap=bootstrap, db="", prefix=f"bomb{port}.", log_dir=tmp)
    env |= {"REGISTRATION_DATABASE_URL": f"sqlite+aiosqlite:///{tmp}/registration.db", "PYTHONPATH": str(root)}
    service = ServiceProcess("registration", port, tmp / "registration.log", env=env, cwd=root,
                             preexec=_address_space_cap)
    try:
        service.start("/readyz", timeout=90)
        process = service.process
        time.sleep(2)  # let start-up settle before taking the idle size
        idle = tree_rss(process.pid)
        peak, done = [idle], threading.Event()

        def sample():
            while not done.is_set():
                peak.append(tree_rss(process.pid))
                done.wait(0.02)

        sampler, probe = threading.Thread(target=sample, daemon=True), Probe(service.url, stack.token())
        sampler.start(), probe.start()
        time.sleep(10)  # the same requests before the upload: what this machine answers in anyway
        started = time.perf_counter()
        cpu_before = service.cpu_seconds()
        filename = "bom.csv" if name.startswith("CSV") else "bom.xlsx"
        try:
            answer = httpx.post(f"{service.url}/api/v1/imports/cooperatives", timeout=600,
                                headers={"Authorization": f"Bearer {stack.token()}"},
                                files={"file": (filename, content)})
            status, message = answer.status_code, answer.text[:160]
        except httpx.HTTPError as exc:
            status, message = "-", f"{type(exc).__name__}: the service died or hung"
        elapsed = time.perf_counter() - started
        time.sleep(0.5)
        probe.stop.set(), probe.join(10)
        done.set(), sampler.join(5)
        alive = process.poll() is None
        before = [lat for at, lat in zip(probe.started, probe.latencies) if at + lat < started]
        during = [lat for at, lat in zip(probe.started, probe.latencies) if at + lat >= started]
        return {"bomb": name, "bytes": len(content), "status": status, "message": message, "seconds": elapsed,
                "cpu": service.cpu_seconds() - cpu_before, "idle_mib": idle / 2**20,
                "above_idle_mib": (max(peak) - idle) / 2**20, "probe_p99_ms": p99(during) * 1000,
                "probe_max_ms": max(during, default=0) * 1000, "probes": len(during),
                "baseline_p99_ms": p99(before) * 1000,
                "probe_failures": probe.failures, "alive": alive}
    finally:
        service.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parents[1],
                        help="checkout whose registration service is measured")
    parser.add_argument("--only", default="", help="comma-separated bomb numbers (1-based)")
    parser.add_argument("--kafka-bootstrap", default="")
    args = parser.parse_args(argv)
    chosen = [b for n, b in enumerate(BOMBS, start=1) if not args.only or str(n) in args.only.split(",")]
    broker = None
    bootstrap = args.kafka_bootstrap
    if not bootstrap:
        from bench.infra import free_port
        from shared.infra.kafka_local import LocalKafka

        broker = LocalKafka(Path(tempfile.mkdtemp(prefix="bomb-kafka-")), port=free_port())
        broker.start()
        bootstrap = broker.bootstrap
    try:
        print(f"code measured: {args.root}")
        for name in chosen:
            content = BOMBS[name]()
            r = measure(args.root, name, content, bootstrap)
            print(f"{r['bomb']}: {r['bytes'] / 1024:.0f} KiB -> {r['status']} in {r['seconds']:.1f} s "
                  f"(service CPU {r['cpu']:.1f} s); RSS idle {r['idle_mib']:.0f} MiB, peak above idle "
                  f"{r['above_idle_mib']:.0f} MiB; other requests meanwhile: {r['probes']} answered, p99 "
                  f"{r['probe_p99_ms']:.0f} ms, max {r['probe_max_ms']:.0f} ms, {r['probe_failures']} failed "
                  f"(p99 {r['baseline_p99_ms']:.0f} ms in the 10 s before the upload); "
                  f"service {'alive' if r['alive'] else 'DEAD'}", flush=True)
            print(f"    answer: {r['message']}", flush=True)
    finally:
        if broker is not None:
            broker.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
