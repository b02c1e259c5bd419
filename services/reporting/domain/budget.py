"""Budget rules without I/O: the triwulan of a batch, splitting a batch's rupiah over the kabupaten/kota of its
participants, and what a closing's lines are when it carries none."""
from __future__ import annotations

from shared.budget import OTHER

QUARTERS = ("I", "II", "III", "IV")
DISTRICT_RULE = ("Bila satu angkatan memuat peserta dari beberapa kabupaten/kota, rencana dan realisasinya dibagi "
                 "sebanding jumlah peserta terdaftar dari tiap kabupaten/kota (dibulatkan ke rupiah; sisa pembulatan "
                 "ke pecahan terbesar, sehingga jumlahnya sama dengan angkatan). Angkatan tanpa peserta yang diketahui "
                 "dicatat sebagai “tidak diketahui”.")
QUARTER_RULE = "Triwulan menurut tanggal selesai angkatan (tanggal penutupan bila tanggal selesai belum diketahui)."


def quarter(end_date, closed_at) -> int | None:
    """The triwulan a closed batch's realisasi is reported in: that of its last day (the spending happened then,
    and a closing recorded late must not move it into another quarter or year); the closing's day when reporting
    has not learned the dates yet."""
    day = end_date or (closed_at.date() if closed_at is not None else None)
    return None if day is None else (day.month - 1) // 3 + 1


def lines_of(components: list[dict] | None, planned_budget: int | None, realised_cost: int | None) -> list[dict]:
    """A closing's lines by component; one without them (before batch.closed carried them) is one line "lainnya"."""
    if components is not None:
        return components
    return [{"component": OTHER, "planned": planned_budget or 0, "realised": realised_cost or 0}]


def split(amount: int, weights: dict) -> dict:
    """`amount` rupiah in proportion to `weights` (largest remainder): whole rupiah that add up to `amount`."""
    total = sum(weights.values())
    if not total:
        return {}
    exact = {key: amount * weight / total for key, weight in weights.items()}
    shares = {key: int(value) for key, value in exact.items()}
    left = amount - sum(shares.values())
    for key in sorted(exact, key=lambda k: (-(exact[k] - shares[k]), str(k)))[:left]:
        shares[key] += 1
    return shares
