"""Tokens, roles and the refusal to run with a default secret outside development."""
from datetime import timedelta

import pytest
from pydantic import ValidationError

from shared.auth import Role, decode_token, issue_token
from shared.errors import Unauthorized
from shared.settings import DEFAULT_SECRET, ServiceSettings

SECRET = "unit-test-secret-0123456789abcdef0123"


def test_a_token_carries_role_and_district():
    principal = decode_token(SECRET, issue_token(SECRET, subject="ani", role="district_officer", district="64.02"))
    assert (principal.subject, principal.role, principal.district) == ("ani", Role.DISTRICT_OFFICER, "64.02")
    assert principal.can_touch_district("64.02") and not principal.can_touch_district("64.08")


def test_a_district_officer_token_needs_a_district():
    with pytest.raises(ValueError):
        issue_token(SECRET, subject="x", role="district_officer")


@pytest.mark.parametrize("token, words", [
    (issue_token(SECRET, subject="x", role="admin", ttl=timedelta(seconds=-1)), "kedaluwarsa"),
    (issue_token("another-secret-0123456789abcdef0123", subject="x", role="admin"), "tidak sah"),
    (issue_token(SECRET, subject="x", role="admin")[:-3] + "abc", "tidak sah"),
    ("not-a-token", "tidak sah"),
])
def test_expired_forged_or_tampered_tokens_are_refused(token, words):
    with pytest.raises(Unauthorized, match=words):
        decode_token(SECRET, token)


def test_the_default_secret_refuses_to_start_outside_development(monkeypatch):
    monkeypatch.delenv("SIPELKOP_SECRET_KEY", raising=False)
    monkeypatch.setenv("SIPELKOP_ENV", "production")
    with pytest.raises(ValidationError, match="SIPELKOP_SECRET_KEY"):
        ServiceSettings()
    monkeypatch.setenv("SIPELKOP_ENV", "development")
    assert ServiceSettings().secret_key == DEFAULT_SECRET


def test_a_short_secret_is_refused(monkeypatch):
    monkeypatch.setenv("SIPELKOP_SECRET_KEY", "short")
    with pytest.raises(ValidationError):
        ServiceSettings()
