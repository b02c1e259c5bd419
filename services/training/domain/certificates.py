"""Certificate numbers: agency style, sequential per year, e.g. UPTD-KUKM/2023/0001; and each number's
verification code, without which the public verification says nothing about the person."""
from __future__ import annotations

import base64
import hashlib
import hmac
import re
from datetime import date

NUMBER = re.compile(r"^(?P<prefix>[A-Za-z0-9.-]{1,30})/(?P<year>\d{4})/(?P<sequence>\d{4,})$")


def certificate_year(batch_end: date) -> int:
    """A certificate is dated the last day of its batch, so it is numbered in that day's year."""
    return batch_end.year


def format_number(prefix: str, year: int, sequence: int) -> str:
    # Four digits as agencies write them; the 10,000th certificate of a year simply gets five.
    return f"{prefix}/{year}/{sequence:04d}"


def is_certificate_number(text: str) -> bool:
    return NUMBER.match(text) is not None


# The verification code: HMAC-SHA256 of the number under TRAINING_CERTIFICATE_KEY, ten base32 characters (50
# bits). Numbers are sequential and guessable; the code is not, so walking the sequence shows no one's name.
# Derived, not stored: every certificate already issued has one, and a reprint prints the same one.
CODE_LENGTH = 10
# What people misread on paper: base32 has no 0, 1 or 8.
_LOOKALIKES = str.maketrans({"0": "O", "1": "I", "8": "B"})


def verification_code(key: str, number: str) -> str:
    digest = hmac.new(key.encode(), number.encode(), hashlib.sha256).digest()
    return base64.b32encode(digest).decode()[:CODE_LENGTH]


def written_code(code: str) -> str:
    """A code as people write it: ABCDE-FGHIJ."""
    return f"{code[:5]}-{code[5:]}"


def normalise_code(text: str) -> str:
    """As typed: any case, with spaces or dashes, 0/1/8 for O/I/B."""
    return re.sub(r"[\s-]", "", text or "").upper().translate(_LOOKALIKES)[:40]


def code_matches(key: str, number: str, typed: str) -> bool:
    return hmac.compare_digest(verification_code(key, number), normalise_code(typed))

