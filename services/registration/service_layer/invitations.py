"""Inviting a batch's participants (e-mails queued, WhatsApp links made), who answered, and the participant's own
answer through the public page: a decline is a cancellation (the seat goes to the waiting list, the same use case
the officer's cancel button calls)."""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from services.registration.adapters.orm import BatchReplica, Enrollment, Participant
from services.registration.adapters.orm_invitations import Confirmation, ConfirmationCode, OutgoingMail
from services.registration.domain import invitations as rules
from services.registration.service_layer import audit, batches, enrollments, planning
from services.registration.service_layer.delivery import (confirmation_link, facts, insert_new_mail,
                                                          queue_certificate_mail)
from shared.auth import Principal, Role
from shared.clock import business_today
from shared.errors import Conflict, NotFound, field_error
from shared.unit_of_work import UnitOfWork

# Who the audit trail names when a participant answers through their link (no account: the link is the credential).
PARTICIPANT = Principal(subject="peserta-lewat-tautan-konfirmasi", role=Role.ADMIN, name="Peserta (tautan konfirmasi)")
UNKNOWN_LINK = "Tautan konfirmasi tidak dikenali. Periksa kembali tautan dari undangan Anda, atau hubungi dinas."
DECLINE_REASON = "peserta menyatakan tidak dapat hadir (konfirmasi)"
MAIL_STATE = {"sent": "terkirim", "pending": "belum terkirim", "void": "tidak dikirim"}


def new_code(session, secret: str, enrollment_id: uuid.UUID, channel: str) -> str:
    code = rules.new_code(secret)
    session.add(ConfirmationCode(code_hash=rules.code_hash(code), enrollment_id=enrollment_id, channel=channel,
                                 created_at=datetime.now(UTC)))
    return code


async def _people(session, principal: Principal, batch_id: uuid.UUID, *, with_declined: bool = True) -> list:
    """(enrolment, participant, answer) of the batch in the caller's reach: an officer sees their district."""
    shown = or_(Enrollment.status == "enrolled", Confirmation.answer == "declined") if with_declined \
        else Enrollment.status == "enrolled"
    query = (select(Enrollment, Participant, Confirmation.answer, Confirmation.answered_at)
             .join(Participant, Participant.id == Enrollment.participant_id)
             .outerjoin(Confirmation, Confirmation.enrollment_id == Enrollment.id)
             .where(Enrollment.batch_id == batch_id, shown).order_by(Participant.full_name, Enrollment.id))
    if principal.role == Role.DISTRICT_OFFICER:
        query = query.where(Enrollment.district_code == principal.district)
    return (await session.execute(query)).all()


async def _mail_states(session, enrollment_ids: list[uuid.UUID]) -> dict[tuple[uuid.UUID, str], OutgoingMail]:
    if not enrollment_ids:
        return {}
    rows = (await session.scalars(select(OutgoingMail).where(OutgoingMail.enrollment_id.in_(enrollment_ids)))).all()
    return {(m.enrollment_id, m.kind): m for m in rows}


def _mail_read(person: Participant, mail: OutgoingMail | None, enrolled: bool = True) -> dict:
    if mail is not None and mail.status == "pending" and not enrolled:  # declined or cancelled: it will not go
        return {"email_status": "tidak dikirim", "email_attempts": mail.attempts, "email_error": None}
    if not person.email:
        return {"email_status": "tanpa e-mail", "email_attempts": 0, "email_error": None}
    if mail is None:
        return {"email_status": "belum dikirim", "email_attempts": 0, "email_error": None}
    return {"email_status": MAIL_STATE.get(mail.status, mail.status), "email_attempts": mail.attempts,
            "email_error": mail.last_error if mail.status == "pending" else None}


async def confirmations(session, *, principal: Principal, batch_id: uuid.UUID) -> dict:
    """Who confirmed, declined, or has not answered; with each invitation e-mail's state."""
    batch = await batches.get_batch(session, principal=principal, batch_id=batch_id)  # 404 outside the officer's
    rows = await _people(session, principal, batch_id)
    mails = await _mail_states(session, [r[0].id for r in rows])
    items = []
    for enrollment, person, answer, answered_at in rows:
        items.append({"enrollment_id": enrollment.id, "participant_id": person.id, "full_name": person.full_name,
                      "district_code": enrollment.district_code, "answer": answer, "answered_at": answered_at,
                      **_mail_read(person, mails.get((enrollment.id, "undangan")), enrollment.status == "enrolled")})
    counts = {"confirmed": sum(i["answer"] == "confirmed" for i in items),
              "declined": sum(i["answer"] == "declined" for i in items),
              "unanswered": sum(i["answer"] is None for i in items)}
    return {"batch_id": batch["id"], "batch": batch, "counts": counts, "items": items}


@dataclass(frozen=True)
class Invited:
    items: list[dict]
    queued: list[int]  # ids of the e-mails written by this call (sent right after, by the caller)


async def invite(uow: UnitOfWork, *, principal: Principal, batch_id: uuid.UUID, secret: str, base_url: str,
                 today: date | None = None) -> Invited:
    """Queue one invitation e-mail per enrolled participant with an address (never a second one), and make a
    WhatsApp link with a fresh personal code for each with a phone. Commits; the e-mails go out afterwards."""
    session = uow.session
    await batches.get_batch(session, principal=principal, batch_id=batch_id)  # 404 outside the officer's batches
    batch = await batches.replica(session, batch_id)
    today = today or business_today()
    if batch.status != "scheduled" or batch.start_date <= today:
        raise Conflict("Angkatan ini sudah dimulai, dibatalkan, atau selesai; undangan tidak dikirim lagi.",
                       fields=[field_error("batch_id", "angkatan tidak lagi menerima konfirmasi")])
    rows = await _people(session, principal, batch_id, with_declined=False)
    rows = [r for r in rows if r[2] is None]  # those who answered need no invitation
    queued = await insert_new_mail(session, [(e.id, "undangan", p.email) for e, p, *_ in rows if p.email])
    kind = rules.message_kind(batch.start_date, today)
    links = {}
    for enrollment, person, *_ in rows:
        if person.phone:
            code = new_code(session, secret, enrollment.id, "whatsapp")
            text = rules.whatsapp_text(kind, facts(person, batch, confirmation_link(base_url, code)))
            links[enrollment.id] = rules.whatsapp_link(person.phone, text)
    await uow.commit()
    items = [{"enrollment_id": e.id, "participant_id": p.id, "full_name": p.full_name, "district_code": e.district_code,
              "phone": p.phone, "whatsapp_link": links.get(e.id), "has_email": bool(p.email)} for e, p, *_ in rows]
    return Invited(items, queued)


# --- the participant's answer -------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Opened:
    full_name: str
    batch_title: str
    batch_code: str
    venue: str
    start_date: date
    end_date: date
    answer: str | None
    refusal: rules.AnswerRefused | None


async def _code_row(session, secret: str, code: str) -> ConfirmationCode:
    if not rules.genuine(secret, code):
        raise NotFound(UNKNOWN_LINK)
    row = await session.get(ConfirmationCode, rules.code_hash(code))
    if row is None:
        raise NotFound(UNKNOWN_LINK)
    return row


async def open_link(session, *, secret: str, code: str, today: date | None = None) -> Opened:
    """What the public page shows for a code; a tampered or unknown code is not found."""
    row = await _code_row(session, secret, code)
    enrollment = await session.get(Enrollment, row.enrollment_id)
    person = await session.get(Participant, enrollment.participant_id)
    batch = await session.get(BatchReplica, enrollment.batch_id)
    answer = await session.scalar(select(Confirmation.answer).where(Confirmation.enrollment_id == enrollment.id))
    refusal = None
    try:
        rules.check_answerable(answered=answer, enrollment_status=enrollment.status, batch_status=batch.status,
                               batch_start=batch.start_date, today=today or business_today())
    except rules.AnswerRefused as exc:
        refusal = exc
    return Opened(person.full_name, batch.title, batch.code, batch.venue, batch.start_date, batch.end_date, answer,
                  refusal)


class AnswerClosed(Conflict):
    """Answered already, or no longer open: the page says which, the API answers 409."""


async def answer(uow: UnitOfWork, *, secret: str, code: str, choice: str, today: date | None = None) -> str:
    """Record the participant's one answer ("hadir" or "tidak_hadir"); a decline cancels the enrolment, which
    promotes the first in line. Returns "confirmed" or "declined"."""
    session = uow.session
    value = rules.ANSWERS.get(choice)
    if value is None:
        raise Conflict("Pilih salah satu: hadir atau tidak dapat hadir.",
                       fields=[field_error("jawaban", "pilih 'hadir' atau 'tidak_hadir'")], code="invalid")
    row = await _code_row(session, secret, code)
    enrollment = await session.get(Enrollment, row.enrollment_id)
    batch = await session.get(BatchReplica, enrollment.batch_id)
    answered = await session.scalar(select(Confirmation.answer).where(Confirmation.enrollment_id == enrollment.id))
    today = today or business_today()
    try:
        rules.check_answerable(answered=answered, enrollment_status=enrollment.status, batch_status=batch.status,
                               batch_start=batch.start_date, today=today)
    except rules.AnswerRefused as exc:
        raise AnswerClosed(exc.message) from None
    session.add(Confirmation(enrollment_id=enrollment.id, answer=value, answered_at=datetime.now(UTC)))
    try:
        await session.flush()  # the primary key: of two answers at once, one is kept
    except IntegrityError:
        raise AnswerClosed("Jawaban untuk undangan ini sudah tercatat.") from None
    if value == "declined":
        # The officer's cancellation, word for word: the seat freed, the waiting list promoted, events emitted.
        await enrollments.cancel_enrollment(uow, principal=PARTICIPANT, enrollment_id=enrollment.id,
                                            reason=DECLINE_REASON, today=today)
        return value
    audit.record(session, PARTICIPANT, action="confirmed", entity="enrollment", entity_id=enrollment.id,
                 district_code=enrollment.district_code, note="peserta mengonfirmasi kehadiran",
                 changes={"batch_id": [None, str(enrollment.batch_id)],
                          "participant_id": [None, str(enrollment.participant_id)]})
    await uow.commit()
    return value


async def apply_completion(uow: UnitOfWork, envelope, event) -> None:
    """Training's participant.completed: the planning list learns it, and the participant's certificate-ready
    e-mail is queued (sent by the message job with the public verification page)."""
    await planning.apply_completion(uow, envelope, event)
    await queue_certificate_mail(uow.session, batch_id=event.batch_id, participant_id=event.participant_id)
