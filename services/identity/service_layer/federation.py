"""Federation with the province's identity provider (OpenID Connect): who the provider says a person is, mapped
to a SIPELKOP role and district by configuration, becomes (first sign-in) or links to a local account.

The provider's verified ID token claims come in (checked by Authlib in entrypoints/sso.py); out comes the local
account, for which identity opens its own session and mints its own tokens exactly as after a password sign-in.

- Role: the claim IDENTITY_SSO_ROLE_CLAIM (a list or a string; a dotted path such as `realm_access.roles`
  reaches into objects) is looked up in IDENTITY_SSO_ROLE_MAP; the first entry of the map the person holds wins.
  No mapped role: refused. The service-account role (reconciler) can never be granted by SSO.
- District: IDENTITY_SSO_DISTRICT_CLAIM, required for district officers (and checked like any account's).
- Linking: the link (issuer, subject) decides once it exists. Before that the person links to the local account
  with the same username or, when the provider marks the e-mail verified, the same e-mail; otherwise a local
  account is created (with an unknown random password: it signs in through SSO, or after an admin's reset).
- The provider is authoritative for role and district: a change there changes the local account at the next
  SSO sign-in (audited, and the account's older tokens are revoked as for any role change).
"""
from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select

from services.identity.adapters.orm import Account, AuditEntry, ExternalIdentity
from services.identity.config import IdentitySettings
from services.identity.domain.accounts import normalise_email, normalise_username, username_problem
from services.identity.service_layer import accounts
from services.identity.service_layer.work import work
from shared.auth import PERSON_ROLES, Role
from shared.errors import Conflict, DomainError, Invalid
from shared.unit_of_work import UnitOfWork

MAPPABLE_ROLES = {r.value for r in PERSON_ROLES}


class SsoRefused(DomainError):
    status, code = 403, "sso_refused"


@dataclass(frozen=True)
class ExternalPerson:
    issuer: str
    subject: str
    username: str
    full_name: str
    email: str | None  # only when the provider says it is verified
    role: str
    district_code: str | None


def check_role_map(role_map: dict[str, str]) -> None:
    """At start: every mapped value must be a person's role (never the service-account role)."""
    bad = {k: v for k, v in role_map.items() if v not in MAPPABLE_ROLES}
    if bad:
        raise ValueError(f"IDENTITY_SSO_ROLE_MAP maps to unknown or non-person roles: {bad}; "
                         f"allowed: {sorted(MAPPABLE_ROLES)}")


def claim(claims: dict, path: str):
    value = claims
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return value


def _as_list(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    return [str(value)]


def _username(raw: str) -> str:
    name = normalise_username(raw)
    if username_problem(name):  # e.g. an e-mail address as username: keep what our rule allows
        name = re.sub(r"[^a-z0-9._-]+", ".", name.split("@")[0]).strip(".")[:40]
    return name


def external_person(settings: IdentitySettings, issuer: str, claims: dict) -> ExternalPerson:
    """The person the verified claims describe, or SsoRefused (Bahasa) when SIPELKOP has no place for them."""
    subject = str(claims.get("sub") or "")
    if not subject:
        raise SsoRefused("Penyedia SSO tidak mengirim identitas pengguna.")
    held = _as_list(claim(claims, settings.sso_role_claim))
    role = next((local for external, local in settings.sso_role_map.items() if external in held), None)
    if role is None or role not in MAPPABLE_ROLES:
        raise SsoRefused("Akun SSO Anda belum diberi peran di SIPELKOP. Hubungi admin provinsi agar peran Anda "
                         "di SSO didaftarkan.")
    district = None
    if role == Role.DISTRICT_OFFICER:
        district = next(iter(_as_list(claim(claims, settings.sso_district_claim))), None)
        if not district:
            raise SsoRefused("Akun SSO Anda berperan petugas dinas tetapi tidak memiliki kode kabupaten/kota. "
                             "Hubungi admin SSO provinsi.")
    username = _username(str(claim(claims, settings.sso_username_claim) or ""))
    if username_problem(username):
        raise SsoRefused("Nama pengguna dari SSO tidak dapat dipakai di SIPELKOP. Hubungi admin provinsi.")
    email = None
    if claims.get("email") and claims.get("email_verified") is True:
        try:
            email = normalise_email(str(claims["email"]))
        except ValueError:
            email = None
    full_name = " ".join(str(claims.get("name") or " ".join(
        str(claims.get(k) or "") for k in ("given_name", "family_name")) or username).split())
    return ExternalPerson(issuer=issuer, subject=subject[:255], username=username, full_name=full_name[:200] or username,
                          email=email, role=role, district_code=district)


def actor(settings: IdentitySettings) -> accounts.Actor:
    return accounts.Actor("sso", f"SSO ({settings.sso_label})")


async def _linked(uow: UnitOfWork, person: ExternalPerson) -> ExternalIdentity | None:
    return (await uow.session.execute(select(ExternalIdentity).where(
        ExternalIdentity.issuer == person.issuer, ExternalIdentity.subject == person.subject))).scalar_one_or_none()


async def _link(uow: UnitOfWork, settings: IdentitySettings, person: ExternalPerson) -> uuid.UUID | None:
    """Link the person to the local account with the same username or verified e-mail; None when there is none."""
    now = datetime.now(UTC)
    async with work(uow):
        if (link := await _linked(uow, person)) is not None:
            link.last_sign_in_at = now
            await uow.commit()
            return link.account_id
        account = (await uow.session.execute(select(Account).where(Account.username == person.username))
                   ).scalar_one_or_none()
        if account is None and person.email:
            same_email = list((await uow.session.execute(
                select(Account).where(func.lower(Account.email) == person.email.lower()))).scalars())
            account = same_email[0] if len(same_email) == 1 else None
        if account is None:
            return None
        other = (await uow.session.execute(select(ExternalIdentity.id).where(
            ExternalIdentity.account_id == account.id, ExternalIdentity.issuer == person.issuer))).first()
        if other:
            raise SsoRefused("Akun SIPELKOP dengan nama pengguna atau e-mail ini sudah ditautkan ke pengguna SSO "
                             "lain. Hubungi admin provinsi.")
        uow.session.add(ExternalIdentity(issuer=person.issuer, subject=person.subject, account_id=account.id,
                                         created_at=now, last_sign_in_at=now))
        who = actor(settings)
        uow.session.add(AuditEntry(at=now, actor_id=who.id, actor_name=who.name, action="akun ditautkan ke SSO",
                                   account_id=account.id, changes=["sso"]))
        await uow.commit()
        return account.id


async def sign_in_external(uow: UnitOfWork, settings: IdentitySettings, person: ExternalPerson) -> Account:
    """The local account of this external person (created or linked on first sign-in), role and district as the
    provider says; SsoRefused when it is deactivated or cannot be linked."""
    account_id = await _link(uow, settings, person)
    if account_id is None:
        try:
            created, _ = await accounts.create_account(
                uow, actor(settings), username=person.username, full_name=person.full_name, role=person.role,
                district_code=person.district_code, email=person.email, must_change_password=False)
        except Conflict:  # a parallel first sign-in created it a moment ago: link to it
            created = None
        except Invalid as exc:
            raise SsoRefused(f"Data dari SSO tidak dapat dipakai untuk akun SIPELKOP: {exc.message}") from None
        account_id = await _link(uow, settings, person)
        if account_id is None:
            raise SsoRefused("Akun SIPELKOP untuk pengguna SSO ini tidak dapat dibuat. Hubungi admin provinsi.")
        assert created is None or created.id == account_id
    account = await accounts.get_account(uow, account_id)
    if not account.active:
        raise SsoRefused("Akun SIPELKOP Anda dinonaktifkan. Hubungi admin provinsi.")
    if (account.role, account.district_code) != (person.role, person.district_code):
        try:
            account = await accounts.update_account(uow, actor(settings), account_id,
                                                    {"role": person.role, "district_code": person.district_code})
        except Invalid as exc:
            raise SsoRefused(f"Peran atau kabupaten/kota dari SSO tidak sah: {exc.message}") from None
    return account
