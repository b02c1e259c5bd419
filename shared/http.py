"""The FastAPI app every service starts from: lifespan, /healthz, /readyz, /metrics, errors, request ids."""
from __future__ import annotations

import json
import time
import uuid
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, Counter, Histogram, generate_latest

from shared.errors import error_body
from shared.http_errors import install_error_handlers
from shared.observability import RegistryView, bind_correlation
from shared.runtime import ServiceRuntime


def create_app(runtime: ServiceRuntime, *, title: str, description: str, routers=(), start_background: bool = True,
               page_sign_in: bool = True, migrate_on_start: bool = True) -> FastAPI:
    """`page_sign_in`: pages send a visitor without a session to identity's /masuk (identity itself says False).
    `migrate_on_start`: False for a service whose own lifespan migrates before this one starts (reporting)."""
    @asynccontextmanager
    async def lifespan(app: FastAPI):
        await runtime.start(migrate_db=migrate_on_start, run_relay=start_background, run_consumers=start_background)
        try:
            yield
        finally:
            await runtime.stop()

    # The API's description goes with its docs: off in production unless SIPELKOP_API_DOCS=true (a map of every
    # route is not for the front door's public).
    docs = runtime.settings.api_docs_enabled
    app = FastAPI(title=title, description=description, version="1.0.0", lifespan=lifespan,
                  openapi_url="/openapi.json" if docs else None, docs_url=None, redoc_url=None)
    app.state.runtime = runtime
    app.state.settings = runtime.settings
    app.state.verifier = runtime.verifier
    install_error_handlers(app)
    from shared.web import install_web

    install_web(app, runtime.name)
    if page_sign_in:
        from shared.pages import install_page_sign_in

        install_page_sign_in(app)
    _instrument(app, runtime)

    @app.get("/healthz", tags=["ops"], summary="Proses hidup")
    async def healthz() -> dict:
        return {"status": "ok", "service": runtime.name}

    @app.get("/readyz", tags=["ops"], summary="Basis data dan Kafka terjangkau")
    async def readyz():
        checks = await runtime.readiness()
        ok = all(checks.values())
        return JSONResponse({"status": "ready" if ok else "not_ready", "checks": checks}, status_code=200 if ok else 503)

    @app.get("/asyncapi.json", tags=["ops"], summary="AsyncAPI: event yang diterbitkan dan dikonsumsi")
    async def asyncapi() -> dict:
        return runtime.asyncapi()

    @app.get("/metrics", tags=["ops"], include_in_schema=False)
    async def metrics():
        from starlette.responses import Response

        # Public (the front door forwards it): process, HTTP and messaging metrics; business figures are not here.
        return Response(generate_latest(RegistryView(runtime.registry)), media_type=CONTENT_TYPE_LATEST)

    from shared.ops_routes import router as ops_router

    app.include_router(ops_router)
    for router in routers:
        app.include_router(router)
    _document_errors(app)
    return app


ERROR_SCHEMA = {
    "type": "object", "required": ["error"],
    "properties": {"error": {"type": "object", "required": ["code", "message", "fields"], "properties": {
        "code": {"type": "string"}, "message": {"type": "string"},
        "fields": {"type": "array", "items": {"type": "object", "required": ["field", "message"], "properties": {
            "field": {"type": "string"}, "message": {"type": "string"}}}}}}},
}
ERROR_STATUSES = {"400": "Permintaan tidak sah", "401": "Tanpa token atau token tidak sah",
                  "403": "Di luar peran atau wilayah Anda", "404": "Tidak ditemukan",
                  "409": "Ditolak oleh aturan", "413": "Permintaan terlalu besar",
                  "422": "Data tidak sah (kolom dan alasannya)", "503": "Basis data atau Kafka tidak tersedia"}


def _document_errors(app: FastAPI) -> None:
    """OpenAPI says what the API really answers: one error shape for every 4xx/5xx, not FastAPI's default 422."""
    def openapi() -> dict:
        if app.openapi_schema:
            return app.openapi_schema
        from fastapi.openapi.utils import get_openapi

        schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
        schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
        ref = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
        for path_item in schema.get("paths", {}).values():
            for operation in path_item.values():
                responses = operation.setdefault("responses", {})
                for status, text in ERROR_STATUSES.items():
                    responses[status] = {"description": text, **ref}
        for name in ("HTTPValidationError", "ValidationError"):
            schema["components"]["schemas"].pop(name, None)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi


# No inline script anywhere (the pages' scripts are files under each service's static paths); styles may be inline
# (each page's own block). /docs is Swagger UI, which starts itself with an inline script: it alone may run one.
CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                           "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
                           "base-uri 'self'; frame-ancestors 'none'")
DOCS_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")
HSTS = b"max-age=31536000; includeSubDomains"


def _security_headers(docs: bool, https: bool) -> list[tuple[bytes, bytes]]:
    headers = [(b"content-security-policy", (DOCS_CONTENT_SECURITY_POLICY if docs else CONTENT_SECURITY_POLICY).encode()),
               (b"x-content-type-options", b"nosniff"), (b"x-frame-options", b"DENY"),
               (b"referrer-policy", b"same-origin"), (b"cross-origin-opener-policy", b"same-origin")]
    return headers + [(b"strict-transport-security", HSTS)] if https else headers


# Built once, not per request: keyed by (under /docs, over HTTPS).
_SECURITY_HEADERS = {(docs, https): _security_headers(docs, https) for docs in (False, True) for https in (False, True)}


class SecurityHeaders:
    """Security headers on every answer, pages and API alike; a header the route set itself is kept.

    Strict-Transport-Security only on a request that came over HTTPS: uvicorn sets the scheme from
    X-Forwarded-Proto only when the front door is one of SIPELKOP_TRUSTED_PROXIES, so a client cannot ask for it
    over plain HTTP (a laptop's http://127.0.0.1 is never pinned to HTTPS)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        added = _SECURITY_HEADERS[(scope.get("path", "").startswith("/docs"), scope.get("scheme") == "https")]

        async def with_headers(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers += [(name, value) for name, value in added if name not in present]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)


class BodyLimit:
    """Counts the bytes of a body as they arrive: a chunked upload without Content-Length stops at the limit too."""

    def __init__(self, app, limit: int):
        self.app, self.limit = app, limit

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        received, refused = 0, False

        async def limited_receive():
            nonlocal received, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    # Answer 413 now and tell the app the client left: it stops reading, and whatever it
                    # answers is dropped below.
                    refused = True
                    body = json.dumps(error_body("payload_too_large",
                                                 f"Permintaan melebihi batas {self.limit} byte.")).encode()
                    await send({"type": "http.response.start", "status": 413,
                                "headers": [(b"content-type", b"application/json"),
                                            (b"content-length", str(len(body)).encode())]})
                    await send({"type": "http.response.body", "body": body})
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message):
            if not refused:
                await send(message)

        await self.app(scope, limited_receive, guarded_send)


class Observe:
    """Metrics and correlation ids for every HTTP request, as a pure ASGI middleware: Starlette's
    `BaseHTTPMiddleware` (`@app.middleware("http")`) ran each endpoint in a task of its own and streamed every
    answer through memory channels, about a millisecond of CPU per request (issue 19's profile).

    A declared body over the limit is refused here, before it is read (BodyLimit, inside, counts a chunked one).
    Otherwise the correlation id (the client's X-Correlation-Id or a new one) is bound for the request's logs and
    events and echoed on the answer; the answer is counted and timed by route template when it starts, as before.
    An exception the app lets through is neither counted nor given the header (the outermost 500 handler answers it,
    with the bound id)."""

    def __init__(self, app, *, service: str, limit: int, requests: Counter, latency: Histogram):
        self.app, self.service, self.limit = app, service, limit
        self.requests, self.latency = requests, latency

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        length = correlation = None
        for name, value in scope["headers"]:
            if name == b"content-length" and length is None:  # the first of a repeated header, as Starlette reads it
                length = value
            elif name == b"x-correlation-id" and correlation is None:
                correlation = value.decode("latin-1")
        if length is not None and length.isdigit() and int(length) > self.limit:
            answer = JSONResponse(error_body("payload_too_large", f"Permintaan melebihi batas {self.limit} byte."),
                                  status_code=413)
            return await answer(scope, receive, send)
        correlation = correlation or str(uuid.uuid4())
        bind_correlation(correlation)
        echoed = correlation.encode("latin-1")
        started = time.perf_counter()

        async def observed_send(message):
            if message["type"] == "http.response.start":
                route = scope.get("route")
                path = getattr(route, "path", "unmatched")
                method = scope["method"]
                self.requests.labels(self.service, method, path, str(message["status"])).inc()
                self.latency.labels(self.service, method, path).observe(time.perf_counter() - started)
                headers = [(k, v) for k, v in message.get("headers", ()) if k.lower() != b"x-correlation-id"]
                headers.append((b"x-correlation-id", echoed))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, observed_send)


def _instrument(app: FastAPI, runtime: ServiceRuntime) -> None:
    requests = Counter("sipelkop_http_requests", "HTTP requests", ["service", "method", "route", "status"],
                       registry=runtime.registry)
    latency = Histogram("sipelkop_http_request_duration_seconds", "HTTP request latency", ["service", "method", "route"],
                        registry=runtime.registry)
    limit = runtime.settings.max_request_bytes
    app.add_middleware(BodyLimit, limit=limit)
    app.add_middleware(Observe, service=runtime.name, limit=limit, requests=requests, latency=latency)
    app.add_middleware(SecurityHeaders)  # outermost: the early 413s carry the headers too


def file_download(media_type: str, description: str = "Berkas") -> dict:
    """Route keyword arguments for a file download, so OpenAPI says what really comes back (not JSON)."""
    from starlette.responses import Response

    return {"response_class": Response,
            "responses": {200: {"description": description,
                                "content": {media_type: {"schema": {"type": "string", "format": "binary"}}}}}}
