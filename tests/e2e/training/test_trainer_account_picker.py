"""The narasumber form in a real Chromium over identity and training as processes: the trainer accounts identity's
admin made are offered by name in "Akun pelatih" (an officer's is not), a staffer picks one on a laptop and another
on a phone, and an account already linked is no longer offered."""
from __future__ import annotations

import secrets
import uuid
from datetime import timedelta

from playwright.sync_api import expect

from shared.auth import ACCESS_COOKIE
from shared.tokens import KeyRing, access_claims
from tests.fixtures.browser import LAPTOP, LAYOUT_PROBLEMS, PHONE, screenshot
from tests.fixtures.services import start_stack, wait_for

TRAINERS = {"narasumber.andi": "Dr. Andi Pratama, M.M.", "narasumber.nurul": "Nurul Hidayah, S.Kom."}
NIK = {"narasumber.andi": "6472011503700001", "narasumber.nurul": "6472014507880002"}


def signed_in(browser, stack, viewport: dict):
    """A staffer's browser holding the access cookie identity's /masuk would leave (signed with identity's keys)."""
    csrf = secrets.token_urlsafe(16)
    token = KeyRing.load_or_create(stack.keys_file).sign(access_claims(
        issuer=stack["identity"].url, subject=str(uuid.uuid4()), name="Muhammad Ridwan, S.Kom.",
        role="training_staff", district=None, ttl=timedelta(minutes=15), csrf=csrf,
        session_id=secrets.token_hex(8)))
    context = browser.new_context(**viewport)
    context.add_cookies([{"name": ACCESS_COOKIE, "value": token, "url": stack["training"].url, "httpOnly": True,
                          "sameSite": "Lax"}])
    return context.new_page()


def test_a_staffer_picks_the_trainer_account_by_name(kafka, postgres, tmp_path, browser):
    urls = {name: postgres.new_database(name[:3]) for name in ("identity", "training")}
    stack = start_stack(kafka_bootstrap=kafka.bootstrap, database_urls=urls, topic_prefix=f"p{uuid.uuid4().hex[:8]}.",
                        log_dir=tmp_path)
    try:
        identity = stack.client("identity", "admin")
        ids = {}
        for username, full_name in TRAINERS.items():
            made = identity.post("/api/v1/accounts", json={"username": username, "full_name": full_name,
                                                           "role": "trainer"})
            assert made.status_code == 201, made.text
            ids[username] = made.json()["id"]
        officer = identity.post("/api/v1/accounts", json={"username": "dinas.kukar", "full_name": "Rina Marlina",
                                                          "role": "district_officer", "district_code": "64.02"})
        assert officer.status_code == 201, officer.text
        training = stack.client("training", "training_staff")
        wait_for(lambda: set(ids.values()) <= {a["account_id"] for a in training.get("/api/v1/trainer-accounts").json()},
                 message="trainer accounts in training")

        for viewport, username, width in ((LAPTOP, "narasumber.andi", 1366), (PHONE, "narasumber.nurul", 390)):
            page = signed_in(browser, stack, viewport)
            page.goto(f"{stack['training'].url}/konsol/narasumber/baru")
            picker = page.locator("#account_id")
            offered = picker.locator("option").all_inner_texts()
            assert offered[0] == "— tanpa akun —"
            assert "Rina Marlina (dinas.kukar)" not in offered
            label = f"{TRAINERS[username]} ({username})"
            assert label in offered
            if width == 390:  # Andi's account is linked to the narasumber saved on the laptop
                assert offered == ["— tanpa akun —", label]
            page.fill("#name", TRAINERS[username])
            page.fill("#nik", NIK[username])
            page.fill("#rate_per_jp", "900000")
            page.select_option("#account_id", label=label)
            expect(picker).to_have_value(ids[username])
            if width == 390:
                assert page.evaluate(LAYOUT_PROBLEMS) == []
            picker.scroll_into_view_if_needed()
            screenshot(page, f"pages/narasumber-akun-pelatih-{width}")
            page.click("button:has-text('Simpan narasumber')")
            expect(page.locator("[role=status]")).to_contain_text("tersimpan")
            page.context.close()

        linked = {t["name"]: t["account_id"] for t in training.get("/api/v1/trainers").json()}
        assert linked == {TRAINERS[u]: ids[u] for u in TRAINERS}
    finally:
        stack.stop()
