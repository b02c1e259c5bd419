"""What every page needs: the templates, the signed-in officer (identity's session, see shared.pages), CSRF tokens
and turning refusals into inline field errors."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import Depends, Request

from services.registration.domain.reference import sectors
from shared import pages
from shared.auth import Principal, Role
from shared.web import page_templates

templates = page_templates(Path(__file__).parent / "templates", "registration")
templates.env.globals.update(
    sector_name=lambda code: sectors().get(code, code),
    # What a batch's or a nomination's state is called on a page.
    batch_status={"scheduled": "dijadwalkan", "cancelled": "dibatalkan", "closed": "selesai"},
    enrollment_status={"enrolled": "terdaftar", "waitlisted": "daftar tunggu", "cancelled": "dibatalkan"},
)


async def page_principal(request: Request) -> Principal:
    """The signed-in admin or district officer; without a session, to identity's /masuk and back."""
    return await pages.page_principal(request, (Role.ADMIN, Role.DISTRICT_OFFICER),
                                      "Halaman ini untuk petugas dinas kabupaten/kota dan admin provinsi.")


PagePrincipal = Annotated[Principal, Depends(page_principal)]


async def batch_page_principal(request: Request) -> Principal:
    """The batch page and its day-one substitution form also serve the UPTD's training staff (the other pages, the
    registry of a district, stay with its officers and admins)."""
    return await pages.page_principal(request, (Role.ADMIN, Role.DISTRICT_OFFICER, Role.TRAINING_STAFF),
                                      "Halaman ini untuk petugas dinas, staf pelatihan UPTD dan admin provinsi.")


BatchPagePrincipal = Annotated[Principal, Depends(batch_page_principal)]


async def checked_form(request: Request, principal: Principal | None = None) -> dict:
    principal = principal or await page_principal(request)
    return await pages.checked_form(request, principal)


def render(request: Request, name: str, principal: Principal | None, status_code: int = 200, **context):
    return templates.TemplateResponse(request, name, {"principal": principal, "csrf": pages.csrf_token(principal),
                                                      "sign_out": pages.sign_out_url(request), **context},
                                      status_code=status_code)


# Inline messages per field plus a summary line: the page kit's one way (rules over several fields in the summary).
field_errors = pages.form_errors


def blank_to_none(form: dict, *names: str) -> dict:
    return {key: (None if key in names and value == "" else value) for key, value in form.items()}
