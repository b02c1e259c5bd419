"""The participants' evaluation of a batch (issue 15): its results (JSON and XLSX), the sheet of personal links
(PDF: downloading it makes new codes for every link not yet used, since only their hashes are kept), and the
public questionnaire at /evaluasi/{code}: no account, one answer per link, a light page that works without
JavaScript (evaluasi.js only keeps a half-filled form on the phone)."""
from __future__ import annotations

from pathlib import Path

import uuid

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, Response

from services.training.adapters.evaluation_pdf import LinkCard, LinkSheet, links_pdf
from services.training.adapters.evaluation_sheet import results_xlsx
from services.training.entrypoints.deps import Admin, SettingsDep, Staff, UowDep
from services.training.schemas_evaluation import EvaluationRead
from services.training.service_layer import evaluation, scores
from services.training.service_layer.papers import file_code
from shared.errors import DomainError, Invalid
from shared.http import file_download
from shared.rate_limit import app_rate_limited
from shared.web import page_templates
from shared.web.kit import wants_html

HERE = Path(__file__).parent
templates = page_templates(HERE / "templates", "training")
router = APIRouter(tags=["training"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SCRIPT_VERSION = 1  # bump when static/evaluasi.js changes (phones keep it a week)
MAX_FORM_BYTES = 64 * 1024  # a questionnaire of some dozens of items and a comment of 2.000 characters
# A batch answers from one hall, often behind the venue's one address: 30 participants opening, sending and
# correcting fit well inside; a code cannot be guessed (80-bit tag), so the limit only stops a flood.
FORM_LIMIT = Depends(app_rate_limited("evaluasi", limit=120, window_s=60))


async def _read(uow, principal, batch_id: uuid.UUID) -> dict:
    async with uow:
        batch, found = await evaluation.batch_evaluation(uow.session, principal=principal, batch_id=batch_id)
        return evaluation.results_read(batch, found, await scores.results_of(uow.session, batch_id))


@router.get("/api/v1/batches/{batch_id}/evaluation", response_model=EvaluationRead,
            summary="Hasil evaluasi peserta (per bagian, butir dan narasumber; tanpa nama) dan hasil pre/post-test")
async def get_evaluation(batch_id: uuid.UUID, principal: Staff, uow: UowDep):
    return await _read(uow, principal, batch_id)


@router.get("/api/v1/batches/{batch_id}/evaluation.xlsx", summary="Hasil evaluasi sebagai XLSX",
            **file_download(XLSX, "Hasil evaluasi (XLSX)"))
async def evaluation_workbook(batch_id: uuid.UUID, principal: Staff, uow: UowDep):
    read = await _read(uow, principal, batch_id)
    return Response(results_xlsx(read), media_type=XLSX, headers={
        "Content-Disposition": f'attachment; filename="evaluasi-{file_code(read["batch_code"])}.xlsx"'})


async def link_sheet(uow, principal, batch_id: uuid.UUID, settings) -> tuple[str, bytes]:
    """(file name, PDF) of fresh links for the batch's attendees; used by the API and the console's button."""
    async with uow:
        batch, rows = await evaluation.make_links(uow, principal=principal, batch_id=batch_id,
                                                  secret=settings.evaluation_key)
        sheet = LinkSheet(batch.title, batch.code, batch.venue, batch.start_date, batch.end_date, tuple(
            LinkCard(r.full_name, r.cooperative_name, f"{settings.public_base_url}/evaluasi/{r.code}" if r.code else None)
            for r in rows))
    return f"tautan-evaluasi-{file_code(sheet.batch_code)}.pdf", links_pdf(sheet)


@router.get("/api/v1/batches/{batch_id}/evaluation/links.pdf",
            summary="Lembar tautan evaluasi (QR dan tautan pendek per peserta yang hadir). Setiap unduhan membuat "
                    "tautan baru bagi yang belum mengisi; lembar sebelumnya tidak berlaku lagi",
            **file_download("application/pdf", "Lembar tautan (PDF)"))
async def evaluation_links(batch_id: uuid.UUID, principal: Admin, uow: UowDep, settings: SettingsDep):
    name, content = await link_sheet(uow, principal, batch_id, settings)
    return Response(content, media_type="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})


# --- the public questionnaire -------------------------------------------------------------------------------------

def _page(request: Request, name: str, status_code: int = 200, **context):
    return templates.TemplateResponse(request, name, {"principal": None, **context}, status_code=status_code,
                                      headers={"Cache-Control": "no-store", "Referrer-Policy": "no-referrer",
                                               "X-Robots-Tag": "noindex"})


def _form_page(request: Request, code: str, form, status_code: int = 200, values=None, errors=None, problem=None,
               comment: str = ""):
    from services.training.domain.evaluation import SCALE, SECTION_TITLES, key

    return _page(request, "evaluasi.html", status_code, form=form, code=code, values=values or {},
                 errors=errors or {}, refusal=problem, comment=comment, scale=SCALE, titles=SECTION_TITLES, key=key,
                 script_version=SCRIPT_VERSION)


@router.get("/evaluasi/{code}", include_in_schema=False, dependencies=[FORM_LIMIT])
async def questionnaire(request: Request, code: str, uow: UowDep, settings: SettingsDep):
    async with uow:
        form = await evaluation.open_form(uow.session, secret=settings.evaluation_key, code=code)
    if form.used:
        return _page(request, "evaluasi_selesai.html", 409, form=form, already=True)
    return _form_page(request, code, form)


@router.post("/evaluasi/{code}", dependencies=[FORM_LIMIT], summary="Jawaban kuesioner evaluasi (formulir publik, tanpa akun, sekali per "
                                          "tautan): q_<kode butir> bernilai 1–5, comment paling banyak 2.000 karakter",
             responses={404: {"description": "Tautan tidak dikenali"}, 409: {"description": "Sudah diisi"},
                        422: {"description": "Isian tidak valid"},
                        429: {"description": "Terlalu banyak permintaan dari alamat ini (120 per menit)"}})
async def answer(request: Request, code: str, uow: UowDep, settings: SettingsDep):
    async with uow:  # a tampered or unknown code is answered before the body is read
        form = await evaluation.open_form(uow.session, secret=settings.evaluation_key, code=code)
    html = wants_html(request)
    if form.used:
        if html:
            return _page(request, "evaluasi_selesai.html", 409, form=form, already=True)
        raise evaluation.AlreadyAnswered("Evaluasi dengan tautan ini sudah diisi.")
    if int(request.headers.get("content-length") or 0) > MAX_FORM_BYTES:
        raise Invalid("Isian terlalu panjang.", fields=[])
    posted = await request.form()
    values = {k.removeprefix("q_"): str(v) for k, v in posted.items() if k.startswith("q_")}
    comment = str(posted.get("comment") or "")
    try:
        async with uow:
            await evaluation.answer(uow, secret=settings.evaluation_key, code=code, values=values, comment=comment)
    except evaluation.AlreadyAnswered:
        if html:
            return _page(request, "evaluasi_selesai.html", 409, form=form, already=True)
        raise
    except DomainError as exc:
        if not html:
            raise
        return _form_page(request, code, form, exc.status, values=values, comment=comment, problem=exc.message,
                          errors={f["field"]: f["message"] for f in exc.fields})
    if html:
        return _page(request, "evaluasi_selesai.html", 200, form=form, already=False, script_version=SCRIPT_VERSION)
    return {"status": "tersimpan", "message": "Terima kasih, jawaban Anda sudah tersimpan."}


@router.get("/evaluasi-aset/evaluasi.js", include_in_schema=False)
async def questionnaire_script():
    return FileResponse(HERE / "static" / "evaluasi.js", media_type="text/javascript",
                        headers={"Cache-Control": "public, max-age=604800"})
