"""Training in process over its real PostgreSQL database: the HTTP app through ASGI, the roster fed by its use case
exactly as the Kafka consumer would (the broker path itself is covered end to end in tests/e2e)."""
from __future__ import annotations

import json
import uuid
from datetime import date, timedelta

import httpx
import pytest

from services.training.bootstrap import create_training_app
from services.training.config import TrainingSettings
from services.training.service_layer import roster, trainer_accounts
from tests.fixtures.tokens import test_token
from shared.events.envelope import Envelope
from shared.events.identity import AccountRegistered
from shared.events.registration import ParticipantEnrolled
from tests.fixtures import factories

PUBLIC_URL = "https://sipelkop.example"


class TrainingService:
    def __init__(self, app):
        self.app = app
        self.runtime = app.state.runtime

    def client(self, role: str | None = "admin", subject: str | None = None) -> httpx.AsyncClient:
        headers = {}
        if role:
            token = test_token(subject=subject or role, role=role)
            headers["Authorization"] = f"Bearer {token}"
        return httpx.AsyncClient(transport=httpx.ASGITransport(app=self.app), base_url="http://training",
                                 headers=headers, timeout=30)

    async def enrol(self, batch_id, count: int) -> list[dict]:
        """Put `count` participants on the roster through the consumer's use case."""
        people = []
        async with self.runtime.uow() as uow:
            for _ in range(count):
                event = ParticipantEnrolled(**factories.enrolled(batch_id))
                envelope = Envelope.wrap(event, source="/sipelkop/registration", subject=str(event.enrollment_id),
                                         aggregate_version=1)
                await roster.apply_enrolled(uow, envelope, event)
                people.append(event.model_dump(mode="json"))
            await uow.commit()
        return people

    async def trainer_account(self, username: str = "pelatih.siti", full_name: str = "Dr. Siti Rahmawati, M.M.") -> str:
        """A trainer account as identity announces it, applied through the consumer's use case; its id."""
        event = AccountRegistered(account_id=uuid.uuid4(), username=username, full_name=full_name, role="trainer",
                                  active=True)
        envelope = Envelope.wrap(event, source="/sipelkop/identity", subject=str(event.account_id),
                                 aggregate_version=1)
        async with self.runtime.uow() as uow:
            await trainer_accounts.apply_profile(uow, envelope, event)
            await uow.commit()
        return str(event.account_id)

    async def outbox(self, event_type: str | None = None) -> list[dict]:
        """The envelopes written so far (what the relay would publish), oldest first."""
        table = self.runtime.tables.outbox
        async with self.runtime.engine.connect() as conn:
            rows = (await conn.execute(table.select().order_by(table.c.seq))).all()
        envelopes = [json.loads(r.payload) for r in rows]
        return [e for e in envelopes if event_type is None or e["type"] == event_type]


@pytest.fixture
async def training(pg_url):
    settings = TrainingSettings(database_url=pg_url, env="test", public_base_url=PUBLIC_URL,
                                signing_official="Drs. Contoh Pejabat, M.Si.")
    app = create_training_app(settings, start_background=False, handlers={})
    await app.state.runtime.start(run_relay=False, run_consumers=False)
    yield TrainingService(app)
    await app.state.runtime.stop()


async def scheduled(service: TrainingService, *, days: int = 3, participants: int = 0, **overrides):
    """A batch that runs from today (so marks made now fall inside it), with its roster."""
    admin = service.client()
    body = factories.batch(start_in_days=0, days=days, trainers=["pelatih-1"], **overrides)
    created = await admin.post("/api/v1/batches", json=body)
    assert created.status_code == 201, created.text
    batch = created.json()
    people = await service.enrol(batch["id"], participants) if participants else []
    return batch, people


def day_at(batch: dict, no: int, hour: int = 9) -> str:
    """Business time of a mark on session `no`'s day, in WITA."""
    day = date.fromisoformat(batch["start_date"]) + timedelta(days=no - 1)
    return f"{day.isoformat()}T{hour:02d}:00:00+08:00"
