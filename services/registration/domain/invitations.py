"""Invitations and confirmation of attendance, without I/O: the personal confirmation codes (a random link id with
its HMAC tag, as training's evaluation links: a code not made here is recognised without a lookup), the messages
(Bahasa, from the templates kept as data in data/pesan.json), the wa.me click-to-chat link, and when a participant
may still answer. A message is built only from MessageFacts, which has no NIK: none can reach a message."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from functools import cache
from importlib import resources
from string import Template
from urllib.parse import quote

from shared import signed_codes

ANSWERS = {"hadir": "confirmed", "tidak_hadir": "declined"}  # the public form's values -> what is stored
PLACEHOLDERS = {"nama", "judul", "kode", "tanggal", "tempat", "tautan"}


# --- personal codes -----------------------------------------------------------------------------------------------
# shared/signed_codes.py, as training's evaluation links, under registration's key and its own purpose.
PURPOSE = b"konfirmasi:"


def new_code(secret: str) -> str:
    """A fresh personal confirmation code (35 characters)."""
    return signed_codes.new_code(secret, PURPOSE)


def genuine(secret: str, code: str) -> bool:
    """Made by new_code with this secret (a tampered or invented code is refused before any lookup)."""
    return signed_codes.genuine(secret, code, PURPOSE)


code_hash = signed_codes.code_hash


# --- messages -----------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class MessageFacts:
    """Everything a message may say. Deliberately no NIK, birth date or cooperative number."""

    nama: str
    judul: str
    kode: str
    tanggal: str  # "4 Juli 2023 sampai 6 Juli 2023", formatted by the caller (shared/web/format.py)
    tempat: str
    tautan: str


@dataclass(frozen=True)
class Mail:
    subject: str
    body: str


@cache
def templates() -> dict:
    """data/pesan.json, checked: every template uses only the known placeholders."""
    text = resources.files("services.registration.data").joinpath("pesan.json").read_text(encoding="utf-8")
    data = {k: v for k, v in json.loads(text).items() if not k.startswith("_")}
    for name, value in data.items():
        for part in (value.values() if isinstance(value, dict) else [value]):
            used = {m.group("named") or m.group("braced") for m in Template.pattern.finditer(part)
                    if m.group("named") or m.group("braced")}
            if used - PLACEHOLDERS:
                raise ValueError(f"pesan.json {name}: isian tidak dikenal {sorted(used - PLACEHOLDERS)}")
    return data


def mail(kind: str, facts: MessageFacts) -> Mail:
    """The e-mail of `kind` ("undangan" or "pengingat")."""
    template = templates()[kind]
    values = asdict(facts)
    return Mail(Template(template["subjek"]).substitute(values), Template(template["isi"]).substitute(values))


def whatsapp_text(kind: str, facts: MessageFacts) -> str:
    return Template(templates()[f"whatsapp_{kind}"]).substitute(asdict(facts))


def whatsapp_link(phone_e164: str | None, text: str) -> str | None:
    """https://wa.me/<E.164 digits>?text=<message>: opens WhatsApp with the message on any phone or PC."""
    if not phone_e164:
        return None
    digits = "".join(c for c in phone_e164 if c.isdigit())
    return f"https://wa.me/{digits}?text={quote(text, safe='')}"


def message_kind(batch_start: date, today: date) -> str:
    """On the day before the start (or later) a WhatsApp message is the reminder, before it the invitation."""
    return "pengingat" if today >= batch_start - timedelta(days=1) else "undangan"


# --- answering ----------------------------------------------------------------------------------------------------

class AnswerRefused(ValueError):
    def __init__(self, message: str, kind: str):
        super().__init__(message)
        self.message, self.kind = message, kind


def check_answerable(*, answered: str | None, enrollment_status: str, batch_status: str, batch_start: date,
                     today: date) -> None:
    """May this participant still confirm or decline? Raises AnswerRefused with a sentence for the page."""
    if answered == "confirmed":
        raise AnswerRefused("Anda sudah mengonfirmasi kehadiran melalui tautan ini. Terima kasih.", "answered")
    if answered == "declined":
        raise AnswerRefused("Anda sudah menyatakan tidak dapat hadir; kursi Anda telah diberikan kepada calon "
                            "peserta lain.", "answered")
    if enrollment_status != "enrolled":
        raise AnswerRefused("Pendaftaran Anda di angkatan ini sudah dibatalkan oleh dinas; konfirmasi tidak "
                            "diperlukan lagi.", "closed")
    if batch_status != "scheduled":
        raise AnswerRefused("Angkatan ini sudah dibatalkan atau selesai; konfirmasi ditutup.", "closed")
    if batch_start <= today:
        raise AnswerRefused("Pelatihan sudah dimulai; konfirmasi kehadiran ditutup. Hubungi panitia bila ada "
                            "perubahan.", "closed")
