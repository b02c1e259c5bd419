"""Access tokens: Ed25519-signed JWTs (EdDSA). Identity alone holds a private key and signs; every other service
verifies with the public keys identity publishes as a JWKS (fetched, cached, refreshed on an unknown `kid`).

Claims: iss (identity's URL), aud "sipelkop", sub (account id), name, role, district (officers only), iat, exp,
jti, sid (the browser session, absent for API clients) and csrf (bound to the session: pages put it in forms).
"""
from __future__ import annotations

import asyncio
import json
import os
import secrets
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jwt.algorithms import OKPAlgorithm

ALGORITHM = "EdDSA"
AUDIENCE = "sipelkop"
MAX_ACCESS_MINUTES = 15


@dataclass(frozen=True)
class SigningKey:
    kid: str
    private_pem: str
    created_at: datetime
    retired_at: datetime | None = None  # no longer signs; its public key stays published until its tokens expire

    @property
    def private_key(self) -> Ed25519PrivateKey:
        return serialization.load_pem_private_key(self.private_pem.encode(), password=None)

    def public_jwk(self) -> dict:
        jwk = json.loads(OKPAlgorithm.to_jwk(self.private_key.public_key()))
        return {**jwk, "kid": self.kid, "alg": ALGORITHM, "use": "sig"}


def new_signing_key() -> SigningKey:
    pem = Ed25519PrivateKey.generate().private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                     serialization.NoEncryption()).decode()
    return SigningKey(kid=f"k{int(time.time())}-{secrets.token_hex(4)}", private_pem=pem,
                      created_at=datetime.now(UTC))


class KeyRing:
    """Identity's keys in one file (mode 0600): the newest unretired key signs; every key not yet past
    `retired_at + grace` is published, so tokens signed before a rotation stay valid until they expire."""

    def __init__(self, path: Path, keys: list[SigningKey]):
        self.path, self.keys = path, keys

    @classmethod
    def load_or_create(cls, path: Path) -> "KeyRing":
        path = Path(path)
        if path.exists():
            doc = json.loads(path.read_text())
            keys = [SigningKey(kid=k["kid"], private_pem=k["private_pem"],
                               created_at=datetime.fromisoformat(k["created_at"]),
                               retired_at=datetime.fromisoformat(k["retired_at"]) if k.get("retired_at") else None)
                    for k in doc["keys"]]
            ring = cls(path, keys)
            if not ring.active_keys():
                ring.rotate()
            return ring
        ring = cls(path, [new_signing_key()])
        ring.save()
        return ring

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        doc = {"keys": [{"kid": k.kid, "private_pem": k.private_pem, "created_at": k.created_at.isoformat(),
                         "retired_at": k.retired_at.isoformat() if k.retired_at else None} for k in self.keys]}
        tmp = self.path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as handle:
            json.dump(doc, handle, indent=1)
        os.replace(tmp, self.path)

    def active_keys(self) -> list[SigningKey]:
        return [k for k in self.keys if k.retired_at is None]

    @property
    def current(self) -> SigningKey:
        return max(self.active_keys(), key=lambda k: k.created_at)

    def rotate(self, *, grace: timedelta = timedelta(minutes=MAX_ACCESS_MINUTES + 5)) -> SigningKey:
        """A new key signs from now on; the old ones are retired and dropped once their tokens have expired."""
        now = datetime.now(UTC)
        self.keys = [SigningKey(k.kid, k.private_pem, k.created_at, k.retired_at or now) for k in self.keys
                     if k.retired_at is None or k.retired_at + grace > now]
        key = new_signing_key()
        self.keys.append(key)
        self.save()
        return key

    def jwks(self) -> dict:
        return {"keys": [k.public_jwk() for k in self.keys]}

    def sign(self, claims: dict) -> str:
        key = self.current
        return jwt.encode(claims, key.private_key, algorithm=ALGORITHM, headers={"kid": key.kid, "typ": "at+jwt"})


def access_claims(*, issuer: str, subject: str, name: str, role: str, district: str | None, ttl: timedelta,
                  session_id: str | None = None, csrf: str | None = None) -> dict:
    now = datetime.now(UTC)
    claims = {"iss": issuer, "aud": AUDIENCE, "sub": subject, "name": name, "role": role, "iat": now,
              "exp": now + ttl, "jti": str(uuid.uuid4())}
    if district:
        claims["district"] = district
    if session_id:
        claims["sid"] = session_id
    if csrf:
        claims["csrf"] = csrf
    return claims


class JwksUnavailable(Exception):
    """The key set could not be fetched (identity away): the request cannot be judged now, not refused for good."""


class JwksCache:
    """The published public keys, fetched from `url` (http(s), or a file for keys mounted into a pod).

    An unknown `kid` triggers one refetch (at most every `min_refresh_s`), so a rotation is picked up at once and a
    flood of forged kids cannot make the service hammer identity."""

    def __init__(self, url: str, *, min_refresh_s: float = 10.0, max_age_s: float = 600.0, transport=None):
        self.url, self.min_refresh_s, self.max_age_s = url, min_refresh_s, max_age_s
        self._keys: dict[str, jwt.PyJWK] = {}
        self._fetched_at = 0.0
        self._lock = asyncio.Lock()
        self._transport = transport

    async def _fetch(self) -> dict:
        if self.url.startswith(("http://", "https://")):
            import httpx

            async with httpx.AsyncClient(timeout=5, transport=self._transport) as client:
                response = await client.get(self.url)
                response.raise_for_status()
                return response.json()
        path = self.url.removeprefix("file://")
        return json.loads(await asyncio.to_thread(Path(path).read_text))

    async def refresh(self) -> None:
        try:
            doc = await self._fetch()
            keys = {k["kid"]: jwt.PyJWK(k, algorithm=ALGORITHM) for k in doc.get("keys", []) if k.get("kid")}
        except Exception as exc:
            raise JwksUnavailable(str(exc)) from exc
        self._keys, self._fetched_at = keys, time.monotonic()

    async def key(self, kid: str | None) -> jwt.PyJWK | None:
        age = time.monotonic() - self._fetched_at
        if kid in self._keys and age < self.max_age_s:
            return self._keys[kid]
        async with self._lock:
            age = time.monotonic() - self._fetched_at
            if (kid not in self._keys and age >= self.min_refresh_s) or age >= self.max_age_s or not self._fetched_at:
                try:
                    await self.refresh()
                except JwksUnavailable:
                    if kid not in self._keys:
                        raise
        return self._keys.get(kid)
