"""How a person in Kalimantan Timur reads dates, times and money: "4 Juli 2023", "14.30 WITA",
"Rp 1.200.000.000", "93,3". Babel holds the Indonesian (CLDR) conventions; this module only picks the patterns."""
from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal

from shared.clock import PROVINCE_ZONE, ZONE_NAME, business_today  # noqa: F401 (business_today: re-exported)

LOCALE = "id_ID"

def _as_datetime(value) -> datetime | None:
    if value in (None, ""):
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if isinstance(value, datetime) and value.tzinfo is None:
        value = value.replace(tzinfo=UTC)  # stores keep UTC
    return value


def tanggal(value) -> str:
    """4 Juli 2023 (a datetime is first moved to WITA)."""
    if value in (None, ""):
        return "–"
    if isinstance(value, str):
        value = datetime.fromisoformat(value.replace("Z", "+00:00")) if "T" in value else date.fromisoformat(value)
    if isinstance(value, datetime):
        value = _as_datetime(value).astimezone(PROVINCE_ZONE).date()
    return format_date(value, "d MMMM y", locale=LOCALE)


def tanggal_singkat(value) -> str:
    """4 Jul 2023, for dense tables."""
    if value in (None, ""):
        return "–"
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    if isinstance(value, datetime):
        value = _as_datetime(value).astimezone(PROVINCE_ZONE).date()
    return format_date(value, "d MMM y", locale=LOCALE)


def hari_tanggal(value) -> str:
    """Selasa, 4 Juli 2023."""
    if value in (None, ""):
        return "–"
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    return format_date(value, "EEEE, d MMMM y", locale=LOCALE)


def jam(value) -> str:
    """14.30 WITA."""
    moment = _as_datetime(value)
    if moment is None:
        return "–"
    return f"{format_datetime(moment, 'HH.mm', tzinfo=PROVINCE_ZONE, locale=LOCALE)} {ZONE_NAME}"


def tanggal_jam(value) -> str:
    """4 Juli 2023 14.30 WITA."""
    moment = _as_datetime(value)
    if moment is None:
        return "–"
    return f"{format_datetime(moment, 'd MMMM y HH.mm', tzinfo=PROVINCE_ZONE, locale=LOCALE)} {ZONE_NAME}"


def angka(value, digits: int = 0) -> str:
    """1.234 or 93,3."""
    if value in (None, ""):
        return "–"
    pattern = "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(Decimal(str(value)), format=pattern, locale=LOCALE)


def rupiah(value) -> str:
    """Rp 1.200.000.000 (rupiah have no minor unit in practice)."""
    if value in (None, ""):
        return "–"
    amount = Decimal(str(value))
    text = format_decimal(abs(amount), format="#,##0", locale=LOCALE)
    return f"{'-' if amount < 0 else ''}Rp {text}"


def persen(value, digits: int = 1) -> str:
    """93,3% (value is a percentage, not a fraction)."""
    if value in (None, ""):
        return "–"
    return f"{angka(value, digits)}%"


FILTERS = {"tanggal": tanggal, "tanggal_singkat": tanggal_singkat, "hari_tanggal": hari_tanggal, "jam": jam,
           "tanggal_jam": tanggal_jam, "angka": angka, "rupiah": rupiah, "persen": persen}
