"""Managing accounts: create, change, deactivate, reactivate, reset and change passwords, sign out everywhere.

Every change writes identity's audit trail in the same transaction; every change that must end existing tokens
(deactivation, password reset or change, a new role or district, sign-out everywhere) revokes the sessions,
records the not-before time for identity's own checks and emits AccountDeactivated / SessionsRevoked through the
outbox, with the account id and the time only. Every change of what other services show of an account (created,
name, role or district changed, deactivated, reactivated) emits its profile, AccountRegistered / AccountUpdated,
at the account's version: no password, hash, NIP, e-mail or phone."""
from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from services.identity.adapters.orm import Account, AuditEntry, Session
from services.identity.domain import passwords
from services.identity.domain.accounts import clean_profile
from shared.auth import Principal, Role
from shared.errors import Conflict, Invalid, NotFound, Unauthorized, field_error
from shared.events.identity import (AccountDeactivated, AccountProfile, AccountRegistered, AccountUpdated,
                                    SessionsRevoked)
from shared.revocation import apply_revocation
from services.identity.service_layer.work import work
from shared.unit_of_work import UnitOfWork

PROFILE_FIELDS = ("full_name", "nip", "phone", "email", "role", "district_code")
# What the profile events carry of an account (besides its id and `active`): a change of these is announced.
PUBLISHED_FIELDS = ("username", "full_name", "role", "district_code")


@dataclass(frozen=True)
class Actor:
    id: str
    name: str

    @classmethod
    def of(cls, principal: Principal) -> "Actor":
        return cls(principal.subject, principal.name or principal.subject)


SYSTEM = Actor("sistem", "Sistem (baris perintah)")


def _now() -> datetime:
    return datetime.now(UTC)


def _not_before() -> datetime:
    # Token times are whole seconds: every token of this second or before is refused (a token issued in the same
    # second as the revocation must not survive it); tokens identity mints afterwards carry iat >= this moment.
    return _now().replace(microsecond=0) + timedelta(seconds=1)


def _audit(uow: UnitOfWork, actor: Actor, action: str, account_id: uuid.UUID, changes: list[str] | None = None):
    uow.session.add(AuditEntry(at=_now(), actor_id=actor.id, actor_name=actor.name, action=action,
                               account_id=account_id, changes=changes or []))


async def password_problem(password: str, *, field: str, hints: list[str]) -> None:
    try:
        await asyncio.to_thread(passwords.check_strength, password, user_inputs=hints)
    except passwords.WeakPassword as exc:
        raise Invalid(f"Kata sandi tidak diterima: {exc}.", fields=[field_error(field, str(exc))]) from None


async def _load(uow: UnitOfWork, account_id: uuid.UUID, *, lock: bool = True) -> Account:
    query = select(Account).where(Account.id == account_id)
    account = (await uow.session.execute(query.with_for_update() if lock else query)).scalar_one_or_none()
    if account is None:
        raise NotFound("Akun tidak ditemukan.")
    return account


async def _revoke(uow: UnitOfWork, account: Account, event_cls, *, keep_session: uuid.UUID | None = None) -> datetime:
    moment = _not_before()
    account.tokens_not_before = moment
    query = update(Session).where(Session.account_id == account.id, Session.revoked_at.is_(None))
    if keep_session is not None:
        query = query.where(Session.id != keep_session)
    await uow.session.execute(query.values(revoked_at=_now()))
    event = event_cls(account_id=account.id, not_before=moment)
    await apply_revocation(uow, None, event)  # identity refuses the old tokens itself, at once
    uow.emit(event, subject=str(account.id), aggregate_version=account.version)
    return moment


def _announce(uow: UnitOfWork, account: Account, event_cls: type[AccountProfile] = AccountUpdated) -> None:
    """The account's profile as it stands, at its version: consumers keep the newest and skip the rest."""
    uow.emit(profile_of(account, event_cls), subject=str(account.id), aggregate_version=account.version)


def profile_of(account: Account, event_cls: type[AccountProfile] = AccountUpdated) -> AccountProfile:
    return event_cls(account_id=account.id, username=account.username, full_name=account.full_name,
                     role=account.role, district_code=account.district_code, active=account.active)


async def announce_accounts(uow: UnitOfWork) -> int:
    """Every account's profile once more at its current version (for accounts made before identity published
    profiles). Running it again is harmless: a consumer holding that version already skips it."""
    async with work(uow):
        rows = list((await uow.session.execute(select(Account).order_by(Account.username))).scalars())
        for account in rows:
            _announce(uow, account)
        await uow.commit()
    return len(rows)


async def create_account(uow: UnitOfWork, actor: Actor, *, username: str, full_name: str, role: str,
                         district_code: str | None = None, nip: str | None = None, phone: str | None = None,
                         email: str | None = None, password: str | None = None,
                         must_change_password: bool | None = None) -> tuple[Account, str | None]:
    """A new account; without a password it gets a one-time password (returned, shown once) to change at once."""
    values = clean_profile({"username": username, "full_name": full_name, "district_code": district_code,
                            "nip": nip, "phone": phone, "email": email}, role=str(role))
    one_time = None
    if password:
        await password_problem(password, field="password", hints=[values["username"], values["full_name"]])
    else:
        one_time = password = passwords.one_time_password()
    password_hash = await asyncio.to_thread(passwords.hash_password, password)
    now = _now()
    async with work(uow):
        taken = (await uow.session.execute(select(Account.id).where(Account.username == values["username"]))).first()
        if taken:
            raise Conflict("Nama pengguna sudah dipakai.", fields=[field_error("username", "nama pengguna sudah dipakai")])
        account = Account(id=uuid.uuid4(), username=values["username"], full_name=values["full_name"],
                          nip=values["nip"], phone=values["phone"], email=values["email"], role=str(role),
                          district_code=values["district_code"], active=True, password_hash=password_hash,
                          must_change_password=one_time is not None if must_change_password is None
                          else must_change_password,
                          version=1, created_at=now, created_by=actor.id)
        uow.session.add(account)
        _audit(uow, actor, "akun dibuat", account.id, ["username", "full_name", "role", "district_code"])
        _announce(uow, account, AccountRegistered)
        try:
            await uow.commit()
        except IntegrityError:
            raise Conflict("Nama pengguna sudah dipakai.",
                           fields=[field_error("username", "nama pengguna sudah dipakai")]) from None
    return account, one_time


async def list_accounts(uow: UnitOfWork, *, role: str | None = None, district_code: str | None = None,
                        active: bool | None = None) -> list[Account]:
    query = select(Account).order_by(Account.username)
    if role:
        query = query.where(Account.role == role)
    if district_code:
        query = query.where(Account.district_code == district_code)
    if active is not None:
        query = query.where(Account.active.is_(active))
    async with work(uow):
        return list((await uow.session.execute(query)).scalars())


async def get_account(uow: UnitOfWork, account_id: uuid.UUID) -> Account:
    async with work(uow):
        return await _load(uow, account_id, lock=False)


async def audit_of(uow: UnitOfWork, account_id: uuid.UUID) -> list[AuditEntry]:
    async with work(uow):
        return list((await uow.session.execute(select(AuditEntry).where(AuditEntry.account_id == account_id)
                                               .order_by(AuditEntry.at.desc(), AuditEntry.id.desc()))).scalars())


async def update_account(uow: UnitOfWork, actor: Actor, account_id: uuid.UUID, changes: dict) -> Account:
    """Change profile fields (only those given); a new role or district ends the account's sessions."""
    changes = {k: v for k, v in changes.items() if k in PROFILE_FIELDS}
    async with work(uow):
        account = await _load(uow, account_id)
        if "role" in changes or "district_code" in changes:
            role = str(changes.get("role") or account.role)
            if "district_code" not in changes:
                changes["district_code"] = account.district_code if role == Role.DISTRICT_OFFICER else None
            values = clean_profile(changes, role=role)
            values["role"] = role
        else:
            values = clean_profile(changes, role=None)
        changed = [k for k, v in values.items() if getattr(account, k) != v]
        if not changed:
            return account
        for key in changed:
            setattr(account, key, values[key])
        account.version += 1
        account.updated_at, account.updated_by = _now(), actor.id
        _audit(uow, actor, "akun diubah", account.id, changed)
        if {"role", "district_code"} & set(changed):
            await _revoke(uow, account, SessionsRevoked)
        if set(PUBLISHED_FIELDS) & set(changed):
            _announce(uow, account)
        await uow.commit()
    return account


async def deactivate(uow: UnitOfWork, actor: Actor, account_id: uuid.UUID) -> Account:
    async with work(uow):
        account = await _load(uow, account_id)
        if str(account.id) == actor.id:
            raise Conflict("Anda tidak dapat menonaktifkan akun Anda sendiri.")
        if account.active:
            account.active = False
            account.version += 1
            account.updated_at, account.updated_by = _now(), actor.id
            _audit(uow, actor, "akun dinonaktifkan", account.id, ["active"])
            await _revoke(uow, account, AccountDeactivated)
            _announce(uow, account)
            await uow.commit()
    return account


async def reactivate(uow: UnitOfWork, actor: Actor, account_id: uuid.UUID) -> Account:
    async with work(uow):
        account = await _load(uow, account_id)
        if not account.active:
            account.active = True
            account.version += 1
            account.updated_at, account.updated_by = _now(), actor.id
            _audit(uow, actor, "akun diaktifkan kembali", account.id, ["active"])
            _announce(uow, account)
            await uow.commit()
    return account


async def reset_password(uow: UnitOfWork, actor: Actor, account_id: uuid.UUID) -> tuple[Account, str]:
    """A one-time password (returned once, never stored in clear) that must be changed at the next sign-in."""
    one_time = passwords.one_time_password()
    password_hash = await asyncio.to_thread(passwords.hash_password, one_time)
    async with work(uow):
        account = await _load(uow, account_id)
        account.password_hash, account.must_change_password = password_hash, True
        account.version += 1
        account.updated_at, account.updated_by = _now(), actor.id
        _audit(uow, actor, "kata sandi direset", account.id, ["password"])
        await _revoke(uow, account, SessionsRevoked)
        await uow.commit()
    return account, one_time


async def revoke_sessions(uow: UnitOfWork, actor: Actor, account_id: uuid.UUID) -> Account:
    """Sign out everywhere: every session ends and every token issued until now is refused."""
    async with work(uow):
        account = await _load(uow, account_id)
        account.version += 1
        _audit(uow, actor, "semua sesi dicabut", account.id)
        await _revoke(uow, account, SessionsRevoked)
        await uow.commit()
    return account


async def change_password(uow: UnitOfWork, actor: Actor, account_id: uuid.UUID, current: str, new: str, *,
                          keep_session: uuid.UUID | None = None) -> Account:
    """The person's own change: the current password first; every other session of theirs ends."""
    account = await get_account(uow, account_id)
    if not await asyncio.to_thread(passwords.verify_password, account.password_hash,
                                   (current or "")[:passwords.MAX_LENGTH]):
        raise Invalid("Kata sandi saat ini salah.",
                      fields=[field_error("current_password", "kata sandi saat ini salah")])
    if new == current:
        raise Invalid("Kata sandi baru harus berbeda.",
                      fields=[field_error("new_password", "kata sandi baru harus berbeda dari yang lama")])
    await password_problem(new, field="new_password", hints=[account.username, account.full_name])
    password_hash = await asyncio.to_thread(passwords.hash_password, new)
    async with work(uow):
        account = await _load(uow, account_id)
        if not account.active:
            raise Unauthorized("Akun ini dinonaktifkan.")
        account.password_hash, account.must_change_password = password_hash, False
        account.version += 1
        account.updated_at, account.updated_by = _now(), actor.id
        _audit(uow, actor, "kata sandi diganti", account.id, ["password"])
        await _revoke(uow, account, SessionsRevoked, keep_session=keep_session)
        await uow.commit()
    return account
