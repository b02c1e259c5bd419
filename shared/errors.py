"""One error shape for every service: {"error": {"code", "message", "fields": [{"field", "message"}]}}."""
from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger("sipelkop.errors")


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


async def _answer(request: Request, status: int, code: str, message: str, fields: list[dict] | None = None,
                  headers: dict | None = None, reference: str | None = None):
    """API clients get the JSON shape; a browser navigating gets a page in the product's frame (shared.web)."""
    error_page = getattr(request.app.state, "error_page", None)
    if error_page is not None:
        from shared.web.kit import wants_html

        if wants_html(request):
            return await error_page(request, status, message, fields, headers, reference)
    return JSONResponse(error_body(code, message, fields), status_code=status, headers=headers)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def _domain(request: Request, exc: DomainError):
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        return await _answer(request, exc.status, exc.code, exc.message, exc.fields, headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError):
        fields = translate_validation(exc.errors())
        summary = "; ".join(f"{f['field']}: {f['message']}" for f in fields[:3])
        return await _answer(request, 422, "validation_failed", f"Data tidak sah: {summary}", fields)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        messages = {404: "Tidak ditemukan.", 405: "Metode tidak diizinkan.", 413: "Permintaan terlalu besar."}
        message = messages.get(exc.status_code, str(exc.detail))
        return await _answer(request, exc.status_code, f"http_{exc.status_code}", message,
                             headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception):
        from shared.db import is_transient, sqlstate
        from shared.observability import current_correlation_id

        if (sqlstate(exc) or "").startswith("22"):
            # A data exception: the database refused a value as such (e.g. a NUL character in text).
            # Nothing was written; the sender can fix the value.
            return await _answer(request, 422, "invalid_value", "Data berisi karakter atau nilai yang tidak dapat "
                                 "disimpan (mis. karakter NUL).")
        if is_transient(exc):
            # The database is away (restart, failover): nothing was written; the client may simply retry.
            log.warning("database unavailable: %s", exc)
            return await _answer(request, 503, "unavailable", "Basis data sedang tidak tersedia; coba lagi sebentar.",
                                 headers={"Retry-After": "5"})
        log.exception("unhandled error")
        # Outside the request middleware: the reference a person can quote is put on the answer here.
        reference = current_correlation_id()
        return await _answer(request, 500, "internal_error", "Terjadi kesalahan pada server; coba lagi.",
                             headers={"x-correlation-id": reference} if reference else None, reference=reference)
