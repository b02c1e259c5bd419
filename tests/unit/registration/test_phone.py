import pytest

from services.registration.domain.phone import InvalidPhone, normalise_phone


@pytest.mark.parametrize("raw", ["0812-3456-7890", "+62 812 3456 7890", "6281234567890", " 081234567890 "])
def test_the_same_number_in_every_usual_form_becomes_e164(raw):
    assert normalise_phone(raw) == "+6281234567890"


@pytest.mark.parametrize("raw", ["12", "hubungi saya", "0812"])
def test_an_unusable_number_is_refused(raw):
    with pytest.raises(InvalidPhone):
        normalise_phone(raw)
