"""Registration in-process over real PostgreSQL: its HTTP API through ASGI, the batch replica fed as training's
events would feed it, and the outbox read back to see which events a request produced."""
from __future__ import annotations

import httpx
import pytest
from sqlalchemy import select

from services.registration.bootstrap import create_registration_app
from services.registration.config import RegistrationSettings
from services.registration.service_layer import batches
from tests.fixtures.tokens import test_token
from shared.events.envelope import Envelope
from shared.events.training import BatchScheduled, BatchUpdated
from tests.fixtures import factories


class Registration:
    def __init__(self, app):
        self.app = app
        self.runtime = app.state.runtime

    def client(self, role: str, district: str | None = None, subject: str | None = None) -> httpx.AsyncClient:
        token = test_token(subject=subject or f"{role}-{district or 'all'}", role=role,
                            district=district)
        return httpx.AsyncClient(transport=httpx.ASGITransport(app=self.app), base_url="http://registration",
                                 headers={"Authorization": f"Bearer {token}"}, timeout=120)

    async def schedule_batch(self, version: int = 1, event_class=BatchScheduled, **overrides) -> dict:
        """Apply training's BatchScheduled/BatchUpdated through the same handler the consumer uses."""
        body = factories.batch_scheduled(**overrides)
        event = event_class(**body)
        envelope = Envelope.wrap(event, source="/sipelkop/training", subject=str(event.batch_id),
                                 aggregate_version=version)
        async with self.runtime.uow() as uow:
            await batches.apply_batch_state(uow, envelope, event)
            await uow.commit()
        return {**body, "id": str(body["batch_id"])}

    async def update_batch(self, batch: dict, version: int, **changes) -> None:
        await self.schedule_batch(version, BatchUpdated, **{**batch, **changes})

    async def events(self, subject: str | None = None, type_suffix: str | None = None) -> list[dict]:
        import json

        outbox = self.runtime.tables.outbox
        query = select(outbox.c.event_type, outbox.c.key, outbox.c.payload).order_by(outbox.c.seq)
        if subject:
            query = query.where(outbox.c.key == str(subject))
        async with self.runtime.engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        found = [json.loads(r.payload) for r in rows]
        return [e for e in found if not type_suffix or e["type"].endswith(type_suffix)]


@pytest.fixture(scope="module")
async def registration(postgres):
    settings = RegistrationSettings(database_url=postgres.new_database("reg"),
                                    kafka_bootstrap="127.0.0.1:9", env="test")
    app = create_registration_app(settings, handlers={}, start_background=False)
    await app.state.runtime.start(run_relay=False, run_consumers=False)  # migrations only: no Kafka needed
    yield Registration(app)
    await app.state.runtime.stop()
