"""Training's trainer accounts, learnt from identity's account profiles: the newest version wins, other roles are
not kept, a deactivated or re-roled account is kept but no longer offered; the narasumber form lists them by
name and refuses, naming the field in Bahasa, an account that is not a known trainer's."""
import re
import uuid

import httpx
import pytest
from sqlalchemy import select

from services.training.adapters.orm import TrainerAccount
from services.training.bootstrap import bootstrap, create_training_app
from services.training.config import TrainingSettings
from shared.db import migrate
from shared.events.envelope import Envelope
from shared.events.identity import ACCOUNT_TOPIC, AccountRegistered, AccountUpdated
from shared.messaging.dead_letters import ReplayRecord
from tests.fixtures.tokens import session_cookies

_offsets = iter(range(10**6))
SITI, BUDI, OFFICER = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()


def settings_for(tmp_path) -> TrainingSettings:
    return TrainingSettings(database_url=f"sqlite+aiosqlite:///{tmp_path}/t.db", kafka_bootstrap="127.0.0.1:9",
                            identity_url="http://identity.test")


@pytest.fixture
async def runtime(tmp_path):
    rt = bootstrap(settings_for(tmp_path))
    await migrate(rt.migrations, rt.settings.database_url)
    yield rt
    await rt.engine.dispose()


def profile(account_id, version: int, *, cls=AccountUpdated, full_name="Dr. Siti Rahmawati, M.M.",
            username="pelatih.siti", role="trainer", active=True) -> ReplayRecord:
    event = cls(account_id=account_id, username=username, full_name=full_name, role=role, active=active,
                district_code="64.02" if role == "district_officer" else None)
    envelope = Envelope.wrap(event, source="/sipelkop/identity", subject=str(account_id), aggregate_version=version)
    return ReplayRecord(event.topic, 0, next(_offsets), str(account_id).encode(), envelope.model_dump_json().encode())


async def held(rt) -> dict[str, tuple]:
    async with rt.sessions() as s:
        return {a.account_id: (a.full_name, a.role, a.active, a.version)
                for a in (await s.scalars(select(TrainerAccount))).all()}


def test_training_takes_account_profiles_from_the_identity_topic(runtime):
    assert ACCOUNT_TOPIC in runtime.consumer.topics
    assert {AccountRegistered, AccountUpdated} <= set(runtime.consumer.handlers)


async def test_the_newest_version_wins_and_other_roles_are_not_kept(runtime):
    await runtime.consumer.handle_records([
        profile(SITI, 1, cls=AccountRegistered, full_name="Siti Rahmawati"),
        profile(SITI, 3, full_name="Dr. Siti Rahmawati, M.M."),
        profile(SITI, 2, full_name="Siti Lama"),  # older than what was applied: dropped
        profile(OFFICER, 1, cls=AccountRegistered, username="petugas.kukar", full_name="Andi Wijaya",
                role="district_officer")])
    assert await held(runtime) == {str(SITI): ("Dr. Siti Rahmawati, M.M.", "trainer", True, 3)}
    await runtime.consumer.handle_records([profile(SITI, 3, full_name="Siti Lagi")])  # the same version again
    assert (await held(runtime))[str(SITI)][0] == "Dr. Siti Rahmawati, M.M."
    # Deactivated, then made an officer: kept and marked, never listed (below) nor linkable.
    await runtime.consumer.handle_records([profile(SITI, 4, active=False)])
    assert (await held(runtime))[str(SITI)][2:] == (False, 4)
    await runtime.consumer.handle_records([profile(SITI, 5, role="district_officer")])
    assert (await held(runtime))[str(SITI)][1:] == ("district_officer", True, 5)


async def test_the_form_lists_trainer_accounts_by_name_and_refuses_an_unknown_one(tmp_path, runtime):
    await runtime.consumer.handle_records([
        profile(SITI, 1, cls=AccountRegistered), profile(BUDI, 1, cls=AccountRegistered, username="pelatih.budi",
                                                         full_name="Budi Santoso, S.E."),
        profile(OFFICER, 1, cls=AccountRegistered, username="petugas.kukar", full_name="Andi Wijaya",
                role="district_officer")])
    app = create_training_app(settings_for(tmp_path), handlers={})
    made = session_cookies(role="training_staff", name="Muhammad Ridwan")
    async with app.router.lifespan_context(app):
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://pelatihan.test",
                                     cookies=made["cookies"], headers={"accept": "text/html"}) as c:
            form = await c.get("/konsol/narasumber/baru")
            options = re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', form.text)
            assert options == [("", "— tanpa akun —"), (str(BUDI), "Budi Santoso, S.E. (pelatih.budi)"),
                               (str(SITI), "Dr. Siti Rahmawati, M.M. (pelatih.siti)")]
            body = {"csrf": made["csrf"], "name": "Dr. Siti Rahmawati, M.M.", "nik": "6402015507850001",
                    "rate_per_jp": "900000"}
            for wrong in (str(OFFICER), str(uuid.uuid4())):
                refused = await c.post("/konsol/narasumber/baru", data={**body, "account_id": wrong})
                assert refused.status_code == 422
                assert re.search(r'id="account_id-error">[^<]*akun pelatih', refused.text), refused.text
            saved = await c.post("/konsol/narasumber/baru", data={**body, "account_id": str(SITI)})
            assert saved.status_code == 303, saved.text
            # Siti's account is taken now: the next narasumber is offered Budi's only.
            again = await c.get("/konsol/narasumber/baru")
            assert str(SITI) not in again.text and str(BUDI) in again.text
            listed = (await c.get("/api/v1/trainer-accounts", headers={"accept": "application/json"})).json()
            trainer_id = next(a["linked_trainer_id"] for a in listed if a["username"] == "pelatih.siti")
            named = (await c.get(f"/api/v1/trainers/{trainer_id}", headers={"accept": "application/json"})).json()
            assert named["name"] == "Dr. Siti Rahmawati, M.M." and named["account_id"] == str(SITI)
            assert [a["linked_trainer_id"] for a in listed if a["username"] == "pelatih.budi"] == [None]
            # Her own form keeps her account selected; "— tanpa akun —" unlinks it.
            edit = await c.get(f"/konsol/narasumber/{trainer_id}/ubah")
            assert re.search(rf'<option value="{SITI}" selected>', edit.text)
            unlinked = await c.post(f"/konsol/narasumber/{trainer_id}/ubah", data={**body, "account_id": ""})
            assert unlinked.status_code == 303, unlinked.text
            listed = (await c.get("/api/v1/trainer-accounts", headers={"accept": "application/json"})).json()
            assert all(a["linked_trainer_id"] is None for a in listed)
