"""The `sipelkop` command answers a mistake in what was typed with a Bahasa sentence on stderr and exit status 2,
never a traceback; its help describes every option in Bahasa."""
import argparse
import subprocess
import sys
from pathlib import Path

import pytest

from shared import cli
from shared.cli_messages import district_suggestion, fit, wrap

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("SIPELKOP_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("SIPELKOP_ENV", "development")
    monkeypatch.delenv("IDENTITY_SIGNING_KEYS_FILE", raising=False)
    return tmp_path


def usage_error(argv, capsys) -> str:
    with pytest.raises(SystemExit) as exit_:
        cli.main(argv)
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "kesalahan:" in err and "Traceback" not in err and "error:" not in err
    return err


def test_officer_token_without_district_says_what_to_add(capsys):
    err = usage_error(["token", "--role", "district_officer"], capsys)
    assert "--district" in err and "kode Kemendagri" in err and "64.02" in err
    assert "ValueError" not in err


@pytest.mark.parametrize(("typed", "code", "name"), [
    ("Kutai Kartanegara", "64.02", "Kutai Kartanegara"), ("Kabupaten Kutai Timur", "64.08", "Kutai Timur"),
    ("samarinda", "64.72", "Samarinda"), ("Kota Balikpapan", "64.71", "Balikpapan"), ("PPU", "64.09", None),
    ("6402", "64.02", None), ("Kutai Kartanegra", "64.02", None)])
def test_a_district_name_is_refused_with_its_code(typed, code, name, capsys):
    err = usage_error(["token", "--role", "district_officer", "--district", typed], capsys)
    assert f"pakai {code} (" in err and "bukan nama" in err
    if name:
        assert f"{code} ({name})" in err


def test_an_unknown_district_lists_the_codes(capsys):
    err = usage_error(["token", "--role", "district_officer", "--district", "99.99"], capsys)
    assert "misalnya 64.02 (Kutai Kartanegara)" in err
    assert all(code in err for code in ("64.01", "64.11", "64.74"))


def test_an_unknown_role_lists_the_valid_roles(capsys):
    err = usage_error(["token", "--role", "kepala_dinas"], capsys)
    assert "'kepala_dinas' tidak dikenal" in err
    assert all(role in err for role in ("admin", "training_staff", "district_officer", "trainer", "viewer"))


@pytest.mark.parametrize("argv", [
    ["token", "--role", "admin", "--district", "64.02"],
    ["token", "--role", "admin", "--minutes", "lima"],
    ["token", "--role", "admin", "--minutes", "0"],
    ["token"],
    ["dlq", "registration", "show"],
    ["dlq", "registration", "redrive", "abc"],
    ["dlq", "gudang", "list"],
    ["up", "--kafka-port", "99999"],
    ["serve", "registration", "--port", "delapan"],
    ["reporting", "rebuild", "--grace", "-3"],
    ["accounts", "create-admin", "--username", "admin"],
    ["perintah-tak-ada"],
    [],
])
def test_usage_errors_exit_2_in_bahasa(argv, capsys):
    usage_error(argv, capsys)


def test_a_valid_officer_token_is_printed(capsys):
    assert cli.main(["token", "--role", "district_officer", "--district", "64.02"]) == 0
    token = capsys.readouterr().out.strip()
    assert token.count(".") == 2


def test_dev_token_refuses_a_district_name():
    from shared.dev_tokens import DevTokensRefused, dev_token

    with pytest.raises(DevTokensRefused, match="64.02"):
        dev_token(role="district_officer", subject="x", name="x", district="Kutai Kartanegara")


def test_no_traceback_from_the_real_command():
    done = subprocess.run([sys.executable, "-m", "shared.cli", "token", "--role", "district_officer"], cwd=ROOT,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "Traceback" not in done.stderr and "--district" in done.stderr


def _parsers(parser: argparse.ArgumentParser, path=()):
    yield path, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, child in action.choices.items():
                if name != "bench":  # bench/cli.py is the benchmark harness's own
                    yield from _parsers(child, (*path, name))


def test_every_option_is_described_in_bahasa():
    english = ("show this help", "usage:", "the ", " run ", "print ", "load ", "replay ", "compare ")
    for path, parser in _parsers(cli.build_parser()):
        assert "usage:" not in parser.format_help() and "options:" not in parser.format_help(), path
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                continue
            assert action.help, f"sipelkop {' '.join(path)} {action.option_strings or action.dest} has no help"
            assert not any(word in f" {action.help} " for word in english), (path, action.help)


def test_district_suggestion():
    assert district_suggestion("Kab. Berau") == "64.03"
    assert district_suggestion("Mahakam Ulu") == "64.11"
    assert district_suggestion("Jakarta") is None


def test_the_start_summary_names_each_role_page_and_fits_the_terminal(tmp_path):
    ports = {"identity": 8004, "registration": 8001, "training": 8002, "reporting": 8003}
    urls = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
    lines = cli.guide_lines(urls, tmp_path, tmp_path / "logs", present=lambda url, path: path != "/konsol")
    text = "\n".join(lines)
    for page in ("http://127.0.0.1:8004/masuk", "http://127.0.0.1:8001/koperasi", "http://127.0.0.1:8002/pelatih",
                 "http://127.0.0.1:8003/dasbor"):
        assert page in text
    assert "/konsol" not in text  # a page the service does not have is not promised ...
    assert any("Staf pelatihan UPTD" in line and "8002/docs" in line for line in lines)  # ... its stand-in is
    with_console = "\n".join(cli.guide_lines(urls, tmp_path, tmp_path / "logs"))
    assert "http://127.0.0.1:8002/konsol" in with_console and "8002/docs" not in with_console
    assert str(tmp_path) in text and "Ctrl-C" in text and "logs/<layanan>.log" in text
    short = cli.guide_lines(urls, Path("/srv/sipelkop/.data"), Path("/srv/sipelkop/.data/logs"))
    folded = [part for line in short for part in wrap(line, 60)]
    assert all(len(part) <= 60 for part in folded)
    assert "http://127.0.0.1:8001/koperasi" in "\n".join(folded)  # addresses are folded around, never cut
    assert fit("x" * 80, 40) == "x" * 39 + "…"


def test_verbose_log_lines_read_as_wita_time_level_and_message():
    line = ('{"time": "2026-12-02T16:30:00.000+00:00", "level": "WARNING", "logger": "sipelkop.relay", '
            '"message": "Kafka belum menjawab"}')
    assert cli._readable(line) == "00:30:00 WARNING sipelkop.relay: Kafka belum menjawab"
    assert cli._readable("bukan JSON") == "bukan JSON"


def test_a_bad_setting_is_named_in_bahasa_without_a_traceback(monkeypatch, capsys):
    monkeypatch.setenv("SIPELKOP_ENV", "prod")
    assert cli.main(["token", "--role", "admin"]) == 1
    err = capsys.readouterr().err
    assert "SIPELKOP_ENV='prod' harus salah satu dari 'development', 'test' atau 'production'" in err
    assert "Traceback" not in err


def test_an_unreachable_database_is_a_sentence(monkeypatch, capsys):
    monkeypatch.setenv("REPORTING_DATABASE_URL", "postgresql+asyncpg://sipelkop@127.0.0.1:1/pelaporan")
    assert cli.main(["reporting", "store"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("Tidak dapat menghubungi server") and "Traceback" not in err


def test_wrap_keeps_the_indent_and_never_cuts_an_address():
    line = "  Petugas dinas kab/kota   http://127.0.0.1:8001/koperasi  (juga /peserta /angkatan /impor)"
    assert wrap(line, 80) == ["  Petugas dinas kab/kota   http://127.0.0.1:8001/koperasi  (juga /peserta",
                              "      /angkatan /impor)"]
    assert wrap("Contoh: http://127.0.0.1:8002/verifikasi?nomor=UPTD-KUKM%2F2026%2F0001", 30) == [
        "Contoh:", "    http://127.0.0.1:8002/verifikasi?nomor=UPTD-KUKM%2F2026%2F0001"]
    assert wrap("pendek", 80) == ["pendek"]
