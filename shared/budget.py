"""The DAK budget components (RKA/RAB lines) a batch is planned and realised by: stable codes travel in events and
stores, Bahasa labels are shown on pages. Training validates closings against the list, reporting labels its rows.

The list is data: `parse_components` reads another one ("code=Label; code=Label"), and `lainnya` always stays in
it, because a plain realised cost (and every batch.closed before components) is booked there."""
from __future__ import annotations

import re
from dataclasses import dataclass

HONORARIUM = "honor_narasumber"  # proposed from the agenda: JP x the narasumber's rate per JP
OTHER = "lainnya"
CODE = re.compile(r"^[a-z][a-z0-9_]{1,39}$")


@dataclass(frozen=True)
class Component:
    code: str
    label: str


DEFAULT_COMPONENTS: tuple[Component, ...] = (
    Component(HONORARIUM, "Honor narasumber"),
    Component("uang_saku_peserta", "Uang saku peserta"),
    Component("transport_peserta", "Transport peserta"),
    Component("akomodasi", "Akomodasi"),
    Component("konsumsi", "Konsumsi"),
    Component("atk_seminar_kit", "ATK / seminar kit"),
    Component("sewa_tempat", "Sewa tempat"),
    Component("penggandaan_modul", "Penggandaan modul"),
    Component("sertifikat", "Sertifikat"),
    Component(OTHER, "Lainnya"),
)


def parse_components(text: str) -> tuple[Component, ...]:
    """A configured list, "honor_narasumber=Honor narasumber; konsumsi=Konsumsi"; `lainnya` is added last if
    missing. Raises ValueError (in Bahasa) for a malformed or repeated code."""
    components, seen = [], set()
    for item in filter(None, (part.strip() for part in text.split(";"))):
        code, sep, label = (s.strip() for s in item.partition("="))
        if not sep or not CODE.match(code) or not label:
            raise ValueError(f"komponen anggaran {item!r} harus berbentuk kode=Label (kode huruf kecil, angka, _)")
        if code in seen:
            raise ValueError(f"komponen anggaran {code} disebut dua kali")
        seen.add(code)
        components.append(Component(code, label))
    if OTHER not in seen:
        components.append(Component(OTHER, "Lainnya"))
    return tuple(components)


def label(code: str, components: tuple[Component, ...] = DEFAULT_COMPONENTS) -> str:
    """The component's Bahasa label; a code no longer in the list (an older configuration) shows as itself."""
    return next((c.label for c in components if c.code == code), code)
