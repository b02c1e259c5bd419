"""Identity's trainer accounts as training learns them from the account profile events: the narasumber form lists
them by name, and a narasumber may be linked only to one of them."""
from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select, update

from services.training.adapters.orm import Trainer, TrainerAccount
from services.training.schemas_people import TrainerAccountRead
from shared.auth import Role
from shared.errors import Invalid, field_error
from shared.events.envelope import Envelope
from shared.events.identity import AccountProfile
from shared.unit_of_work import UnitOfWork
from shared.db import insert_for


async def apply_profile(uow: UnitOfWork, envelope: Envelope, event: AccountProfile) -> None:
    """Keep the newest version of each trainer account. Other roles are not kept, except that an account held
    here that stops being a trainer is updated (so it is no longer listed nor linkable)."""
    values = dict(username=event.username, full_name=event.full_name, role=event.role, active=event.active,
                  version=envelope.aggregate_version, updated_at=datetime.now(UTC))
    account_id = str(event.account_id)
    if event.role != Role.TRAINER:
        await uow.session.execute(update(TrainerAccount).where(TrainerAccount.account_id == account_id,
                                                               TrainerAccount.version < envelope.aggregate_version)
                                  .values(**values))
        return
    insert = insert_for(uow.session)
    statement = insert(TrainerAccount).values(account_id=account_id, **values)
    await uow.session.execute(statement.on_conflict_do_update(
        index_elements=[TrainerAccount.account_id], set_={k: statement.excluded[k] for k in values},
        where=TrainerAccount.version < statement.excluded.version))


async def choices(session) -> list[TrainerAccountRead]:
    """Active trainer accounts by full name, each with the narasumber already linked to it (None when free)."""
    rows = (await session.execute(
        select(TrainerAccount, Trainer.id)
        .outerjoin(Trainer, Trainer.account_id == TrainerAccount.account_id)
        .where(TrainerAccount.role == Role.TRAINER, TrainerAccount.active.is_(True))
        .order_by(TrainerAccount.full_name, TrainerAccount.username))).all()
    return [TrainerAccountRead(account_id=a.account_id, username=a.username, full_name=a.full_name,
                               linked_trainer_id=trainer_id) for a, trainer_id in rows]


async def ensure_linkable(session, account_id: str | None) -> None:
    """A narasumber is linked only to an active trainer account identity announced; 422 on account_id otherwise."""
    if not account_id:
        return
    account = await session.get(TrainerAccount, account_id)
    if account is None or account.role != Role.TRAINER:
        raise Invalid("Akun pelatih tidak dikenal: pilih akun pelatih dari daftar.",
                      fields=[field_error("account_id", "bukan akun pelatih yang dikenal layanan pelatihan")])
    if not account.active:
        raise Invalid("Akun pelatih ini dinonaktifkan di layanan identitas.",
                      fields=[field_error("account_id", "akun pelatih ini nonaktif")])
