"""A batch's laporan pelaksanaan and daftar nominatif: the read models gathered from training's own records (batch,
agenda, roster, attendance, completion, closing by component, evidence, the report's texts), and the texts edited
on the report page. Rendering is the adapters' (pdf_report, docx_report, xlsx)."""
from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from datetime import UTC, datetime

from sqlalchemy import select

from services.training.adapters import evidence_files, xlsx
from services.training.adapters.orm import AttendanceMark, Batch, CompletionResult, Official, Programme
from services.training.adapters.orm_evidence import Evidence, ReportText
from services.training.adapters.pdf import STATUS_LABELS, AgendaItem, Signer, short_district
from services.training.adapters.report_model import (NO_DATA, Chapter, Part, Photo, Report, SheetAppendix,
                                                     Table, agenda_table)
from services.training.domain import scores as score_rules
from services.training.domain.eligibility import COOPERATIVES_ONLY, WITH_UMK, affiliation_column
from services.training.service_layer import audit, closing, evaluation, scores
from services.training.service_layer.batches import ensure_assigned, get_batch, sessions_of, trainer_names
from services.training.service_layer.certificates import CertificateSettings
from services.training.service_layer.evidence import KINDS, batch_evidence
from services.training.service_layer.papers import letterhead
from services.training.service_layer.roster import active_roster
from shared.roles import Principal, Role
from shared.budget import DEFAULT_COMPONENTS
from shared.errors import Forbidden, Invalid, field_error
from shared.events.registration import UMK_CATEGORY
from shared.regions import district_name
from shared.unit_of_work import UnitOfWork
from shared.web.format import angka, persen, rupiah, tanggal

TEXT_FIELDS = {"background": "Latar belakang", "aims": "Maksud dan tujuan", "conclusions": "Kesimpulan dan saran"}
TEXT_MAX = 10_000
UNWRITTEN = "(Belum diisi. Lengkapi di halaman laporan angkatan di konsol.)"
# Training holds neither: registration keeps the NIK and the NIB (of the cooperative, or of a UMK owner's business)
# and sends neither with the participant (ParticipantEnrolled carries no NIK, not even masked, and no NIB).
IDENTIFIER_NOTE = ("NIK (tersamar) dan NIB tidak tersedia di layanan pelatihan: keduanya disimpan layanan "
                   "pendaftaran dan tidak dikirim bersama data peserta.")
STATUSES = ("hadir", "terlambat", "izin", "sakit", "alpa")


# --- the editable texts ------------------------------------------------------------------------------------------

async def texts_of(session, batch_id: uuid.UUID) -> ReportText | None:
    return await session.get(ReportText, batch_id)


async def read_texts(session, *, principal: Principal, batch_id: uuid.UUID) -> ReportText | None:
    """The saved texts, for the UPTD's staff alone: like the report they go into."""
    await get_batch(session, batch_id)
    if principal.role not in (Role.ADMIN, Role.TRAINING_STAFF):
        raise Forbidden("Laporan pelaksanaan disusun oleh staf pelatihan UPTD.")
    return await texts_of(session, batch_id)


def suggested_texts(batch: Batch, programme: Programme | None) -> dict[str, str]:
    """A first draft for the page's text areas, from what the batch says; nothing is printed until saved."""
    funding = f" dari {programme.funding_source} ({programme.name})" if programme else ""
    # A batch open to UMK owners (issue 17) trains the owners of micro and small businesses too.
    umk = batch.eligibility == WITH_UMK
    need = ("Koperasi dan usaha mikro dan kecil di Kalimantan Timur memerlukan pengurus dan pelaku usaha yang cakap."
            if umk else "Koperasi di Kalimantan Timur memerlukan pengurus dan pengelola yang cakap.")
    who = "pengurus koperasi dan pelaku UMK" if umk else "pengurus koperasi"
    where = "koperasi atau usahanya" if umk else "koperasinya"
    return {
        "background": (f"{need} UPTD Pelatihan Koperasi dan UKM menyelenggarakan pelatihan “{batch.title}” tahun "
                       f"anggaran {batch.fiscal_year}{funding} bagi {who} dari kabupaten/kota peserta."),
        "aims": (f"Maksud pelatihan ini adalah meningkatkan kapasitas {who}. Tujuannya, peserta mampu "
                 f"menerapkan materi “{batch.title}” di {where} masing-masing."),
        "conclusions": "",
    }


async def save_texts(uow: UnitOfWork, *, principal: Principal, batch_id: uuid.UUID, values: dict) -> ReportText:
    batch = await get_batch(uow.session, batch_id)
    if principal.role not in (Role.ADMIN, Role.TRAINING_STAFF):
        raise Forbidden("Teks laporan diisi oleh staf pelatihan UPTD atau admin provinsi.")
    cleaned = {key: str(values.get(key) or "").replace("\r\n", "\n").strip() for key in TEXT_FIELDS}
    problems = [field_error(key, f"paling banyak {angka(TEXT_MAX)} karakter") for key, value in cleaned.items()
                if len(value) > TEXT_MAX]
    if problems:
        raise Invalid("Periksa kembali isian yang ditandai.", fields=problems)
    row = await texts_of(uow.session, batch_id)
    before = {key: getattr(row, key) for key in TEXT_FIELDS} if row else {}
    now = datetime.now(UTC)
    if row is None:
        row = ReportText(batch_id=batch_id, version=1, updated_at=now, updated_by=principal.subject, **cleaned)
        uow.session.add(row)
    else:
        for key, value in cleaned.items():
            setattr(row, key, value)
        row.version, row.updated_at, row.updated_by = row.version + 1, now, principal.subject
    changed = {TEXT_FIELDS[k].lower(): "(diubah)" for k in TEXT_FIELDS if before.get(k, "") != cleaned[k]}
    if changed:
        audit.record(uow.session, principal, action="updated", entity="batch", entity_id=batch.id,
                     changes={"laporan": [None, ", ".join(changed)]})
    await uow.commit()
    return row


# --- the daftar nominatif ----------------------------------------------------------------------------------------

def _district_scope(principal: Principal, batch: Batch, people, district: str | None) -> str | None:
    """A district officer reads only their own district's rows, and only of a batch open to it or holding some;
    others may ask for one kabupaten/kota."""
    if principal.role == Role.DISTRICT_OFFICER:
        own = principal.district
        if own not in (batch.eligible_districts or []) and not any(p.district_code == own for p in people):
            raise Forbidden(f"Angkatan {batch.code} tidak memiliki peserta dari {district_name(own)}.")
        return own
    if principal.role in (Role.ADMIN, Role.TRAINING_STAFF) or principal.role == Role.TRAINER:
        ensure_assigned(principal, batch)
        return district or None
    raise Forbidden("Daftar nominatif memuat nama peserta: hanya untuk staf UPTD, pelatih angkatan, dan petugas "
                    "dinas bagi wilayahnya.")


def nominative_of(batch: Batch, people, district: str | None = None) -> xlsx.NominativeList:
    rows = tuple(xlsx.NominativeRow(p.full_name, p.position, p.cooperative_name, district_name(p.district_code),
                                    p.gender) for p in people if district is None or p.district_code == district)
    return xlsx.NominativeList(batch.title, batch.code, batch.venue, batch.start_date, batch.end_date, rows,
                               district=district_name(district) if district else None, note=IDENTIFIER_NOTE,
                               eligibility=batch.eligibility)


async def nominative(session, *, principal: Principal, batch_id: uuid.UUID,
                     district: str | None = None) -> tuple[str | None, xlsx.NominativeList]:
    """The list and the kabupaten/kota it was cut to (the officer's own, or the one asked for)."""
    batch = await get_batch(session, batch_id)
    people = await active_roster(session, batch_id)
    scope = _district_scope(principal, batch, people, district)
    return scope, nominative_of(batch, _ordered(people), scope)


def _ordered(people):
    """The list's order: kabupaten/kota by code, then name."""
    return sorted(people, key=lambda p: (p.district_code, p.full_name.casefold()))


# --- the report --------------------------------------------------------------------------------------------------

async def report_model(session, store, *, principal: Principal, batch_id: uuid.UUID, settings: CertificateSettings,
                       components=DEFAULT_COMPONENTS) -> Report:
    batch = await get_batch(session, batch_id)
    ensure_assigned(principal, batch)
    if principal.role == Role.TRAINER:
        raise Forbidden("Laporan pelaksanaan disusun oleh staf pelatihan UPTD.")
    texts = await texts_of(session, batch_id)
    rows = await sessions_of(session, batch_id)
    names = await trainer_names(session, rows)
    agenda = tuple((r.number, AgendaItem(r.date, r.start_time, r.end_time, r.topic, r.jp, names.get(r.trainer_id)))
                   for r in rows)
    people = _ordered(await active_roster(session, batch_id))
    marks: dict = {}
    if rows:
        found = await session.execute(select(AttendanceMark.session_id, AttendanceMark.participant_id,
                                             AttendanceMark.status)
                                      .where(AttendanceMark.session_id.in_([r.id for r in rows])))
        marks = {(s, p): status for s, p, status in found.all()}
    completed = (await session.scalars(select(CompletionResult).where(CompletionResult.batch_id == batch_id))).all()
    proposal = await closing.closing_proposal(session, batch_id=batch_id, components=components) \
        if batch.status == "closed" else None
    evidence = await batch_evidence(session, batch_id)
    photos = await asyncio.to_thread(_photos, store, evidence)
    signer, co_signer = await _signers(session, batch, settings)

    def text_of(key: str) -> str:
        value = getattr(texts, key, "") if texts else ""
        return value or UNWRITTEN

    intro = Chapter("BAB I PENDAHULUAN", (
        Part("A. Latar Belakang", (text_of("background"),)),
        Part("B. Maksud dan Tujuan", (text_of("aims"),)),
        Part("C. Waktu dan Tempat", (f"Pelatihan “{batch.title}” ({batch.code}) dilaksanakan di {batch.venue} pada "
                                     f"{_days(batch)}, {len(agenda)} sesi, {sum(i.jp for _, i in agenda)} jam "
                                     "pelajaran (JP).",)),
    ))
    body = Chapter("BAB II PELAKSANAAN KEGIATAN", (
        Part("A. Jadwal Acara, Narasumber dan Materi", tables=(agenda_table(agenda),) if agenda else ()),
        _participants(people, batch),
        _attendance(rows, people, marks, completed),
        _learning(await scores.results_of(session, batch_id), batch.completion_min_post_test, batch.eligibility),
        results_part("E. Evaluasi Penyelenggaraan", await evaluation.batch_results(session, batch_id)),
        _budget(batch, proposal),
        Part("G. Dokumentasi"),
    ))
    closing_chapter = Chapter("BAB III PENUTUP", (Part("A. Kesimpulan dan Saran", (text_of("conclusions"),)),))
    others = tuple((KINDS.get(e.kind, e.kind), e.caption, e.filename) for e in evidence if e.kind != "foto"
                   or e.media_type == evidence_files.PDF)
    sheets = tuple(SheetAppendix(no, item, tuple((p.full_name, short_district(district_name(p.district_code)),
                                                  marks.get((r.id, p.participant_id), ""))
                                                 for p in people))
                   for (no, item), r in zip(agenda, rows))
    return Report(
        letterhead=letterhead(settings), batch_title=batch.title, batch_code=batch.code, venue=batch.venue,
        start_date=batch.start_date, end_date=batch.end_date, fiscal_year=batch.fiscal_year,
        chapters=(intro, body, closing_chapter), photos=photos,
        evidence_list=Table(("No", "Jenis", "Keterangan", "Berkas"),
                            tuple((str(i), *row) for i, row in enumerate(others, start=1)),
                            widths=(8, 35, 80, 45)) if others else None,
        signer=signer, co_signer=co_signer, sign_date=batch.end_date, nominative=nominative_of(batch, people),
        sheets=sheets, agenda=agenda)


def _days(batch: Batch) -> str:
    days = (batch.end_date - batch.start_date).days + 1
    span = tanggal(batch.start_date) if days == 1 else f"{tanggal(batch.start_date)} sampai {tanggal(batch.end_date)}"
    return f"{span} ({days} hari)"


def _by_sex(people, key) -> tuple[tuple[str, ...], ...]:
    counts: dict[str, Counter] = {}
    for p in people:
        counts.setdefault(key(p), Counter())[p.gender] += 1
    return tuple((label, str(c["L"]), str(c["P"]), str(c["L"] + c["P"])) for label, c in counts.items())


def _participants(people, batch: Batch) -> Part:
    if not people:
        return Part("B. Peserta", (NO_DATA,))
    men = sum(1 for p in people if p.gender == "L")
    head = ("Kabupaten/Kota", "Laki-laki", "Perempuan", "Jumlah")
    foot = ("Jumlah", str(men), str(len(people) - men), str(len(people)))
    by_district = Table(head, _by_sex(people, lambda p: district_name(p.district_code)), foot=foot,
                        widths=(60, 20, 20, 20), numeric=(1, 2, 3))
    by_position = Table(("Jabatan", "Laki-laki", "Perempuan", "Jumlah"),
                        _by_sex(sorted(people, key=lambda p: list(xlsx.POSITIONS).index(p.position)
                                       if p.position in xlsx.POSITIONS else 99),
                                lambda p: xlsx.position_label(p.position)),
                        foot=foot, widths=(60, 20, 20, 20), numeric=(1, 2, 3))
    # A UMK owner's business (its id stands where a cooperative's does) is no cooperative: said apart.
    cooperatives = len({p.cooperative_id for p in people if getattr(p, "category", None) != UMK_CATEGORY})
    umk = sum(1 for p in people if getattr(p, "category", None) == UMK_CATEGORY)
    origin = f"{cooperatives} koperasi" + (f" dan {umk} pelaku UMK tanpa koperasi" if umk else "")
    return Part("B. Peserta", (f"Peserta berjumlah {len(people)} orang (kapasitas {batch.capacity}) dari "
                               f"{origin}. Menurut kabupaten/kota dan jenis kelamin:",
                               "Menurut jabatan di koperasi atau usaha:" if umk else "Menurut jabatan di koperasi:"),
                (by_district, by_position))


def _attendance(rows, people, marks, completed) -> Part:
    heading = "C. Rekapitulasi Kehadiran"
    if not rows or not people:
        return Part(heading, (NO_DATA,))
    lines = []
    for r in rows:
        got = Counter(marks.get((r.id, p.participant_id)) for p in people)
        lines.append((f"Sesi {r.number}", tanggal(r.date), *(str(got[s]) for s in STATUSES), str(got[None])))
    passed = sum(1 for c in completed if c.completed)
    note = (f"Peserta yang memenuhi syarat kelulusan: {passed} dari {len(people)} orang." if completed
            else "Kelulusan belum diputuskan (masih ada sesi yang belum ditutup).")
    return Part(heading, (note,), (Table(("Sesi", "Tanggal", *(STATUS_LABELS[s] for s in STATUSES),
                                          "Belum ditandai"), tuple(lines),
                                         widths=(14, 26, 13, 16, 11, 11, 11, 17), numeric=(2, 3, 4, 5, 6, 7)),))


def _learning(found: score_rules.BatchResults | None, minimum: int | None,
              eligibility: str | None = COOPERATIVES_ONLY) -> Part:
    """Section II.D: average pre, post and gain, the share improved, the distribution by range, and who fell below
    the post-test minimum (the report is the UPTD's own document: by name, as in the daftar nominatif)."""
    heading = "D. Hasil Pre-test dan Post-test"
    if found is None or not (found.with_pre or found.with_post):
        return Part(heading, (NO_DATA,))
    written = score_rules.written
    share = "–" if found.share_improved is None else persen(found.share_improved * 100)
    figures = [("Peserta dengan nilai pre-test", f"{found.with_pre} dari {found.roster_size}"),
               ("Peserta dengan nilai post-test", f"{found.with_post} dari {found.roster_size}"),
               ("Rata-rata pre-test", _two(found.average_pre)),
               ("Rata-rata post-test", _two(found.average_post)),
               ("Rata-rata peningkatan (post − pre)", _two(found.average_gain, signed=True)),
               ("Peserta yang nilainya naik", f"{found.improved} dari {found.with_both} ({share})")]
    below = [] if minimum is None else [p for p in found.participants
                                        if p.post_test is not None and p.post_test < minimum]
    if minimum is not None:
        figures.append((f"Post-test di bawah minimal {minimum}", f"{len(below)} orang"))
    paragraphs = [f"Nilai pre-test dan post-test (0–100) dari {found.roster_size} peserta; peningkatan dihitung dari "
                  f"{found.with_both} peserta yang mengikuti keduanya."]
    tables = [Table(("Uraian", "Nilai"), tuple(figures), widths=(70, 30), numeric=(1,)),
              Table(("Rentang nilai", "Pre-test (orang)", "Post-test (orang)"),
                    tuple((label, str(found.pre_distribution[label]), str(found.post_distribution[label]))
                          for label, _ in score_rules.RANGES),
                    foot=("Jumlah", str(found.with_pre), str(found.with_post)), widths=(40, 30, 30), numeric=(1, 2),
                    lead="Sebaran nilai menurut rentang:")]
    if minimum is None:
        paragraphs.append("Angkatan ini tidak mensyaratkan nilai post-test minimal untuk kelulusan.")
    elif below:
        tables.append(Table(("No", "Nama", affiliation_column(eligibility), "Pre-test", "Post-test"),
                            tuple((str(i), p.full_name, p.cooperative_name, written(p.pre_test), written(p.post_test))
                                  for i, p in enumerate(below, start=1)),
                            widths=(8, 50, 50, 16, 16), numeric=(3, 4),
                            lead=f"Peserta dengan nilai post-test di bawah minimal {minimum}:"))
    else:
        paragraphs.append(f"Semua peserta yang mengikuti post-test mencapai nilai minimal {minimum}.")
    return Part(heading, tuple(paragraphs), tuple(tables))


def _two(value, *, signed: bool = False) -> str:
    if value is None:
        return "–"
    return ("+" if signed and value > 0 else "") + angka(value, 2)


def results_part(heading: str, data) -> Part:
    """Whatever shape the results take, printed as label/value lines: {"label": value} or a list of rows."""
    if not data:
        return Part(heading, (NO_DATA,))
    if isinstance(data, dict):
        data = data.get("summary", data)
        rows = tuple((str(k).replace("_", " ").capitalize(), _plain(v)) for k, v in data.items()
                     if not isinstance(v, (list, dict)))
        return Part(heading, tables=(Table(("Uraian", "Nilai"), rows, widths=(70, 30), numeric=(1,)),)) \
            if rows else Part(heading, (NO_DATA,))
    return Part(heading, (NO_DATA,))


def _plain(value) -> str:
    if isinstance(value, float):
        return f"{value:.1f}".replace(".", ",")
    return "–" if value is None else str(value)


def _budget(batch: Batch, proposal: dict | None) -> Part:
    heading = "F. Realisasi Anggaran"
    if proposal is None or not proposal["components"]:
        return Part(heading, (f"Angkatan belum ditutup; realisasi belum dicatat. Anggaran rencana "
                              f"{rupiah(batch.planned_budget)}.",))
    lines = proposal["components"]
    planned, realised = proposal["total_planned"], proposal["total_realised"]
    share = f"{100 * realised / planned:.1f}".replace(".", ",") + "%" if planned else "–"
    table = Table(("No", "Komponen", "Rencana (Rp)", "Realisasi (Rp)", "Sisa (Rp)"),
                  tuple((str(i), line["label"], _money(line["planned"]), _money(line["realised"]),
                         _money(line["planned"] - line["realised"])) for i, line in enumerate(lines, start=1)),
                  foot=("", "Jumlah", _money(planned), _money(realised), _money(planned - realised)),
                  widths=(8, 52, 25, 25, 22), numeric=(2, 3, 4))
    return Part(heading, (f"Realisasi anggaran per komponen DAK: {rupiah(realised)} dari rencana {rupiah(planned)} "
                          f"({share}).",), (table,))


def _money(amount: int) -> str:
    return rupiah(amount).removeprefix("Rp").strip()


def _photos(store, evidence: list[Evidence]) -> tuple[Photo, ...]:
    out = []
    for e in evidence:
        if e.kind == "foto" and e.media_type != evidence_files.PDF:
            out.append(Photo(e.caption, evidence_files.scaled_for_print(store.get(e.storage_key), 900)))
    return tuple(out)


async def _signers(session, batch: Batch, settings: CertificateSettings) -> tuple[Signer, Signer | None]:
    official = await session.get(Official, batch.signing_official_id) if batch.signing_official_id else None
    co = await session.get(Official, batch.co_signer_id) if batch.co_signer_id else None
    signer = Signer(official.position, official.name, official.nip) if official else \
        Signer(settings.signing_official, "", None)
    return signer, (Signer(co.position, co.name, co.nip) if co else None)
