"""The province's clock: Kalimantan Timur keeps WITA (UTC+8) all year, and "today" means the day in Samarinda,
not in UTC (between 16:00 and 24:00 UTC it is already tomorrow there)."""
from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

PROVINCE_ZONE = ZoneInfo("Asia/Makassar")
ZONE_NAME = "WITA"


def business_today(now: datetime | None = None) -> date:
    return (now or datetime.now(UTC)).astimezone(PROVINCE_ZONE).date()
