"""A batch's evidence (dokumentasi and SPJ scans): upload with a caption and a kind, list, read, delete (admins,
audited). An upload lands whole with its record or not at all: files first (renamed into place), then the record in
one commit; a refused or failed commit takes the files away again."""
from __future__ import annotations

import asyncio
import hashlib
import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import PurePosixPath

from sqlalchemy import func, select

from services.training.adapters import evidence_files as files
from services.training.adapters.orm import Batch
from services.training.adapters.orm_evidence import Evidence
from services.training.service_layer import audit
from services.training.service_layer.batches import ensure_assigned, get_batch
from shared.roles import Principal, Role
from shared.errors import DomainError, Forbidden, Invalid, NotFound, field_error
from shared.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)

KINDS = {"foto": "Foto kegiatan", "daftar_hadir": "Daftar hadir bertanda tangan", "kuitansi": "Kuitansi",
         "lainnya": "Lainnya"}
PHOTO_TYPES = (files.JPEG, files.PNG)  # a photograph is a picture; scans may also be PDF
CAPTION_MAX = 500
TYPE_WORDS = {files.JPEG: "JPEG", files.PNG: "PNG", files.PDF: "PDF"}


class TooLarge(DomainError):
    status, code = 413, "payload_too_large"


class UnsupportedType(DomainError):
    status, code = 415, "unsupported_media_type"


@dataclass(frozen=True)
class Limits:
    per_file: int
    per_batch: int


def mib(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MiB" if size >= 1024 * 1024 else f"{size / 1024:.0f} KiB"


def check_fields(kind: str, caption: str) -> str:
    """The form's fields, before any byte is looked at; the caption trimmed."""
    problems = []
    if kind not in KINDS:
        problems.append(field_error("kind", "pilih jenis bukti: " + ", ".join(KINDS.values()).lower()))
    caption = (caption or "").strip()
    if not caption:
        problems.append(field_error("caption", "wajib diisi"))
    elif len(caption) > CAPTION_MAX:
        problems.append(field_error("caption", f"paling banyak {CAPTION_MAX} karakter (terisi {len(caption)})"))
    if problems:
        raise Invalid("Periksa kembali isian yang ditandai.", fields=problems)
    return caption


def _refuse_type(kind: str, filename: str, content: bytes) -> str:
    media_type = files.sniff(content)
    if media_type is None:
        raise UnsupportedType("Isi berkas bukan JPEG, PNG atau PDF.",
                              fields=[field_error("file", "isi berkas bukan JPEG, PNG atau PDF")])
    suffix = PurePosixPath(filename or "").suffix.lower().lstrip(".")
    claimed = files.NAME_SAYS.get(suffix)
    if claimed != media_type:
        said = f"nama berkas berakhiran .{suffix}" if suffix else "nama berkas tanpa akhiran"
        raise UnsupportedType(f"Isi berkas {TYPE_WORDS[media_type]}, tetapi {said}.",
                              fields=[field_error("file", f"isinya {TYPE_WORDS[media_type]}, tidak sesuai {said}")])
    if kind == "foto" and media_type not in PHOTO_TYPES:
        raise UnsupportedType("Foto kegiatan harus berupa JPEG atau PNG.",
                              fields=[field_error("file", "foto kegiatan harus JPEG atau PNG")])
    return media_type


async def upload(uow: UnitOfWork, store, *, principal: Principal, batch_id: uuid.UUID, kind: str, caption: str,
                 filename: str, content: bytes, limits: Limits) -> Evidence:
    caption = check_fields(kind, caption)
    if not content:
        raise Invalid("Berkas kosong.", fields=[field_error("file", "pilih berkas untuk diunggah")])
    if len(content) > limits.per_file:
        raise TooLarge(f"Berkas melebihi batas {mib(limits.per_file)} per berkas.",
                       fields=[field_error("file", f"lebih dari {mib(limits.per_file)}")])
    _refuse_type(kind, filename, content)
    batch = await _locked_batch(uow.session, batch_id)
    ensure_assigned(principal, batch)
    try:  # decoding is CPU work: off the event loop
        cleaned = await asyncio.to_thread(files.clean, content)
    except files.TooManyPixels:
        raise TooLarge("Gambar terlalu besar (jumlah piksel melebihi batas); kecilkan resolusinya.",
                       fields=[field_error("file", "jumlah piksel melebihi batas")]) from None
    except files.UnreadableFile as exc:
        raise UnsupportedType(f"Berkas tidak dapat dibaca: {exc}.", fields=[field_error("file", str(exc))]) from None
    used = await uow.session.scalar(select(func.coalesce(func.sum(Evidence.size), 0))
                                    .where(Evidence.batch_id == batch_id))
    if used + len(cleaned.content) > limits.per_batch:
        raise TooLarge(f"Bukti angkatan ini akan melebihi batas {mib(limits.per_batch)} (sudah terpakai "
                       f"{mib(used)}).", fields=[field_error("file", f"batas {mib(limits.per_batch)} per angkatan")])
    evidence_id = uuid.uuid4()
    key = f"{batch_id}/{evidence_id}.{files.EXTENSIONS[cleaned.media_type]}"
    thumb = f"{batch_id}/{evidence_id}.thumb.jpg" if cleaned.thumbnail else None
    row = Evidence(id=evidence_id, batch_id=batch_id, kind=kind, caption=caption,
                   filename=_plain_name(filename, cleaned.media_type), media_type=cleaned.media_type,
                   size=len(cleaned.content), sha256=hashlib.sha256(cleaned.content).hexdigest(),
                   width=cleaned.width, height=cleaned.height, storage_key=key, thumbnail_key=thumb,
                   uploaded_at=datetime.now(UTC), uploaded_by=principal.subject,
                   uploaded_by_name=principal.name or None)
    written = []
    try:
        await asyncio.to_thread(store.put, key, cleaned.content)
        written.append(key)
        if thumb:
            await asyncio.to_thread(store.put, thumb, cleaned.thumbnail)
            written.append(thumb)
        uow.session.add(row)
        audit.record(uow.session, principal, action="created", entity="evidence", entity_id=evidence_id,
                     changes={"kind": [None, KINDS[kind]], "caption": [None, caption], "filename": [None, row.filename],
                              "batch_code": [None, batch.code]})
        await uow.commit()
    except BaseException:
        for done in written:
            await asyncio.to_thread(store.delete, done)
        raise
    return row


def _plain_name(filename: str, media_type: str) -> str:
    name = PurePosixPath((filename or "").replace("\\", "/")).name.strip()[:150]
    return name or f"bukti.{files.EXTENSIONS[media_type]}"


async def _locked_batch(session, batch_id: uuid.UUID) -> Batch:
    """The batch, locked on PostgreSQL until commit: two uploads at once cannot both pass the batch's limit."""
    batch = await session.scalar(select(Batch).where(Batch.id == batch_id).with_for_update())
    if batch is None:
        raise NotFound("Angkatan tidak ditemukan.")
    return batch


async def list_evidence(session, *, principal: Principal, batch_id: uuid.UUID) -> list[Evidence]:
    ensure_assigned(principal, await get_batch(session, batch_id))
    return await batch_evidence(session, batch_id)


async def batch_evidence(session, batch_id: uuid.UUID) -> list[Evidence]:
    """In the order of the report: photographs first, then the scans, each oldest first."""
    rows = (await session.scalars(select(Evidence).where(Evidence.batch_id == batch_id)
                                  .order_by(Evidence.uploaded_at, Evidence.id))).all()
    order = list(KINDS)
    return sorted(rows, key=lambda r: order.index(r.kind) if r.kind in order else len(order))


async def get_evidence(session, *, principal: Principal, batch_id: uuid.UUID, evidence_id: uuid.UUID) -> Evidence:
    ensure_assigned(principal, await get_batch(session, batch_id))
    row = await session.get(Evidence, evidence_id)
    if row is None or row.batch_id != batch_id:
        raise NotFound("Bukti tidak ditemukan di angkatan ini.")
    return row


async def delete(uow: UnitOfWork, store, *, principal: Principal, batch_id: uuid.UUID,
                 evidence_id: uuid.UUID) -> Evidence:
    """Admins only; the record goes with an audit entry first, the files after the commit (a failure to remove
    them leaves an unreferenced file, never a record without its file)."""
    if principal.role != Role.ADMIN:
        raise Forbidden("Hanya admin provinsi yang dapat menghapus bukti kegiatan.")
    row = await get_evidence(uow.session, principal=principal, batch_id=batch_id, evidence_id=evidence_id)
    batch = await get_batch(uow.session, batch_id)
    audit.record(uow.session, principal, action="deleted", entity="evidence", entity_id=evidence_id,
                 changes={"kind": [KINDS.get(row.kind, row.kind), None], "caption": [row.caption, None],
                          "filename": [row.filename, None], "batch_code": [batch.code, None]})
    await uow.session.delete(row)
    await uow.commit()
    for key in (row.storage_key, row.thumbnail_key):
        if key:
            try:
                await asyncio.to_thread(store.delete, key)
            except Exception:  # the record is gone and audited: a file left behind is unreferenced, not an error
                log.warning("evidence %s deleted; its file %s could not be removed", evidence_id, key, exc_info=True)
    return row


def to_read(row: Evidence) -> dict:
    base = f"/api/v1/batches/{row.batch_id}/evidence/{row.id}"
    return {"id": row.id, "batch_id": row.batch_id, "kind": row.kind, "kind_label": KINDS.get(row.kind, row.kind),
            "caption": row.caption, "filename": row.filename, "media_type": row.media_type, "size": row.size,
            "sha256": row.sha256, "width": row.width, "height": row.height, "uploaded_at": row.uploaded_at,
            "uploaded_by_name": row.uploaded_by_name, "url": base,
            "thumbnail_url": f"{base}/thumbnail" if row.thumbnail_key else None}
