"""Who a participant is: a cooperative's manager (pengurus, pengawas, DPS, ...), a cooperative's member, or an owner
of a micro/small enterprise (pelaku UMK) who belongs to no cooperative (DOMAIN.md, the ministry's PK2UMK). A UMK
owner brings a business (name, NIB, sector, kabupaten/kota) where the others bring a cooperative, and never counts
toward the cooperatives trained."""
from __future__ import annotations

import uuid
from dataclasses import dataclass

MANAGER, MEMBER, UMK = "pengurus_koperasi", "anggota_koperasi", "pelaku_umk"
CATEGORIES = {MANAGER: "Pengurus koperasi", MEMBER: "Anggota koperasi", UMK: "Pelaku UMK (tanpa koperasi)"}
# The position a UMK owner holds in their own business; never one of a cooperative's positions.
UMK_POSITION = "pemilik usaha"
BUSINESS_FIELDS = ("business_name", "nib", "sector")
# A UMK's stand-in for the cooperative in events: stable for one NIB, never equal to a cooperative's id.
_BUSINESS_NAMESPACE = uuid.UUID("6f1c1f9e-4d0a-5b6e-9c43-2a7d0e5b8f11")

# Who a batch admits (training's batch eligibility, registration's replica keeps it).
COOPERATIVES_ONLY, WITH_UMK = "koperasi", "koperasi_dan_umk"


class CategoryMismatch(ValueError):
    def __init__(self, field: str, message: str):
        super().__init__(message)
        self.field, self.message = field, message


def normalise_category(raw: str | None) -> str:
    value = "_".join((raw or MANAGER).strip().lower().replace("-", " ").split())
    value = {"pengurus": MANAGER, "anggota": MEMBER, "umk": UMK, "pelaku_umk_(tanpa_koperasi)": UMK}.get(value, value)
    if value not in CATEGORIES:
        raise ValueError("kategori peserta tidak dikenal; pilih salah satu: " + ", ".join(CATEGORIES))
    return value


@dataclass(frozen=True)
class Affiliation:
    """What a participant belongs to, as sent: a cooperative, or a business."""

    category: str
    cooperative_id: object | None
    business_name: str | None = None
    nib: str | None = None
    sector: str | None = None
    district_code: str | None = None


def check_affiliation(a: Affiliation) -> None:
    """A manager or member needs a cooperative and no business; a UMK owner needs a business and no cooperative.
    Raises CategoryMismatch naming the field."""
    if a.category == UMK:
        if a.cooperative_id is not None:
            raise CategoryMismatch("cooperative_id", "pelaku UMK tidak tergabung dalam koperasi; kosongkan koperasi "
                                                     "atau pilih kategori pengurus/anggota koperasi")
        for name, label in (("business_name", "nama usaha"), ("nib", "NIB"), ("sector", "sektor usaha"),
                            ("district_code", "kabupaten/kota usaha")):
            if not getattr(a, name):
                raise CategoryMismatch(name, f"{label} wajib diisi untuk pelaku UMK")
        return
    if a.cooperative_id is None:
        who = "pengurus" if a.category == MANAGER else "anggota"
        raise CategoryMismatch("cooperative_id", f"{who} koperasi wajib memilih koperasinya")
    for name in BUSINESS_FIELDS:
        if getattr(a, name):
            raise CategoryMismatch(name, "data usaha (nama usaha, NIB, sektor) hanya untuk pelaku UMK; peserta "
                                         "koperasi memakai data koperasinya")


def check_position(category: str, position: str) -> str:
    """A UMK owner holds the business; a cooperative's people hold a cooperative position."""
    if category == UMK:
        return UMK_POSITION
    if position == UMK_POSITION:
        raise CategoryMismatch("position", "jabatan 'pemilik usaha' hanya untuk pelaku UMK")
    return position


def business_id(nib: str) -> uuid.UUID:
    return uuid.uuid5(_BUSINESS_NAMESPACE, nib)


def admits(eligibility: str | None, category: str) -> bool:
    """May a participant of this category be nominated to a batch of this eligibility?"""
    return category != UMK or (eligibility or COOPERATIVES_ONLY) == WITH_UMK
