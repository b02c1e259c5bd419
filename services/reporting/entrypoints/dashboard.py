"""The ministry's dashboard page: server-rendered, Bahasa Indonesia, in the shared frame of every service (shared.web),
for a page session (identity's /masuk) or a bearer header (the ministry's tools)."""
from __future__ import annotations

import uuid
from pathlib import Path

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from fastapi.security import HTTPAuthorizationCredentials

from services.reporting.entrypoints import charts
from services.reporting.entrypoints import columns
from services.reporting.domain.satisfaction import SECTION_LABELS, SECTIONS
from services.reporting.entrypoints.http import report_args
from services.reporting.service_layer.cooperatives import GRADES
from services.reporting.service_layer import reports
from services.reporting.service_layer.scope import SAVINGS_AND_LOANS
from shared import pages
from shared.auth import Role, principal_from
from shared.deps import UowDep
from shared.errors import Forbidden, Invalid
from shared.web import page_templates
from shared.web.format import business_today

router = APIRouter(tags=["dashboard"], include_in_schema=False)
templates = page_templates(Path(__file__).parent / "templates", "reporting")


def percent(value) -> str:
    """A fraction (0.933) as "93,3%"; nothing to show as the kit's dash (the kit's `persen` takes percentages)."""
    return "–" if value is None else columns.percent(value)


def show(value, kind: str) -> str:
    return "–" if value is None else columns.show(value, kind)


templates.env.filters.update(percent=percent, show=show)
READERS = {Role.ADMIN, Role.TRAINING_STAFF, Role.VIEWER, Role.TRAINER, Role.DISTRICT_OFFICER}
REFUSED = "Dasbor hanya untuk pimpinan, admin provinsi, staf pelatihan, narasumber dan petugas dinas."


async def _principal(request: Request):
    """A bearer header (scripts, the ministry's tools) or identity's page session. Without a session a browser is
    sent to /masuk (SignInRequired); a role outside the readers gets the kit's 403 page in words."""
    auth = request.headers.get("authorization", "")
    if auth.lower().startswith("bearer "):
        principal = await principal_from(request, HTTPAuthorizationCredentials(scheme="Bearer", credentials=auth[7:]))
    else:
        principal = await pages.page_principal(request, tuple(READERS), REFUSED)
    if principal.role not in READERS:
        raise Forbidden(REFUSED)
    return principal


def _year(text: str | None) -> int | None:
    """?fiscal_year= as a person might type it; a refusal that names the field in words, not `fiscal_year`."""
    if text in (None, ""):
        return None
    if not (text.strip().isdigit() and 2000 <= int(text) <= 2100):
        raise Invalid(f"Tahun anggaran “{text.strip()[:20]}” tidak dikenal.",
                      fields=[{"field": "fiscal_year", "label": "Tahun anggaran",
                               "message": "tulis tahunnya dengan angka antara 2000 dan 2100, mis. 2026"}])
    return int(text)


def _programme(text: str | None) -> uuid.UUID | None:
    if text in (None, ""):
        return None
    try:
        return uuid.UUID(text)
    except ValueError:
        raise Invalid("Program tidak dikenal.", fields=[{"field": "programme_id", "label": "Program",
                                                         "message": "buka dasbor dari tautan yang tersedia"}]) from None


@router.get("/dasbor", response_class=HTMLResponse)
async def dashboard(request: Request, uow: UowDep, fiscal_year: str | None = Query(default=None, max_length=20),
                    programme_id: str | None = Query(default=None, max_length=64)):
    principal = await _principal(request)
    fiscal_year, programme_id = _year(fiscal_year), _programme(programme_id)
    async with uow:
        year = fiscal_year or await reports.latest_fiscal_year(uow.session) or business_today().year
        report = await reports.everything(uow.session, **report_args(request, year, programme_id))
    summary = report["summary"]
    district_items = [(r["label"].removeprefix("Kabupaten "), r["cooperatives_trained"],
                       f'{show(r["cooperatives_trained"], "int")} kop. ({percent(r["coverage"])})')
                      for r in report["districts"]]
    sector_items = [(r["label"], r["cooperatives_trained"], f'{show(r["cooperatives_trained"], "int")} kop.')
                    for r in report["sectors"] if r["cooperatives_trained"] or r["participants_enrolled"]]
    batch_items = [(r["code"] or "tanpa kode", r["completion_rate"] or 0,
                    f'{percent(r["completion_rate"])} ({show(r["participants_completed"], "int")} dari '
                    f'{show(r["participants_enrolled"], "int")})' if r["completion_rate"] is not None else
                    f'belum diputuskan ({show(r["participants_enrolled"], "int")} peserta)')
                   for r in report["batches"]]
    context = {
        "year": year, "summary": summary, "districts": report["districts"], "batches": report["batches"],
        "progress_chart": charts.progress_bar(summary["cooperatives_trained"], summary["target_cooperatives"]),
        "district_chart": charts.bar_chart(district_items, title="Koperasi terlatih per kabupaten/kota"),
        "sector_chart": charts.bar_chart(sector_items, color=charts.GREEN, highlight={SAVINGS_AND_LOANS},
                                         title="Koperasi terlatih per sektor"),
        "absorption_chart": charts.absorption_chart(summary["absorption"], summary["budget"]["allocation"],
                                                    year),
        "batch_chart": charts.bar_chart(batch_items, title="Kelulusan per angkatan"),
        "principal": principal,
        **_budget_cards(report["budget_report"]), **_learning_cards(report),
        **_cooperative_cards(report["cooperatives_report"]),
    }
    return templates.TemplateResponse(request, "dashboard.html", context, headers={"Cache-Control": "no-store"})


def _short(label: str) -> str:
    return label.removeprefix("Kabupaten ")


def _budget_cards(budget: dict) -> dict:
    """The DAK budget of closed batches by component (plan against realisation) and by triwulan; nothing closed
    yet is "Belum ada data.", never a row of zeros."""
    closed = budget["batches_closed"] > 0
    quarters = [{**q, "absorption": q["realised"] / q["planned"] if q["planned"] else None}
                for q in budget["quarters"]] if closed else []
    return {"budget": budget, "quarters": quarters,
            "component_chart": charts.plan_bars([(c["label"], c["planned"], c["realised"])
                                                 for c in budget["components"]] if closed else [],
                                                title="Rencana dan realisasi per komponen DAK"),
            "budget_districts": [d for d in budget["districts"] if d["planned"] or d["realised"]]}


def _learning_cards(report: dict) -> dict:
    """Pre/post-test averages with the kabupaten/kota that gained most, and the participants' evaluation."""
    learning, satisfaction = report["learning_report"], report["satisfaction_report"]
    scored = [d for d in learning["districts"] if d["participants_with_pre"] or d["participants_with_post"]]
    scored.sort(key=lambda d: (d["average_gain"] is None, -(d["average_gain"] or 0), d["label"]))
    sections = [(SECTION_LABELS[name], satisfaction[f"mean_{name}"]) for name in SECTIONS]
    people = sorted(satisfaction["narasumber"], key=lambda p: (-(p["mean"] or 0), p["label"]))
    return {"learning": learning, "learning_districts": [{**d, "label": _short(d["label"])} for d in scored[:5]],
            "satisfaction": satisfaction, "sections": sections, "narasumber": people}


def _cooperative_cards(cooperatives: dict) -> dict:
    """Registered cooperatives: active and inactive, members by sex, ODS grades, per kabupaten/kota."""
    grades = [(f"Nilai {g}", cooperatives[f"grade_{g.lower()}"], f'{show(cooperatives[f"grade_{g.lower()}"], "int")}'
               f' koperasi') for g in GRADES] + [("Tanpa nilai", cooperatives["grade_none"],
                                                  f'{show(cooperatives["grade_none"], "int")} koperasi')]
    registered = cooperatives["registered"] > 0
    return {"cooperatives": cooperatives,
            "grade_chart": charts.bar_chart(grades if registered else [], color=charts.GREEN,
                                            title="Sebaran nilai ODS koperasi"),
            "cooperative_rows": [{**r, "label": _short(r["label"])} for r in cooperatives["rows"] if r["registered"]]}
