"""The demo through the real services (what `sipelkop up --demo` loads): every figure of the dashboard is non-zero,
the budget card shows the programme's pagu, and the demo's people have distinct names."""
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

from shared import demo, demo_data


def test_the_demo_fills_every_figure_of_the_dashboard(full_stack, browser):
    stack = full_stack
    from shared.tokens import KeyRing, access_claims

    def sign(*, role, subject, name, district=None):
        return KeyRing.load_or_create(stack.keys_file).sign(access_claims(
            issuer=stack["identity"].url, subject=subject, name=name, role=role, district=district,
            ttl=timedelta(minutes=15)))

    urls = {name: stack[name].url for name in ("identity", "registration", "training", "reporting")}
    api = demo.Api(urls, sign)
    created = demo.create_accounts(api)
    assert set(created) == {a.username for a in demo_data.ACCOUNTS}
    scenario = demo_data.scenario(demo_data.wita_today())
    expected = demo.load(api, scenario, say=lambda line: None)
    summary = demo.wait_for_reporting(api, scenario, expected)
    assert demo.already_loaded(api, scenario)
    code = parse_qs(urlsplit(expected["example_verification"]).query)["kode"][0]  # as the printed QR link has it
    verified = api.as_("training", "kementerian").get(f"/api/v1/certificates/{expected['example_certificate']}",
                                                      params={"kode": code})
    assert verified.status_code == 200 and verified.json()["genuine"] is True, verified.text

    for figure in ("cooperatives_trained", "participants_enrolled", "participants_enrolled_women",
                   "participants_enrolled_men", "participants_completed", "completion_rate", "attendance_rate",
                   "real_sector_share", "certificates_issued", "batches_closed", "batches_scheduled"):
        assert summary[figure], figure
    assert summary["completion_rate"] < 1 and summary["participants_not_completed"]
    budget = summary["budget"]
    assert budget["allocation"] == 1_200_000_000 and budget["planned"] and budget["realised"]
    assert budget["absorption"] and budget["cost_per_cooperative"] and budget["cost_per_completer"]
    assert summary["absorption"] and summary["target_cooperatives"] == 600

    viewer = api.as_("reporting", "kementerian")
    params = {"fiscal_year": scenario.fiscal_year}
    districts = viewer.get("/api/v1/reports/districts", params=params).json()["rows"]
    assert len(districts) == 10 and all(r["cooperatives_trained"] for r in districts), districts
    sectors = viewer.get("/api/v1/reports/sectors", params=params).json()["rows"]
    assert sum(1 for r in sectors if r["cooperatives_trained"]) >= 5
    batches = viewer.get("/api/v1/reports/batches", params=params).json()["rows"]
    assert sum(1 for r in batches if r["completion_rate"]) == expected["batches_closed"]

    # The closed batches were booked by DAK component: reporting shows each line, adding up to the realisation.
    by_component = viewer.get("/api/v1/reports/budget-components", params=params).json()
    realised = {row["component"]: row["realised"] for row in by_component["components"]}
    assert realised["honor_narasumber"] and realised["akomodasi"] and realised["konsumsi"], realised
    assert sum(realised.values()) == by_component["realised"] == budget["realised"]

    page = viewer.get("/dasbor")
    assert page.status_code == 200
    assert "1.200.000.000" in page.text and "pagu Rp 0" not in page.text
    # The batch open to UMK: its owners are counted apart from the cooperatives, on the dashboard too.
    owners = [p for p in scenario.people if p.business]
    assert summary["umk_participants_enrolled"] == len(owners) > 0
    assert f'<b id="umk-participants">{len(owners)}</b>' in page.text
    # What the ministry and the UPTD see of the demo, kept for a person to look at (laptop and phone).
    from shared.auth import ACCESS_COOKIE
    from tests.fixtures.browser import screenshot

    for role, who, service, path in (("viewer", "kementerian", "reporting", "/dasbor"),
                                     ("training_staff", "staf.pelatihan", "training", "/konsol")):
        cookie = sign(role=role, subject=who, name=f"Demo {who}")
        for width, height in ((1366, 768), (390, 844)):
            context = browser.new_context(viewport={"width": width, "height": height}, locale="id-ID")
            context.add_cookies([{"name": ACCESS_COOKIE, "value": cookie, "url": urls[service]}])
            shown = context.new_page()
            shown.goto(f"{urls[service]}{path}?tahun={scenario.fiscal_year}")
            assert shown.evaluate("document.documentElement.scrollWidth") <= width
            screenshot(shown, f"demo-{service}{path.replace('/', '-')}-{width}")
            context.close()

    # The trainer of the batch running today finds today's session on the trainer's page.
    running = next(b for b in scenario.batches if b.state == "running")
    trainer = api.as_("training", running.trainer)
    codes = {b["code"]: b for b in trainer.get("/api/v1/batches").json()}
    sessions = trainer.get(f"/api/v1/batches/{codes[running.code]['id']}/sessions").json()
    assert len(sessions) == len(demo_data.agenda(running)) == 3 * len(running.days)  # three sessions a day
    assert [s["status"] for s in sessions] == ["completed"] * running.sessions_held + ["open"] * (
        len(sessions) - running.sessions_held)
    assert sessions[running.sessions_held]["date"] == scenario.today.isoformat()

    # Every session names its narasumber from training's registry; certificates carry the signing official.
    staff = api.as_("training", "staf.pelatihan")
    closed = next(b for b in scenario.batches if b.state == "closed")
    closed_id = codes[closed.code]["id"] if closed.code in codes else next(
        b["id"] for b in staff.get("/api/v1/batches").json() if b["code"] == closed.code)
    agenda = staff.get(f"/api/v1/batches/{closed_id}/sessions").json()
    names = {n.key: n.name for n in demo_data.NARASUMBER}
    assert [s["trainer_name"] for s in agenda] == [names[slot.speaker] for slot in demo_data.agenda(closed)]
    certificates = staff.get(f"/api/v1/batches/{closed_id}/certificates").json()
    assert certificates and {c["signing_official"] for c in certificates} == {demo_data.OFFICIAL["name"]}

    # Training's roster of that batch holds the owners under their businesses' names.
    umk_batch = next(b for b in scenario.batches if b.eligibility == "koperasi_dan_umk")
    umk_id = next(b["id"] for b in staff.get("/api/v1/batches").json() if b["code"] == umk_batch.code)
    roster = demo._wait(lambda: [e for e in demo._listed(staff.get(f"/api/v1/batches/{umk_id}/roster"))
                                 if e["category"] == "pelaku_umk"], "pelaku UMK di daftar peserta")
    assert sorted((e["full_name"], e["cooperative_name"]) for e in roster) == \
        sorted((p.full_name, p.business.name) for p in owners)
    # Its daftar hadir heads the column for both: a cooperative's, or a UMK owner's business.
    from tests.unit.training.test_documents import text_of

    sheet = staff.get(f"/api/v1/batches/{umk_id}/sessions/1/attendance-sheet.pdf")
    assert sheet.status_code == 200, sheet.text
    printed = text_of(sheet.content)
    assert "No Nama Jabatan Koperasi/Usaha Kabupaten/Kota" in printed and owners[0].business.name in printed

    names = [p["full_name"] for b in codes.values()
             for p in trainer.get(f"/api/v1/batches/{b['id']}/roster").json()]
    assert names and len(names) == len(set(names))
