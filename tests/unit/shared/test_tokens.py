"""Access tokens: only keys identity published verify them; old HS256 tokens, other algorithms, expired, foreign or
revoked tokens are refused, and a key rotation keeps valid tokens valid."""
from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import jwt
import pytest

from shared.auth import Revoked, Role, TokenVerifier
from shared.errors import Unauthorized
from shared.tokens import JwksCache, KeyRing, access_claims
from tests.fixtures.tokens import JWKS_URL, TEST_ISSUER, foreign_token, hs256_token, test_token


def verifier(url: str = JWKS_URL, revocations=None) -> TokenVerifier:
    return TokenVerifier(JwksCache(url, min_refresh_s=0), issuer=TEST_ISSUER, revocations=revocations)


async def test_a_token_from_the_ring_carries_the_person():
    principal = await verifier().verify(test_token(role="district_officer", district="64.02", name="Ani Lestari"))
    assert principal.role == Role.DISTRICT_OFFICER and principal.district == "64.02"
    assert principal.name == "Ani Lestari" and principal.label == "Petugas Dinas · Kab. Kutai Kartanegara"


def _none_alg() -> str:
    return jwt.encode({"iss": TEST_ISSUER, "aud": "sipelkop", "sub": "x", "role": "admin", "iat": 1, "exp": 4e9,
                       "jti": "j"}, None, algorithm="none")


@pytest.mark.parametrize("make, words", [
    (lambda: hs256_token(), "tidak sah"),
    (lambda: foreign_token(), "tidak sah"),
    (_none_alg, "tidak sah"),
    (lambda: test_token(role="admin", ttl=timedelta(seconds=-30)), "berakhir"),
    (lambda: test_token(role="admin")[:-3] + "abc", "tidak sah"),
    (lambda: "bukan-token", "tidak sah"),
])
async def test_tokens_not_signed_by_identity_or_expired_are_refused(make, words):
    with pytest.raises(Unauthorized, match=words):
        await verifier().verify(make())


async def test_a_rotation_keeps_tokens_signed_before_it_valid(tmp_path):
    ring = KeyRing.load_or_create(tmp_path / "keys.json")
    jwks = tmp_path / "jwks.json"
    jwks.write_text(json.dumps(ring.jwks()))
    check = verifier(f"file://{jwks}")

    def sign():
        return ring.sign(access_claims(issuer=TEST_ISSUER, subject="a", name="A", role="admin", district=None,
                                       ttl=timedelta(minutes=5)))

    before = sign()
    assert (await check.verify(before)).subject == "a"
    ring.rotate()
    jwks.write_text(json.dumps(ring.jwks()))
    after = sign()
    assert jwt.get_unverified_header(after)["kid"] != jwt.get_unverified_header(before)["kid"]
    # The new kid is unknown to the cache: it refetches once and both tokens verify.
    assert (await check.verify(after)).subject == "a" and (await check.verify(before)).subject == "a"
    assert len(KeyRing.load_or_create(tmp_path / "keys.json").jwks()["keys"]) == 2


class _Revoked:
    def __init__(self, not_before):
        self.not_before = not_before

    async def revoked(self, account_id, issued_at):
        return issued_at < self.not_before


async def test_a_token_issued_before_the_revocation_is_refused():
    token = test_token(role="admin", subject="acc-1")
    with pytest.raises(Revoked):
        await verifier(revocations=_Revoked(datetime.now(UTC) + timedelta(seconds=10))).verify(token)
    assert (await verifier(revocations=_Revoked(datetime.now(UTC) - timedelta(hours=1))).verify(token)).subject == "acc-1"
