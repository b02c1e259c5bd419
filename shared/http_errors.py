"""How every service answers a refusal or a failure over HTTP: the JSON error shape for API clients, a page in the
product's frame for a browser (shared.web), 503 with Retry-After while the database is away, 500 with a reference."""
from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from shared.errors import DomainError, error_body, translate_validation

log = logging.getLogger("sipelkop.errors")


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
