"""Tokens for development and tests on one machine: signed with identity's own key ring in the data directory,
exactly as identity signs them. Refused in production; capped at the access-token lifetime outside development."""
from __future__ import annotations

import argparse
from datetime import timedelta
from pathlib import Path

from shared import cli_messages as msg
from shared.settings import ServiceSettings
from shared.tokens import MAX_ACCESS_MINUTES, KeyRing, access_claims


class DevTokensRefused(Exception):
    pass


def identity_keys_file(settings: ServiceSettings) -> Path:
    import os

    return Path(os.environ.get("IDENTITY_SIGNING_KEYS_FILE") or settings.data_dir / "identity" / "signing-keys.json")


def dev_token(*, role: str, subject: str, name: str, district: str | None = None,
              ttl: timedelta = timedelta(minutes=MAX_ACCESS_MINUTES), settings: ServiceSettings | None = None) -> str:
    settings = settings or ServiceSettings()
    if settings.env == "production":
        raise DevTokensRefused(msg.TOKEN_REFUSED_IN_PRODUCTION)
    if settings.env != "development":
        ttl = min(ttl, timedelta(minutes=MAX_ACCESS_MINUTES))
    if role == "district_officer" and not district:
        raise DevTokensRefused(msg.OFFICER_NEEDS_DISTRICT)
    if district:
        try:
            district = msg.district_code(district)
        except argparse.ArgumentTypeError as exc:  # a name or an unknown code signs into an empty district
            raise DevTokensRefused(str(exc)) from None
    ring = KeyRing.load_or_create(identity_keys_file(settings))
    return ring.sign(access_claims(issuer=settings.identity_url, subject=subject, name=name, role=role,
                                   district=district, ttl=ttl))
