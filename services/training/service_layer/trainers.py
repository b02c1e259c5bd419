"""The narasumber registry: who teaches, how they are paid (JP x rate), which trainer account is theirs.

NIK, NPWP and bank account stay in training: no event carries them, nothing logs them, and the API masks them for
everybody but an admin."""
from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import or_, select
from sqlalchemy.exc import IntegrityError

from services.training.adapters.orm import Session, Trainer
from services.training.domain.identifiers import mask
from services.training.schemas_people import TrainerCreate, TrainerUpdate
from services.training.service_layer import audit
from services.training.service_layer.trainer_accounts import ensure_linkable
from services.training.service_layer.agenda import refresh_teaching_accounts
from shared.auth import Principal, Role
from shared.errors import Conflict, Forbidden, Invalid, NotFound, field_error
from shared.unit_of_work import UnitOfWork

SENSITIVE = ("nik", "npwp", "bank_account")


async def register_trainer(uow: UnitOfWork, *, principal: Principal, data: TrainerCreate) -> Trainer:
    values = data.model_dump()
    _identified(values)
    values["code"] = values.get("code") or await _next_code(uow.session)
    await ensure_linkable(uow.session, values.get("account_id"))
    await _refuse_taken(uow.session, values)
    trainer = Trainer(**values, version=1, created_at=datetime.now(UTC), created_by=principal.subject)
    uow.session.add(trainer)
    await _commit(uow, flush_only=True)  # the id, for the trail
    audit.record(uow.session, principal, action="created", entity="trainer", entity_id=trainer.id,
                 changes=audit.diff({}, values))
    await _commit(uow)
    return trainer


async def update_trainer(uow: UnitOfWork, *, principal: Principal, trainer_id: uuid.UUID,
                         data: TrainerUpdate) -> Trainer:
    """Only the fields sent change; a new or removed account link changes which batches that account sees."""
    trainer = await get_trainer(uow.session, trainer_id)
    changes = {k: v for k, v in data.model_dump(exclude_unset=True).items()
               if (v is not None or k in ("account_id", "nip", "nik", "npwp", "phone", "bank_name", "bank_account"))
               and getattr(trainer, k) != v}
    if not changes:
        return trainer
    _identified({k: changes.get(k, getattr(trainer, k)) for k in ("nip", "nik")})
    await ensure_linkable(uow.session, changes.get("account_id"))
    await _refuse_taken(uow.session, changes, trainer.id)
    audit.record(uow.session, principal, action="updated", entity="trainer", entity_id=trainer.id,
                 changes=audit.diff(audit.snapshot(trainer, changes), changes))
    for key, value in changes.items():
        setattr(trainer, key, value)
    trainer.version += 1
    if "account_id" in changes:
        await _commit(uow, flush_only=True)
        batch_ids = (await uow.session.scalars(select(Session.batch_id).where(Session.trainer_id == trainer.id)
                                               .distinct())).all()
        await refresh_teaching_accounts(uow.session, batch_ids)
    await _commit(uow)
    return trainer


async def _commit(uow: UnitOfWork, *, flush_only: bool = False) -> None:
    """Only the account link is unique in the table: two requests linking one account at once meet here. Said as a
    409, never logged as an error (its statement's parameters would carry the NIK and bank account)."""
    try:
        await (uow.session.flush() if flush_only else uow.commit())
    except IntegrityError:
        raise Conflict("Akun ini sudah ditautkan ke narasumber lain.",
                       fields=[field_error("account_id", "sudah ditautkan ke narasumber lain")]) from None


def _identified(values: dict) -> None:
    # The honorarium is paid to a person the treasurer can name: a civil servant by NIP, anyone else by NIK.
    if not values.get("nip") and not values.get("nik"):
        raise Invalid("Narasumber harus memiliki NIP (ASN) atau NIK.",
                      fields=[field_error("nip", "isi NIP (ASN) atau NIK"), field_error("nik", "isi NIK atau NIP")])


async def _refuse_taken(session, values: dict, own_id: uuid.UUID | None = None) -> None:
    """One record per person and per account (the numbers themselves are not repeated in the message)."""
    for field in ("nip", "nik", "account_id", "code"):
        if not values.get(field):
            continue
        query = select(Trainer.id).where(getattr(Trainer, field) == values[field])
        if own_id is not None:
            query = query.where(Trainer.id != own_id)
        if await session.scalar(query):
            if field == "account_id":
                raise Conflict("Akun ini sudah ditautkan ke narasumber lain.",
                               fields=[field_error(field, "sudah ditautkan ke narasumber lain")])
            if field == "code":
                raise Conflict(f"Kode {values[field]} sudah dipakai narasumber lain.",
                               fields=[field_error(field, "sudah dipakai narasumber lain")])
            raise Conflict(f"Narasumber dengan {field.upper()} ini sudah terdaftar.",
                           fields=[field_error(field, "sudah terdaftar")])


async def _next_code(session) -> str:
    """NS-01, NS-02, ...: one past the highest of that form (a code given by hand may be anything else)."""
    codes = (await session.scalars(select(Trainer.code).where(Trainer.code.like("NS-%")))).all()
    numbers = [int(c[3:]) for c in codes if c[3:].isdigit()]
    return f"NS-{max(numbers, default=0) + 1:02d}"


async def get_trainer(session, trainer_id: uuid.UUID) -> Trainer:
    trainer = await session.get(Trainer, trainer_id)
    if trainer is None:
        raise NotFound("Narasumber tidak ditemukan.")
    return trainer


def ensure_may_read(principal: Principal, trainer: Trainer) -> None:
    """Training staff read every narasumber; a trainer only the record linked to his or her account."""
    if principal.role == Role.TRAINER and trainer.account_id != principal.subject:
        raise Forbidden("Pelatih hanya dapat melihat data narasumbernya sendiri.")


async def list_trainers(session, principal: Principal, q: str | None = None) -> list[Trainer]:
    query = select(Trainer).order_by(Trainer.name)
    if principal.role == Role.TRAINER:
        query = query.where(Trainer.account_id == principal.subject)
    if q:
        pattern = f"%{q.lower()}%"
        query = query.where(or_(Trainer.name.ilike(pattern), Trainer.institution.ilike(pattern)))
    return list((await session.scalars(query)).all())


def to_read(trainer: Trainer, principal: Principal) -> dict:
    answer = {k: getattr(trainer, k) for k in ("id", "name", "institution", "nip", "nik", "npwp", "phone",
                                               "bank_name", "bank_account", "rate_per_jp", "account_id", "code",
                                               "named_in_reports", "version")}
    if principal.role != Role.ADMIN:
        for key in SENSITIVE:
            answer[key] = mask(answer[key])
    return answer
