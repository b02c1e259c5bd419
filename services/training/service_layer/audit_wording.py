"""Training's audit trail in words an admin reads, as registration's is: "mengubah kapasitas angkatan DIG-2023-01
dari 30 menjadi 32", "menambah sesi 3 'Pemasaran daring' (4 JP) di angkatan DIG-2023-01", "mencabut sertifikat
UPTD-KUKM/2023/0001: alasan …". `describe` is pure (the names are looked up first by `names_for`); no id, no Python
value, no English action code and no NIK, NPWP or bank account reaches the page."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, time

from sqlalchemy import select

from services.training.adapters.orm import Batch, Certificate, Official, Programme, RosterEntry, Trainer
from services.training.service_layer.audit import Entry
from shared.audit_words import actor, new_value, old_value, role_name, uuids
from shared.budget import label as budget_label
from shared.regions import district_name
from shared.web.format import angka, rupiah, tanggal
from services.training.domain.evaluation import SECTION_TITLES
from services.training.domain.scores import written


FIELD_LABELS = {
    # programmes
    "name": "nama", "fiscal_year": "tahun anggaran", "funding_source": "sumber dana", "allocation": "alokasi",
    "target_cooperatives": "target koperasi", "district_targets": "target per kabupaten/kota",
    # batches
    "code": "kode", "title": "judul", "programme_id": "program", "venue": "tempat", "start_date": "tanggal mulai",
    "end_date": "tanggal selesai", "capacity": "kapasitas", "eligible_districts": "kabupaten/kota peserta",
    "eligibility": "peserta yang boleh dicalonkan",
    "district_quotas": "kuota kabupaten/kota", "planned_budget": "anggaran rencana",
    "completion_min_percent": "syarat kelulusan", "completion_by": "dasar kelulusan",
    "trainers": "pelatih yang ditugaskan", "signing_official_id": "penanda tangan",
    "co_signer_id": "penanda tangan kedua", "realised_cost": "realisasi biaya",
    # sessions
    "date": "tanggal", "start_time": "jam mulai", "end_time": "jam selesai", "topic": "materi",
    "trainer_id": "narasumber", "trainer": "pelatih sesi", "jp": "JP",
    # narasumber and officials
    "institution": "instansi", "nip": "NIP", "nik": "NIK", "npwp": "NPWP", "phone": "telepon",
    "bank_name": "bank", "bank_account": "nomor rekening", "rate_per_jp": "honorarium per JP",
    "account_id": "akun pelatih", "named_in_reports": "persetujuan disebut namanya di laporan evaluasi",
    "position": "jabatan", "active_from": "mulai menjabat",
    "active_until": "akhir masa jabatan",
    # attendance
    "status": "status",
    # scores
    "completion_min_post_test": "syarat nilai post-test", "pre_test": "pre-test", "post_test": "post-test",
}
MONEY = {"allocation", "planned_budget", "realised_cost", "rate_per_jp"}
DATES = {"start_date", "end_date", "date", "active_from", "active_until"}
TIMES = {"start_time", "end_time"}
# Account ids and the like: the sentence says the field changed, never the value.
OPAQUE = {"trainers", "trainer", "account_id"}
COMPLETION_BY = {"sessions": "jumlah sesi", "jp": "jumlah JP"}
ATTENDANCE = {"hadir": "hadir", "terlambat": "terlambat", "izin": "izin", "sakit": "sakit", "alpa": "alpa"}
ENTITY_WORDS = {"programme": "program", "batch": "angkatan", "session": "sesi", "trainer": "narasumber",
                "official": "pejabat", "certificate": "sertifikat", "attendance": "kehadiran", "score": "nilai",
                "scores": "nilai", "evaluation_item": "templat kuesioner evaluasi",
                "evaluation_links": "tautan evaluasi"}


@dataclass
class Names:
    """What the ids in the trail stand for, by id: programme names, batch codes, narasumber and official names,
    participants' names, and each certificate's holder."""
    programmes: dict[str, str] = field(default_factory=dict)
    batches: dict[str, str] = field(default_factory=dict)
    trainers: dict[str, str] = field(default_factory=dict)
    officials: dict[str, str] = field(default_factory=dict)
    participants: dict[str, str] = field(default_factory=dict)
    certificates: dict[str, str] = field(default_factory=dict)  # number -> holder's name


def _clock(value) -> str:
    return (value if isinstance(value, time) else time.fromisoformat(str(value))).strftime("%H.%M")


def _value(key: str, value, names: Names) -> str:
    if key == "completion_min_post_test":
        return "tanpa syarat nilai" if value is None else f"minimal {angka(value)}"
    if key in ("pre_test", "post_test") and isinstance(value, (int, float)) and not isinstance(value, bool):
        return written(value)
    if value is None or value == "" or value == [] or value == {}:
        return "(kosong)"
    try:
        if key in MONEY:
            return rupiah(value)
        if key in DATES:
            return tanggal(value if isinstance(value, date) else date.fromisoformat(str(value)[:10]))
        if key in TIMES:
            return _clock(value)
    except (TypeError, ValueError):
        return "(tidak terbaca)"
    if key == "programme_id":
        return names.programmes.get(str(value), "program lain")
    if key in ("signing_official_id", "co_signer_id"):
        return names.officials.get(str(value), "pejabat lain")
    if key == "trainer_id":
        return names.trainers.get(str(value), "narasumber lain")
    if key == "eligible_districts" and isinstance(value, list):
        return ", ".join(district_name(str(code)) for code in value)
    if key in ("district_quotas", "district_targets") and isinstance(value, dict):
        return ", ".join(f"{district_name(str(code))} {angka(n)}" for code, n in value.items())
    if key == "completion_min_percent":
        return f"{angka(value)}%"
    if key == "completion_by":
        return COMPLETION_BY.get(str(value), "aturan lain")
    if key == "status":
        return ATTENDANCE.get(str(value), "status lain")
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    if isinstance(value, (int, float)):
        return angka(value)
    if isinstance(value, (list, dict)):
        return "(daftar)"
    return str(value)


def _label(key: str) -> str:
    return FIELD_LABELS.get(key, key.replace("_", " "))


def _change(key: str, change, names: Names) -> str:
    if key in OPAQUE or not isinstance(change, (list, tuple)) or len(change) != 2:
        return f"{_label(key)} diubah"  # personal data and account ids: the trail keeps only that it changed
    old, new = change
    return f"{_label(key)} dari {_value(key, old, names)} menjadi {_value(key, new, names)}"


def _changed(thing: str, changes: dict, names: Names, several: str = "") -> str:
    """"mengubah kapasitas angkatan X dari 30 menjadi 32" for one field, "mengubah angkatan X: a; b" for more
    (`several`: how the thing is named then, e.g. "data narasumber X")."""
    if len(changes) == 1:
        key, change = next(iter(changes.items()))
        if key not in OPAQUE and isinstance(change, (list, tuple)) and len(change) == 2:
            old, new = change
            return f"mengubah {_label(key)} {thing} dari {_value(key, old, names)} menjadi {_value(key, new, names)}"
    detail = "; ".join(_change(k, v, names) for k, v in changes.items())
    return f"mengubah {several or thing}" + (f": {detail}" if detail else "")


def _session_of(entity_id: str, names: Names) -> tuple[str, str]:
    """"<batch id>/<number>" -> ("3", "angkatan DIG-2023-01")."""
    batch_id, _, number = entity_id.partition("/")
    code = names.batches.get(batch_id)
    return (number if number.isdigit() else "", f"angkatan {code}" if code else "sebuah angkatan")


def _session_line(entity_id: str, changes: dict, names: Names, when: str = "new") -> str:
    number, where = _session_of(entity_id, names)
    pick = new_value if when == "new" else old_value
    topic, jp = pick(changes, "topic"), pick(changes, "jp")
    day, start, end = pick(changes, "date"), pick(changes, "start_time"), pick(changes, "end_time")
    text = f"sesi {number}".rstrip() + (f" '{topic}'" if topic else "") + (f" ({angka(jp)} JP)" if jp else "")
    text += f" di {where}"
    if day and start and end:
        text += f", {_value('date', day, names)} pukul {_clock(start)}–{_clock(end)} WITA"
    return text


def describe(action: str, entity: str, entity_id: str, changes: dict | None, note: str | None, names: Names,
             participant_id: str | None = None) -> str:
    """One audit row as a Bahasa sentence, without its subject (the actor is shown beside it)."""
    changes = changes or {}
    reason = f": alasan {note}" if note else ""
    if entity == "programme":
        name = names.programmes.get(entity_id) or new_value(changes, "name") or "(program sudah dihapus)"
        if action == "created":
            year = new_value(changes, "fiscal_year")
            return f"merencanakan program {name}" + (f" tahun anggaran {year}" if year else "")
        if action == "updated":
            return _changed(f"program {name}", changes, names)
    if entity == "batch":
        code = names.batches.get(entity_id) or new_value(changes, "code") or "(angkatan sudah dihapus)"
        if action == "created":
            title = new_value(changes, "title")
            start, end = new_value(changes, "start_date"), new_value(changes, "end_date")
            return (f"menjadwalkan angkatan {code}" + (f" '{title}'" if title else "")
                    + (f", {_value('start_date', start, names)} – {_value('end_date', end, names)}"
                       if start and end else ""))
        if action == "updated":
            return _changed(f"angkatan {code}", changes, names)
        if action == "cancelled":
            return f"membatalkan angkatan {code}{reason}"
        if action == "closed":
            cost, lines = new_value(changes, "realised_cost"), changes.get("components")
            detail = "; ".join(f"{budget_label(component)} {rupiah(amounts[1])}" for component, amounts in
                               lines.items() if isinstance(amounts, list) and len(amounts) == 2 and amounts[1]
                               ) if isinstance(lines, dict) else ""
            return (f"menutup angkatan {code}" + (f" dengan realisasi {rupiah(cost)}" if cost is not None else "")
                    + (f": {detail}" if detail else ""))
    if entity == "session":
        if action == "created":
            return f"menambah {_session_line(entity_id, changes, names)}" + (f"; {note}" if note else "")
        if action == "deleted":
            return f"menghapus {_session_line(entity_id, changes, names, when='old')}"
        if action == "updated":
            number, where = _session_of(entity_id, names)
            return _changed(f"sesi {number} di {where}", changes, names)
    if entity == "trainer":
        name = names.trainers.get(entity_id) or new_value(changes, "name") or "(narasumber sudah dihapus)"
        if action == "created":
            institution = new_value(changes, "institution")
            return f"mendaftarkan narasumber {name}" + (f" ({institution})" if institution else "")
        if action == "updated":
            return _changed(f"narasumber {name}", changes, names, several=f"data narasumber {name}")
    if entity == "official":
        name = names.officials.get(entity_id) or new_value(changes, "name") or "(pejabat sudah dihapus)"
        if action == "created":
            position = new_value(changes, "position")
            return f"mencatat pejabat {name}" + (f" ({position})" if position else "")
        if action == "updated":
            return _changed(f"pejabat {name}", changes, names, several=f"data pejabat {name}")
    if entity == "certificate" and action == "reissued":
        holder, replaced = names.certificates.get(entity_id), new_value(changes, "replaces")
        return (f"menerbitkan ulang sertifikat {replaced or '(nomor lama)'} sebagai {entity_id}"
                + (f" atas nama {holder}" if holder else "") + reason)
    if entity == "certificate" and action == "revoked":
        holder = names.certificates.get(entity_id)
        return f"mencabut sertifikat {entity_id}" + (f" atas nama {holder}" if holder else "") + reason
    if entity == "attendance" and action == "corrected":
        number, where = _session_of(entity_id, names)
        person = names.participants.get(str(participant_id), "seorang peserta")
        old, new = old_value(changes, "status"), new_value(changes, "status")
        return (f"mengoreksi kehadiran {person} di sesi {number} {where} dari {_value('status', old, names)} "
                f"menjadi {_value('status', new, names)}")
    if entity == "scores" and action == "recorded":
        code = names.batches.get(entity_id)
        count = new_value(changes, "participants")
        return (f"mencatat nilai {angka(count) + ' peserta' if isinstance(count, int) else 'peserta'} di "
                f"{'angkatan ' + code if code else 'sebuah angkatan'}" + (f" ({note})" if note else ""))
    if entity == "score" and action == "corrected":
        code = names.batches.get(entity_id)
        person = names.participants.get(str(changes.get("participant_id")), "seorang peserta")
        where = f"angkatan {code}" if code else "sebuah angkatan"
        tests = {k: v for k, v in changes.items() if k in ("pre_test", "post_test")}
        if len(tests) == 1:
            key, (old, new) = next(iter(tests.items()))
            text = (f"mengoreksi nilai {_label(key)} {person} di {where} dari {_value(key, old, names)} menjadi "
                    f"{_value(key, new, names)}")
        else:
            text = f"mengoreksi nilai {person} di {where}: " + "; ".join(_change(k, v, names) for k, v in tests.items())
        return text + (f" ({note})" if note else "")
    if entity == "evaluation_item":
        return _evaluation_item(action, entity_id, changes) or _fallback(entity, changes, names)
    if entity == "evaluation_links" and action == "created":
        code = names.batches.get(entity_id)
        count = new_value(changes, "links")
        return (f"membuat {angka(count) + ' ' if isinstance(count, int) else ''}tautan evaluasi peserta "
                f"{'angkatan ' + code if code else 'sebuah angkatan'} (tautan yang belum dipakai diganti)")
    return _fallback(entity, changes, names)


def _evaluation_item(action: str, entity_id: str, changes: dict) -> str | None:
    """A questionnaire template's item: "<section>/<code>" with its question."""
    section, _, code = entity_id.partition("/")
    item = f"butir {code or '(tanpa kode)'} bagian {SECTION_TITLES.get(section, 'lain')} templat kuesioner evaluasi"
    old, new = old_value(changes, "label"), new_value(changes, "label")
    if action == "created":
        return f"menambah {item}" + (f": “{new}”" if new else "")
    if action == "updated":
        return f"mengubah pertanyaan {item}" + (f" dari “{old}” menjadi “{new}”" if old and new else "")
    if action == "deleted":
        return f"menghapus {item}" + (f": “{old}”" if old else "")
    return None


def _fallback(entity: str, changes: dict, names: Names) -> str:
    thing = ENTITY_WORDS.get(entity, "data")
    detail = "; ".join(_change(k, v, names) for k, v in changes.items())
    return f"mencatat perubahan pada {thing}" + (f": {detail}" if detail else "")


def _both(rows: list[Entry], key: str) -> list:
    """Every old and new value of a field across the rows (e.g. both programmes a batch moved between)."""
    return [v for r in rows for v in ((r.changes or {}).get(key) or [])
            if isinstance((r.changes or {}).get(key), list)]


async def _lookup(session, column_id, column_name, ids) -> dict[str, str]:
    if not ids:
        return {}
    return {str(i): n for i, n in (await session.execute(select(column_id, column_name)
                                                          .where(column_id.in_(ids)))).all()}


async def names_for(session, rows: list[Entry]) -> Names:
    """Look up, in a few queries, every name the rows' sentences need."""
    def of(*entities) -> list[str]:
        return [r.entity_id.partition("/")[0] for r in rows if r.entity in entities]

    return Names(
        programmes=await _lookup(session, Programme.id, Programme.name,
                                 uuids(of("programme") + _both(rows, "programme_id"))),
        batches=await _lookup(session, Batch.id, Batch.code, uuids(of("batch", "session", "attendance", "score",
                                                                          "scores", "evaluation_links"))),
        trainers=await _lookup(session, Trainer.id, Trainer.name, uuids(of("trainer") + _both(rows, "trainer_id"))),
        officials=await _lookup(session, Official.id, Official.name, uuids(
            of("official") + _both(rows, "signing_official_id") + _both(rows, "co_signer_id"))),
        participants=await _lookup(session, RosterEntry.participant_id, RosterEntry.full_name,
                                   uuids([r.participant_id for r in rows] + [
                                       (r.changes or {}).get("participant_id") for r in rows if r.entity == "score"])),
        certificates=await _lookup(session, Certificate.number, Certificate.full_name,
                                   [r.entity_id for r in rows if r.entity == "certificate"]))


def readable(rows: list[Entry], names: Names) -> list[dict]:
    """What the audit page shows for each row: when, who (name and role), and what (a sentence)."""
    return [{"at": r.at, "actor": actor(r.actor_name), "role": role_name(r.role),
             "sentence": describe(r.action, r.entity, r.entity_id, r.changes, r.note, names, r.participant_id)}
            for r in rows]
