"""Personal link codes that can be checked without a lookup: 16 random bytes and their HMAC-SHA256 tag, truncated to
10 bytes, URL-safe (35 characters). A tampered or invented code is refused before any database read; what a service
stores of a code is only its SHA-256, so no table can print a link again. Training's evaluation links and
registration's confirmation links both use it (each with its own key, and a purpose that keeps one's codes from
passing as the other's)."""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

LINK_ID_BYTES, TAG_BYTES = 16, 10


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _tag(secret: str, link_id: bytes, purpose: bytes) -> bytes:
    return hmac.new(secret.encode(), purpose + link_id, hashlib.sha256).digest()[:TAG_BYTES]


def new_code(secret: str, purpose: bytes = b"") -> str:
    """A fresh personal code made with `secret` for `purpose`."""
    link_id = secrets.token_bytes(LINK_ID_BYTES)
    return _b64(link_id + _tag(secret, link_id, purpose))


def genuine(secret: str, code: str, purpose: bytes = b"") -> bool:
    """Made by new_code with this secret and purpose."""
    if not (0 < len(code) <= 60) or not all(c.isalnum() or c in "-_" for c in code):
        return False
    try:
        raw = base64.urlsafe_b64decode(code + "=" * (-len(code) % 4))
    except ValueError:
        return False
    if len(raw) != LINK_ID_BYTES + TAG_BYTES or _b64(raw) != code:
        return False
    return hmac.compare_digest(raw[LINK_ID_BYTES:], _tag(secret, raw[:LINK_ID_BYTES], purpose))


def code_hash(code: str) -> str:
    """What is stored of a code: its SHA-256."""
    return hashlib.sha256(code.encode()).hexdigest()
