"""The backup's parts without a running stack: sealed keys, the SQLite copy, the manifest's check, retention, and
what the command says when it cannot go on."""
import json
import os
import sqlite3
import subprocess
import sys

import pytest

from shared.backup import prune, write_metric
from shared.backup_manifest import Manifest
from shared.backup_parts import PASSPHRASE_ENV, Database, copy_database, seal, unseal
from tests.fixtures.infra import free_port
from tests.fixtures.services import ROOT


def test_signing_keys_are_sealed_and_open_only_with_the_same_passphrase():
    keys = b'{"keys": [{"kid": "k1", "d": "rahasia"}]}'
    sealed = seal(keys, "frasa yang benar")
    assert b"rahasia" not in sealed and json.loads(sealed)["cipher"] == "AES-256-GCM"
    assert unseal(sealed, "frasa yang benar") == keys
    with pytest.raises(ValueError, match=PASSPHRASE_ENV):
        unseal(sealed, "frasa yang salah")


async def test_a_sqlite_copy_is_whole_and_names_its_outbox_events(tmp_path):
    source = tmp_path / "registration.db"
    with sqlite3.connect(source) as conn:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("CREATE TABLE outbox (seq INTEGER PRIMARY KEY, event_id TEXT)")
        conn.executemany("INSERT INTO outbox (event_id) VALUES (?)", [(f"e{i}",) for i in range(500)])
    copied = await copy_database(Database("registration", "registration", f"sqlite+aiosqlite:///{source}"),
                                 tmp_path / "copy" / "registration.db")
    assert copied.outbox_ids == {f"e{i}" for i in range(500)} and copied.live_generation is None
    with sqlite3.connect(tmp_path / "copy" / "registration.db") as conn:
        assert conn.execute("SELECT count(*) FROM outbox").fetchone()[0] == 500


def test_the_manifest_names_every_part_that_changed_or_went_missing(tmp_path):
    (tmp_path / "a.db").write_bytes(b"x" * 100)
    (tmp_path / "b.jsonl").write_text('{"offset": 0}\n')
    manifest = Manifest.new(tmp_path, topic_prefix="")
    manifest.add("a.db", "database")
    manifest.add("b.jsonl", "topic")
    manifest.write()
    assert Manifest.read(tmp_path).problems() == []
    (tmp_path / "a.db").write_bytes(b"y" * 100)
    (tmp_path / "b.jsonl").unlink()
    assert Manifest.read(tmp_path).problems() == ["a.db: SHA-256 tidak cocok", "b.jsonl: tidak ada"]


def test_retention_keeps_the_newest_archives_only(tmp_path):
    for stamp in ("20261201T010000Z", "20261202T010000Z", "20261203T010000Z"):
        (tmp_path / f"sipelkop-cadangan-{stamp}.tar.gz").write_bytes(b"arsip")
    (tmp_path / "catatan.txt").write_text("bukan arsip")
    removed = prune(tmp_path, keep=2)
    assert [p.name for p in removed] == ["sipelkop-cadangan-20261201T010000Z.tar.gz"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["catatan.txt", "sipelkop-cadangan-20261202T010000Z.tar.gz",
                                                          "sipelkop-cadangan-20261203T010000Z.tar.gz"]


def test_the_metric_file_is_in_the_textfile_collector_format(tmp_path):
    archive = tmp_path / "arsip.tar.gz"
    archive.write_bytes(b"z" * 2048)
    write_metric(tmp_path / "metrics", archive, duration=12.5)
    text = (tmp_path / "metrics" / "sipelkop_backup.prom").read_text()
    assert "# TYPE sipelkop_backup_last_success_timestamp_seconds gauge" in text
    assert "sipelkop_backup_last_size_bytes 2048" in text and "sipelkop_backup_last_duration_seconds 12.5" in text
    assert list((tmp_path / "metrics").iterdir()) == [tmp_path / "metrics" / "sipelkop_backup.prom"]


def _sipelkop(tmp_path, *args, **env):
    ports = {f"{name}_PORT": str(free_port()) for name in ("IDENTITY", "REGISTRATION", "TRAINING", "REPORTING")}
    environment = {k: v for k, v in os.environ.items() if k != PASSPHRASE_ENV}
    environment |= {"SIPELKOP_DATA_DIR": str(tmp_path / "data"), "SIPELKOP_KAFKA_BOOTSTRAP": "192.0.2.1:9092",
                    **ports, **env}
    return subprocess.run([sys.executable, "-m", "shared.cli", *args], env=environment, cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def test_backup_without_a_passphrase_says_which_variable_to_set(tmp_path):
    done = _sipelkop(tmp_path, "backup", "--to", str(tmp_path / "cadangan"))
    assert done.returncode == 1 and f"{PASSPHRASE_ENV} belum diisi" in done.stderr
    assert not (tmp_path / "cadangan").exists()


def test_restore_refuses_a_damaged_archive_before_touching_anything(tmp_path):
    archive = tmp_path / "sipelkop-cadangan-20261203T010000Z"
    (archive / "databases").mkdir(parents=True)
    (archive / "databases" / "registration.db").write_bytes(b"salinan")
    manifest = Manifest.new(archive, topic_prefix="")
    manifest.add("databases/registration.db", "database", service="registration", name="registration",
                 engine="sqlite")
    manifest.write()
    (archive / "databases" / "registration.db").write_bytes(b"rusak!!")
    done = _sipelkop(tmp_path, "restore", str(archive))
    assert done.returncode == 1, done.stdout + done.stderr
    assert "rusak atau tidak lengkap" in done.stderr and "databases/registration.db: SHA-256 tidak cocok" in done.stderr
    assert not (tmp_path / "data" / "registration.db").exists()
    assert _sipelkop(tmp_path, "restore", str(tmp_path / "tidak-ada.tar.gz")).stderr.startswith("Gagal: arsip")


def test_an_event_goes_into_the_archive_only_if_the_database_copy_holds_its_write():
    from shared.backup import CLOCK_MARGIN_S, held_by_copy

    copy_began = 1_764_750_000.0
    now_ms, long_ago_ms = int(copy_began * 1000) + 500, int((copy_began - CLOCK_MARGIN_S - 60) * 1000)
    envelope = lambda event_id: json.dumps({"id": event_id, "type": "x"}).encode()  # noqa: E731
    assert held_by_copy({"e1"}, copy_began, envelope("e1"), now_ms)
    assert not held_by_copy({"e1"}, copy_began, envelope("e2"), now_ms)  # written after the copy: left out
    assert held_by_copy({"e1"}, copy_began, envelope("e2"), long_ago_ms)  # its outbox row pruned long since
    assert held_by_copy({"e1"}, copy_began, b"not json", now_ms)  # poison stays as it was
    assert held_by_copy(None, copy_began, envelope("e2"), now_ms)  # a producer whose database was not copied


def test_restore_with_another_passphrase_is_refused_before_anything_is_written(tmp_path):
    archive = tmp_path / "sipelkop-cadangan-20261203T010000Z"
    (archive / "keys").mkdir(parents=True)
    (archive / "keys" / "identity-signing-keys.json.enc").write_bytes(seal(b'{"keys": []}', "frasa saat mencadangkan"))
    manifest = Manifest.new(archive, topic_prefix="")
    manifest.add("keys/identity-signing-keys.json.enc", "signing_keys", service="identity")
    manifest.write()
    done = _sipelkop(tmp_path, "restore", str(archive), **{PASSPHRASE_ENV: "frasa lain"})
    assert done.returncode == 1 and f"{PASSPHRASE_ENV} tidak sama" in done.stderr, done.stdout + done.stderr
    assert not (tmp_path / "data" / "identity" / "signing-keys.json").exists()
