"""The report bundle a Kepala UPTD sends the ministry after a batch, as one zip: the laporan pelaksanaan (PDF and
DOCX), the daftar nominatif (XLSX and PDF), the attendance grid, the daftar hadir of every session, the evidence files
and a manifest (JSON) with the size and SHA-256 of every other file in it."""
from __future__ import annotations

import asyncio
import hashlib
import io
import json
import re
import uuid
import zipfile
from datetime import UTC, datetime

from services.training.adapters import docx_report, evidence_files, pdf_report, xlsx
from services.training.service_layer import papers, report
from services.training.service_layer.papers import file_code
from services.training.service_layer.batches import get_batch, sessions_of
from services.training.service_layer.certificates import CertificateSettings
from services.training.service_layer.evidence import batch_evidence
from shared.roles import Principal
from shared.budget import DEFAULT_COMPONENTS

FOLDERS = {"foto": "bukti/foto-kegiatan", "daftar_hadir": "bukti/daftar-hadir-bertanda-tangan",
           "kuitansi": "bukti/kuitansi", "lainnya": "bukti/lainnya"}
UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


async def documents(session, store, *, principal: Principal, batch_id: uuid.UUID, settings: CertificateSettings,
                    components=DEFAULT_COMPONENTS) -> dict[str, bytes]:
    """Every file of the bundle by its path in the zip (the manifest aside)."""
    batch = await get_batch(session, batch_id)
    model = await report.report_model(session, store, principal=principal, batch_id=batch_id, settings=settings,
                                      components=components)
    code = file_code(batch.code)
    files: dict[str, bytes] = {}
    files[f"laporan-pelaksanaan-{code}.pdf"] = await asyncio.to_thread(pdf_report.report_pdf, model)
    files[f"laporan-pelaksanaan-{code}.docx"] = await asyncio.to_thread(docx_report.report_docx, model)
    files[f"daftar-nominatif-{code}.xlsx"] = await asyncio.to_thread(xlsx.nominative_xlsx, model.nominative)
    files[f"daftar-nominatif-{code}.pdf"] = await asyncio.to_thread(pdf_report.nominative_pdf, model.nominative,
                                                                     model.letterhead)
    _, grid = await papers.attendance_grid(session, principal=principal, batch_id=batch_id)
    files[f"kehadiran-{code}.xlsx"] = grid
    for row in await sessions_of(session, batch_id):
        files[f"daftar-hadir/sesi-{row.number:02d}.pdf"] = await papers.attendance_sheet(
            session, principal=principal, batch_id=batch_id, number=row.number, settings=settings)
    for n, e in enumerate(await batch_evidence(session, batch_id), start=1):
        stem = UNSAFE.sub("-", e.filename.rsplit(".", 1)[0]).strip("-.")[:60] or "bukti"
        path = f"{FOLDERS.get(e.kind, 'bukti/lainnya')}/{n:02d}-{stem}.{evidence_files.EXTENSIONS[e.media_type]}"
        files[path] = await asyncio.to_thread(store.get, e.storage_key)
    return files


def manifest(batch, files: dict[str, bytes]) -> dict:
    return {"batch": {"id": str(batch.id), "code": batch.code, "title": batch.title,
                      "start_date": batch.start_date.isoformat(), "end_date": batch.end_date.isoformat()},
            "generated_at": datetime.now(UTC).isoformat(timespec="seconds"), "algorithm": "sha256",
            "files": [{"path": path, "size": len(content), "sha256": hashlib.sha256(content).hexdigest()}
                      for path, content in files.items()]}


def zipped(files: dict[str, bytes], manifest_body: dict) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", json.dumps(manifest_body, ensure_ascii=False, indent=2))
        for path, content in files.items():
            # Photographs and PDFs are compressed already: stored, not deflated again.
            method = zipfile.ZIP_STORED if path.endswith((".jpg", ".png", ".pdf", ".docx", ".xlsx")) \
                else zipfile.ZIP_DEFLATED
            archive.writestr(path, content,
                             compress_type=method)
    return buffer.getvalue()


async def bundle(session, store, *, principal: Principal, batch_id: uuid.UUID, settings: CertificateSettings,
                 components=DEFAULT_COMPONENTS) -> tuple[str, bytes]:
    batch = await get_batch(session, batch_id)
    files = await documents(session, store, principal=principal, batch_id=batch_id, settings=settings,
                            components=components)
    content = await asyncio.to_thread(zipped, files, manifest(batch, files))
    return f"laporan-{file_code(batch.code)}.zip", content
