"""Printable papers: a session's attendance sheet, a certificate, a batch's certificates in one zip."""
from __future__ import annotations

import asyncio
import uuid

from sqlalchemy import select

from services.training.adapters import pdf
from services.training.adapters.orm import AttendanceMark
from services.training.service_layer.batches import ensure_assigned, get_batch
from services.training.service_layer.certificates import (CertificateSettings, batch_certificates,
                                                          certificate_for_staff)
from services.training.service_layer.roster import active_roster
from services.training.service_layer.sessions import get_session
from shared.auth import Principal
from shared.errors import Conflict, NotFound


async def attendance_sheet(session, *, principal: Principal, batch_id: uuid.UUID, number: int) -> bytes:
    batch = await get_batch(session, batch_id)
    ensure_assigned(principal, batch)
    session_row = await get_session(session, batch_id, number)
    marks = dict((await session.execute(select(AttendanceMark.participant_id, AttendanceMark.status)
                                        .where(AttendanceMark.session_id == session_row.id))).all())
    roster = await active_roster(session, batch_id)
    return await asyncio.to_thread(pdf.attendance_sheet_pdf, batch, session_row, roster, marks)


async def certificate_paper(session, *, principal: Principal, number: str, settings: CertificateSettings) -> bytes:
    cert = await certificate_for_staff(session, principal=principal, number=number)
    if cert.status != "valid":
        raise Conflict(f"Sertifikat {number} sudah dicabut; tidak dicetak lagi.")
    # Rendering is CPU work: off the event loop so other requests keep flowing.
    return await asyncio.to_thread(pdf.certificate_pdf, cert, settings.verification_url(cert.number))


async def certificates_archive(session, *, principal: Principal, batch_id: uuid.UUID,
                               settings: CertificateSettings) -> tuple[str, bytes]:
    batch = await get_batch(session, batch_id)
    certs = [c for c in await batch_certificates(session, principal=principal, batch_id=batch_id)
             if c.status == "valid"]  # a revoked certificate is never printed again
    if not certs:
        raise NotFound("Angkatan ini belum memiliki sertifikat.")
    archive = await asyncio.to_thread(pdf.certificates_zip,
                                      [(c, settings.verification_url(c.number)) for c in certs])
    return f"sertifikat-{batch.code}.zip", archive
