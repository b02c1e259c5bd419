"""The README's operator commands, run as an operator runs them (`python -m shared.cli ...` in a shell):
`sipelkop dlq SERVICE list|redrive|discard` on a service's store, and `sipelkop token` verified by the key ring."""
from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import select

from services.registration.adapters.orm import BatchReplica
from services.registration.bootstrap import bootstrap
from services.registration.config import RegistrationSettings
from shared.db import migrate
from shared.events.training import BatchScheduled
from shared.messaging.dead_letters import ReplayRecord
from tests.unit.shared.test_inbox import batch_event

ROOT = Path(__file__).resolve().parents[2]


def sipelkop(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "shared.cli", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, env={**os.environ, **env})


@pytest.fixture
async def parked(tmp_path):
    """A registration store with two parked events: a good one a bug had parked, and a malformed one."""
    url = f"sqlite+aiosqlite:///{tmp_path}/registration.db"
    runtime = bootstrap(RegistrationSettings(database_url=url))
    await migrate(runtime.migrations, url)
    fixed = runtime.consumer._handlers[BatchScheduled]

    async def buggy(uow, envelope, event):
        raise RuntimeError("bug in handler")

    runtime.consumer._handlers[BatchScheduled] = buggy
    await runtime.consumer.handle_records([ReplayRecord("sipelkop.training.batch", 0, 7, b"k",
                                                        batch_event(uuid.uuid4())),
                                           ReplayRecord("sipelkop.training.batch", 0, 8, b"k", b"{oops")])
    runtime.consumer._handlers[BatchScheduled] = fixed
    letters = {l["offset"]: l["id"] for l in await runtime.dead_letters.list()}
    yield {"env": {"REGISTRATION_DATABASE_URL": url, "SIPELKOP_ENV": "development",
                   "SIPELKOP_DATA_DIR": str(tmp_path)}, "good": letters[7], "poison": letters[8], "runtime": runtime}
    await runtime.engine.dispose()


async def test_dlq_lists_redrives_and_discards(parked):
    env = parked["env"]
    listed = sipelkop("dlq", "registration", "list", env=env)
    assert listed.returncode == 0, listed.stderr
    rows, totals = listed.stdout.splitlines()[:-1], listed.stdout.splitlines()[-1]
    assert [r.split()[1] for r in rows] == ["diparkir", "diparkir"] and totals == "2 masih diparkir, 2 seluruhnya"
    assert "bug in handler" in listed.stdout and "bukan JSON" in listed.stdout

    redriven = sipelkop("dlq", "registration", "redrive", str(parked["good"]), env=env)
    assert redriven.returncode == 0, redriven.stdout + redriven.stderr
    discarded = sipelkop("dlq", "registration", "discard", str(parked["poison"]), env=env)
    assert discarded.returncode == 0, discarded.stdout + discarded.stderr

    # The redriven event is applied in the store; nothing is parked any more; both letters say what became of them.
    async with parked["runtime"].sessions() as session:
        assert [b.capacity for b in (await session.scalars(select(BatchReplica))).all()] == [30]
    assert await parked["runtime"].dead_letters.list() == []
    after = sipelkop("dlq", "registration", "list", env=env).stdout.splitlines()
    assert after[-1] == "0 masih diparkir, 2 seluruhnya"
    assert sorted("diterapkan ulang" if "diterapkan ulang" in row else row.split()[1] for row in after[:-1]) \
        == ["dibuang", "diterapkan ulang"]


async def test_dlq_refuses_an_unknown_letter_and_a_second_redrive(parked):
    env = parked["env"]
    assert sipelkop("dlq", "registration", "redrive", str(parked["good"]), env=env).returncode == 0
    again = sipelkop("dlq", "registration", "redrive", str(parked["good"]), env=env)
    assert again.returncode == 1
    unknown = sipelkop("dlq", "registration", "redrive", "99999", env=env)
    assert unknown.returncode == 1 and "99999" in unknown.stdout
    usage = sipelkop("dlq", "registration", "redrive", env=env)
    assert usage.returncode == 2


def test_token_prints_a_token_the_local_key_ring_verifies(tmp_path):
    from shared.tokens import KeyRing

    keys = tmp_path / "identity" / "signing-keys.json"
    made = sipelkop("token", "--role", "district_officer", "--district", "64.02",
                    env={"SIPELKOP_ENV": "development", "SIPELKOP_DATA_DIR": str(tmp_path),
                         "IDENTITY_SIGNING_KEYS_FILE": str(keys)})
    assert made.returncode == 0, made.stderr
    token = made.stdout.strip().splitlines()[-1]
    import jwt

    header = jwt.get_unverified_header(token)
    [published] = [k for k in KeyRing.load_or_create(keys).jwks()["keys"] if k["kid"] == header["kid"]]
    claims = jwt.decode(token, jwt.PyJWK(published).key, algorithms=["EdDSA"],
                        options={"verify_aud": False, "verify_iss": False})
    assert claims["role"] == "district_officer" and claims["district"] == "64.02"


def test_token_is_refused_in_production(tmp_path):
    refused = sipelkop("token", "--role", "admin", env={"SIPELKOP_ENV": "production", "SIPELKOP_DATA_DIR": str(tmp_path)})
    assert refused.returncode != 0 and not refused.stdout.strip().startswith("ey")
