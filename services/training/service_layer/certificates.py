"""Certificates: numbers taken from a per-year counter under a row lock, issue, revocation, re-issue after a
correction (the old one revoked, a new number for the same participant), public verification."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import quote

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from services.training.adapters.orm import Batch, Certificate, CertificateCounter, Official, RosterEntry
from services.training.domain.certificates import (certificate_year, code_matches, format_number,
                                                   is_certificate_number, verification_code)
from services.training.service_layer import audit
from services.training.service_layer.batches import ensure_assigned, get_batch
from shared.auth import Principal, Role
from shared.errors import Conflict, Forbidden, Invalid, NotFound, field_error
from shared.events.training import CertificateIssued, CertificateRevoked
from shared.unit_of_work import UnitOfWork


@dataclass(frozen=True)
class CertificateSettings:
    prefix: str
    signing_official: str
    signing_title: str
    public_base_url: str
    logo_file: str = ""  # the kop's logo on certificates and attendance sheets; empty: the project's own
    verification_key: str = ""  # TRAINING_CERTIFICATE_KEY

    @classmethod
    def of(cls, settings) -> "CertificateSettings":
        return cls(settings.certificate_prefix, settings.signing_official, settings.signing_title,
                   settings.public_base_url, settings.logo_file, settings.certificate_key)

    def verification_code(self, number: str) -> str:
        return verification_code(self.verification_key, number)

    def verification_url(self, number: str) -> str:
        """The QR link: number and code, so whoever holds the paper (and only they) sees whose it is."""
        return (f"{self.public_base_url}/verifikasi?nomor={quote(number, safe='')}"
                f"&kode={self.verification_code(number)}")


async def take_numbers(session, *, year: int, count: int) -> list[int]:
    """Reserve `count` consecutive sequence numbers of `year`.

    The counter row stays locked (FOR UPDATE on PostgreSQL; SQLite has one writer at a time) until the caller's
    transaction ends, so concurrent issuers queue instead of colliding, and a rolled-back issue gives its numbers
    back: none is ever reused or skipped."""
    dialect = session.bind.dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    await session.execute(insert(CertificateCounter).values(year=year, last_number=0)
                          .on_conflict_do_nothing(index_elements=["year"]))
    counter = await session.scalar(select(CertificateCounter).where(CertificateCounter.year == year)
                                   .with_for_update().execution_options(populate_existing=True))
    first = counter.last_number + 1
    counter.last_number += count
    await session.flush()
    return list(range(first, first + count))


async def issue_certificates(uow: UnitOfWork, *, batch: Batch, completers: list[RosterEntry],
                             settings: CertificateSettings) -> list[Certificate]:
    """One certificate per completer who holds none for this batch; what it says is fixed now."""
    held = set((await uow.session.scalars(select(Certificate.participant_id)
                                          .where(Certificate.batch_id == batch.id))).all())
    due = sorted((e for e in completers if e.participant_id not in held), key=lambda e: e.full_name)
    if not due:
        return []
    year = certificate_year(batch.end_date)
    now = datetime.now(UTC)
    signers = await signers_of(uow.session, batch, settings)
    issued = []
    for entry, sequence in zip(due, await take_numbers(uow.session, year=year, count=len(due))):
        issued.append(_issue(uow, batch, entry, year, sequence, signers, settings, now))
    return issued


def _issue(uow: UnitOfWork, batch: Batch, entry: RosterEntry, year: int, sequence: int, signers: dict,
           settings: CertificateSettings, now: datetime, replaces: str | None = None) -> Certificate:
    """A certificate as it is printed from now on: the roster's name (corrected, if it was) and the batch."""
    cert = Certificate(number=format_number(settings.prefix, year, sequence), year=year, sequence=sequence,
                       batch_id=batch.id, participant_id=entry.participant_id, full_name=entry.full_name,
                       cooperative_name=entry.cooperative_name, batch_title=batch.title, venue=batch.venue,
                       start_date=batch.start_date, end_date=batch.end_date,
                       **signers, issued_at=now, status="valid", replaces=replaces)
    uow.session.add(cert)
    uow.emit(CertificateIssued(certificate_number=cert.number, batch_id=batch.id,
                               participant_id=entry.participant_id, issued_at=now),
             subject=cert.number, aggregate_version=1)
    return cert


async def signers_of(session, batch: Batch, settings: CertificateSettings) -> dict:
    """Who signs, as printed: the batch's official (name, position, NIP) and co-signer when it names them, else the
    official of the settings (TRAINING_SIGNING_OFFICIAL), as before officials were records."""
    signers = {"signing_official": settings.signing_official, "signing_title": settings.signing_title}
    for prefix, official_id in (("signing", batch.signing_official_id), ("co_signing", batch.co_signer_id)):
        official = await session.get(Official, official_id) if official_id else None
        if official is not None:
            signers.update({f"{prefix}_official": official.name, f"{prefix}_position": official.position,
                            f"{prefix}_nip": official.nip})
    return signers


async def revoke_certificate(uow: UnitOfWork, *, principal: Principal, number: str, reason: str) -> Certificate:
    cert = await _get(uow.session, number)
    _revoke(uow, principal, cert, reason)
    await uow.commit()
    return cert


def _revoke(uow: UnitOfWork, principal: Principal, cert: Certificate, reason: str) -> None:
    if cert.status == "revoked":
        raise Conflict("Sertifikat ini sudah dicabut.", fields=[field_error("number", "sudah dicabut")])
    now = datetime.now(UTC)
    cert.status, cert.revoked_reason, cert.revoked_at, cert.revoked_by = "revoked", reason, now, principal.subject
    uow.emit(CertificateRevoked(certificate_number=cert.number, batch_id=cert.batch_id, reason=reason,
                                participant_id=cert.participant_id, revoked_at=now),
             subject=cert.number, aggregate_version=2)
    audit.record(uow.session, principal, action="revoked", entity="certificate", entity_id=cert.number,
                 changes={"status": ["valid", "revoked"]}, note=reason)


async def reissue_certificate(uow: UnitOfWork, *, principal: Principal, number: str, reason: str,
                              settings: CertificateSettings) -> Certificate:
    """After a name correction or for a reprint: the old certificate revoked with the reason, a new one with the
    next number for the same participant (what the roster and the batch say now), saying which number it
    replaces; both in one transaction, so the participant never holds two valid ones nor none."""
    session = uow.session
    cert = await _get(session, number)
    if principal.role not in (Role.ADMIN, Role.TRAINING_STAFF):
        raise Forbidden("Sertifikat diterbitkan ulang oleh staf pelatihan UPTD atau admin provinsi.")
    if cert.status != "valid":
        raise Conflict("Sertifikat ini sudah dicabut; yang diterbitkan ulang adalah sertifikat yang masih berlaku"
                       + (f" ({cert.replaced_by})." if cert.replaced_by else "."),
                       fields=[field_error("number", "sudah dicabut")])
    batch = await get_batch(session, cert.batch_id)
    entry = await session.scalar(select(RosterEntry).where(RosterEntry.batch_id == cert.batch_id,
                                                           RosterEntry.participant_id == cert.participant_id))
    if entry is None:
        raise Conflict("Peserta sertifikat ini tidak ada lagi di daftar peserta angkatan.",
                       fields=[field_error("number", "peserta tidak ada di daftar peserta")])
    _revoke(uow, principal, cert, reason)
    await session.flush()  # the old one stops being valid before the new one is (one valid per participant)
    year = certificate_year(batch.end_date)
    (sequence,) = await take_numbers(session, year=year, count=1)
    new = _issue(uow, batch, entry, year, sequence, await signers_of(session, batch, settings), settings,
                 datetime.now(UTC), replaces=cert.number)
    cert.replaced_by = new.number
    audit.record(session, principal, action="reissued", entity="certificate", entity_id=new.number,
                 changes={"replaces": [None, cert.number]}, note=reason)
    await uow.commit()
    return new


async def _get(session, number: str) -> Certificate:
    cert = await session.get(Certificate, number) if is_certificate_number(number) else None
    if cert is None:
        raise NotFound(f"Sertifikat nomor {number} tidak terdaftar.", fields=[field_error("number", "tidak terdaftar")])
    return cert


NO_CODE = "Masukkan kode verifikasi yang tertulis pada sertifikat (di bawah kode QR, setelah kode=)."
NO_MATCH = "Nomor sertifikat dan kode verifikasi tidak cocok dengan sertifikat mana pun."


async def verify(session, number: str, code: str | None, *, key: str) -> dict:
    """Public: genuine or revoked, the name and the batch; nothing more about the person, and nothing at all
    without the certificate's code: an unknown number and a wrong code get the same answer (the sequence of
    numbers cannot be walked to learn names, nor to learn which numbers exist)."""
    if not (code or "").strip():
        raise Invalid(NO_CODE, fields=[field_error("kode", "wajib diisi: tertulis pada sertifikat")])
    cert = None
    if is_certificate_number(number) and code_matches(key, number, code):
        cert = await session.get(Certificate, number)
    if cert is None:
        raise NotFound(NO_MATCH, fields=[field_error("kode", "nomor dan kode tidak cocok")])
    if cert.replaced_by:
        # Replaced after a correction: the old paper names nobody (the name on it may be the wrong one) and points
        # to the number that replaces it; the reason, which may quote a name, is not shown.
        return {"number": cert.number, "genuine": False, "status": "replaced", "full_name": "",
                "batch_title": cert.batch_title, "start_date": cert.start_date.isoformat(),
                "end_date": cert.end_date.isoformat(), "replaced_by": cert.replaced_by,
                "revoked_reason": f"Diganti dengan sertifikat nomor {cert.replaced_by} (diterbitkan ulang)."}
    return {"number": cert.number, "genuine": cert.status == "valid", "status": cert.status,
            "full_name": cert.full_name, "batch_title": cert.batch_title, "start_date": cert.start_date.isoformat(),
            "end_date": cert.end_date.isoformat(),
            "revoked_reason": cert.revoked_reason if cert.status == "revoked" else None}


async def certificate_for_staff(session, *, principal: Principal, number: str) -> Certificate:
    """For the batch's staff and trainers; for a district officer, only a participant of their own district."""
    cert = await _get(session, number)
    if principal.role == Role.DISTRICT_OFFICER:
        if await district_of(session, cert) != principal.district:
            raise Forbidden("Sertifikat ini milik peserta dari kabupaten/kota lain.")
        return cert
    ensure_assigned(principal, await get_batch(session, cert.batch_id))
    return cert


async def district_of(session, cert: Certificate) -> str | None:
    """The participant's kabupaten/kota, from the roster the certificate was issued from."""
    return await session.scalar(select(RosterEntry.district_code).where(
        RosterEntry.batch_id == cert.batch_id, RosterEntry.participant_id == cert.participant_id))


async def district_certificates(session, *, principal: Principal, fiscal_year: int | None = None) -> list[dict]:
    """A district officer's people: every certificate issued to a participant of their district (newest first)."""
    if principal.role != Role.DISTRICT_OFFICER or not principal.district:
        raise Forbidden("Daftar ini untuk petugas dinas kabupaten/kota.")
    query = (select(Certificate, Batch.code, RosterEntry.position)
             .join(RosterEntry, (RosterEntry.batch_id == Certificate.batch_id)
                   & (RosterEntry.participant_id == Certificate.participant_id))
             .join(Batch, Batch.id == Certificate.batch_id)
             .where(RosterEntry.district_code == principal.district)
             .order_by(Certificate.start_date.desc(), Certificate.full_name))
    if fiscal_year:
        query = query.where(Batch.fiscal_year == fiscal_year)
    return [{"certificate": cert, "batch_code": code, "position": position}
            for cert, code, position in (await session.execute(query)).all()]


async def batch_certificates(session, *, principal: Principal, batch_id: uuid.UUID) -> list[Certificate]:
    ensure_assigned(principal, await get_batch(session, batch_id))
    return list((await session.scalars(select(Certificate).where(Certificate.batch_id == batch_id)
                                       .order_by(Certificate.sequence))).all())


def to_read(cert: Certificate, settings: CertificateSettings) -> dict:
    return {**{k: getattr(cert, k) for k in ("number", "batch_id", "participant_id", "full_name", "cooperative_name",
                                             "batch_title", "signing_official", "signing_position", "signing_nip",
                                             "co_signing_official", "co_signing_position", "co_signing_nip",
                                             "issued_at", "status", "revoked_reason", "replaces",
                                             "replaced_by")},
            "start_date": cert.start_date.isoformat(), "end_date": cert.end_date.isoformat(),
            "verification_url": settings.verification_url(cert.number)}
