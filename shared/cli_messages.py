"""What the `sipelkop` command says, in Bahasa Indonesia, in one place: argparse's own words, the messages every
subcommand reuses, and the checks of arguments a person types (a district's Kemendagri code, a role, a number),
each refusing with a sentence that says what to type instead. No I/O here beyond argparse printing its error."""
from __future__ import annotations

import argparse
import difflib
import shutil

# --- argparse's own sentences ----------------------------------------------------------------------------------
# argparse looks its words up through gettext at the moment it prints them; these are the ones a person sees.
ARGPARSE = {
    "usage: ": "penggunaan: ",
    "options": "opsi",
    "positional arguments": "argumen posisi",
    "show this help message and exit": "tampilkan bantuan ini lalu keluar",
    "%(prog)s: error: %(message)s\n": "%(prog)s: kesalahan: %(message)s\n",
    "argument %(argument_name)s: %(message)s": "argumen %(argument_name)s: %(message)s",
    "the following arguments are required: %s": "argumen berikut wajib diisi: %s",
    "unrecognized arguments: %s": "argumen tidak dikenal: %s",
    "invalid choice: %(value)r (choose from %(choices)s)": "pilihan %(value)r tidak dikenal (pilih salah satu: "
                                                           "%(choices)s)",
    "invalid %(type)s value: %(value)r": "nilai %(value)r tidak sah",
    "expected one argument": "perlu satu nilai",
    "expected at most one argument": "paling banyak satu nilai",
    "expected at least one argument": "perlu paling sedikit satu nilai",
    "ambiguous option: %(option)s could match %(matches)s": "opsi %(option)s ambigu: bisa berarti %(matches)s",
    "not allowed with argument %s": "tidak boleh bersama argumen %s",
    "one of the arguments %s is required": "salah satu argumen %s wajib diisi",
    "ignored explicit argument %r": "nilai %r diabaikan",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "perintah %(parser_name)r tidak dikenal (pilihan: "
                                                             "%(choices)s)",
    "can't open '%(filename)s': %(error)s": "berkas '%(filename)s' tidak dapat dibuka: %(error)s",
}
ARGPARSE_PLURAL = {"expected %s argument": "perlu %s nilai", "expected %s arguments": "perlu %s nilai"}


def bahasa_argparse() -> None:
    """Make argparse speak Bahasa: usage, section titles, help flag and every error it raises itself."""
    if getattr(argparse, "_sipelkop_bahasa", False):
        return
    english, english_plural = argparse._, argparse.ngettext

    def translate(text: str) -> str:
        return ARGPARSE.get(text) or english(text)

    def translate_plural(singular: str, plural: str, n: int) -> str:
        chosen = english_plural(singular, plural, n)
        return ARGPARSE_PLURAL.get(chosen, chosen)

    argparse._, argparse.ngettext = translate, translate_plural
    argparse._sipelkop_bahasa = True


class Parser(argparse.ArgumentParser):
    """An ArgumentParser whose subcommands share its class (argparse does that) and which speaks Bahasa."""

    def __init__(self, *args, **kwargs):
        bahasa_argparse()
        super().__init__(*args, **kwargs)


# --- sentences the subcommands share ---------------------------------------------------------------------------
PROGRAM = "SIPELKOP: Sistem Informasi Pelatihan Koperasi. Perintah untuk menjalankan layanan, broker Kafka lokal, " \
          "token pengembangan, antrean surat mati (dead letter), akun dan pelaporan."
INTERRUPTED = "Dihentikan (Ctrl-C)."
FAILED = "Gagal: {message}"
BAD_SETTING = "Pengaturan tidak sah (variabel lingkungan): {problems}"
BAD_DATABASE_URL = "alamat basis data (*_DATABASE_URL) tidak dapat dibaca, mis. postgresql+asyncpg://pengguna@host/nama"
UNREACHABLE = ("Tidak dapat menghubungi server (basis data, Kafka atau layanan lain): {problem}. Periksa alamatnya di "
               "pengaturan dan apakah servernya berjalan.")

# sipelkop token
TOKEN_REFUSED_IN_PRODUCTION = "sipelkop token tidak dipakai di produksi: masuk lewat layanan identitas (/masuk)."
OFFICER_NEEDS_DISTRICT = ("Petugas dinas (district_officer) perlu --district dengan kode Kemendagri kabupaten/kota "
                          "Kalimantan Timur, misalnya --district 64.02 (Kutai Kartanegara).")
DISTRICT_ONLY_FOR_OFFICER = "--district hanya dipakai untuk peran district_officer (petugas dinas)."
ROLE_UNKNOWN = "Peran {value!r} tidak dikenal. Peran yang sah: {roles}."

# districts
DISTRICT_NOT_A_CODE = "Kabupaten/kota harus berupa kode Kemendagri Kalimantan Timur, misalnya {example}."
DISTRICT_NAME_GIVEN = ("Kabupaten/kota harus berupa kode Kemendagri Kalimantan Timur, bukan nama: untuk {name} "
                       "pakai {code} ({label}).")
DISTRICT_CODES = "Kode yang sah: {codes}."

# numbers
NOT_A_WHOLE_NUMBER = "{value!r} bukan bilangan bulat."
NOT_A_NUMBER = "{value!r} bukan angka."
OUT_OF_RANGE = "harus antara {low} dan {high}, bukan {value}."
TOO_SMALL = "paling kecil {low}, bukan {value}."
NOT_A_PORT = "port harus bilangan bulat 1-65535, bukan {value!r}."

# sipelkop up / sipelkop kafka: a cluster and replicas on one machine
BROKERS_HELP = ("1 atau 3 broker Kafka lokal (bawaan: 1); 3: klaster KRaft dengan kuorum kontroler ketiganya, "
                "topik direplikasi 3 dengan min.insync.replicas 2, port berselang dua mulai --port/--kafka-port")
REPLICAS_HELP = ("1 atau 2 proses tiap layanan (bawaan: 1); 2: replika kedua di port layanan + 10 (mis. 8011), "
                 "perlu PostgreSQL (satu basis data per layanan; bila tidak ada *_DATABASE_URL, PostgreSQL lokal "
                 "dinyalakan di <folder data>/postgres)")
KAFKA_STARTING = "Menyalakan {what} (port {ports}; log: {log}) ..."
KAFKA_REPLICATED = "; {brokers} broker, replikasi 3, min.insync.replicas 2"
BROKER_RESTARTING = "Broker {node} (port {port}) berhenti; dinyalakan lagi, broker lain tetap melayani ..."
BROKER_RESTARTED = "Broker {node} menyala lagi dan bergabung kembali ke klaster."
BROKER_NOT_RESTARTED = "Broker {node} tidak dapat dinyalakan lagi: {problem}. Rinciannya di {log}."
REPLICAS_NEED_POSTGRES = ("--replicas 2 perlu PostgreSQL: dua proses satu layanan memakai satu basis data, dan SQLite "
                          "tidak dapat dipakai bersama. {variables} tidak menunjuk PostgreSQL (postgresql+asyncpg://...); "
                          "isi semuanya, atau kosongkan semuanya agar PostgreSQL lokal dinyalakan.")
REPLICAS_ON_GIVEN_POSTGRES = "Replika memakai PostgreSQL dari <LAYANAN>_DATABASE_URL."
POSTGRES_STARTING = "Menyalakan PostgreSQL lokal untuk replika (port {port}; log: {log}) ..."
POSTGRES_NOT_STARTED = ("--replicas 2 perlu PostgreSQL, tetapi PostgreSQL lokal tidak dapat dinyalakan: {problem}. "
                        "Pasang dengan `apt-get install -y postgresql`, pastikan port {port} bebas (--postgres-port), "
                        "atau isi <LAYANAN>_DATABASE_URL dengan PostgreSQL yang sudah berjalan.")
POSTGRES_NOT_STOPPED = "PostgreSQL lokal tidak dapat dihentikan: {problem}. Rinciannya di {log}."
REPLICA_PORTS = "Replika: {ports}. Relay outbox tiap layanan bergantian lewat advisory lock PostgreSQL."
REPLICA_RESTARTING = "Replika {label} (port {port}) berhenti (kode {code}); dinyalakan lagi, replika lain tetap melayani."
REPLICA_GAVE_UP = "Replika {label} berhenti {times} kali berturut-turut; lihat {log}. Semua dihentikan."

# sipelkop dlq
DLQ_NEEDS_ID = "Tindakan {action} perlu nomor surat mati: sipelkop dlq {service} {action} NOMOR (lihat dulu dengan list)."
DLQ_LIST_TAKES_NO_ID = "list tidak memakai nomor; untuk satu surat mati pakai show NOMOR."
DLQ_NOT_FOUND = "Tidak ada surat mati bernomor {id}."
DLQ_TOTALS = "{parked} masih diparkir, {total} seluruhnya"
DLQ_DISCARDED = "Surat mati {id} dibuang (tidak akan diterapkan)."
DLQ_REDRIVEN = "Surat mati {id} diterapkan ulang."
DLQ_NOT_PARKED = "Surat mati {id} tidak sedang diparkir (sudah diterapkan ulang atau dibuang)."

# sipelkop accounts
PASSWORD_EMPTY = "Kata sandi kosong: kirim kata sandi lewat masukan standar, mis. `printf '%s\\n' \"$SANDI\" | ...`."
PASSWORD_STDIN_REQUIRED = "Kata sandi hanya dibaca dari masukan standar: tambahkan --password-stdin."


def setting_problem(error: dict) -> str:
    """One pydantic error of a Settings class, as the variable's name and what it must be, in Bahasa."""
    name = "_".join(str(part) for part in error.get("loc", ())).upper() or "?"
    ctx = error.get("ctx") or {}
    wanted = {"literal_error": f"harus salah satu dari {ctx.get('expected', '')}".replace(" or ", " atau "),
              "int_parsing": "harus bilangan bulat", "float_parsing": "harus angka",
              "bool_parsing": "harus true atau false", "string_pattern_mismatch": "bentuknya tidak sah",
              "greater_than_equal": f"paling kecil {ctx.get('ge')}", "less_than_equal": f"paling besar {ctx.get('le')}",
              "missing": "wajib diisi"}.get(error.get("type"), "tidak sah")
    value = error.get("input")
    return f"{name}={value!r} {wanted}" if isinstance(value, (str, int, float)) else f"{name} {wanted}"


def wrap(line: str, width: int | None = None) -> list[str]:
    """One line folded at spaces to the terminal's width, continuation lines indented; words (addresses) are never
    cut, so what a person must copy stays whole."""
    import textwrap

    width = width or shutil.get_terminal_size((100, 24)).columns
    if len(line) <= width:
        return [line]
    indent = " " * (len(line) - len(line.lstrip()))
    return textwrap.wrap(line.lstrip(), width, initial_indent=indent, subsequent_indent=indent + "    ",
                         break_long_words=False, break_on_hyphens=False) or [line]


def fit(line: str, width: int | None = None) -> str:
    """One line cut to the terminal's width (ending with …), so nothing wraps or runs off the screen."""
    width = width or shutil.get_terminal_size((100, 24)).columns
    return line if len(line) <= width else line[: max(width - 1, 1)] + "…"


# --- checks of what a person types (argparse `type=` functions) -------------------------------------------------

def whole_number(low: int | None = None, high: int | None = None):
    def parse(raw: str) -> int:
        try:
            value = int(raw.strip())
        except ValueError:
            raise argparse.ArgumentTypeError(NOT_A_WHOLE_NUMBER.format(value=raw)) from None
        _check_range(value, low, high)
        return value

    parse.__name__ = "bilangan bulat"
    return parse


def decimal_number(low: float | None = None, high: float | None = None):
    def parse(raw: str) -> float:
        try:
            value = float(raw.replace(",", "."))
        except ValueError:
            raise argparse.ArgumentTypeError(NOT_A_NUMBER.format(value=raw)) from None
        _check_range(value, low, high)
        return value

    parse.__name__ = "angka"
    return parse


def _check_range(value, low, high) -> None:
    if low is not None and high is not None and not low <= value <= high:
        raise argparse.ArgumentTypeError(OUT_OF_RANGE.format(low=low, high=high, value=value))
    if low is not None and value < low:
        raise argparse.ArgumentTypeError(TOO_SMALL.format(low=low, value=value))


def port(raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        value = 0
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(NOT_A_PORT.format(value=raw))
    return value


def _short(name: str) -> str:
    return name.removeprefix("Kabupaten ").removeprefix("Kota ")


# What officers write for their own district, beside the official names.
DISTRICT_ALIASES = {"kukar": "64.02", "kutim": "64.08", "kubar": "64.07", "ppu": "64.09", "mahulu": "64.11",
                    "bpp": "64.71", "smd": "64.72", "tenggarong": "64.02", "sangatta": "64.08", "tanah grogot": "64.01",
                    "tanjung redeb": "64.03", "sendawar": "64.07", "penajam": "64.09"}


def district_suggestion(raw: str) -> str | None:
    """The Kemendagri code meant by a name, an abbreviation, a code without its dot or a near miss; None if none."""
    from shared.regions import districts

    known = districts()
    text = " ".join(raw.strip().lower().replace(".", " ").split())
    digits = raw.strip().replace(".", "")
    if digits.isdigit() and len(digits) == 4 and f"{digits[:2]}.{digits[2:]}" in known:
        return f"{digits[:2]}.{digits[2:]}"
    for prefix in ("kabupaten ", "kab ", "kota "):
        text = text.removeprefix(prefix)
    names = {_short(d.name).lower(): code for code, d in known.items()}
    if text in names:
        return names[text]
    if text in DISTRICT_ALIASES:
        return DISTRICT_ALIASES[text]
    close = difflib.get_close_matches(text, list(names), n=1, cutoff=0.75)
    return names[close[0]] if close else None


def district_code(raw: str) -> str:
    """A Kemendagri code of Kalimantan Timur (e.g. 64.02); a name or a near miss is refused with its code."""
    from shared.regions import districts

    value = raw.strip()
    known = districts()
    if value in known:
        return value
    suggested = district_suggestion(value)
    if suggested:
        message = DISTRICT_NAME_GIVEN.format(name=value, code=suggested, label=_short(known[suggested].name))
    else:
        message = DISTRICT_NOT_A_CODE.format(example="64.02 (Kutai Kartanegara)") + " " + DISTRICT_CODES.format(
            codes=", ".join(f"{code} {_short(d.name)}" for code, d in known.items()))
    raise argparse.ArgumentTypeError(message)


def role(raw: str) -> str:
    from shared.auth import ROLE_NAMES, Role

    value = raw.strip().lower()
    if value in {r.value for r in Role}:
        return value
    raise argparse.ArgumentTypeError(ROLE_UNKNOWN.format(value=raw, roles=roles_listed(ROLE_NAMES)))


def roles_listed(names=None) -> str:
    from shared.auth import ROLE_NAMES

    return ", ".join(f"{r.value} ({label})" for r, label in (names or ROLE_NAMES).items())
