"""`sipelkop accounts create-admin|list`, `sipelkop identity rotate-keys|announce-accounts`; create_account_sync() for
the demo."""
from __future__ import annotations

import asyncio
import sys
from dataclasses import dataclass


@dataclass(frozen=True)
class CreatedAccount:
    id: str
    username: str
    role: str
    password: str | None  # the one-time password when none was given (must be changed at first sign-in)


def register(subparsers) -> None:
    parser = subparsers.add_parser("accounts", help="akun layanan identitas: create-admin | list",
                                   description="Akun orang dan akun layanan di layanan identitas.")
    commands = parser.add_subparsers(dest="accounts_command", required=True, metavar="TINDAKAN", title="tindakan")
    admin = commands.add_parser("create-admin", help="buat akun admin provinsi (yang pertama pada pemasangan baru)",
                                description="Buat akun admin provinsi. Kata sandi dibaca dari masukan standar, "
                                            "tidak pernah dari baris perintah.")
    admin.add_argument("--username", required=True, metavar="NAMA_PENGGUNA",
                       help="nama pengguna untuk masuk, mis. admin.uptd")
    admin.add_argument("--full-name", default=None, metavar="NAMA",
                       help="nama lengkap yang tampil di halaman (bawaan: nama pengguna)")
    admin.add_argument("--password-stdin", action="store_true",
                       help="wajib: baca kata sandi dari masukan standar (satu baris)")
    admin.set_defaults(func=_create_admin, check=lambda args, p=admin: _check_create_admin(p, args))
    listing = commands.add_parser("list", help="daftar akun", description="Daftar semua akun dan statusnya.")
    listing.set_defaults(func=lambda args: asyncio.run(_list(args)))
    identity = subparsers.add_parser("identity", help="layanan identitas: rotate-keys | announce-accounts",
                                     description="Pemeliharaan layanan identitas.")
    identity_commands = identity.add_subparsers(dest="identity_command", required=True, metavar="TINDAKAN",
                                                title="tindakan")
    rotate = identity_commands.add_parser("rotate-keys", help="kunci tanda tangan baru; kunci lama tetap diterbitkan "
                                                             "sampai tokennya kedaluwarsa",
                                          description="Buat kunci tanda tangan token yang baru.")
    rotate.set_defaults(func=_rotate)
    announce = identity_commands.add_parser(
        "announce-accounts", help="kirim profil setiap akun ke layanan lain (sekali, untuk akun lama)",
        description="Kirim profil setiap akun (nama pengguna, nama lengkap, peran, kabupaten, aktif) lewat outbox, "
                    "agar layanan pelatihan mengenal akun pelatih yang dibuat sebelum profil dikirim. Aman diulang.")
    announce.set_defaults(func=lambda args: asyncio.run(_announce(args)))


def _check_create_admin(parser, args) -> None:
    from shared import cli_messages as msg

    if not args.password_stdin:
        parser.error(msg.PASSWORD_STDIN_REQUIRED)


async def create_account_async(*, username: str, full_name: str, role: str, district_code: str | None = None,
                               password: str | None = None, must_change_password: bool | None = None,
                               settings=None, exists_ok: bool = False) -> CreatedAccount:
    """Create an account in identity's database (migrated first). Raises shared.errors.DomainError (Invalid,
    Conflict) with Bahasa messages on bad input, a weak password or a taken username; with `exists_ok` a taken
    username gives the existing account back (password None, nothing changed), so a demo can load twice."""
    from services.identity.bootstrap import bootstrap
    from services.identity.service_layer import accounts
    from shared.db import migrate
    from shared.errors import Conflict

    runtime = bootstrap(settings)
    try:
        await migrate(runtime.migrations, runtime.settings.database_url)
        try:
            account, one_time = await accounts.create_account(
                runtime.uow(), accounts.SYSTEM, username=username, full_name=full_name, role=role,
                district_code=district_code, password=password, must_change_password=must_change_password)
        except Conflict:
            if not exists_ok:
                raise
            taken = username.strip().lower()
            account = next(a for a in await accounts.list_accounts(runtime.uow()) if a.username == taken)
            one_time = None
    finally:
        await runtime.engine.dispose()
    return CreatedAccount(str(account.id), account.username, account.role, one_time)


def create_account_sync(**kwargs) -> CreatedAccount:
    """create_account_async() for callers without an event loop (the demo loader, scripts)."""
    return asyncio.run(create_account_async(**kwargs))


def _create_admin(args) -> int:
    from shared import cli_messages as msg
    from shared.errors import DomainError

    password = sys.stdin.readline().rstrip("\r\n")
    if not password:
        print(msg.PASSWORD_EMPTY, file=sys.stderr)
        return 1
    try:
        created = create_account_sync(username=args.username, full_name=args.full_name or args.username,
                                      role="admin", password=password, must_change_password=False)
    except DomainError as exc:
        details = "; ".join(f"{f['field']}: {f['message']}" for f in exc.fields if f["message"] not in exc.message)
        print(msg.FAILED.format(message=exc.message) + (f" ({details})" if details else ""), file=sys.stderr)
        return 1
    print(f"Akun admin {created.username} dibuat (id {created.id}).")
    return 0


async def _list(args) -> int:
    from services.identity.bootstrap import bootstrap
    from services.identity.service_layer import accounts
    from shared.db import migrate

    runtime = bootstrap()
    try:
        await migrate(runtime.migrations, runtime.settings.database_url)
        rows = await accounts.list_accounts(runtime.uow())
    finally:
        await runtime.engine.dispose()
    for a in rows:
        print(f"{a.username:<24} {a.role:<17} {a.district_code or '-':<6} {'aktif' if a.active else 'nonaktif':<9} "
              f"{a.full_name}")
    print(f"{len(rows)} akun")
    return 0


async def _announce(args) -> int:
    from services.identity.bootstrap import bootstrap
    from services.identity.service_layer import accounts
    from shared.db import migrate

    runtime = bootstrap()
    try:
        await migrate(runtime.migrations, runtime.settings.database_url)
        count = await accounts.announce_accounts(runtime.uow())
    finally:
        await runtime.engine.dispose()
    print(f"Profil {count} akun masuk outbox; layanan identitas mengirimnya ke layanan lain.")
    return 0


def _rotate(args) -> int:
    from services.identity.adapters.keys import KeyStore
    from services.identity.config import IdentitySettings

    settings = IdentitySettings()
    key = KeyStore(settings.signing_keys_file).rotate()
    print(f"Kunci baru {key.kid} menandatangani mulai sekarang; kunci lama tetap diterbitkan sampai tokennya "
          f"kedaluwarsa. Replika lain membaca berkas kunci yang sama.")
    return 0
