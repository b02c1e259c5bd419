"""Signing in: password check (throttled), browser sessions (opaque refresh token, only its sha256 stored) and
the access tokens identity alone mints."""
from __future__ import annotations

import asyncio
import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from services.identity.adapters.keys import KeyStore
from services.identity.adapters.orm import Account, Session
from services.identity.config import IdentitySettings
from services.identity.domain import passwords
from services.identity.domain.accounts import normalise_username
from services.identity.service_layer import throttle
from shared.auth import Role
from shared.errors import Unauthorized
from shared.tokens import access_claims
from services.identity.service_layer.work import work
from shared.unit_of_work import UnitOfWork

WRONG_CREDENTIALS = "Nama pengguna atau kata sandi salah."
SESSION_ENDED = "Sesi berakhir; silakan masuk lagi."


@dataclass
class AccessToken:
    token: str
    expires_in: int  # seconds


@dataclass
class NewSession:
    session: Session
    refresh_token: str  # the cookie value; only its hash is stored


def token_hash(refresh_token: str) -> str:
    return hashlib.sha256(refresh_token.encode()).hexdigest()


def _aware(moment: datetime | None) -> datetime | None:
    return moment if moment is None or moment.tzinfo else moment.replace(tzinfo=UTC)


def mint(keys: KeyStore, settings: IdentitySettings, account: Account, session: Session | None = None) -> AccessToken:
    ttl = timedelta(minutes=settings.access_token_minutes)
    claims = access_claims(issuer=settings.identity_url, subject=str(account.id), name=account.full_name,
                           role=account.role, district=account.district_code, ttl=ttl,
                           session_id=str(session.id) if session else None, csrf=session.csrf if session else None)
    not_before = _aware(account.tokens_not_before)
    if not_before and claims["iat"] < not_before:
        claims["iat"] = not_before  # at most a second ahead: verifiers allow a few seconds' leeway
    return AccessToken(keys.sign(claims), int(ttl.total_seconds()))


async def authenticate(uow: UnitOfWork, settings: IdentitySettings, username: str, password: str,
                       client_ip: str | None, *, roles: set[str] | None = None) -> Account:
    """The active account with this username and password, or Unauthorized (one message whether the username
    exists or not), or TooManyAttempts once the account or the address has failed too often."""
    name = normalise_username(username)
    keys = {throttle.account_key(name): settings.throttle_account_failures,
            throttle.ip_key(client_ip): settings.throttle_ip_failures}
    async with work(uow):
        await throttle.count_attempt(uow.session, settings, keys)
        account = (await uow.session.execute(select(Account).where(Account.username == name))).scalar_one_or_none()
        await uow.commit()
    password = (password or "")[:passwords.MAX_LENGTH]
    if account is None:
        await asyncio.to_thread(passwords.burn_time, password)
        raise Unauthorized(WRONG_CREDENTIALS)
    ok = await asyncio.to_thread(passwords.verify_password, account.password_hash, password)
    if not ok or not account.active or (roles is not None and account.role not in roles):
        raise Unauthorized(WRONG_CREDENTIALS)
    async with work(uow):
        await throttle.forgive(uow.session, account=throttle.account_key(name), ip=throttle.ip_key(client_ip))
        if passwords.needs_rehash(account.password_hash):
            fresh = await asyncio.to_thread(passwords.hash_password, password)
            await uow.session.execute(update(Account).where(Account.id == account.id).values(password_hash=fresh))
        await uow.commit()
    return account


async def open_session(uow: UnitOfWork, settings: IdentitySettings, account: Account) -> NewSession:
    now = datetime.now(UTC)
    refresh = secrets.token_urlsafe(32)
    async with work(uow):
        session = Session(id=uuid.uuid4(), account_id=account.id, token_hash=token_hash(refresh),
                          csrf=secrets.token_urlsafe(24), created_at=now, last_seen_at=now,
                          expires_at=now + timedelta(hours=settings.session_absolute_hours))
        uow.session.add(session)
        await uow.commit()
    return NewSession(session, refresh)


async def resume_session(uow: UnitOfWork, settings: IdentitySettings, refresh_token: str | None
                         ) -> tuple[Session, Account]:
    """The live session behind a cookie and its active account (touching last_seen_at), or Unauthorized."""
    if not refresh_token:
        raise Unauthorized(SESSION_ENDED)
    now = datetime.now(UTC)
    async with work(uow):
        row = (await uow.session.execute(
            select(Session, Account).join(Account, Account.id == Session.account_id)
            .where(Session.token_hash == token_hash(refresh_token)))).first()
        if row is None:
            raise Unauthorized(SESSION_ENDED)
        session, account = row
        idle = timedelta(minutes=settings.session_idle_minutes)
        if (session.revoked_at is not None or _aware(session.expires_at) <= now
                or now - _aware(session.last_seen_at) > idle or not account.active):
            raise Unauthorized(SESSION_ENDED)
        session.last_seen_at = now
        await uow.commit()
    return session, account


async def close_session(uow: UnitOfWork, refresh_token: str | None) -> None:
    if not refresh_token:
        return
    async with work(uow):
        await uow.session.execute(update(Session).where(Session.token_hash == token_hash(refresh_token),
                                                        Session.revoked_at.is_(None))
                                  .values(revoked_at=datetime.now(UTC)))
        await uow.commit()


async def service_token(uow: UnitOfWork, keys: KeyStore, settings: IdentitySettings, client_id: str,
                        client_secret: str, client_ip: str | None) -> AccessToken:
    """OAuth client credentials for service accounts (role reconciler): no session, no CSRF claim."""
    account = await authenticate(uow, settings, client_id, client_secret, client_ip, roles={Role.RECONCILER.value})
    return mint(keys, settings, account)


async def session_of(uow: UnitOfWork, refresh_token: str | None) -> Session | None:
    """The session row behind a cookie, live or not (sign-out checks its CSRF token)."""
    if not refresh_token:
        return None
    async with work(uow):
        return (await uow.session.execute(select(Session).where(Session.token_hash == token_hash(refresh_token)))
                ).scalar_one_or_none()


async def session_by_id(uow: UnitOfWork, session_id: uuid.UUID) -> Session | None:
    async with work(uow):
        session = await uow.session.get(Session, session_id)
    return session if session is not None and session.revoked_at is None else None
