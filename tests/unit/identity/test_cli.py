"""`sipelkop accounts create-admin --password-stdin` refuses a weak password in Bahasa; create_account_sync()
is what the demo loader calls."""
import argparse
import io

import pytest

from services.identity.entrypoints import cli
from tests.unit.identity.conftest import identity_settings


@pytest.fixture
def env(tmp_path, monkeypatch):
    monkeypatch.setenv("SIPELKOP_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("IDENTITY_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path}/identity.db")
    return tmp_path


def run(argv, stdin="") -> int:
    parser = argparse.ArgumentParser()
    cli.register(parser.add_subparsers())
    args = parser.parse_args(argv)
    import sys

    old, sys.stdin = sys.stdin, io.StringIO(stdin)
    try:
        return args.func(args)
    finally:
        sys.stdin = old


def test_create_admin_refuses_a_weak_password(env, capsys):
    assert run(["accounts", "create-admin", "--username", "admin", "--password-stdin"], "password123\n") == 1
    err = capsys.readouterr().err
    assert "kata sandi" in err and "password123" not in err


def test_create_admin_then_list(env, capsys):
    code = run(["accounts", "create-admin", "--username", "Admin.Prov", "--full-name", "Admin Kaltim",
                "--password-stdin"], "kopi-durian-samarinda-7\n")
    assert code == 0
    assert run(["accounts", "list"]) == 0
    out = capsys.readouterr().out
    assert "admin.prov" in out and "admin" in out and "1 akun" in out
    assert run(["accounts", "create-admin", "--username", "admin.prov", "--password-stdin"],
               "kopi-durian-samarinda-7\n") == 1


def test_create_account_sync_for_the_demo(tmp_path):
    created = cli.create_account_sync(username="demo.kukar", full_name="Petugas Demo Kukar",
                                      role="district_officer", district_code="64.02",
                                      settings=identity_settings(tmp_path))
    assert created.username == "demo.kukar" and created.password  # one-time password, shown once
    fixed = cli.create_account_sync(username="demo.pelatih", full_name="Pelatih Demo", role="trainer",
                                    password="demo-pelatih-kaltim-2026", must_change_password=False,
                                    settings=identity_settings(tmp_path))
    assert fixed.password is None
    again = cli.create_account_sync(username="demo.kukar", full_name="Nama Lain", role="district_officer",
                                    district_code="64.02", settings=identity_settings(tmp_path), exists_ok=True)
    assert again.id == created.id and again.password is None
    from shared.errors import Conflict

    with pytest.raises(Conflict):
        cli.create_account_sync(username="demo.kukar", full_name="Nama Lain", role="trainer",
                                settings=identity_settings(tmp_path))


def test_rotate_keys(env, capsys):
    from shared.tokens import KeyRing

    path = env / "identity" / "signing-keys.json"
    KeyRing.load_or_create(path)
    assert run(["identity", "rotate-keys"]) == 0
    assert len(KeyRing.load_or_create(path).keys) == 2


def test_announce_accounts_sends_every_profile_at_its_version(tmp_path, capsys):
    import asyncio
    import json

    from sqlalchemy import select

    from services.identity.bootstrap import bootstrap

    settings = identity_settings(tmp_path)
    made = cli.create_account_sync(username="demo.pelatih", full_name="Pelatih Demo", role="trainer",
                                   settings=settings)
    cli.create_account_sync(username="demo.kukar", full_name="Petugas Demo", role="district_officer",
                            district_code="64.02", settings=settings)

    async def announce_and_read():
        from services.identity.service_layer import accounts

        runtime = bootstrap(settings)
        try:
            assert await accounts.announce_accounts(runtime.uow()) == 2
            async with runtime.sessions() as session:
                rows = (await session.execute(select(runtime.tables.outbox.c.event_type,
                                                     runtime.tables.outbox.c.payload))).all()
        finally:
            await runtime.engine.dispose()
        return [(t, json.loads(p)) for t, p in rows if t.endswith(".updated.v1")]

    announced = asyncio.run(announce_and_read())
    trainer = next(p for _, p in announced if p["subject"] == made.id)
    assert trainer["aggregate_version"] == 1
    assert trainer["data"] | {"account_id": None} == {"account_id": None, "username": "demo.pelatih",
                                                       "full_name": "Pelatih Demo", "role": "trainer",
                                                       "district_code": None, "active": True}
    assert len(announced) == 2
