"""Indonesian phone numbers, stored as E.164 by every service, parsed by Google's phonenumbers (DOMAIN.md, "Phones")."""
from __future__ import annotations

import phonenumbers


class InvalidPhone(ValueError):
    pass


def normalise_phone(raw: str) -> str:
    """'0812-3456-7890', '+62 812 3456 7890' and '6281234567890' all become '+6281234567890'."""
    text = (raw or "").strip()
    if text.startswith("62") and not text.startswith("+"):
        text = "+" + text
    try:
        number = phonenumbers.parse(text, "ID")
    except phonenumbers.NumberParseException as exc:
        raise InvalidPhone("nomor telepon tidak dapat dibaca") from exc
    if not phonenumbers.is_valid_number(number):
        raise InvalidPhone("nomor telepon tidak sah")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
