"""Sending the participants' e-mails: each is a row (one per enrolment and kind) written before anything is sent,
claimed for a while by the sender that takes it, marked sent once the SMTP server took it, and retried with a
growing wait when it did not: an SMTP server that is down loses nothing and shows the officer "belum terkirim".
The day-before reminders are queued the same way, so a job that runs twice, or restarts, sends each once."""
from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from services.registration.adapters.mail import Outbound
from services.registration.adapters.orm import BatchReplica, Enrollment, Participant
from services.registration.adapters.orm_invitations import Confirmation, ConfirmationCode, OutgoingMail
from services.registration.domain import invitations as rules
from shared.db import insert_for
from shared.unit_of_work import UnitOfWork
from shared.web.format import tanggal

log = logging.getLogger("sipelkop.registration.mail")
CLAIM = timedelta(minutes=5)  # a sender that died mid-round leaves its claim; another takes the rows after this
MAX_WAIT = timedelta(hours=1)


def date_range(start: date, end: date) -> str:
    return tanggal(start) if start == end else f"{tanggal(start)} sampai {tanggal(end)}"


def facts(person: Participant, batch: BatchReplica, link: str) -> rules.MessageFacts:
    return rules.MessageFacts(nama=person.full_name, judul=batch.title, kode=batch.code,
                              tanggal=date_range(batch.start_date, batch.end_date), tempat=batch.venue, tautan=link)


def confirmation_link(base_url: str, code: str) -> str:
    return f"{base_url.rstrip('/')}/konfirmasi/{code}"


def retry_wait(attempts: int) -> timedelta:
    """1, 2, 4, … minutes after each failed attempt, at most an hour."""
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_WAIT)


async def insert_new_mail(session, rows: list[tuple[uuid.UUID, str, str]]) -> list[int]:
    """Queue (enrolment, kind, address) e-mails not queued before; the unique key keeps a second call, or a
    racing one, from adding a duplicate. Returns the ids of the rows this call added."""
    if not rows:
        return []
    now = datetime.now(UTC)
    values = [{"enrollment_id": e, "kind": k, "recipient": r, "status": "pending", "attempts": 0,
               "next_attempt_at": now, "created_at": now} for e, k, r in rows]
    insert = insert_for(session)
    statement = insert(OutgoingMail).values(values).on_conflict_do_nothing(
        index_elements=["enrollment_id", "kind"]).returning(OutgoingMail.id)
    return list((await session.execute(statement)).scalars().all())


async def queue_reminders(uow: UnitOfWork, *, today: date) -> int:
    """The day before a batch starts (WITA): one reminder per enrolled participant with an address who has not
    declined. Commits; returns how many were queued now (0 when run again)."""
    session = uow.session
    tomorrow = today + timedelta(days=1)
    rows = (await session.execute(
        select(Enrollment.id, Participant.email)
        .join(Participant, Participant.id == Enrollment.participant_id)
        .join(BatchReplica, BatchReplica.id == Enrollment.batch_id)
        .outerjoin(Confirmation, Confirmation.enrollment_id == Enrollment.id)
        .where(BatchReplica.start_date == tomorrow, BatchReplica.status == "scheduled",
               Enrollment.status == "enrolled", Participant.email.is_not(None),
               (Confirmation.answer.is_(None)) | (Confirmation.answer != "declined")))).all()
    added = await insert_new_mail(session, [(r.id, "pengingat", r.email) for r in rows])
    await uow.commit()
    return len(added)


async def queue_certificate_mail(session, *, batch_id: uuid.UUID, participant_id: uuid.UUID) -> int:
    """After training's participant.completed: one certificate-ready e-mail to the participant, if they have an
    address (a repeated event adds none). No commit: it goes with the consumer's transaction."""
    rows = (await session.execute(
        select(Enrollment.id, Participant.email).join(Participant, Participant.id == Enrollment.participant_id)
        .where(Enrollment.batch_id == batch_id, Enrollment.participant_id == participant_id,
               Enrollment.status == "enrolled", Participant.email.is_not(None)))).all()
    return len(await insert_new_mail(session, [(r.id, "sertifikat", r.email) for r in rows]))


@dataclass
class Round:
    sent: int = 0
    failed: int = 0
    void: int = 0


async def deliver(uow_factory: Callable[[], UnitOfWork], mailer, *, secret: str, base_url: str,
                  verify_url: str = "", only: list[int] | None = None, limit: int = 200,
                  now: datetime | None = None) -> Round:
    """Send the e-mails that are due (or only the ids given), invitations and reminders each with a fresh personal
    code, the certificate-ready message with the public verification page (`verify_url`); a failure is kept with
    its reason and retried later. Without a mailer (no SMTP configured) nothing is claimed."""
    outcome = Round()
    if mailer is None or only == []:
        return outcome
    now = now or datetime.now(UTC)
    claimed: list[tuple[int, Outbound]] = []
    async with uow_factory() as uow:
        session = uow.session
        query = (select(OutgoingMail, Enrollment, Participant, BatchReplica, Confirmation.answer)
                 .join(Enrollment, Enrollment.id == OutgoingMail.enrollment_id)
                 .join(Participant, Participant.id == Enrollment.participant_id)
                 .join(BatchReplica, BatchReplica.id == Enrollment.batch_id)
                 .outerjoin(Confirmation, Confirmation.enrollment_id == Enrollment.id)
                 .where(OutgoingMail.status == "pending", OutgoingMail.next_attempt_at <= now)
                 .order_by(OutgoingMail.id).limit(limit))
        if only is not None:
            query = query.where(OutgoingMail.id.in_(only))
        query = query.with_for_update(of=OutgoingMail.__table__, skip_locked=True)  # another replica's round
        for mail, enrollment, person, batch, answer in (await session.execute(query)).all():
            certificate = mail.kind == "sertifikat"
            if not certificate and (enrollment.status != "enrolled" or batch.status != "scheduled"
                                    or answer == "declined"):
                mail.status, outcome.void = "void", outcome.void + 1  # no seat to invite to any more
                continue
            mail.attempts += 1
            mail.next_attempt_at = now + CLAIM
            if certificate:
                link = verify_url
            else:
                code = rules.new_code(secret)
                session.add(ConfirmationCode(code_hash=rules.code_hash(code), enrollment_id=enrollment.id,
                                             channel="email", created_at=now))
                link = confirmation_link(base_url, code)
            text = rules.mail(mail.kind, facts(person, batch, link))
            claimed.append((mail.id, Outbound(mail.recipient, person.full_name, text.subject, text.body)))
        await uow.commit()  # the codes are stored before any link leaves
    if not claimed:
        return outcome
    results = await mailer.send_all([m for _, m in claimed])
    async with uow_factory() as uow:
        for (mail_id, _), error in zip(claimed, results, strict=True):
            mail = await uow.session.get(OutgoingMail, mail_id)
            if error is None:
                mail.status, mail.sent_at, mail.last_error = "sent", datetime.now(UTC), None
                outcome.sent += 1
            else:
                mail.last_error, mail.next_attempt_at = error[:300], now + retry_wait(mail.attempts)
                outcome.failed += 1
        await uow.commit()
    if outcome.failed:
        log.warning("e-mail belum terkirim: %s dari %s (dicoba lagi nanti)", outcome.failed, len(claimed))
    return outcome
