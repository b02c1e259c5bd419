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
