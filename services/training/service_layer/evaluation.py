"""The participants' evaluation of a batch (issue 15): the questionnaire template (from data/evaluasi_default.json on
first use, then edited by admins), the personal links (made for whoever attended a session; making them again
replaces every link not yet used, as only a hash of each code is kept), the public form's answer (once per link,
anonymous), and the results, announced after each answer as EvaluationSummarised (no names, no comments)."""
from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import delete, func, select

from services.training.adapters.orm import AttendanceMark, Batch, RosterEntry, Session, Trainer
from services.training.adapters.orm_evaluation import EvaluationAnswer, EvaluationForm, EvaluationLink, TemplateItem
from services.training.domain import evaluation as rules
from services.training.service_layer import audit
from services.training.service_layer.batches import get_batch, teaches
from services.training.service_layer.roster import active_roster
from shared.auth import Principal, Role
from shared.errors import Conflict, Forbidden, Invalid, NotFound, field_error
from shared.events.evaluation import EvaluationSummarised
from shared.unit_of_work import UnitOfWork

DEFAULT_TEMPLATE = Path(__file__).resolve().parents[1] / "data" / "evaluasi_default.json"
MANAGES = (Role.ADMIN, Role.TRAINING_STAFF)
ATTENDED = ("hadir", "terlambat")
UNKNOWN_LINK = "Tautan evaluasi ini tidak dikenali. Periksa kembali tautan atau kode QR dari panitia."


def ensure_manages(principal: Principal) -> None:
    if principal.role not in MANAGES:
        raise Forbidden("Hanya staf pelatihan UPTD yang dapat mengelola evaluasi peserta.")


def ensure_may_read(principal: Principal, batch: Batch) -> None:
    """The UPTD's staff, and the batch's own trainers (they learn how their batch was judged)."""
    if principal.role not in MANAGES and not teaches(principal, batch):
        raise Forbidden("Hanya staf pelatihan UPTD atau narasumber angkatan ini yang dapat melihat hasil evaluasi.")


# --- the template -------------------------------------------------------------------------------------------------

async def template_items(session) -> list[TemplateItem]:
    """The questionnaire template in order; the default one is written on first use."""
    items = list((await session.scalars(select(TemplateItem).order_by(TemplateItem.position, TemplateItem.id))).all())
    if items:
        return items
    defaults = rules.template_items(json.loads(DEFAULT_TEMPLATE.read_text(encoding="utf-8")))
    for position, item in enumerate(defaults, start=1):
        session.add(TemplateItem(section=item.section, code=item.code, label=item.label, position=position * 10))
    await session.flush()
    return list((await session.scalars(select(TemplateItem).order_by(TemplateItem.position))).all())


def _item_fields(section: str, code: str, label: str) -> tuple[str, str, str]:
    code, label, fields = code.strip(), " ".join(label.split()), []
    if section not in rules.SECTIONS:
        fields.append(field_error("section", "pilih salah satu bagian kuesioner"))
    if not code or len(code) > 40 or not all(c.isalnum() or c in "-_." for c in code):
        fields.append(field_error("code", "isi 1–40 huruf atau angka, mis. P5"))
    if not label or len(label) > 300:
        fields.append(field_error("label", "isi pertanyaan, paling banyak 300 karakter"))
    if fields:
        raise Invalid("Butir kuesioner belum benar.", fields=fields)
    return section, code, label


async def add_item(uow: UnitOfWork, *, principal: Principal, section: str, code: str, label: str) -> None:
    ensure_manages(principal)
    section, code, label = _item_fields(section, code, label)
    items = await template_items(uow.session)
    if any(i.section == section and i.code == code for i in items):
        raise Conflict(f"Kode {code} sudah ada di bagian ini.", fields=[field_error("code", "sudah ada di bagian ini")])
    last = max((i.position for i in items if i.section == section), default=max((i.position for i in items), default=0))
    uow.session.add(TemplateItem(section=section, code=code, label=label, position=last + 1))
    audit.record(uow.session, principal, action="created", entity="evaluation_item", entity_id=f"{section}/{code}",
                 changes={"label": [None, label]})
    await uow.commit()


async def update_item(uow: UnitOfWork, *, principal: Principal, item_id: int, label: str) -> None:
    ensure_manages(principal)
    item = await _item(uow.session, item_id)
    _, _, label = _item_fields(item.section, item.code, label)
    if label != item.label:
        audit.record(uow.session, principal, action="updated", entity="evaluation_item",
                     entity_id=f"{item.section}/{item.code}", changes={"label": [item.label, label]})
        item.label = label
    await uow.commit()


async def remove_item(uow: UnitOfWork, *, principal: Principal, item_id: int) -> None:
    """Batches whose links are made keep their snapshot; only questionnaires made later lose the item."""
    ensure_manages(principal)
    item = await _item(uow.session, item_id)
    if len([i for i in await template_items(uow.session) if i.section == item.section]) == 1:
        raise Conflict("Butir terakhir sebuah bagian tidak dapat dihapus; ubah pertanyaannya saja.")
    audit.record(uow.session, principal, action="deleted", entity="evaluation_item",
                 entity_id=f"{item.section}/{item.code}", changes={"label": [item.label, None]})
    await uow.session.delete(item)
    await uow.commit()


async def _item(session, item_id: int) -> TemplateItem:
    item = await session.get(TemplateItem, item_id)
    if item is None:
        raise NotFound("Butir kuesioner tidak ditemukan.")
    return item


# --- links --------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class LinkRow:
    full_name: str
    cooperative_name: str
    code: str | None  # None: already answered (the code is not kept)


async def attendees(session, batch_id: uuid.UUID) -> list[RosterEntry]:
    """The active roster's participants marked present (or late) at one session at least."""
    present = set((await session.scalars(
        select(AttendanceMark.participant_id).join(Session, Session.id == AttendanceMark.session_id)
        .where(Session.batch_id == batch_id, AttendanceMark.status.in_(ATTENDED)).distinct())).all())
    return [e for e in await active_roster(session, batch_id) if e.participant_id in present]


async def _snapshot(session, batch_id: uuid.UUID) -> rules.Questionnaire:
    items = [rules.Item(i.section, i.code, i.label) for i in await template_items(session)]
    rows = (await session.execute(
        select(Trainer, func.min(Session.number)).join(Session, Session.trainer_id == Trainer.id)
        .where(Session.batch_id == batch_id).group_by(Trainer.id).order_by(func.min(Session.number)))).all()
    people = tuple(rules.Narasumber(t.id, t.code, t.name, bool(t.named_in_reports)) for t, _ in rows)
    return rules.Questionnaire(tuple(items), people)


async def make_links(uow: UnitOfWork, *, principal: Principal, batch_id: uuid.UUID, secret: str) -> tuple[
        Batch, list[LinkRow]]:
    """A link for every participant who attended a session: new codes for all not yet used (earlier printouts of
    those stop working), the answered ones listed without a code. The questionnaire is fixed the first time."""
    ensure_manages(principal)
    session = uow.session
    batch = await session.scalar(select(Batch).where(Batch.id == batch_id).with_for_update())
    if batch is None:
        raise NotFound("Angkatan tidak ditemukan.")
    if batch.status == "cancelled":
        raise Conflict("Angkatan ini sudah dibatalkan; tautan evaluasi tidak dibuat.")
    people = await attendees(session, batch_id)
    if not people:
        raise Conflict("Belum ada peserta yang hadir di satu sesi pun; tautan evaluasi dibuat setelah ada kehadiran.")
    if await session.get(EvaluationForm, batch_id) is None:
        session.add(EvaluationForm(batch_id=batch_id, questionnaire=(await _snapshot(session, batch_id)).to_data(),
                                   version=0, created_at=datetime.now(UTC), created_by=principal.subject))
    used = set((await session.scalars(select(EvaluationLink.participant_id).where(
        EvaluationLink.batch_id == batch_id, EvaluationLink.used.is_(True)))).all())
    await session.execute(delete(EvaluationLink).where(EvaluationLink.batch_id == batch_id,
                                                       EvaluationLink.used.is_(False)))
    rows = []
    for person in people:
        code = None
        if person.participant_id not in used:
            code = rules.new_code(secret)
            session.add(EvaluationLink(code_hash=rules.code_hash(code), batch_id=batch_id,
                                       participant_id=person.participant_id, used=False))
        rows.append(LinkRow(person.full_name, person.cooperative_name, code))
    audit.record(session, principal, action="created", entity="evaluation_links", entity_id=batch_id,
                 changes={"links": [None, sum(1 for r in rows if r.code)]})
    await uow.commit()
    return batch, rows


# --- the public form ----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class OpenForm:
    batch_title: str
    batch_code: str
    venue: str
    start_date: object
    end_date: object
    questionnaire: rules.Questionnaire
    used: bool


async def open_form(session, *, secret: str, code: str) -> OpenForm:
    """The questionnaire behind a personal code; a tampered or unknown code is not found."""
    link = await _link(session, secret, code)
    batch = await get_batch(session, link.batch_id)
    form = await session.get(EvaluationForm, link.batch_id)
    return OpenForm(batch.title, batch.code, batch.venue, batch.start_date, batch.end_date,
                    rules.Questionnaire.from_data(form.questionnaire), link.used)


async def _link(session, secret: str, code: str, *, lock: bool = False) -> EvaluationLink:
    if not rules.genuine(secret, code):
        raise NotFound(UNKNOWN_LINK)
    query = select(EvaluationLink).where(EvaluationLink.code_hash == rules.code_hash(code))
    link = await session.scalar(query.with_for_update() if lock else query)
    if link is None:
        raise NotFound(UNKNOWN_LINK)
    return link


class AlreadyAnswered(Conflict):
    """The link was used: the page says so, the API answers 409."""


async def answer(uow: UnitOfWork, *, secret: str, code: str, values: dict[str, str], comment: str | None) -> None:
    """Keep one answer (anonymous: the answer row names no one, the link row only turns used) and announce the
    batch's results. A second answer through the same link is refused, as is anything not 1–5 or a long comment."""
    session = uow.session
    link = await _link(session, secret, code, lock=True)
    if link.used:
        raise AlreadyAnswered("Evaluasi dengan tautan ini sudah diisi. Terima kasih atas jawaban Anda.")
    form = await session.scalar(select(EvaluationForm).where(EvaluationForm.batch_id == link.batch_id)
                                .with_for_update())
    questionnaire = rules.Questionnaire.from_data(form.questionnaire)
    try:
        checked = rules.check_answer(questionnaire, values, comment)
    except rules.AnswerProblem as problem:
        raise Invalid(f"Ada {len(problem.fields)} isian yang belum benar; jawaban belum disimpan.",
                      fields=[field_error(f, m) for f, m in problem.fields]) from None
    session.add(EvaluationAnswer(batch_id=link.batch_id, answers=checked.scores, comment=checked.comment))
    link.used = True
    form.version += 1
    await session.flush()
    results = await _results(session, link.batch_id, questionnaire)
    uow.emit(summarised(link.batch_id, results), subject=str(link.batch_id), aggregate_version=form.version)
    await uow.commit()


def summarised(batch_id: uuid.UUID, results: rules.Results) -> EvaluationSummarised:
    """The results without a comment or a respondent; a narasumber by name only with their consent."""
    def items(rows):
        return [{"section": r.item.section, "item": r.item.code, "label": r.item.label, "mean": r.mean,
                 "answers": r.answers} for r in rows if r.answers]

    return EvaluationSummarised(
        batch_id=batch_id, respondents=results.respondents, invited=results.invited, items=items(results.items),
        narasumber=[{"narasumber_id": n.narasumber.id, "code": n.narasumber.code,
                     "display_name": n.narasumber.name if n.narasumber.named else None, "mean": n.mean,
                     "answers": n.answers, "items": items(n.items)} for n in results.narasumber if n.answers],
        summarised_at=datetime.now(UTC))


# --- results ------------------------------------------------------------------------------------------------------

async def _results(session, batch_id: uuid.UUID, questionnaire: rules.Questionnaire) -> rules.Results:
    rows = (await session.scalars(select(EvaluationAnswer).where(EvaluationAnswer.batch_id == batch_id)
                                  .order_by(EvaluationAnswer.id))).all()
    invited = await session.scalar(select(func.count()).select_from(EvaluationLink)
                                   .where(EvaluationLink.batch_id == batch_id))
    return rules.summarise(questionnaire, [rules.Answer({k: int(v) for k, v in r.answers.items()}, r.comment)
                                           for r in rows], invited or 0)


async def results(session, batch_id: uuid.UUID) -> rules.Results | None:
    """The batch's evaluation results (no permission check: the caller made it); None before links exist."""
    form = await session.get(EvaluationForm, batch_id)
    if form is None:
        return None
    return await _results(session, batch_id, rules.Questionnaire.from_data(form.questionnaire))


async def batch_evaluation(session, *, principal: Principal, batch_id: uuid.UUID) -> tuple[Batch, rules.Results | None]:
    batch = await get_batch(session, batch_id)
    ensure_may_read(principal, batch)
    return batch, await results(session, batch_id)


def _item_read(r: rules.ItemResult) -> dict:
    return {"code": r.item.code, "label": r.item.label, "mean": r.mean, "answers": r.answers}


def _num(value) -> float | None:
    return None if value is None else float(value)


def results_read(batch: Batch, found: rules.Results | None, learning) -> dict:
    """The results as the API, the page and the workbook show them: evaluation per section, item and narasumber
    (names: the UPTD's own page), response rate and comments; the learning results beside them (scores.results_of)."""
    found = found or rules.Results(0, 0, (), ())
    sections = []
    for name in rules.SECTIONS:
        if name == "narasumber":
            continue
        mean, answers = found.section_mean(name)
        sections.append({"section": name, "title": rules.SECTION_TITLES[name], "mean": mean, "answers": answers,
                         "items": [_item_read(r) for r in found.items if r.item.section == name]})
    people_mean, people_answers = found.section_mean("narasumber")
    return {
        "batch_id": batch.id, "batch_code": batch.code, "batch_title": batch.title,
        "invited": found.invited, "respondents": found.respondents,
        "response_rate": None if found.response_rate is None else round(found.response_rate, 4),
        "sections": sections,
        "narasumber_mean": people_mean, "narasumber_answers": people_answers,
        "narasumber": [{"narasumber_id": n.narasumber.id, "code": n.narasumber.code, "name": n.narasumber.name,
                        "named_in_reports": n.narasumber.named, "mean": n.mean, "answers": n.answers,
                        "items": [_item_read(r) for r in n.items]} for n in found.narasumber],
        "comments": list(found.comments),
        "scores": {"roster_size": learning.roster_size, "with_pre": learning.with_pre, "with_post": learning.with_post,
                   "with_both": learning.with_both, "improved": learning.improved,
                   "average_pre": _num(learning.average_pre), "average_post": _num(learning.average_post),
                   "average_gain": _num(learning.average_gain),
                   "share_improved": None if learning.share_improved is None else round(learning.share_improved, 4),
                   "pre_distribution": learning.pre_distribution, "post_distribution": learning.post_distribution},
    }


async def batch_results(session, batch_id: uuid.UUID) -> dict | None:
    """The evaluation as the laporan pelaksanaan prints it (section II.E, label and value per line; no comments, no
    respondent): None before links exist, so the report says "Belum ada data."."""
    from shared.web.format import angka, persen

    found = await results(session, batch_id)
    if found is None:
        return None

    def score(mean, answers) -> str:
        return "–" if mean is None else f"{angka(mean, 2)} dari {angka(answers)} jawaban"

    lines = {"Peserta yang menerima tautan": str(found.invited), "Peserta yang mengisi": str(found.respondents),
             "Tingkat pengisian": persen(found.response_rate * 100) if found.response_rate is not None else "–"}
    for name in rules.SECTIONS:
        if name != "narasumber":
            lines[f"{rules.SECTION_TITLES[name]} (rata-rata 1–5)"] = score(*found.section_mean(name))
    for number, person in enumerate(found.narasumber, start=1):
        # The report is the UPTD's own document: the narasumber by name, with the code reports elsewhere use.
        lines[f"Narasumber {number} (rata-rata 1–5)"] = (f"{person.narasumber.name} ({person.narasumber.code}): "
                                                         f"{score(person.mean, person.answers)}")
    lines["Saran dan komentar tertulis"] = f"{angka(len(found.comments))} (daftar lengkap di hasil evaluasi)"
    return {"summary": lines}
