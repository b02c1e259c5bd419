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


async def test_a_batch_with_umk_owners_on_its_roster_cannot_be_closed_to_umk(tmp_path):
    import httpx

    from services.training.bootstrap import create_training_app
    from services.training.config import TrainingSettings
    from services.training.service_layer import roster
    from shared.events.envelope import Envelope
    from shared.events.registration import ParticipantEnrolled
    from tests.fixtures.tokens import test_token

    settings = TrainingSettings(database_url=f"sqlite+aiosqlite:///{tmp_path}/t.db", kafka_bootstrap="127.0.0.1:9",
                                identity_url="http://identity.test")
    app = create_training_app(settings, handlers={})
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://training",
                                     headers={"Authorization": f"Bearer {test_token(role='admin')}"}) as admin:
            made = await admin.post("/api/v1/batches", json=factories.batch(eligibility="koperasi_dan_umk"))
            assert made.status_code == 201 and made.json()["eligibility"] == "koperasi_dan_umk", made.text
            batch_id = made.json()["id"]
            event = ParticipantEnrolled(**{**factories.enrolled(batch_id), "category": "pelaku_umk",
                                           "position": "pemilik usaha", "cooperative_name": "Kerupuk Ikan"})
            async with app.state.runtime.uow() as uow:
                await roster.apply_enrolled(uow, Envelope.wrap(event, source="/sipelkop/registration",
                                                               subject=str(event.enrollment_id),
                                                               aggregate_version=1), event)
                await uow.commit()
            [entry] = (await admin.get(f"/api/v1/batches/{batch_id}/roster")).json()
            assert (entry["category"], entry["cooperative_name"]) == ("pelaku_umk", "Kerupuk Ikan")
            refused = await admin.patch(f"/api/v1/batches/{batch_id}", json={"eligibility": "koperasi"})
            assert refused.status_code == 409, refused.text
            assert refused.json()["error"]["fields"][0]["field"] == "eligibility"
            assert (await admin.get(f"/api/v1/batches/{batch_id}")).json()["eligibility"] == "koperasi_dan_umk"
