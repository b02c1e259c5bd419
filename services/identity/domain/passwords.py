"""Passwords: argon2id hashes (argon2-cffi's defaults), at least 10 characters, no common or guessable ones."""
from __future__ import annotations

import secrets
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_LENGTH = 10
MAX_LENGTH = 200  # argon2 takes any length; a cap keeps a megabyte "password" from costing a request


class WeakPassword(ValueError):
    pass


@cache
def hasher() -> PasswordHasher:
    return PasswordHasher()  # argon2id, RFC 9106 low-memory profile: t=3, m=64 MiB, p=4


def hash_password(password: str) -> str:
    return hasher().hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return hasher().verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


@cache
def _dummy_hash() -> str:
    return hash_password(secrets.token_urlsafe(16))


def burn_time(password: str) -> None:
    """Spend a verification's time for an unknown username, so timing does not tell who exists."""
    verify_password(_dummy_hash(), password)


def needs_rehash(password_hash: str) -> bool:
    try:
        return hasher().check_needs_rehash(password_hash)
    except InvalidHashError:
        return False


def check_strength(password: str, *, user_inputs: list[str] = ()) -> None:
    """Raise WeakPassword (Bahasa message) when the password is too short, too long or easy to guess."""
    if len(password) < MIN_LENGTH:
        raise WeakPassword(f"kata sandi minimal {MIN_LENGTH} karakter")
    if len(password) > MAX_LENGTH:
        raise WeakPassword(f"kata sandi maksimal {MAX_LENGTH} karakter")
    from zxcvbn import zxcvbn

    result = zxcvbn(password[:100], user_inputs=[u for u in user_inputs if u])
    common = any(m.get("pattern") == "dictionary" and m.get("dictionary_name") == "passwords"
                 and len(m.get("token", "")) >= len(password.strip()) for m in result.get("sequence", []))
    if common:
        raise WeakPassword("kata sandi ini termasuk yang paling umum dipakai; pilih yang lain")
    if result["score"] < 2:
        raise WeakPassword("kata sandi terlalu mudah ditebak; gunakan gabungan beberapa kata atau karakter acak")


def one_time_password() -> str:
    """A random password shown once; easy to read out over the phone (no 0/O, 1/l)."""
    alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    return "-".join("".join(secrets.choice(alphabet) for _ in range(4)) for _ in range(4))
