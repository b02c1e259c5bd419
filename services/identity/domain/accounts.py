"""An account's rules: username, NIP, phone, e-mail, role and the district that only an officer has."""
from __future__ import annotations

import re


from shared.roles import Role
from shared.errors import Invalid, field_error
from shared.regions import is_district
from shared.phones import normalise_phone

USERNAME = re.compile(r"^[a-z0-9._-]{3,40}$")
NIP = re.compile(r"^[0-9]{18}$")


def normalise_username(raw: str) -> str:
    return (raw or "").strip().lower()


def username_problem(username: str) -> str | None:
    if not USERNAME.match(username):
        return "nama pengguna 3-40 karakter: huruf kecil, angka, titik, garis bawah atau tanda hubung"
    return None


def normalise_email(raw: str) -> str:
    from email_validator import EmailNotValidError, validate_email

    try:
        return validate_email(raw.strip(), check_deliverability=False).normalized
    except EmailNotValidError as exc:
        raise ValueError("alamat e-mail tidak sah") from exc


def clean_profile(values: dict, *, role: str | None) -> dict:
    """Check and normalise the profile fields present in `values`; raise Invalid naming every bad field.

    `role` is the account's role after the change (district rules depend on it)."""
    problems: list[dict] = []
    out = dict(values)
    if "username" in values:
        out["username"] = normalise_username(values["username"])
        if problem := username_problem(out["username"]):
            problems.append(field_error("username", problem))
    if "full_name" in values:
        out["full_name"] = " ".join((values["full_name"] or "").split())
        if not 2 <= len(out["full_name"]) <= 200:
            problems.append(field_error("full_name", "nama lengkap wajib diisi (2-200 karakter)"))
    if "nip" in values:
        nip = (values["nip"] or "").replace(" ", "") or None
        out["nip"] = nip
        if nip is not None and not NIP.match(nip):
            problems.append(field_error("nip", "NIP harus tepat 18 angka"))
    if "phone" in values:
        out["phone"] = None
        if (values["phone"] or "").strip():
            try:
                out["phone"] = normalise_phone(values["phone"])
            except ValueError as exc:
                problems.append(field_error("phone", str(exc)))
    if "email" in values:
        out["email"] = None
        if (values["email"] or "").strip():
            try:
                out["email"] = normalise_email(values["email"])
            except ValueError as exc:
                problems.append(field_error("email", str(exc)))
    if role is not None and role not in {r.value for r in Role}:
        problems.append(field_error("role", "peran tidak dikenal"))
    elif role is not None and "district_code" in values:
        district = (values["district_code"] or "").strip() or None
        out["district_code"] = district
        if role == Role.DISTRICT_OFFICER:
            if not district:
                problems.append(field_error("district_code", "petugas dinas wajib memiliki kabupaten/kota"))
            elif not is_district(district):
                problems.append(field_error("district_code", "kode kabupaten/kota tidak dikenal"))
        elif district:
            problems.append(field_error("district_code", "hanya petugas dinas yang memiliki kabupaten/kota"))
    if problems:
        raise Invalid("Data akun tidak sah: " + "; ".join(f"{p['field']}: {p['message']}" for p in problems),
                      fields=problems)
    return out
