"""The refusals a user can act on, and one error shape for every service:
{"error": {"code", "message", "fields": [{"field", "message"}]}}.

No web framework here: domains raise these, and importing a domain never imports FastAPI. The HTTP answers to
them are shared/http_errors.py's.
"""
from __future__ import annotations


class DomainError(Exception):
    """A refusal a user can act on. Messages are Bahasa Indonesia: they reach district officers."""

    status = 400
    code = "bad_request"

    def __init__(self, message: str, *, fields: list[dict] | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or []
        if code:
            self.code = code


class Invalid(DomainError):
    status, code = 422, "validation_failed"


class NotFound(DomainError):
    status, code = 404, "not_found"


class Conflict(DomainError):
    status, code = 409, "conflict"


class Unauthorized(DomainError):
    status, code = 401, "unauthorized"


class Forbidden(DomainError):
    status, code = 403, "forbidden"


def field_error(field: str, message: str) -> dict:
    return {"field": field, "message": message}


_MESSAGES = {
    "missing": "wajib diisi",
    "extra_forbidden": "kolom tidak dikenal",
    "string_type": "harus berupa teks",
    "string_too_short": "terlalu pendek",
    "string_too_long": "terlalu panjang",
    "string_pattern_mismatch": "formatnya salah",
    "int_type": "harus berupa bilangan bulat",
    "int_parsing": "harus berupa bilangan bulat",
    "int_from_float": "harus berupa bilangan bulat",
    "greater_than_equal": "terlalu kecil",
    "greater_than": "terlalu kecil",
    "less_than_equal": "terlalu besar",
    "less_than": "terlalu besar",
    "bool_type": "harus true atau false",
    "bool_parsing": "harus true atau false",
    "date_type": "harus berupa tanggal (YYYY-MM-DD)",
    "date_parsing": "harus berupa tanggal (YYYY-MM-DD)",
    "date_from_datetime_parsing": "harus berupa tanggal (YYYY-MM-DD)",
    "datetime_parsing": "harus berupa waktu ISO 8601",
    "uuid_parsing": "harus berupa UUID",
    "uuid_type": "harus berupa UUID",
    "literal_error": "nilai tidak termasuk pilihan",
    "enum": "nilai tidak termasuk pilihan",
    "list_type": "harus berupa daftar",
    "dict_type": "harus berupa objek",
    "model_attributes_type": "harus berupa objek",
    "json_invalid": "JSON tidak sah",
    "value_error": None,  # our own validators already speak Indonesian
    "assertion_error": None,
}


def translate_validation(errors) -> list[dict]:
    fields = []
    for err in errors:
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path", "header")]
        message = _MESSAGES.get(err.get("type"))
        if message is None:
            message = str(err.get("msg", "tidak sah")).removeprefix("Value error, ").removeprefix("Assertion failed, ")
        if err.get("type") == "literal_error" and (expected := (err.get("ctx") or {}).get("expected")):
            message = f"{message}: {expected}"
        fields.append(field_error(".".join(loc) or "(body)", message))
    return fields


def error_body(code: str, message: str, fields: list[dict] | None = None) -> dict:
    return {"error": {"code": code, "message": message, "fields": fields or []}}
