"""Certificate numbers: agency style, sequential per year, e.g. UPTD-KUKM/2023/0001."""
from __future__ import annotations

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
