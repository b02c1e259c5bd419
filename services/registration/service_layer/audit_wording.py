"""The audit trail in words an admin reads: "menominasikan Budi Santoso ke angkatan DIG-2023-01",
"mengubah data koperasi Koperasi Maju: sektor usaha dari Pertanian menjadi Perikanan". `describe` is pure (the
names are looked up first by `names_for`); no id, no Python value and no English action code reaches the page."""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from services.registration.adapters.orm import AuditEntry, BatchReplica, Cooperative, Enrollment, Participant
from services.registration.domain.reference import sectors
from shared.audit_words import actor, new_value, old_value, role_name, uuids
from shared.regions import district_name


FIELD_LABELS = {
    "name": "nama", "registration_number": "nomor induk", "legal_entity_number": "nomor badan hukum",
    "district_code": "kabupaten/kota", "address": "alamat", "kind": "jenis", "sector": "sektor usaha",
    "active": "status", "grade": "grade ODS", "members_male": "anggota laki-laki",
    "members_female": "anggota perempuan", "full_name": "nama", "position": "jabatan", "phone": "telepon",
    "email": "e-mail", "nik": "NIK", "birth_date": "tanggal lahir", "gender": "jenis kelamin",
    "cooperative_id": "koperasi", "status": "status", "category": "kategori peserta", "business_name": "nama usaha",
    "nib": "NIB",
}
STATUS_WORDS = {"enrolled": "terdaftar", "waitlisted": "daftar tunggu", "cancelled": "dibatalkan"}
ENTITY_WORDS = {"cooperative": "koperasi", "participant": "pengurus", "enrollment": "nominasi"}


@dataclass
class Names:
    """What the ids in the trail stand for: cooperative and participant names, batch codes, and for each
    enrolment its participant and batch."""
    cooperatives: dict[str, str] = field(default_factory=dict)
    participants: dict[str, str] = field(default_factory=dict)
    batches: dict[str, str] = field(default_factory=dict)
    enrollments: dict[str, tuple[str, str]] = field(default_factory=dict)  # id -> (participant id, batch id)


def _value(key: str, value, names: Names) -> str:
    if value is None or value == "":
        return "(kosong)"
    if key == "active" or isinstance(value, bool):
        return "aktif" if value else "tidak aktif"
    if key == "district_code":
        return district_name(str(value))
    if key == "sector":
        return sectors().get(str(value), str(value))
    if key == "cooperative_id":
        return names.cooperatives.get(str(value), "koperasi lain")
    if key == "status":
        return STATUS_WORDS.get(str(value), str(value))
    if isinstance(value, int):
        return f"{value:,}".replace(",", ".")
    return str(value)


def _changes(changes: dict, names: Names) -> str:
    parts = []
    for key, change in (changes or {}).items():
        label = FIELD_LABELS.get(key, key.replace("_", " "))
        if not isinstance(change, (list, tuple)) or len(change) != 2:
            parts.append(f"{label} diubah")  # personal data: the trail keeps only that it changed
            continue
        old, new = change
        parts.append(f"{label} dari {_value(key, old, names)} menjadi {_value(key, new, names)}")
    return "; ".join(parts)


def describe(action: str, entity: str, entity_id: str, changes: dict | None, note: str | None,
             names: Names) -> str:
    """One audit row as a Bahasa sentence, without its subject (the actor is shown beside it)."""
    changes = changes or {}
    if entity == "cooperative":
        name = names.cooperatives.get(entity_id) or new_value(changes, "name") or "(koperasi sudah dihapus)"
        if action == "created":
            return f"mendaftarkan koperasi {name}"
        if action == "imported":
            return f"mendaftarkan koperasi {name} lewat impor" + (f" berkas {note}" if note else "")
        if action == "updated":
            detail = _changes(changes, names)
            return f"mengubah data koperasi {name}" + (f": {detail}" if detail else "")
    if entity == "participant":
        name = names.participants.get(entity_id) or new_value(changes, "full_name") or "(pengurus sudah dihapus)"
        if action == "created":
            position = new_value(changes, "position")
            cooperative = new_value(changes, "cooperative_id")
            return (f"mendaftarkan pengurus {name}" + (f" ({position})" if position else "")
                    + (f" di {_value('cooperative_id', cooperative, names)}" if cooperative else ""))
        if action == "imported":
            return f"mendaftarkan pengurus {name} lewat impor" + (f" berkas {note}" if note else "")
        if action == "updated":
            detail = _changes(changes, names)
            return f"mengubah data pengurus {name}" + (f": {detail}" if detail else "")
    if entity == "enrollment":
        participant_id, batch_id = names.enrollments.get(entity_id, (None, None))
        participant_id = participant_id or new_value(changes, "participant_id")
        batch_id = batch_id or new_value(changes, "batch_id")
        person = names.participants.get(str(participant_id), "seorang pengurus")
        batch = names.batches.get(str(batch_id))
        where = f"angkatan {batch}" if batch else "sebuah angkatan"
        extra = f" ({note})" if note and action in ("enrolled", "waitlisted") else ""
        if action == "enrolled":
            return f"menominasikan {person} ke {where}{extra}"
        if action == "waitlisted":
            return f"menominasikan {person} ke {where}; angkatan penuh, masuk daftar tunggu{extra}"
        if action == "cancelled":
            was = (changes.get("status") or [None])[0]
            before = f" (sebelumnya {STATUS_WORDS[was]})" if was in STATUS_WORDS else ""
            return (f"membatalkan nominasi {person} di {where}{before}"
                    + (f"; alasan: {note}" if note else ""))
        if action == "promoted":
            return f"menaikkan {person} dari daftar tunggu ke kursi {where}"
        if action == "confirmed":
            return f"mencatat konfirmasi kehadiran {person} di {where} (lewat tautan undangan)"
        if action == "substituted":
            reason = f": alasan {note}" if note else ""
            previous = old_value(changes, "participant_id")
            if previous is None:
                return f"mendaftarkan {person} sebagai peserta langsung di {where}{reason}"
            replaced = names.participants.get(str(previous), "seorang pengurus")
            return f"mengganti {replaced} dengan {person} di {where}{reason}"
    thing = ENTITY_WORDS.get(entity, "data")
    detail = _changes(changes, names)
    return f"mencatat perubahan pada {thing}" + (f": {detail}" if detail else "")


async def names_for(session, rows: list[AuditEntry]) -> Names:
    """Look up, in a few queries, every name the rows' sentences need."""
    names = Names()
    enrollment_ids = uuids(r.entity_id for r in rows if r.entity == "enrollment")
    if enrollment_ids:
        for e in (await session.execute(select(Enrollment.id, Enrollment.participant_id, Enrollment.batch_id)
                                        .where(Enrollment.id.in_(enrollment_ids)))).all():
            names.enrollments[str(e.id)] = (str(e.participant_id), str(e.batch_id))
    participant_ids = uuids([r.entity_id for r in rows if r.entity == "participant"]
                           + [p for p, _ in names.enrollments.values()]
                           + [new_value(r.changes, "participant_id") for r in rows]
                           + [old_value(r.changes, "participant_id") for r in rows if r.action == "substituted"])
    batch_ids = uuids([b for _, b in names.enrollments.values()] + [new_value(r.changes, "batch_id") for r in rows])
    cooperative_ids = uuids([r.entity_id for r in rows if r.entity == "cooperative"]
                           + [v for r in rows for v in (r.changes or {}).get("cooperative_id") or []
                              if isinstance((r.changes or {}).get("cooperative_id"), list)])
    if participant_ids:
        names.participants = {str(i): n for i, n in (await session.execute(
            select(Participant.id, Participant.full_name).where(Participant.id.in_(participant_ids)))).all()}
    if batch_ids:
        names.batches = {str(i): c for i, c in (await session.execute(
            select(BatchReplica.id, BatchReplica.code).where(BatchReplica.id.in_(batch_ids)))).all()}
    if cooperative_ids:
        names.cooperatives = {str(i): n for i, n in (await session.execute(
            select(Cooperative.id, Cooperative.name).where(Cooperative.id.in_(cooperative_ids)))).all()}
    return names


def readable(rows: list[AuditEntry], names: Names) -> list[dict]:
    """What the audit page shows for each row: when, who (name and role), what (a sentence) and where."""
    return [{"at": r.at, "actor": actor(r.actor_name), "role": role_name(r.role),
             "district": district_name(r.district_code) if r.district_code else "",
             "sentence": describe(r.action, r.entity, r.entity_id, r.changes, r.note, names)} for r in rows]
