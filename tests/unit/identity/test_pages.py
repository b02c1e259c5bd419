"""The one sign-in page /masuk, sign-out, the password page and the admins' account pages (no JavaScript)."""
import re

import pytest

from shared.auth import ACCESS_COOKIE, SESSION_COOKIE
from tests.unit.identity.conftest import ADMIN_PASSWORD, OFFICER_PASSWORD, client_for


def hidden(html: str, name: str) -> str:
    return re.search(rf'name="{name}" value="([^"]*)"', html).group(1)


async def sign_in(client, username, password, next_url=""):
    form = await client.get("/masuk", params={"next": next_url} if next_url else None)
    return await client.post("/masuk", data={"username": username, "password": password, "next": next_url,
                                             "csrf": hidden(form.text, "csrf")})


async def test_the_form_is_in_bahasa_and_carries_a_login_csrf(client):
    page = await client.get("/masuk", params={"next": "/akun"})
    assert page.status_code == 200 and "Masuk ke SIPELKOP" in page.text and "<script" not in page.text
    assert "/aset/sipelkop.css" in page.text and '<nav class="menu"' not in page.text  # no one to navigate for
    assert hidden(page.text, "csrf") == client.cookies["sipelkop_login_csrf"]
    assert hidden(page.text, "next") == "/akun"


async def test_a_post_without_the_login_csrf_is_refused(client, officer):
    response = await client.post("/masuk", data={"username": "petugas.kukar", "password": OFFICER_PASSWORD})
    assert response.status_code == 403 and SESSION_COOKIE not in response.cookies


async def test_wrong_credentials_show_the_form_again_with_one_message(client, officer):
    for username in ("petugas.kukar", "tidak.ada"):
        response = await sign_in(client, username, "salah-salah-123")
        assert response.status_code == 401
        assert "Nama pengguna atau kata sandi salah." in response.text


async def test_five_failures_then_429_with_retry_after_on_the_page(app, officer):
    async with client_for(app, "10.20.0.1") as c:
        for _ in range(5):
            assert (await sign_in(c, "petugas.kukar", "salah-salah-123")).status_code == 401
        refused = await sign_in(c, "petugas.kukar", OFFICER_PASSWORD)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert "Terlalu banyak percobaan" in refused.text


@pytest.mark.parametrize("next_url, expected", [
    ("/peserta?x=1", "/peserta?x=1"),
    ("http://identity.test:8001/koperasi/baru", "http://identity.test:8001/koperasi/baru"),
    ("https://jahat.example/curi", "http://127.0.0.1:8001/koperasi"),
    ("//jahat.example/curi", "http://127.0.0.1:8001/koperasi"),
    ("javascript:alert(1)", "http://127.0.0.1:8001/koperasi"),
    ("", "http://127.0.0.1:8001/koperasi"),
])
async def test_success_goes_to_next_on_this_host_only(client, officer, next_url, expected):
    response = await sign_in(client, "petugas.kukar", OFFICER_PASSWORD, next_url)
    assert response.status_code == 303 and response.headers["location"] == expected
    assert response.cookies.get(SESSION_COOKIE) and response.cookies.get(ACCESS_COOKIE)


async def test_an_admin_lands_on_the_account_list_and_sees_name_and_role(client, admin, officer):
    response = await sign_in(client, "admin.prov", ADMIN_PASSWORD)
    assert response.headers["location"] == "/akun"
    page = await client.get("/akun")
    assert page.status_code == 200
    assert "<strong>Admin Provinsi Kaltim</strong><small>Admin Provinsi</small>" in page.text
    assert "petugas.kukar" in page.text and "Petugas Dinas" in page.text and "district_officer<" not in page.text
    # The shared frame: one stylesheet for every service, the navigation across them, no inline page CSS.
    assert '/aset/sipelkop.css' in page.text and '<nav class="menu"' in page.text and "body{" not in page.text
    assert '/akun" aria-current="page"' in page.text
    filtered = await client.get("/akun", params={"role": "trainer"})
    assert "petugas.kukar" not in filtered.text


async def test_with_a_session_masuk_mints_a_fresh_access_token_and_goes_back(client, officer):
    await sign_in(client, "petugas.kukar", OFFICER_PASSWORD)
    old = client.cookies[ACCESS_COOKIE]
    client.cookies.delete(ACCESS_COOKIE)
    again = await client.get("/masuk", params={"next": "/sandi"})
    assert again.status_code == 303 and again.headers["location"] == "/sandi"
    assert again.cookies[ACCESS_COOKIE] and again.cookies[ACCESS_COOKIE] != old


async def test_pages_without_a_session_send_to_masuk(client):
    response = await client.get("/akun")
    assert response.status_code == 303 and response.headers["location"] == "/masuk?next=%2Fakun"


async def test_an_officer_may_not_manage_accounts(client, officer):
    await sign_in(client, "petugas.kukar", OFFICER_PASSWORD)
    assert (await client.get("/akun")).status_code == 403
    # In a browser the refusal is a page in the same frame that says why, not the JSON error.
    page = await client.get("/akun/baru", headers={"Accept": "text/html"})
    assert page.status_code == 403 and page.headers["content-type"].startswith("text/html")
    assert "Halaman ini hanya untuk admin provinsi." in page.text and '{"error"' not in page.text
    assert "/aset/sipelkop.css" in page.text and "Petugas Dinas" in page.text


async def test_admin_creates_an_officer_and_sees_the_one_time_password_once(app, client, admin):
    await sign_in(client, "admin.prov", ADMIN_PASSWORD)
    form = await client.get("/akun/baru")
    csrf = hidden(form.text, "csrf")
    data = {"username": "petugas.kubar", "full_name": "Yohanes Lawing", "role": "district_officer",
            "district_code": "64.07", "nip": "", "phone": "", "email": ""}
    forged = await client.post("/akun/baru", data={**data, "csrf": "palsu"})
    assert forged.status_code == 403
    wrong = await client.post("/akun/baru", data={**data, "district_code": "", "csrf": csrf})
    assert wrong.status_code == 422 and "petugas dinas wajib memiliki kabupaten/kota" in wrong.text
    created = await client.post("/akun/baru", data={**data, "csrf": csrf})
    assert created.status_code == 201
    one_time = re.search(r'<p class="secret">([^<]+)</p>', created.text).group(1)
    account_url = re.search(r'action="(/akun/[0-9a-f-]{36})"', created.text).group(1)
    assert one_time not in (await client.get(account_url)).text
    # The officer signs in with it and must choose a password first.
    async with client_for(app, "10.30.0.1") as officer:
        first = await sign_in(officer, "petugas.kubar", one_time, "/koperasi")
        assert first.headers["location"] == "/sandi?next=%2Fkoperasi"
        page = await officer.get("/sandi", params={"next": "/koperasi"})
        assert "kata sandi sekali pakai" in page.text
        weak = await officer.post("/sandi", data={"csrf": hidden(page.text, "csrf"), "next": "/koperasi",
                                                  "current_password": one_time, "new_password": "1234567890"})
        assert weak.status_code == 422
        done = await officer.post("/sandi", data={"csrf": hidden(page.text, "csrf"), "next": "/koperasi",
                                                  "current_password": one_time,
                                                  "new_password": "sungai-kapuas-anyaman-8"})
        assert done.status_code == 303 and done.headers["location"] == "/koperasi"
        assert (await officer.get("/sandi")).status_code == 200  # the fresh access token works
    # Deactivate from the account page; the history names the admin.
    page = await client.get(account_url)
    deactivated = await client.post(f"{account_url}/nonaktifkan", data={"csrf": hidden(page.text, "csrf")})
    assert deactivated.status_code == 200 and "Nonaktif" in deactivated.text
    assert "akun dinonaktifkan" in deactivated.text and "Admin Provinsi Kaltim" in deactivated.text
    history = deactivated.text.split("Riwayat", 1)[1]
    assert re.search(r"\d{1,2} (Januari|Februari|Maret|April|Mei|Juni|Juli|Agustus|September|Oktober|November|"
                     r"Desember) 20\d\d \d\d\.\d\d WITA", history)
    assert "UTC" not in history and "nama pengguna, nama lengkap, peran, kabupaten/kota" in history
    assert "full_name" not in history and ">status<" in history
    reset = await client.post(f"{account_url}/reset-sandi", data={"csrf": hidden(page.text, "csrf")})
    assert re.search(r'<p class="secret">([^<]+)</p>', reset.text)
    edited = await client.post(account_url, data={"csrf": hidden(page.text, "csrf"), "full_name": "Yohanes L.",
                                                  "role": "trainer", "district_code": "64.07", "nip": "",
                                                  "phone": "", "email": ""})
    assert edited.status_code == 422 and "hanya petugas dinas" in edited.text


async def test_sign_out_needs_the_session_csrf_and_ends_the_session(client, officer):
    await sign_in(client, "petugas.kukar", OFFICER_PASSWORD)
    page = await client.get("/sandi")
    assert (await client.post("/keluar", data={"csrf": "palsu"})).status_code == 403
    out = await client.post("/keluar", data={"csrf": hidden(page.text, "csrf")})
    assert out.status_code == 303 and out.headers["location"] == "/masuk"
    assert not client.cookies.get(SESSION_COOKIE)
    assert (await client.post("/api/v1/auth/refresh")).status_code == 401
