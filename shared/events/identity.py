"""Events published by the identity service: revocations (an account id and a time) and each account's profile
as other services may show it (username, full name, role, district, active), never a password, hash, e-mail,
phone or NIP. The names are no secret from the services: every access token already carries them."""
from __future__ import annotations

import uuid
from typing import ClassVar

from pydantic import AwareDatetime, Field

from shared.events.base import DomainEvent, topic_name

ACCOUNT_TOPIC = topic_name("identity", "account")


class AccountRevocation(DomainEvent):
    """Every token of the account issued before `not_before` is refused by every service from now on."""

    account_id: uuid.UUID
    not_before: AwareDatetime


class AccountDeactivated(AccountRevocation):
    type: ClassVar[str] = "sipelkop.identity.account.deactivated.v1"
    topic: ClassVar[str] = ACCOUNT_TOPIC


class SessionsRevoked(AccountRevocation):
    """Signed out everywhere, or the password was reset or changed."""

    type: ClassVar[str] = "sipelkop.identity.account.sessions_revoked.v1"
    topic: ClassVar[str] = ACCOUNT_TOPIC


class AccountProfile(DomainEvent):
    """The account as it stands now, whole (not a diff): the event with the highest aggregate_version wins.
    Sent for every role; a consumer keeps the roles it needs (training: its trainers, for the narasumber form)."""

    account_id: uuid.UUID
    username: str = Field(max_length=40)
    full_name: str = Field(max_length=200)
    role: str = Field(max_length=40)  # a string, not shared.auth.Role: a role added later must not be poison
    district_code: str | None = Field(default=None, max_length=8)
    active: bool


class AccountRegistered(AccountProfile):
    type: ClassVar[str] = "sipelkop.identity.account.registered.v1"
    topic: ClassVar[str] = ACCOUNT_TOPIC


class AccountUpdated(AccountProfile):
    """Its name, role or district changed, it was deactivated or reactivated, or it was announced again
    (`sipelkop identity announce-accounts`, for accounts made before identity published profiles)."""

    type: ClassVar[str] = "sipelkop.identity.account.updated.v1"
    topic: ClassVar[str] = ACCOUNT_TOPIC
