"""Printable papers: a session's daftar hadir, a certificate with its agenda, a batch's certificates in one zip, and
the batch's attendance grid as a spreadsheet. Read models are gathered here; adapters turn them into bytes."""
from __future__ import annotations

import asyncio
import re
import uuid

from sqlalchemy import select

from services.training.adapters import pdf, xlsx
from services.training.adapters.orm import (AttendanceMark, Batch, Certificate, Official, RosterEntry, Session,
                                            Trainer)
from services.training.service_layer.batches import ensure_assigned, get_batch, sessions_of, trainer_names
from services.training.service_layer.certificates import (CertificateSettings, batch_certificates,
                                                          certificate_for_staff)
from services.training.service_layer.roster import active_roster
from services.training.service_layer.sessions import get_session
from shared.auth import Principal
from shared.errors import Conflict, NotFound
from shared.regions import district_name


UNSAFE_IN_NAMES = re.compile(r"[^A-Za-z0-9._-]+")


def file_code(code: str) -> str:
    """A batch code as it may stand in a file name (a download's, or one inside a zip): a code is free text."""
    return UNSAFE_IN_NAMES.sub("-", code).strip("-.") or "angkatan"


def letterhead(settings: CertificateSettings, agency: str | None = None) -> pdf.Letterhead:
    return pdf.Letterhead(agency or settings.signing_title, settings.logo_file or pdf.DEFAULT_LOGO)


def _item(row: Session, names: dict) -> pdf.AgendaItem:
    return pdf.AgendaItem(row.date, row.start_time, row.end_time, row.topic, row.jp, names.get(row.trainer_id))


async def _agenda(session, batch_id: uuid.UUID) -> tuple[pdf.AgendaItem, ...]:
    rows = await sessions_of(session, batch_id)
    names = await trainer_names(session, rows)
    return tuple(_item(r, names) for r in rows)


async def _districts(session, batch_id: uuid.UUID) -> dict[uuid.UUID, str]:
    """Each participant's kabupaten/kota on this batch's roster (a cancelled entry too: a certificate outlives it)."""
    rows = await session.execute(select(RosterEntry.participant_id, RosterEntry.district_code)
                                 .where(RosterEntry.batch_id == batch_id))
    return {participant: district_name(code) for participant, code in rows.all()}


def signers(cert: Certificate) -> tuple[pdf.Signer, ...]:
    """As copied onto the certificate at issue: the official and co-signer, or the settings' official (no NIP)."""
    if not cert.signing_nip:
        return (pdf.Signer("", cert.signing_official),)
    found = [pdf.Signer(cert.signing_position or "", cert.signing_official, cert.signing_nip)]
    if cert.co_signing_nip:
        found.append(pdf.Signer(cert.co_signing_position or "", cert.co_signing_official, cert.co_signing_nip))
    return tuple(found)


def certificate_read_model(cert: Certificate, *, district: str, agenda: tuple[pdf.AgendaItem, ...],
                           settings: CertificateSettings) -> pdf.CertificatePaper:
    return pdf.CertificatePaper(
        number=cert.number, full_name=cert.full_name, cooperative_name=cert.cooperative_name, district=district,
        batch_title=cert.batch_title, venue=cert.venue, start_date=cert.start_date, end_date=cert.end_date,
        signers=signers(cert), agenda=agenda, verification_url=settings.verification_url(cert.number),
        letterhead=letterhead(settings, cert.signing_title), replaces=cert.replaces)


async def committee(session, batch: Batch) -> tuple[pdf.Signer, ...]:
    """Who signs the daftar hadir for the panitia: the batch's official, then its co-signer (none: lines to fill)."""
    found = [await session.get(Official, i) for i in (batch.signing_official_id, batch.co_signer_id) if i]
    return tuple(pdf.Signer(o.position, o.name, o.nip) for o in found if o)


async def attendance_sheet(session, *, principal: Principal, batch_id: uuid.UUID, number: int,
                           settings: CertificateSettings) -> bytes:
    batch = await get_batch(session, batch_id)
    ensure_assigned(principal, batch)
    row = await get_session(session, batch_id, number)
    marks = dict((await session.execute(select(AttendanceMark.participant_id, AttendanceMark.status)
                                        .where(AttendanceMark.session_id == row.id))).all())
    narasumber = await session.get(Trainer, row.trainer_id) if row.trainer_id else None
    rows = tuple(pdf.SheetRow(e.full_name, e.position, e.cooperative_name,
                              pdf.short_district(district_name(e.district_code)), marks.get(e.participant_id))
                 for e in await active_roster(session, batch_id))
    sheet = pdf.AttendanceSheet(
        letterhead=letterhead(settings), batch_title=batch.title, batch_code=batch.code, venue=batch.venue,
        session_no=row.number, item=_item(row, {row.trainer_id: narasumber.name} if narasumber else {}),
        narasumber_nip=narasumber.nip if narasumber else None, rows=rows, committee=await committee(session, batch),
        eligibility=batch.eligibility)
    return await asyncio.to_thread(pdf.attendance_sheet_pdf, sheet)


async def certificate_paper(session, *, principal: Principal, number: str, settings: CertificateSettings) -> bytes:
    cert = await certificate_for_staff(session, principal=principal, number=number)
    if cert.status != "valid":
        raise Conflict(f"Sertifikat {number} sudah dicabut; tidak dicetak lagi.")
    districts = await _districts(session, cert.batch_id)
    paper = certificate_read_model(cert, district=districts.get(cert.participant_id, ""),
                                   agenda=await _agenda(session, cert.batch_id), settings=settings)
    # Rendering is CPU work: off the event loop so other requests keep flowing.
    return await asyncio.to_thread(pdf.certificate_pdf, paper)


async def certificates_archive(session, *, principal: Principal, batch_id: uuid.UUID,
                               settings: CertificateSettings) -> tuple[str, bytes]:
    batch = await get_batch(session, batch_id)
    certs = [c for c in await batch_certificates(session, principal=principal, batch_id=batch_id)
             if c.status == "valid"]  # a revoked certificate is never printed again
    if not certs:
        raise NotFound("Angkatan ini belum memiliki sertifikat.")
    agenda, districts = await _agenda(session, batch_id), await _districts(session, batch_id)
    papers = [certificate_read_model(c, district=districts.get(c.participant_id, ""), agenda=agenda,
                                     settings=settings) for c in certs]
    return f"sertifikat-{file_code(batch.code)}.zip", await asyncio.to_thread(pdf.certificates_zip, papers)


async def attendance_grid(session, *, principal: Principal, batch_id: uuid.UUID) -> tuple[str, bytes]:
    """Participants x sessions with the status letters and the JP attended, for the SPJ."""
    batch: Batch = await get_batch(session, batch_id)
    ensure_assigned(principal, batch)
    rows = await sessions_of(session, batch_id)
    names = await trainer_names(session, rows)
    marks: dict[tuple[uuid.UUID, uuid.UUID], str] = {}
    if rows:
        found = await session.execute(select(AttendanceMark.participant_id, AttendanceMark.session_id,
                                             AttendanceMark.status)
                                      .where(AttendanceMark.session_id.in_([r.id for r in rows])))
        marks = {(p, s): status for p, s, status in found.all()}
    people = [xlsx.GridRow(e.full_name, e.position, e.cooperative_name, district_name(e.district_code),
                           tuple(marks.get((e.participant_id, r.id)) for r in rows))
              for e in await active_roster(session, batch_id)]
    grid = xlsx.AttendanceGrid(batch.title, batch.code, batch.venue, batch.start_date, batch.end_date,
                               tuple((r.number, _item(r, names)) for r in rows), tuple(people),
                               eligibility=batch.eligibility)
    return f"kehadiran-{file_code(batch.code)}.xlsx", await asyncio.to_thread(xlsx.attendance_grid_xlsx, grid)
