"""Indonesian phone numbers stored as E.164: the one rule every service shares (shared/phones.py)."""
from shared.phones import InvalidPhone, normalise_phone

__all__ = ["InvalidPhone", "normalise_phone"]
