"""Logs are JSON lines and never carry a NIK or a phone number in clear."""
import json
import logging

from shared.observability import JsonFormatter, bind_correlation, redact


def test_nik_and_phones_are_masked_wherever_they_appear():
    line = redact("GET /api/v1/participants?q=6402014507900001 phone +6281234567890 or 0812-3456-7890")
    assert "6402014507900001" not in line and "6402********0001" in line
    assert "81234567890" not in line and "3456-7890" not in line
    assert line.endswith("890")


def test_ordinary_numbers_survive():
    assert redact("batch DIG-2023-01 has 30 seats, Rp 1200000000") == "batch DIG-2023-01 has 30 seats, Rp 1200000000"


def test_a_log_record_is_one_json_line_with_the_correlation_id():
    bind_correlation("corr-1")
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "peserta %s terdaftar", ("6402014507900001",), None)
    doc = json.loads(JsonFormatter().format(record))
    assert doc["message"] == "peserta 6402********0001 terdaftar" and doc["correlation_id"] == "corr-1"


def test_a_nik_written_with_spaces_dots_or_dashes_is_masked():
    for written in ("6402 0145 0790 0001", "6402-0145-0790-0001", "64.02.01.450790.0001", "6402.0145.0790.0001",
                    "64 02 01 45 07 90 0001"):
        line = redact(f"peserta nik={written} ditolak")
        assert line == "peserta nik=6402********0001 ditolak", (written, line)


def test_a_phone_written_with_spaces_dots_dashes_or_brackets_is_masked():
    for written in ("0812 3456 7890", "0812.3456.7890", "0812-3456-7890", "+62 812 3456 7890", "+62-812-3456-7890",
                    "62.812.3456.7890", "(0812) 3456 7890", "+62 (812) 3456-7890"):
        line = redact(f"telepon {written} dicatat")
        assert "3456" not in line and line.endswith("890 dicatat"), (written, line)
        assert line.startswith("telepon *"), (written, line)


def test_identifiers_that_merely_contain_digits_survive():
    kept = ("korelasi 12345678-1234-1234-1234-123456789012", "id e4a1b2c3-6402-0145-0790-000112345678",
            "waktu 2026-12-03T09:48:39.123+00:00", "nomor UPTD-KUKM/2023/0001", "Rp 1.200.000.000",
            "angkatan 2023-0812-3456-7890-12")
    for text in kept:
        assert redact(text) == text, text
