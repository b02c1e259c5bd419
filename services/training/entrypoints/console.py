"""The UPTD's console (/konsol): training staff and admins plan the year's programme, build batches and their
agenda with narasumber, name the signing officials, follow the roster, close batches and look after certificates,
on pages that work without JavaScript (forms post and come back with inline errors in Bahasa).

Thin like the API beside it: read the form, call the same use case (service_layer), render or redirect. A refusal
of a use case comes back as the form with the field marked; one that is not about a form field is a notice."""
from __future__ import annotations

import uuid
from collections import defaultdict

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse
from pydantic import ValidationError

from services.training.entrypoints.deps import SettingsDep, UowDep
from services.training.entrypoints.pages import templates
from services.training.schemas import (BatchCancel, BatchClose, BatchCreate, BatchUpdate, ProgrammeCreate,
                                       ProgrammeUpdate, SessionCreate)
from services.training.schemas_people import OfficialCreate, TrainerCreate, TrainerUpdate
from services.training.service_layer import (batches, certificates, closing, completion, evaluation, officials,
                                             programmes, roster, scores, sessions, trainer_accounts, trainers)
from shared import pages
from shared.auth import Principal, Role
from shared.clock import business_today
from shared.errors import DomainError
from shared.regions import districts

router = APIRouter(prefix="/konsol", include_in_schema=False)
CONSOLE_ROLES = (Role.ADMIN, Role.TRAINING_STAFF)
BATCH_STATUS = {"scheduled": ("terjadwal", ""), "cancelled": ("dibatalkan", "bad"), "closed": ("ditutup", "ok")}
SESSION_STATUS = {"open": "terbuka", "completed": "ditutup"}  # open: attendance may still be marked
MONTHS = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
          "November", "Desember")


async def staff(request: Request) -> Principal:
    return await pages.page_principal(request, CONSOLE_ROLES,
                                      "Konsol pelatihan hanya untuk staf pelatihan UPTD dan admin provinsi.")


def render(request: Request, name: str, principal: Principal, status_code: int = 200, **context):
    return templates.TemplateResponse(request, f"konsol/{name}", {
        "principal": principal, "csrf": pages.csrf_token(principal), "batch_status": BATCH_STATUS,
        "session_status": SESSION_STATUS, "district_choices": list(districts().items()),
        "registration_url": request.app.state.settings.registration_url, **context},
        status_code=status_code, headers={"Cache-Control": "no-store"})


def see(path: str, message: str = "") -> RedirectResponse:
    """Back to a console page with a notice (the query before the fragment: "/angkatan/…?pesan=…#jadwal")."""
    from urllib.parse import quote

    path, _, fragment = path.partition("#")
    return RedirectResponse(f"/konsol{path}" + (f"?pesan={quote(message)}" if message else "")
                            + (f"#{fragment}" if fragment else ""), status_code=303)


def _blank(value):
    return None if value in ("", None) else value


def _district_numbers(form: dict, prefix: str) -> dict[str, int | str]:
    """Fields such as "kuota_64.02" → {"64.02": "5"} (pydantic turns the numbers into ints, or says why not)."""
    return {key.removeprefix(prefix): value for key, value in form.items()
            if key.startswith(prefix) and str(value).strip() != ""}


async def _form(request: Request, principal: Principal) -> tuple[dict, list[str]]:
    """The posted form (CSRF checked), with its repeated fields (the districts' checkboxes) kept as a list."""
    raw = await request.form()
    form = await pages.checked_form(request, principal)
    return form, raw.getlist("eligible_districts")


# --- the year ----------------------------------------------------------------------------------------------------

@router.get("")
async def home(request: Request, uow: UowDep, tahun: int | None = None, pesan: str | None = None):
    principal = await staff(request)
    year = tahun if tahun and 2000 <= tahun <= 2100 else business_today().year
    async with uow:
        plans = await programmes.list_programmes(uow.session, year)
        rows = [b for b in await batches.list_batches(uow.session, principal) if b.fiscal_year == year]
        rows.sort(key=lambda b: (b.start_date, b.code))
        seats = {b.id: len(await roster.active_roster(uow.session, b.id)) for b in rows}
        calendar = defaultdict(list)
        for b in rows:
            calendar[b.start_date.month].append(b)
        return render(request, "beranda.html", principal, year=year, programmes=plans, batches=rows, seats=seats,
                      calendar=[(MONTHS[m - 1], calendar.get(m, [])) for m in range(1, 13)], message=pesan,
                      today=business_today())


# --- programmes --------------------------------------------------------------------------------------------------

def _programme_values(form: dict) -> dict:
    return {"name": form.get("name", ""), "fiscal_year": form.get("fiscal_year", ""),
            "funding_source": form.get("funding_source", ""), "allocation": form.get("allocation", ""),
            "target_cooperatives": form.get("target_cooperatives", ""),
            "district_targets": _district_numbers(form, "target_kab_")}


@router.get("/program/baru")
async def programme_new(request: Request):
    principal = await staff(request)
    return render(request, "program.html", principal, values={"fiscal_year": business_today().year,
                                                              "funding_source": "DAK", "district_targets": {}},
                  errors={}, programme=None)


@router.post("/program/baru")
async def programme_create(request: Request, uow: UowDep):
    principal = await staff(request)
    form, _ = await _form(request, principal)
    values = _programme_values(form)
    try:
        data = ProgrammeCreate.model_validate(values)
        async with uow:
            year = (await programmes.plan_programme(uow, principal=principal, data=data)).fiscal_year
    except (ValidationError, DomainError) as exc:
        errors, problem = pages.form_errors(exc)
        return render(request, "program.html", principal, status_code=422, values=values, errors=errors,
                      problem=problem, programme=None)
    return RedirectResponse(f"/konsol?tahun={year}&pesan=Program+tersimpan.", status_code=303)


@router.get("/program/{programme_id}/ubah")
async def programme_edit(request: Request, programme_id: uuid.UUID, uow: UowDep):
    principal = await staff(request)
    async with uow:
        plan = await programmes.get_programme(uow.session, programme_id)
        values = programmes.to_read(plan)
    return render(request, "program.html", principal, values=values, errors={}, programme=values)


@router.post("/program/{programme_id}/ubah")
async def programme_update(request: Request, programme_id: uuid.UUID, uow: UowDep):
    principal = await staff(request)
    form, _ = await _form(request, principal)
    values = _programme_values(form)
    try:
        data = ProgrammeUpdate.model_validate({k: v for k, v in values.items() if k != "fiscal_year"})
        async with uow:
            year = (await programmes.update_programme(uow, principal=principal, programme_id=programme_id,
                                                             data=data)).fiscal_year
    except (ValidationError, DomainError) as exc:
        errors, problem = pages.form_errors(exc)
        return render(request, "program.html", principal, status_code=422, values=values, errors=errors,
                      problem=problem, programme={"id": programme_id, **values})
    return RedirectResponse(f"/konsol?tahun={year}&pesan=Program+diperbarui.", status_code=303)


# --- batches -----------------------------------------------------------------------------------------------------

async def _choices(session) -> dict:
    today = business_today()
    return {"programme_choices": await programmes.list_programmes(session),
            "official_choices": [o for o in await officials.list_officials(session)
                                 if o.active_until is None or o.active_until >= today.replace(month=1, day=1)]}


def _batch_values(form: dict, eligible: list[str]) -> dict:
    values = {key: _blank(form.get(key)) for key in (
        "code", "title", "programme_id", "venue", "start_date", "end_date", "capacity", "planned_budget",
        "completion_min_percent", "completion_min_post_test", "signing_official_id", "co_signer_id",
        "eligibility")}
    values["eligible_districts"] = eligible
    values["district_quotas"] = _district_numbers(form, "kuota_")
    return values


@router.get("/angkatan/baru")
async def batch_new(request: Request, uow: UowDep):
    principal = await staff(request)
    async with uow:
        choices = await _choices(uow.session)
        return render(request, "angkatan_form.html", principal, batch=None, errors={}, **choices,
                      values={"completion_min_percent": 100, "eligible_districts": [], "district_quotas": {},
                              "eligibility": "koperasi",
                              "capacity": 30})


@router.post("/angkatan/baru")
async def batch_create(request: Request, uow: UowDep, settings: SettingsDep):
    principal = await staff(request)
    form, eligible = await _form(request, principal)
    values = _batch_values(form, eligible)
    try:
        data = BatchCreate.model_validate({k: v for k, v in values.items() if v is not None})
        async with uow:
            batch_id = (await batches.schedule_batch(uow, principal=principal, data=data,
                                                     jp_minutes=settings.jp_minutes)).id
    except (ValidationError, DomainError) as exc:
        errors, problem = pages.form_errors(exc)
        async with uow:
            choices = await _choices(uow.session)
            return render(request, "angkatan_form.html", principal, status_code=422, batch=None, values=values,
                          errors=errors, problem=problem, **choices)
    return see(f"/angkatan/{batch_id}", "Angkatan terjadwal. Susun jadwal acaranya di bawah.")


@router.get("/angkatan/{batch_id}")
async def batch_page(request: Request, batch_id: uuid.UUID, uow: UowDep, pesan: str | None = None):
    principal = await staff(request)
    async with uow:
        return await _batch_page(request, uow.session, principal, batch_id, message=pesan)


async def _batch_page(request, session, principal, batch_id, *, status_code: int = 200, **context):
    batch = await batches.get_batch(session, batch_id)
    agenda = await sessions.sessions_with_counts(session, batch_id)
    people = await roster.active_roster(session, batch_id)
    certs = await certificates.batch_certificates(session, principal=principal, batch_id=batch_id)
    names = {o.id: o for o in await officials.list_officials(session)}
    overview = None
    if any(s["status"] == "completed" for s in agenda):
        overview = await completion.completion_overview(session, principal=principal, batch_id=batch_id)
    context.setdefault("session_errors", {})
    proposal = await closing.closing_proposal(session, batch_id=batch_id, components=request.app.state.settings
                                              .components) if batch.status != "cancelled" else None
    context.setdefault("close_values", {f"{kind}_{line['component']}": line[kind] or ""
                                        for line in (proposal or {}).get("components", [])
                                        for kind in ("planned", "realised")})
    context.setdefault("close_errors", {})
    context.setdefault("session_values", {"date": batch.start_date.isoformat(), "start_time": "08:00",
                                          "end_time": "09:30"})
    score_sheet = await scores.score_sheet(session, principal=principal, batch_id=batch_id)
    context.setdefault("score_rows", {str(r["participant_id"]): r for r in score_sheet["scores"]})
    context.setdefault("score_sheet", score_sheet)
    found = await evaluation.results(session, batch_id)
    context.setdefault("evaluation_summary", evaluation.results_read(
        batch, found, await scores.results_of(session, batch_id)) if found is not None else None)
    return render(request, "angkatan.html", principal, status_code=status_code, batch=batch, agenda=agenda,
                  people=people, certificates=certs, officials=names, overview=overview, closing=proposal,
                  total_jp=sum(s["jp"] or 0 for s in agenda), narasumber=await trainers.list_trainers(
                      session, principal), **context)


@router.get("/angkatan/{batch_id}/ubah")
async def batch_edit(request: Request, batch_id: uuid.UUID, uow: UowDep):
    principal = await staff(request)
    async with uow:
        batch = await batches.get_batch(uow.session, batch_id)
        values = {c: getattr(batch, c) for c in (
            "code", "title", "programme_id", "venue", "start_date", "end_date", "capacity", "planned_budget",
            "completion_min_percent", "completion_min_post_test", "signing_official_id", "co_signer_id",
            "eligible_districts",
            "district_quotas", "eligibility")}
        choices = await _choices(uow.session)
        return render(request, "angkatan_form.html", principal, batch=batch, values=values, errors={}, **choices)


@router.post("/angkatan/{batch_id}/ubah")
async def batch_update(request: Request, batch_id: uuid.UUID, uow: UowDep):
    principal = await staff(request)
    form, eligible = await _form(request, principal)
    values = _batch_values(form, eligible)
    try:
        # Empty official fields mean "none" (back to the default signer); the rest only when given.
        sent = {k: v for k, v in values.items()
                if v is not None or k in ("signing_official_id", "co_signer_id", "completion_min_post_test")}
        data = BatchUpdate.model_validate(sent)
        async with uow:
            await batches.update_batch(uow, principal=principal, batch_id=batch_id, data=data)
    except (ValidationError, DomainError) as exc:
        errors, problem = pages.form_errors(exc)
        async with uow:
            batch = await batches.get_batch(uow.session, batch_id)
            choices = await _choices(uow.session)
            return render(request, "angkatan_form.html", principal, status_code=422, batch=batch, values=values,
                          errors=errors, problem=problem, **choices)
    return see(f"/angkatan/{batch_id}", "Angkatan diperbarui.")


@router.post("/angkatan/{batch_id}/sesi")
async def session_add(request: Request, batch_id: uuid.UUID, uow: UowDep, settings: SettingsDep):
    principal = await staff(request)
    form, _ = await _form(request, principal)
    values = {key: _blank(form.get(key)) for key in ("date", "start_time", "end_time", "topic", "trainer_id", "jp")}
    try:
        data = SessionCreate.model_validate({k: v for k, v in values.items() if v is not None})
        async with uow:
            added = await sessions.add_session(uow, principal=principal, batch_id=batch_id, data=data,
                                                   jp_minutes=settings.jp_minutes)
    except (ValidationError, DomainError) as exc:
        errors, problem = pages.form_errors(exc)
        async with uow:
            return await _batch_page(request, uow.session, principal, batch_id, status_code=422,
                                     session_errors=errors, session_values=values, problem=problem)
    return see(f"/angkatan/{batch_id}#jadwal", f"Sesi {added['number']} ditambahkan ({added['jp']} JP).")


@router.post("/angkatan/{batch_id}/sesi/{number}/hapus")
async def session_delete(request: Request, batch_id: uuid.UUID, number: int, uow: UowDep):
    principal = await staff(request)
    await _form(request, principal)
    try:
        async with uow:
            await sessions.delete_session(uow, principal=principal, batch_id=batch_id, number=number)
    except DomainError as exc:
        async with uow:
            return await _batch_page(request, uow.session, principal, batch_id, status_code=exc.status,
                                     problem=exc.message)
    return see(f"/angkatan/{batch_id}#jadwal", f"Sesi {number} dihapus.")


@router.post("/angkatan/{batch_id}/batal")
async def batch_cancel(request: Request, batch_id: uuid.UUID, uow: UowDep):
    return await _act(request, batch_id, uow, "Angkatan dibatalkan.", lambda uow, form, principal: batches.cancel_batch(
        uow, principal=principal, batch_id=batch_id,
        reason=BatchCancel.model_validate({"reason": form.get("reason", "")}).reason))


@router.post("/angkatan/{batch_id}/tutup")
async def batch_close(request: Request, batch_id: uuid.UUID, uow: UowDep):
    """The closing table: planned_<component> and realised_<component> per line; an empty cell is 0, and
    "57.450.000" is read as the number it is written as."""
    principal = await staff(request)
    form, _ = await _form(request, principal)
    components = request.app.state.settings.components
    values = {f"{kind}_{c.code}": str(form.get(f"{kind}_{c.code}", "")).strip()
              for c in components for kind in ("planned", "realised")}
    lines = [{"component": c.code, **{kind: _amount(values[f"{kind}_{c.code}"]) for kind in ("planned", "realised")}}
             for c in components]
    try:
        data = BatchClose.model_validate({"components": lines})
        async with uow:
            await closing.close_batch(uow, principal=principal, batch_id=batch_id, data=data, components=components)
    except (ValidationError, DomainError) as exc:
        errors, problem = pages.form_errors(exc)
        close_errors = {}
        for key, message in errors.items():  # "components.3.realised" is the cell realised_<fourth component>
            parts = key.split(".")
            if len(parts) == 3 and parts[1].isdigit() and int(parts[1]) < len(lines):
                key = f"{parts[2]}_{lines[int(parts[1])]['component']}"
            close_errors[key] = message
        async with uow:
            return await _batch_page(request, uow.session, principal, batch_id,
                                     status_code=getattr(exc, "status", 422), close_values=values,
                                     close_errors=close_errors, problem=problem)
    return see(f"/angkatan/{batch_id}", "Angkatan ditutup dengan realisasinya.")


def _amount(text: str):
    """A rupiah cell: empty is 0; "Rp 1.250.000" is 1250000; anything else goes to pydantic, which says why not."""
    text = text.removeprefix("Rp").strip()
    groups = text.split(".")
    if len(groups) > 1 and groups[0].isdigit() and len(groups[0]) <= 3 and all(
            len(g) == 3 and g.isdigit() for g in groups[1:]):
        text = "".join(groups)
    return text or 0


@router.post("/angkatan/{batch_id}/sertifikat/cabut")
async def certificate_revoke(request: Request, batch_id: uuid.UUID, uow: UowDep):
    async def revoke(uow, form, principal):
        reason = BatchCancel.model_validate({"reason": form.get("reason", "")}).reason
        return await certificates.revoke_certificate(uow, principal=principal, number=form.get("number", ""),
                                                     reason=reason)
    return await _act(request, batch_id, uow, "Sertifikat dicabut.", revoke)


@router.post("/angkatan/{batch_id}/sertifikat/terbitkan-ulang")
async def certificate_reissue(request: Request, batch_id: uuid.UUID, uow: UowDep):
    async def reissue(uow, form, principal):
        reason = BatchCancel.model_validate({"reason": form.get("reason", "")}).reason
        return await certificates.reissue_certificate(
            uow, principal=principal, number=form.get("number", ""), reason=reason,
            settings=certificates.CertificateSettings.of(request.app.state.settings))
    return await _act(request, batch_id, uow, "Sertifikat diterbitkan ulang dengan nomor baru; yang lama dicabut.",
                      reissue)


async def _act(request, batch_id, uow, done: str, action):
    """A one-button action on the batch page: done → back with a notice; refused → the page with the reason."""
    principal = await staff(request)
    form, _ = await _form(request, principal)
    try:
        async with uow:
            await action(uow, form, principal)
    except (ValidationError, DomainError) as exc:
        errors, problem = pages.form_errors(exc)
        detail = "; ".join(errors.values()) if isinstance(exc, ValidationError) else problem
        async with uow:
            return await _batch_page(request, uow.session, principal, batch_id, status_code=422,
                                     problem=f"Tidak dapat diproses: {detail}")
    return see(f"/angkatan/{batch_id}", done)


# --- narasumber and officials -------------------------------------------------------------------------------------

TRAINER_FIELDS = ("name", "institution", "nip", "nik", "npwp", "phone", "bank_name", "bank_account", "rate_per_jp",
                  "account_id", "code")
CODE_RULE = "isi 1–40 huruf, angka, titik, garis bawah atau tanda hubung, mis. NS-01"


def _trainer_values(form) -> dict:
    """The form's narasumber fields; the consent is a checkbox (unticked: not named in the evaluation's reports)."""
    values = {key: _blank(form.get(key)) for key in TRAINER_FIELDS}
    if values["code"] is not None:
        values["code"] = str(values["code"]).strip() or None
    return {**values, "named_in_reports": form.get("named_in_reports") == "true"}


def _trainer_errors(exc) -> tuple[dict[str, str], str]:
    errors, problem = pages.form_errors(exc)
    if "code" in errors and isinstance(exc, ValidationError):
        errors["code"] = CODE_RULE
    return errors, problem


async def _account_options(uow, trainer_id, current: str | None) -> list[tuple[str, str]]:
    """The "Akun pelatih" list: active trainer accounts not linked to another narasumber, by "Full name
    (username)"; the narasumber's own account stays listed even when identity deactivated it since."""
    async with uow:
        accounts = await trainer_accounts.choices(uow.session)
    options = [(a.account_id, f"{a.full_name} ({a.username})") for a in accounts
               if a.linked_trainer_id is None or str(a.linked_trainer_id) == str(trainer_id)]
    if current and current not in {value for value, _ in options}:
        options.insert(0, (current, "Akun yang tertaut sekarang (nonaktif atau belum dikenal)"))
    return options


async def _trainer_form(request, principal, uow, *, trainer, values, errors, status_code=200, problem=None):
    options = await _account_options(uow, (trainer or {}).get("id"), values.get("account_id"))
    return render(request, "narasumber_form.html", principal, status_code=status_code, trainer=trainer,
                  values=values, errors=errors, problem=problem, account_options=options)


def _status(exc) -> int:
    """A taken code is a conflict (409), as the API says; the rest of a refused form is 422."""
    return exc.status if isinstance(exc, DomainError) else 422


@router.get("/narasumber")
async def trainer_list(request: Request, uow: UowDep, q: str | None = None, pesan: str | None = None):
    principal = await staff(request)
    async with uow:
        rows = [trainers.to_read(t, principal) for t in await trainers.list_trainers(uow.session, principal, q)]
    return render(request, "narasumber.html", principal, rows=rows, q=q or "", message=pesan)


@router.get("/narasumber/baru")
async def trainer_new(request: Request, uow: UowDep):
    principal = await staff(request)
    return await _trainer_form(request, principal, uow, trainer=None, values={"rate_per_jp": 0}, errors={})


@router.post("/narasumber/baru")
async def trainer_create(request: Request, uow: UowDep):
    principal = await staff(request)
    form, _ = await _form(request, principal)
    values = _trainer_values(form)
    try:
        data = TrainerCreate.model_validate({k: v for k, v in values.items() if v is not None})
        async with uow:
            await trainers.register_trainer(uow, principal=principal, data=data)
    except (ValidationError, DomainError) as exc:
        errors, problem = _trainer_errors(exc)
        return await _trainer_form(request, principal, uow, status_code=_status(exc), trainer=None,
                                   values=values, errors=errors, problem=problem)
    return see("/narasumber", f"Narasumber {values['name']} tersimpan.")


@router.get("/narasumber/{trainer_id}/ubah")
async def trainer_edit(request: Request, trainer_id: uuid.UUID, uow: UowDep):
    principal = await staff(request)
    async with uow:
        trainer = trainers.to_read(await trainers.get_trainer(uow.session, trainer_id), principal)
    return await _trainer_form(request, principal, uow, trainer=trainer, values=trainer, errors={})


@router.post("/narasumber/{trainer_id}/ubah")
async def trainer_update(request: Request, trainer_id: uuid.UUID, uow: UowDep):
    principal = await staff(request)
    form, _ = await _form(request, principal)
    values = _trainer_values(form)
    # A masked value left as shown ("****3456") is not a change: only what the person typed anew is sent. An
    # emptied code keeps the one given (every narasumber has one).
    sent = {k: v for k, v in values.items() if v is not None and not str(v).startswith("*")}
    if values["account_id"] is None:
        sent["account_id"] = None  # "— tanpa akun —" chosen: the link goes
    try:
        data = TrainerUpdate.model_validate(sent)
        async with uow:
            await trainers.update_trainer(uow, principal=principal, trainer_id=trainer_id, data=data)
    except (ValidationError, DomainError) as exc:
        errors, problem = _trainer_errors(exc)
        return await _trainer_form(request, principal, uow, status_code=_status(exc), trainer={"id": trainer_id},
                                   values=values, errors=errors, problem=problem)
    return see("/narasumber", "Data narasumber diperbarui.")


@router.get("/pejabat")
async def official_list(request: Request, uow: UowDep, pesan: str | None = None):
    principal = await staff(request)
    async with uow:
        rows = await officials.list_officials(uow.session)
        return render(request, "pejabat.html", principal, rows=rows, values={"active_from": business_today()},
                      errors={}, message=pesan, today=business_today())


@router.post("/pejabat")
async def official_create(request: Request, uow: UowDep):
    principal = await staff(request)
    form, _ = await _form(request, principal)
    values = {key: _blank(form.get(key)) for key in ("name", "nip", "position", "active_from", "active_until")}
    try:
        data = OfficialCreate.model_validate({k: v for k, v in values.items() if v is not None})
        async with uow:
            await officials.appoint_official(uow, principal=principal, data=data)
    except (ValidationError, DomainError) as exc:
        errors, problem = pages.form_errors(exc)
        async with uow:
            rows = await officials.list_officials(uow.session)
            return render(request, "pejabat.html", principal, status_code=422, rows=rows, values=values,
                          errors=errors, problem=problem, today=business_today())
    return see("/pejabat", f"Pejabat {values['name']} tersimpan.")
