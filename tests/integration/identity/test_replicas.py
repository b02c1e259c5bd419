"""Two identity replicas on one PostgreSQL database: the sign-in throttle, sessions and revocations are in the
database, so they hold whichever replica a request reaches."""
from __future__ import annotations

import asyncio

import pytest

from services.identity.bootstrap import create_identity_app
from services.identity.service_layer import accounts
from tests.unit.identity.conftest import OFFICER_PASSWORD, client_for, identity_settings, login
from tests.unit.identity.conftest import fast_hashes  # noqa: F401 (autouse: cheap argon2 parameters)

pytestmark = pytest.mark.integration


@pytest.fixture
async def replicas(postgres, tmp_path):
    url = postgres.new_database("idn")
    apps = [create_identity_app(identity_settings(tmp_path, database_url=url), start_background=False)
            for _ in range(2)]
    async with apps[0].router.lifespan_context(apps[0]), apps[1].router.lifespan_context(apps[1]):
        await accounts.create_account(apps[0].state.runtime.uow(), accounts.SYSTEM, username="petugas.kukar",
                                      full_name="Siti Rahmawati", role="district_officer", district_code="64.02",
                                      password=OFFICER_PASSWORD)
        yield apps


async def test_throttling_holds_across_two_replicas(replicas):
    a, b = replicas
    async with client_for(a, "10.40.0.1") as on_a, client_for(b, "10.40.0.2") as on_b:
        answers = []
        for i in range(5):
            answers.append((await login(on_a if i % 2 else on_b, "petugas.kukar", "salah-salah-123")).status_code)
        assert answers == [401] * 5
        for client in (on_a, on_b):
            refused = await login(client, "petugas.kukar", OFFICER_PASSWORD)
            assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0


async def test_a_burst_of_parallel_guesses_on_both_replicas_cannot_pass_the_limit(replicas):
    a, b = replicas
    async with client_for(a, "10.41.0.1") as on_a, client_for(b, "10.41.0.2") as on_b:
        answers = await asyncio.gather(*(login(on_a if i % 2 else on_b, "tidak.ada", f"tebak-{i}-xyz")
                                         for i in range(12)))
    codes = sorted(r.status_code for r in answers)
    assert codes.count(401) == 5 and codes.count(429) == 7


async def test_a_session_from_one_replica_refreshes_on_the_other_until_deactivated(replicas):
    a, b = replicas
    async with client_for(a, "10.42.0.1") as on_a:
        assert (await login(on_a, "petugas.kukar", OFFICER_PASSWORD)).status_code == 200
        async with client_for(b, "10.42.0.1") as on_b:
            on_b.cookies = on_a.cookies
            assert (await on_b.post("/api/v1/auth/refresh")).status_code == 200
            officer = (await accounts.list_accounts(b.state.runtime.uow(), role="district_officer"))[0]
            await accounts.deactivate(a.state.runtime.uow(), accounts.SYSTEM, officer.id)
            assert (await on_b.post("/api/v1/auth/refresh")).status_code == 401
