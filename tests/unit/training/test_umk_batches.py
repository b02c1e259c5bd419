"""Training's side of UMK participants: a batch's eligibility travels in its state, an unknown one is refused, and
the laporan counts a UMK owner's business apart from the cooperatives."""
import uuid
from datetime import date
from types import SimpleNamespace

import pytest
from pydantic import ValidationError

from services.training.schemas import BatchCreate
from services.training.service_layer.batches import batch_state
from services.training.service_layer.report import _participants
from shared.events.training import BatchScheduled
from tests.fixtures import factories


def test_the_eligibility_is_set_per_batch_and_defaults_to_cooperatives_only():
    assert BatchCreate(**factories.batch()).eligibility == "koperasi"
    assert BatchCreate(**factories.batch(eligibility="koperasi_dan_umk")).eligibility == "koperasi_dan_umk"
    with pytest.raises(ValidationError) as refused:
        BatchCreate(**factories.batch(eligibility="umk_saja"))
    assert refused.value.errors()[0]["loc"] == ("eligibility",)


def test_the_batch_state_carries_the_eligibility():
    batch = SimpleNamespace(id=uuid.uuid4(), code="UMK-1", title="Pemasaran Digital", programme_id=None,
                            fiscal_year=2026, venue="Samarinda", start_date=date(2026, 7, 4),
                            end_date=date(2026, 7, 6), capacity=30, eligible_districts=["64.02"],
                            district_quotas={}, planned_budget=0, eligibility="koperasi_dan_umk")
    assert BatchScheduled(**batch_state(batch, 3)).eligibility == "koperasi_dan_umk"


def test_the_laporan_counts_umk_owners_apart_from_cooperatives():
    coop = uuid.uuid4()
    people = [SimpleNamespace(cooperative_id=coop, category="pengurus_koperasi", gender="L", district_code="64.02",
                              position="ketua"),
              SimpleNamespace(cooperative_id=coop, category="anggota_koperasi", gender="P", district_code="64.02",
                              position="anggota"),
              SimpleNamespace(cooperative_id=uuid.uuid4(), category="pelaku_umk", gender="P", district_code="64.02",
                              position="pemilik usaha")]
    part = _participants(people, SimpleNamespace(capacity=30))
    assert "Peserta berjumlah 3 orang (kapasitas 30) dari 1 koperasi dan 1 pelaku UMK tanpa koperasi." in part.paragraphs[0]
