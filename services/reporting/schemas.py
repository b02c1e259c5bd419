"""Response bodies of the reporting API: counts of people and cooperatives, rupiah as integers, no names."""
from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel, Field


class Figures(BaseModel):
    participants_enrolled: int
    participants_enrolled_men: int
    participants_enrolled_women: int
    participants_waitlisted: int
    participants_attending: int
    participants_completed: int
    participants_completed_men: int
    participants_completed_women: int
    participants_not_completed: int
    completion_rate: float | None
    attendance_rate: float | None
    cooperatives_trained: int
    cooperatives_real_sector: int
    real_sector_share: float | None


class Budget(BaseModel):
    allocation: int
    planned: int
    realised: int
    remaining: int | None
    absorption: float | None
    cost_per_completer: int | None
    cost_per_cooperative: int | None
    completers_in_closed_batches: int
    cooperatives_in_closed_batches: int


class AbsorptionMonth(BaseModel):
    month: str
    realised: int
    cumulative: int


class BreakdownRow(Figures):
    key: str
    label: str
    active_cooperatives: int | None = None
    coverage: float | None = None


class DistrictRow(BreakdownRow):
    target_cooperatives: int | None
    progress: float | None


class Summary(Figures):
    fiscal_year: int | None
    umk_participants_enrolled: int = Field(default=0, description="Pelaku UMK (tanpa koperasi) terdaftar: termasuk "
                                                                  "peserta, tidak termasuk koperasi terlatih")
    umk_participants_completed: int = Field(default=0, description="Pelaku UMK yang lulus")
    programme_id: uuid.UUID | None
    sessions_completed: int
    certificates_issued: int
    batches_scheduled: int
    batches_closed: int
    batches_cancelled: int
    target_cooperatives: int
    progress: float | None
    budget: Budget
    absorption: list[AbsorptionMonth]
    by_sex: list[BreakdownRow]
    by_cooperative_type: list[BreakdownRow]
    average_gain: float | None  # post − pre, participants with both scores (ScoresRecorded)
    improved_share: float | None  # of those, the share whose post-test is higher
    data_as_of: datetime | None
    events_applied: int


class BatchRow(Figures):
    batch_id: uuid.UUID
    code: str | None
    title: str | None
    fiscal_year: int | None
    programme_id: uuid.UUID | None
    start_date: date | None
    end_date: date | None
    status: str
    capacity: int | None
    planned_budget: int
    realised_cost: int | None
    cost_per_completer: int | None


class Report(BaseModel):
    fiscal_year: int | None
    programme_id: uuid.UUID | None
    data_as_of: datetime | None
    events_applied: int


class DistrictReport(Report):
    rows: list[DistrictRow]


class SectorReport(Report):
    rows: list[BreakdownRow]


class BatchReport(Report):
    rows: list[BatchRow]


class ComponentRow(BaseModel):
    component: str  # a code of shared.budget's list (a code of another configuration shows as itself)
    label: str
    planned: int
    realised: int
    absorption: float | None  # realised / planned
    realised_by_quarter: list[int]  # triwulan I-IV, by the batch's last day


class BudgetComponentReport(Report):
    """Closed batches' budget by DAK component; closings without components count as "lainnya"."""

    allocation: int
    batches_closed: int
    planned: int
    realised: int
    realised_by_quarter: list[int]
    components: list[ComponentRow]


class LearningFigures(BaseModel):
    participants_with_pre: int
    participants_with_post: int
    participants_with_both: int
    average_pre: float | None
    average_post: float | None
    average_gain: float | None  # post − pre, only participants with both scores
    participants_improved: int
    improved_share: float | None  # improved ÷ with both


class LearningRow(LearningFigures):
    key: str
    label: str


class LearningBatchRow(LearningFigures):
    batch_id: uuid.UUID
    code: str | None
    title: str | None
    label: str


class LearningReport(Report, LearningFigures):
    batches_scored: int
    batches: list[LearningBatchRow]
    districts: list[LearningRow]
    sectors: list[LearningRow]
    programmes: list[LearningRow]


class SectionMeans(BaseModel):
    mean_penyelenggaraan: float | None
    mean_sarana: float | None
    mean_materi: float | None
    mean_narasumber: float | None


class SatisfactionBatchRow(SectionMeans):
    batch_id: uuid.UUID
    code: str | None
    title: str | None
    start_date: date | None
    respondents: int
    invited: int
    response_rate: float | None
    narasumber_count: int


class NarasumberRow(BaseModel):
    narasumber_id: uuid.UUID
    code: str
    display_name: str | None  # only when the narasumber agreed to be named
    label: str
    mean: float | None
    answers: int
    batches: int


class SatisfactionReport(Report, SectionMeans):
    batches_evaluated: int
    respondents: int
    invited: int
    response_rate: float | None
    batches: list[SatisfactionBatchRow]
    narasumber: list[NarasumberRow]


class ComponentCostRow(ComponentRow):
    cost_per_completer: int | None  # the component's realised ÷ completers of closed batches
    cost_per_cooperative: int | None  # ÷ distinct cooperatives with a completer in closed batches


class Amounts(BaseModel):
    planned: int
    realised: int


class QuarterRow(BaseModel):
    quarter: str  # I–IV
    label: str
    batches_closed: int
    planned: int
    realised: int
    cumulative: int
    absorption_cumulative: float | None  # cumulative realised ÷ allocation
    components: dict[str, int]  # realised per component code


class DistrictBudgetRow(BaseModel):
    key: str
    label: str
    planned: int
    realised: int
    batches: int
    absorption: float | None
    completers: int
    cooperatives_trained: int
    cost_per_completer: int | None


class BatchBudgetRow(BaseModel):
    batch_id: uuid.UUID
    code: str | None
    title: str | None
    end_date: date | None
    quarter: str | None
    planned: int
    realised: int
    completers: int
    cooperatives_trained: int
    cost_per_completer: int | None
    components: dict[str, Amounts]


class ProgrammeBudgetRow(BaseModel):
    programme_id: uuid.UUID
    name: str
    funding_source: str
    allocation: int
    planned: int  # of its closed batches
    realised: int
    absorption: float | None  # realised ÷ allocation


class BudgetReport(Report):
    """The DAK budget of closed batches; `rows` are those of the view asked for (`by`)."""

    by: str
    allocation: int
    batches_closed: int
    planned: int
    realised: int
    remaining: int | None
    absorption: float | None
    realised_by_quarter: list[int]
    cost_per_completer: int | None
    cost_per_cooperative: int | None
    completers_in_closed_batches: int
    cooperatives_in_closed_batches: int
    quarter_rule: str
    district_rule: str
    programmes: list[ProgrammeBudgetRow]
    rows: list[ComponentCostRow] | list[QuarterRow] | list[DistrictBudgetRow] | list[BatchBudgetRow]


class CooperativeCounts(BaseModel):
    registered: int
    active: int
    inactive: int
    active_share: float | None
    members_men: int
    members_women: int
    members_total: int
    grade_a: int
    grade_b: int
    grade_c1: int
    grade_c2: int
    grade_d: int
    grade_none: int  # no ODS grade reported
    trained: int  # with a completer in the batches in scope
    active_not_trained: int


class CooperativeRow(CooperativeCounts):
    key: str
    label: str


class CooperativeReport(Report, CooperativeCounts):
    rat_note: str  # why "with a recent RAT" is not counted (not in registration's events)
    rows: list[CooperativeRow]
