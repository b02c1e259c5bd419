"""Identity's signing keys: shared.tokens.KeyRing in one file, re-read when the file changes (a rotation by
`sipelkop identity rotate-keys`, or by another replica sharing the secret), and served as a JWKS."""
from __future__ import annotations

import os
from pathlib import Path

import jwt

from shared.tokens import ALGORITHM, KeyRing


class KeyStore:
    def __init__(self, path: Path):
        self.path = Path(path)
        self._ring = KeyRing.load_or_create(self.path)
        self._stamp = self._mtime()

    def _mtime(self) -> float | None:
        try:
            return os.stat(self.path).st_mtime_ns
        except FileNotFoundError:
            return None

    @property
    def ring(self) -> KeyRing:
        stamp = self._mtime()
        if stamp != self._stamp:
            self._ring, self._stamp = KeyRing.load_or_create(self.path), self._mtime()
        return self._ring

    def rotate(self):
        key = self.ring.rotate()
        self._stamp = self._mtime()
        return key

    def sign(self, claims: dict) -> str:
        return self.ring.sign(claims)

    def jwks(self) -> dict:
        return self.ring.jwks()

    async def key(self, kid: str | None) -> jwt.PyJWK | None:
        """What shared.auth.TokenVerifier asks of a key source (JwksCache's interface), from the ring itself."""
        for jwk in self.jwks()["keys"]:
            if jwk["kid"] == kid:
                return jwt.PyJWK(jwk, algorithm=ALGORITHM)
        return None
