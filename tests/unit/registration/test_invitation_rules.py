"""Invitation rules without I/O: personal codes, messages from the templates kept as data (never a NIK), the wa.me
link, the reminder's day, and when a participant may still answer."""
from datetime import date
from urllib.parse import parse_qs, unquote, urlsplit

import pytest

from services.registration.domain import invitations as rules

SECRET = "uji-kunci-konfirmasi-0123456789"
FACTS = rules.MessageFacts(nama="Siti Aminah", judul="Digitalisasi Usaha Koperasi", kode="DIG-0001",
                           tanggal="4 Juli 2023 sampai 6 Juli 2023", tempat="Samarinda",
                           tautan="https://registrasi.contoh.id/konfirmasi/abc")


def test_a_code_made_with_the_key_is_genuine_and_a_changed_one_is_not():
    code = rules.new_code(SECRET)
    assert len(code) == 35 and rules.genuine(SECRET, code)
    assert not rules.genuine("kunci-lain-0123456789", code)
    flipped = code[:-1] + ("A" if code[-1] != "A" else "B")
    assert not rules.genuine(SECRET, flipped)
    for junk in ("", "x" * 61, "../../etc", code + "=", "é" * 35):
        assert not rules.genuine(SECRET, junk)
    assert rules.code_hash(code) != code and len(rules.code_hash(code)) == 64


def test_the_invitation_mail_says_batch_dates_venue_and_link_in_bahasa():
    mail = rules.mail("undangan", FACTS)
    assert mail.subject == "Undangan pelatihan Digitalisasi Usaha Koperasi (DIG-0001)"
    for text in ("Yth. Bapak/Ibu Siti Aminah", "Tanggal: 4 Juli 2023 sampai 6 Juli 2023", "Tempat: Samarinda",
                 FACTS.tautan, "konfirmasi kehadiran"):
        assert text in mail.body
    assert "dimulai besok" in rules.mail("pengingat", FACTS).body


def test_no_message_can_carry_a_nik():
    """MessageFacts has no field for one, and no template names anything but the known placeholders."""
    assert set(rules.MessageFacts.__dataclass_fields__) == rules.PLACEHOLDERS
    assert not any("nik" in name for name in rules.PLACEHOLDERS)
    for kind in ("undangan", "pengingat", "sertifikat"):
        mail = rules.mail(kind, FACTS)
        assert "NIK" not in mail.subject + mail.body
    for kind in ("undangan", "pengingat"):
        assert "NIK" not in rules.whatsapp_text(kind, FACTS)


def test_the_certificate_message_points_to_the_public_verification():
    mail = rules.mail("sertifikat", FACTS)
    assert mail.subject == "Sertifikat pelatihan Digitalisasi Usaha Koperasi sudah terbit"
    assert "telah menyelesaikan pelatihan" in mail.body and FACTS.tautan in mail.body


def test_the_whatsapp_link_is_wa_me_with_the_e164_digits_and_the_message():
    text = rules.whatsapp_text("undangan", FACTS)
    link = rules.whatsapp_link("+6281234567890", text)
    parts = urlsplit(link)
    assert (parts.scheme, parts.netloc, parts.path) == ("https", "wa.me", "/6281234567890")
    assert parse_qs(parts.query)["text"] == [text]
    assert FACTS.tautan in unquote(parts.query)
    assert rules.whatsapp_link(None, text) is None


def test_from_the_day_before_the_start_the_message_is_the_reminder():
    start = date(2023, 7, 4)
    assert rules.message_kind(start, date(2023, 7, 1)) == "undangan"
    assert rules.message_kind(start, date(2023, 7, 3)) == "pengingat"


@pytest.mark.parametrize(("answered", "status", "batch_status", "today", "kind", "words"), [
    ("confirmed", "enrolled", "scheduled", date(2023, 7, 1), "answered", "sudah mengonfirmasi"),
    ("declined", "cancelled", "scheduled", date(2023, 7, 1), "answered", "tidak dapat hadir"),
    (None, "cancelled", "scheduled", date(2023, 7, 1), "closed", "dibatalkan oleh dinas"),
    (None, "enrolled", "cancelled", date(2023, 7, 1), "closed", "dibatalkan atau selesai"),
    (None, "enrolled", "scheduled", date(2023, 7, 4), "closed", "sudah dimulai"),
])
def test_an_answer_is_refused_with_a_sentence_once_answered_or_closed(answered, status, batch_status, today, kind,
                                                                       words):
    with pytest.raises(rules.AnswerRefused) as refused:
        rules.check_answerable(answered=answered, enrollment_status=status, batch_status=batch_status,
                               batch_start=date(2023, 7, 4), today=today)
    assert refused.value.kind == kind and words in refused.value.message


def test_an_open_invitation_may_be_answered():
    rules.check_answerable(answered=None, enrollment_status="enrolled", batch_status="scheduled",
                           batch_start=date(2023, 7, 4), today=date(2023, 7, 3))
