"""Events published by the identity service: only an account id and a time, never a name, password or hash."""
from __future__ import annotations

import uuid
from typing import ClassVar

from pydantic import AwareDatetime

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

