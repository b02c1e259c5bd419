"""Request and response bodies of the training API."""
from __future__ import annotations

import uuid
from datetime import date, datetime, time
from typing import Annotated, Literal

from decimal import Decimal

from pydantic import (BaseModel, BeforeValidator, ConfigDict, Field, WithJsonSchema, field_validator,
                      model_validator)

from services.training.domain.scores import ScoreProblem, parse_score

from shared.events.training import BatchEligibility
from shared.regions import is_district

Status = Literal["hadir", "terlambat", "izin", "sakit", "alpa"]
MAX_BATCH_DAYS = 60
MAX_SESSIONS = 300  # several a day over the longest batch
Day = date  # for fields named `date`, whose name would hide the type in the class body



# A wall-clock time in the hall (WITA), "08:00" or "08:00:00": no offset, so not OpenAPI's `format: time`
# (RFC 3339 full-time, which requires one and which a client would then wrongly expect).
WitaTime = Annotated[time, WithJsonSchema({"type": "string", "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?$",
                                           "examples": ["08:00"]})]

class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @field_validator("*")
    @classmethod
    def _no_nul(cls, value):
        # PostgreSQL refuses NUL in text: say so as a 422 rather than fail on the insert.
        if _has_nul(value):
            raise ValueError("tidak boleh berisi karakter NUL")
        return value


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(_has_nul(v) for v in value)
    return False


TrainerName = Annotated[str, Field(min_length=1, max_length=120, description="Subjek token pelatih")]


def _known_districts(codes) -> None:
    unknown = [c for c in codes if not is_district(c)]
    if unknown:
        raise ValueError(f"kode kabupaten/kota tidak dikenal: {', '.join(unknown)}")


# --- programmes -------------------------------------------------------------------------------------------------

class ProgrammeCreate(Strict):
    name: str = Field(min_length=3, max_length=200)
    fiscal_year: int = Field(ge=2000, le=2100)
    funding_source: str = Field(min_length=2, max_length=40, description="Sumber dana: DAK, APBD, ...")
    allocation: int = Field(ge=0, le=10**15, description="Pagu dalam rupiah")
    target_cooperatives: int = Field(ge=0, le=100_000)
    district_targets: dict[str, int] = Field(default_factory=dict, description="Target koperasi per kabupaten/kota")

    @field_validator("district_targets")
    @classmethod
    def _targets(cls, v: dict[str, int]) -> dict[str, int]:
        _known_districts(v)
        if any(t < 0 for t in v.values()):
            raise ValueError("target per kabupaten/kota tidak boleh negatif")
        return v


class ProgrammeUpdate(Strict):
    name: str | None = Field(default=None, min_length=3, max_length=200)
    funding_source: str | None = Field(default=None, min_length=2, max_length=40)
    allocation: int | None = Field(default=None, ge=0, le=10**15)
    target_cooperatives: int | None = Field(default=None, ge=0, le=100_000)
    district_targets: dict[str, int] | None = None

    @field_validator("district_targets")
    @classmethod
    def _targets(cls, v):
        return v if v is None else ProgrammeCreate._targets(v)


class ProgrammeRead(BaseModel):
    id: uuid.UUID
    name: str
    fiscal_year: int
    funding_source: str
    allocation: int
    target_cooperatives: int
    district_targets: dict[str, int]
    version: int


# --- batches and sessions ---------------------------------------------------------------------------------------

class SessionCreate(Strict):
    """One session of the agenda; its JP follows the hours (45 minutes per JP) unless given."""

    date: date
    start_time: WitaTime = Field(description="Jam mulai (WITA)")
    end_time: WitaTime = Field(description="Jam selesai (WITA)")
    topic: str = Field(min_length=1, max_length=200, description="Materi")
    trainer_id: uuid.UUID | None = Field(default=None, description="Narasumber (lihat /api/v1/trainers)")
    trainer: str | None = Field(default=None, max_length=120, description="Subjek token pelatih yang ditugaskan")
    jp: int | None = Field(default=None, le=100, description="JP; bawaan dari jam")


class BatchCreate(Strict):
    code: str = Field(min_length=2, max_length=40, description="Kode angkatan, mis. DIG-2023-01")
    title: str = Field(min_length=3, max_length=200)
    programme_id: uuid.UUID | None = None
    fiscal_year: int | None = Field(default=None, ge=2000, le=2100,
                                    description="Bawaan: tahun anggaran program, atau tahun tanggal mulai")
    venue: str = Field(min_length=2, max_length=200)
    start_date: date
    end_date: date
    capacity: int = Field(ge=1, le=1000)
    eligible_districts: list[str] = Field(min_length=1)
    district_quotas: dict[str, int] = Field(default_factory=dict)
    eligibility: BatchEligibility = Field(
        default="koperasi", description="Peserta: koperasi (hanya pengurus/anggota koperasi) atau koperasi_dan_umk "
                                        "(juga pelaku UMK tanpa koperasi)")
    planned_budget: int = Field(default=0, ge=0, le=10**15)
    completion_min_percent: int = Field(default=100, ge=1, le=100)
    completion_by: Literal["sessions", "jp"] = Field(default="sessions",
                                                     description="Persentase dihitung dari sesi atau dari JP hadir")
    completion_min_post_test: int | None = Field(
        default=None, ge=1, le=100, description="Syarat lulus tambahan: nilai post-test minimal (null: tanpa syarat nilai)")
    trainers: list[TrainerName] = Field(default_factory=list)
    signing_official_id: uuid.UUID | None = Field(default=None, description="Pejabat penanda tangan sertifikat")
    co_signer_id: uuid.UUID | None = Field(default=None, description="Pejabat penanda tangan kedua (opsional)")
    sessions: list[SessionCreate] | None = Field(
        default=None, max_length=MAX_SESSIONS,
        description="Jadwal acara; tanpa ini satu sesi per hari (08:00-16:00 WITA)")

    @field_validator("eligible_districts")
    @classmethod
    def _districts(cls, v: list[str]) -> list[str]:
        _known_districts(v)
        return sorted(set(v))

    @model_validator(mode="after")
    def _dates(self):
        if problem := batch_shape_problem(self.start_date, self.end_date, self.eligible_districts,
                                          self.district_quotas):
            raise ValueError(problem[1])
        return self


def batch_shape_problem(start: date, end: date, districts: list[str], quotas: dict[str, int]) -> tuple | None:
    """(field, message) for dates or quotas that cannot make a batch; None when they can."""
    if end < start:
        return "end_date", "tanggal selesai sebelum tanggal mulai"
    if (end - start).days + 1 > MAX_BATCH_DAYS:
        return "end_date", f"angkatan paling lama {MAX_BATCH_DAYS} hari"
    for code, quota in quotas.items():
        if code not in districts:
            return "district_quotas", f"kuota untuk {code}, yang tidak termasuk kabupaten/kota angkatan"
        if quota < 0:
            return "district_quotas", f"kuota {code} negatif"
    return None


class BatchUpdate(Strict):
    """Only the fields sent change; dates move the sessions with them (session n stays day n)."""

    code: str | None = Field(default=None, min_length=2, max_length=40)
    title: str | None = Field(default=None, min_length=3, max_length=200)
    programme_id: uuid.UUID | None = None
    venue: str | None = Field(default=None, min_length=2, max_length=200)
    start_date: date | None = None
    end_date: date | None = None
    capacity: int | None = Field(default=None, ge=1, le=1000)
    eligible_districts: list[str] | None = Field(default=None, min_length=1)
    district_quotas: dict[str, int] | None = None
    eligibility: BatchEligibility | None = None
    planned_budget: int | None = Field(default=None, ge=0, le=10**15)
    completion_min_percent: int | None = Field(default=None, ge=1, le=100)
    completion_by: Literal["sessions", "jp"] | None = None
    completion_min_post_test: int | None = Field(
        default=None, ge=1, le=100, description="Syarat lulus tambahan: nilai post-test minimal (null: tanpa syarat nilai)")
    trainers: list[TrainerName] | None = None
    signing_official_id: uuid.UUID | None = Field(default=None, description="null: kembali ke pejabat bawaan")
    co_signer_id: uuid.UUID | None = Field(default=None, description="null: tanpa penanda tangan kedua")

    @field_validator("eligible_districts")
    @classmethod
    def _districts(cls, v):
        return v if v is None else BatchCreate._districts(v)


class BatchCancel(Strict):
    reason: str = Field(min_length=3, max_length=500, description="Alasan pembatalan")


Rupiah = Annotated[int, Field(le=10**15)]


class CloseLineIn(Strict):
    """One DAK component of a closing (codes: GET /api/v1/batches/{id}/closing-proposal)."""

    component: str = Field(min_length=1, max_length=40, description="Kode komponen, mis. honor_narasumber")
    planned: Rupiah = Field(default=0, description="Rencana (rupiah)")
    realised: Rupiah = Field(description="Realisasi (rupiah)")

    @field_validator("planned", "realised")
    @classmethod
    def _not_negative(cls, v: int) -> int:
        if v < 0:
            raise ValueError("tidak boleh negatif")
        return v


class BatchClose(Strict):
    """Realisasi by component; a plain `realised_cost` (the API before components) is booked as "lainnya"."""

    components: list[CloseLineIn] | None = Field(default=None, max_length=100,
                                                 description="Rencana dan realisasi per komponen DAK")
    realised_cost: int | None = Field(default=None, ge=0, le=10**15,
                                      description="Realisasi total (rupiah); dengan components harus sama jumlahnya")

    @model_validator(mode="after")
    def _something(self):
        if self.components is None and self.realised_cost is None:
            raise ValueError("isi realisasi per komponen (components) atau realisasi total (realised_cost)")
        return self


class CloseLineRead(BaseModel):
    component: str
    label: str
    planned: int
    realised: int


class ClosingRead(BaseModel):
    """A closing form's lines: proposed (honor from the agenda: JP x rate per JP) while open, as booked once
    closed."""

    batch_id: uuid.UUID
    status: str
    planned_budget: int
    honorarium: int  # what the agenda's JP and the narasumber's rates come to
    components: list[CloseLineRead]
    total_planned: int
    total_realised: int


class SessionRead(BaseModel):
    no: int | None = None  # = number: the session's number in URLs and events (not its day)
    number: int
    date: date
    topic: str
    trainer: str | None
    status: str
    start_time: WitaTime | None = None
    end_time: WitaTime | None = None
    jp: int | None = None
    jp_set: bool = False
    trainer_id: uuid.UUID | None = None
    trainer_name: str | None = None
    marked: int | None = None


class SessionUpdate(Strict):
    """Only the fields sent change; `jp: null` makes JP follow the hours again, `trainer_id: null` unassigns."""

    topic: str | None = Field(default=None, min_length=1, max_length=200)
    trainer: str | None = Field(default=None, max_length=120, description="Subjek token pelatih yang ditugaskan")
    trainer_id: uuid.UUID | None = Field(default=None, description="Narasumber sesi")
    date: Day | None = Field(default=None, description="Hari sesi (mengubahnya menjadikan jadwal disusun)")
    start_time: WitaTime | None = None
    end_time: WitaTime | None = None
    jp: int | None = Field(default=None, le=100, description="JP; bawaan dari jam (45 menit per JP)")


class BatchRead(BaseModel):
    id: uuid.UUID
    code: str
    title: str
    programme_id: uuid.UUID | None
    fiscal_year: int
    venue: str
    start_date: date
    end_date: date
    capacity: int
    eligible_districts: list[str]
    district_quotas: dict[str, int]
    eligibility: str = "koperasi"
    planned_budget: int
    completion_min_percent: int
    completion_by: str = "sessions"
    completion_min_post_test: int | None = None
    trainers: list[str]
    status: str
    agenda: str = "daily"  # daily: one generated session per day; built: an agenda made of sessions
    total_jp: int | None = None
    signing_official_id: uuid.UUID | None = None
    co_signer_id: uuid.UUID | None = None
    sessions: list[SessionRead] = []
    version: int | None = None
    cancel_reason: str | None = None
    realised_cost: int | None = None
    closed_at: datetime | None = None


class RosterRead(BaseModel):
    enrollment_id: uuid.UUID
    participant_id: uuid.UUID
    full_name: str
    gender: str
    position: str
    cooperative_id: uuid.UUID
    cooperative_name: str
    district_code: str
    sector: str
    category: str = "pengurus_koperasi"


# --- pre-test and post-test scores (issue 15) -------------------------------------------------------------------

def _score(value):
    try:
        return parse_score(value)
    except ScoreProblem as problem:
        raise ValueError(str(problem)) from None


ScoreValue = Annotated[Decimal | None, BeforeValidator(_score),
                       Field(description="0–100, paling banyak satu desimal (62.5 atau \"62,5\")")]


class ScoreIn(Strict):
    """One participant's scores. A score left out is not changed; `null` clears it."""

    participant_id: uuid.UUID
    pre_test: ScoreValue = None
    post_test: ScoreValue = None

    def changes(self) -> dict[str, Decimal | None]:
        """The scores this item sets (absent ones are not here; a cleared one is None)."""
        return {name: getattr(self, name) for name in ("pre_test", "post_test") if name in self.model_fields_set}


class ScoresIn(Strict):
    scores: list[ScoreIn] = Field(min_length=1, max_length=1000)


class ScoreRead(BaseModel):
    participant_id: uuid.UUID
    full_name: str
    cooperative_name: str
    pre_test: float | None
    post_test: float | None
    gain: float | None = Field(description="post-test − pre-test, bila keduanya ada")
    recorded_at: datetime | None = Field(description="Terakhir diubah")


class ScoresRead(BaseModel):
    batch_id: uuid.UUID
    version: int = Field(description="Versi lembar nilai; bertambah setiap penyimpanan atau impor")
    min_post_test: int | None = Field(description="Syarat lulus nilai post-test minimal angkatan")
    scores: list[ScoreRead]
    changed: int | None = Field(default=None, description="Nilai yang berubah pada penyimpanan ini")
