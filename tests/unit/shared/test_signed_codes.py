"""Personal link codes (shared/signed_codes.py): checked without a lookup, tampering refused, one purpose's code
not accepted for another's even under the same key, and only a hash stored."""
from shared import signed_codes
from services.registration.domain import invitations
from services.training.domain import evaluation

KEY = "k" * 32


def test_a_code_is_genuine_only_with_its_key_and_untouched():
    code = signed_codes.new_code(KEY)
    assert len(code) == 35 and signed_codes.genuine(KEY, code)
    assert not signed_codes.genuine("x" * 32, code)
    flipped = code[:-1] + ("A" if code[-1] != "A" else "B")
    assert not signed_codes.genuine(KEY, flipped)
    assert not any(signed_codes.genuine(KEY, bad) for bad in ("", "a" * 61, code + "=", "ü" * 35))


def test_an_evaluation_link_does_not_confirm_attendance_and_back():
    link = evaluation.new_code(KEY)
    confirmation = invitations.new_code(KEY)
    assert evaluation.genuine(KEY, link) and invitations.genuine(KEY, confirmation)
    assert not invitations.genuine(KEY, link) and not evaluation.genuine(KEY, confirmation)


def test_only_a_hash_of_a_code_is_kept():
    code = signed_codes.new_code(KEY)
    assert signed_codes.code_hash(code) != code and len(signed_codes.code_hash(code)) == 64
