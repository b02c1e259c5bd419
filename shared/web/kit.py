"""Every service's pages start here: `page_templates(dir, service)` gives Jinja templates that extend the shared
frame (`sipelkop/layout.html`); `install_web(app, service)` serves the stylesheet and logo, the API docs without a
CDN, error pages for people, and a `/` that leads each person to their first page."""
from __future__ import annotations

import hashlib
from pathlib import Path
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, FileSystemLoader

from shared.auth import ACCESS_COOKIE, Principal
from shared.regions import district_name
from shared.web import catalogue
from shared.web.format import FILTERS
from shared.web.nav import home_url, links_for

HERE = Path(__file__).parent
STATIC = HERE / "static"
ASSET_VERSION = hashlib.sha256((STATIC / "sipelkop.css").read_bytes()).hexdigest()[:10]


def page_templates(directory: Path | str, service: str) -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(directory))
    templates.env.loader = ChoiceLoader([FileSystemLoader(str(directory)), FileSystemLoader(str(HERE / "templates"))])
    templates.env.filters.update(FILTERS)
    templates.env.globals.update(
        catalogue=catalogue, district_name=district_name, asset_version=ASSET_VERSION, service=service,
        navigation=lambda request, principal: links_for(principal, request.app.state.settings, service,
                                                         request.url.path),
    )

    original = templates.TemplateResponse

    def template_response(request, name, context=None, *args, **kwargs):
        context = dict(context or {})
        context.setdefault("principal", None)
        context.setdefault("identity_url", request.app.state.settings.identity_url)
        return original(request, name, context, *args, **kwargs)

    templates.TemplateResponse = template_response
    return templates


_TEMPLATES = page_templates(HERE / "templates", "")


async def optional_principal(request: Request) -> Principal | None:
    """The person behind the page cookie, if any (for the frame of an error page or the way home)."""
    token = request.cookies.get(ACCESS_COOKIE)
    verifier = getattr(request.app.state, "verifier", None)
    if not token or verifier is None:
        return None
    try:
        return await verifier.verify(token)
    except Exception:  # noqa: BLE001 (expired, revoked, keys away: the page is shown without a name)
        return None


def wants_html(request: Request) -> bool:
    """A browser navigating (Accept: text/html) gets a page; API clients (JSON, */*) keep the JSON error shape."""
    accept = request.headers.get("accept", "")
    return "text/html" in accept and not request.headers.get("authorization")


async def render_error(request: Request, status: int, message: str, fields: list[dict] | None = None,
                       headers: dict | None = None, reference: str | None = None) -> HTMLResponse:
    principal = await optional_principal(request)
    heading, advice = catalogue.error_page_text(status)
    settings = request.app.state.settings
    here = str(request.url)
    context = {"status": status, "heading": heading, "advice": advice,
               "detail": message if message and message not in (heading,) else "",
               "fields": fields or [], "reference": reference, "principal": principal,
               "home": home_url(principal, settings),
               "sign_in": f"{settings.identity_url}/masuk?next={quote(here, safe='')}"}
    headers = {k: v for k, v in (headers or {}).items() if k.lower() != "www-authenticate"}
    headers["Cache-Control"] = "no-store"
    return _TEMPLATES.TemplateResponse(request, "sipelkop/error.html", context, status_code=status, headers=headers)


def install_web(app: FastAPI, service: str) -> None:
    settings = app.state.settings
    app.state.error_page = render_error
    if settings.api_docs_enabled:
        import fastapi_offline  # only for its static files: Swagger UI 5, which reads OpenAPI 3.1

        # Before /aset: a mount matches by prefix, the first one wins.
        app.mount("/aset/swagger", StaticFiles(directory=Path(fastapi_offline.__file__).parent / "static"),
                  name="swagger")

        @app.get("/docs", include_in_schema=False)
        async def docs():
            return get_swagger_ui_html(openapi_url="/openapi.json", title=f"{app.title} · API",
                                       swagger_js_url="/aset/swagger/swagger-ui-bundle.js",
                                       swagger_css_url="/aset/swagger/swagger-ui.css",
                                       swagger_favicon_url="/aset/logo.svg")

    app.mount("/aset", StaticFiles(directory=str(STATIC)), name="aset")

    @app.get("/", include_in_schema=False)
    async def home(request: Request):
        principal = await optional_principal(request)
        if principal is None:
            back = str(request.base_url)
            return RedirectResponse(f"{settings.identity_url}/masuk?next={quote(back, safe='')}", status_code=303)
        return RedirectResponse(home_url(principal, settings), status_code=303)
