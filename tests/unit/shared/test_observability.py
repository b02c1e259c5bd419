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
