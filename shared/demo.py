"""Loads the demo province (shared/demo_data.py) through the services' public HTTP APIs, as the province's people
would: the admin plans the year's programme, training staff schedule the batches, each district's officer
registers cooperatives and managers and nominates them, trainers mark attendance and close the sessions (which
issues the certificates), training staff close the batches with their realisasi.

One liberty, taken through the API too: nomination is open only before a batch starts, so the batches that are
already over (or running today) are first scheduled later in the year, filled, and then moved to their real dates
(`PATCH /api/v1/batches/{id}`, allowed while no attendance is marked) before attendance is marked.

Demo accounts are created at identity with made-up passwords printed once. Tokens for the loader are signed with
identity's local key (development only), each in the name of the demo account doing the work."""
from __future__ import annotations

import secrets
import sys
import time
from datetime import timedelta
from concurrent.futures import ThreadPoolExecutor
from typing import Callable

import httpx

from shared import demo_data
from shared.cli_messages import wrap
from shared.demo_data import ACCOUNTS, OFFICERS, Scenario

Sign = Callable[..., str]  # sign(role=, subject=, name=, district=) -> access token


class DemoFailed(Exception):
    pass


def default_urls() -> dict[str, str]:
    from shared.settings import ServiceSettings

    s = ServiceSettings()
    return {"identity": s.identity_url, "registration": s.registration_url, "training": s.training_url,
            "reporting": s.reporting_url}


def dev_sign(*, role: str, subject: str, name: str, district: str | None = None) -> str:
    from shared.dev_tokens import dev_token

    return dev_token(role=role, subject=subject, name=name, district=district)


class Api:
    """Clients of the services, one per (service, acting account), each with that account's token."""

    def __init__(self, urls: dict[str, str], sign: Sign = dev_sign):
        self.urls, self.sign = urls, sign
        self.account_ids: dict[str, str] = {}
        self.narasumber: dict[str, str] = {}  # NARASUMBER key -> its id in training's registry
        self._clients: dict[tuple, httpx.Client] = {}

    def as_(self, service: str, username: str) -> httpx.Client:
        key = (service, username)
        if key not in self._clients:
            account = next(a for a in ACCOUNTS if a.username == username)
            token = self.sign(role=account.role, subject=self.account_ids.get(username, f"demo-{username}"),
                              name=account.full_name, district=account.district)
            self._clients[key] = httpx.Client(base_url=self.urls[service], timeout=30,
                                              headers={"Authorization": f"Bearer {token}"})
        return self._clients[key]

    def close(self) -> None:
        for client in self._clients.values():
            client.close()


def _ok(answer: httpx.Response, what: str, *codes: int) -> dict | list:
    if answer.status_code not in (codes or (200, 201)):
        try:
            detail = answer.json().get("error", {}).get("message") or answer.text
        except ValueError:
            detail = answer.text
        raise DemoFailed(f"{what}: HTTP {answer.status_code}: {str(detail)[:300]}")
    return answer.json()


def _listed(response) -> list:
    """The list a GET answered, or none yet: a busy service's 503 (or any error body) is "not yet", not a crash."""
    return response.json() if response.status_code == 200 else []


def _wait(predicate, what: str, timeout: float = 90, interval: float = 0.3):
    deadline = time.monotonic() + timeout
    while True:
        found = predicate()
        if found:
            return found
        if time.monotonic() > deadline:
            raise DemoFailed(f"menunggu {what} lebih dari {timeout:.0f} detik (Kafka berjalan?)")
        time.sleep(interval)


def create_accounts(api: Api) -> dict[str, str]:
    """The demo's accounts at identity; returns {username: password} of those created now (ids kept in the api)."""
    admin = httpx.Client(base_url=api.urls["identity"], timeout=30, headers={
        "Authorization": f"Bearer {api.sign(role='admin', subject='demo-loader', name='Pemuat data demo')}"})
    created = {}
    with admin:
        for account in ACCOUNTS:
            password = f"Demo-{secrets.token_urlsafe(9)}"
            body = {"username": account.username, "full_name": account.full_name, "role": account.role,
                    "password": password, **({"district_code": account.district} if account.district else {})}
            answer = admin.post("/api/v1/accounts", json=body)
            if answer.status_code == 201:
                created[account.username] = password
            elif answer.status_code not in (409, 422):
                _ok(answer, f"akun {account.username}")
        for account in _ok(admin.get("/api/v1/accounts"), "daftar akun"):
            api.account_ids[account["username"]] = account["id"]
    return created


def already_loaded(api: Api, scenario: Scenario) -> bool:
    codes = {b["code"] for b in _ok(api.as_("training", "staf.pelatihan").get("/api/v1/batches"), "daftar angkatan")}
    return any(b.code in codes for b in scenario.batches)


def load(api: Api, scenario: Scenario, say=print) -> dict:
    """Everything in the scenario, in the order the province would do it; returns the figures to expect."""
    admin, staff = api.as_("training", "admin.uptd"), api.as_("training", "staf.pelatihan")
    programme = _ok(admin.post("/api/v1/programmes", json=scenario.programme), "program tahunan")
    official = _ok(admin.post("/api/v1/officials", json={
        **demo_data.OFFICIAL, "active_from": f"{scenario.fiscal_year - 2}-01-02"}), "pejabat penanda tangan")["id"]
    # A narasumber is linked only to a trainer account training knows: identity's announcements come through Kafka.
    linked = {api.account_ids[n.account] for n in demo_data.NARASUMBER if n.account in api.account_ids}
    _wait(lambda: linked <= {a["account_id"] for a in _listed(staff.get("/api/v1/trainer-accounts"))},
          "akun pelatih sampai di layanan pelatihan (akun lama: sipelkop identity announce-accounts)")
    api.narasumber = {n.key: _ok(staff.post("/api/v1/trainers", json=n.body(api.account_ids.get(n.account))),
                                 f"narasumber {n.name}")["id"] for n in demo_data.NARASUMBER}
    say(f"Program {programme['name']}: pagu Rp {programme['allocation']:,}".replace(",", ".")
        + f", target {programme['target_cooperatives']} koperasi")
    # Batches that are over or running are filled while still in the future, then moved to their real dates.
    parking = scenario.today.replace(day=1) + timedelta(days=400)
    ids: dict[str, str] = {}
    accounts = {n.key: n.account for n in demo_data.NARASUMBER}
    for n, batch in enumerate(scenario.batches):
        start = batch.start if batch.state == "planned" else parking + timedelta(days=5 * n)
        sessions = [{"date": (start + (slot.day - batch.start)).isoformat(), "start_time": slot.start,
                     "end_time": slot.end, "topic": slot.topic, "trainer_id": api.narasumber[slot.speaker],
                     # the narasumber who signs in as the batch's trainer marks the sessions
                     **({"trainer": api.account_ids.get(batch.trainer, batch.trainer)}
                        if accounts[slot.speaker] == batch.trainer else {})}
                    for slot in demo_data.agenda(batch)]
        body = {"code": batch.code, "title": batch.title, "programme_id": programme["id"],
                "fiscal_year": scenario.fiscal_year, "venue": batch.venue, "start_date": start.isoformat(),
                "end_date": (start + (batch.end - batch.start)).isoformat(), "capacity": batch.capacity,
                "eligible_districts": batch.districts, "eligibility": batch.eligibility,
                "planned_budget": batch.planned_budget,
                "trainers": [api.account_ids.get(batch.trainer, batch.trainer)], "signing_official_id": official,
                "sessions": sessions}
        ids[batch.code] = _ok(staff.post("/api/v1/batches", json=body), f"angkatan {batch.code}")["id"]
    province = api.as_("registration", "admin.uptd")  # an officer sees only the batches open to the district
    _wait(lambda: set(ids.values()) <= {b["id"] for b in _listed(province.get("/api/v1/batches"))},
          "angkatan sampai di layanan registrasi")
    say(f"{len(ids)} angkatan dijadwalkan; dinas mendaftarkan koperasi dan pengurus di 10 kabupaten/kota ...")
    participant_ids = _register_everyone(api, scenario, ids)
    for batch in scenario.batches:
        if batch.state != "planned":
            expected = len(scenario.people_in(batch.code))
            _wait(lambda: len(_listed(staff.get(f"/api/v1/batches/{ids[batch.code]}/roster"))) == expected,
                  f"daftar peserta {batch.code} di layanan pelatihan")
    for batch in scenario.batches:
        _agenda(api, batch, ids[batch.code])
        _hold(api, scenario, batch, ids[batch.code], participant_ids)
    umk = sum(1 for p in scenario.people if p.business)
    say(f"{len(scenario.cooperatives)} koperasi, {len(scenario.people) - umk} pengurus, {umk} pelaku UMK; "
        f"{sum(b.state == 'closed' for b in scenario.batches)} angkatan selesai dengan realisasi dan sertifikat, "
        f"1 berjalan hari ini, {sum(b.state == 'planned' for b in scenario.batches)} direncanakan.")
    first_closed = next(b for b in scenario.batches if b.state == "closed")
    certificates = _ok(staff.get(f"/api/v1/batches/{ids[first_closed.code]}/certificates"), "sertifikat")
    # The verification link as printed in the certificate's QR: the number and its verification code.
    return {**expected_figures(scenario), "example_certificate": certificates[0]["number"] if certificates else None,
            "example_verification": certificates[0]["verification_url"] if certificates else None}


def _register_everyone(api: Api, scenario: Scenario, batch_ids: dict[str, str]) -> dict[str, str]:
    """Each district's officer registers its cooperatives and managers and nominates them (districts in parallel)."""

    def district(code: str) -> dict[str, str]:
        client = api.as_("registration", OFFICERS[code].username)
        coop_ids, person_ids = {}, {}
        for coop in (c for c in scenario.cooperatives if c.district == code):
            coop_ids[coop.key] = _ok(client.post("/api/v1/cooperatives", json=coop.body()), coop.name)["id"]
        for person in (p for p in scenario.people if p.district == code):
            # A UMK owner brings a business instead of a cooperative (registered with the person).
            person_ids[person.key] = pid = _ok(client.post("/api/v1/participants",
                                                           json=person.body(coop_ids.get(person.cooperative))),
                                               person.full_name)["id"]
            enrolled = _ok(client.post("/api/v1/enrollments", json={"batch_id": batch_ids[person.batch],
                                                                     "participant_id": pid}), "pendaftaran")
            if enrolled["status"] != "enrolled":
                raise DemoFailed(f"{person.full_name} masuk daftar tunggu {person.batch}")
        return person_ids

    for code in OFFICERS:
        api.as_("registration", OFFICERS[code].username)  # made here, used by one thread each
    with ThreadPoolExecutor(max_workers=3) as pool:
        found: dict[str, str] = {}
        for part in pool.map(district, sorted(OFFICERS)):
            found.update(part)
    return found


def _agenda(api: Api, batch, batch_id: str) -> None:
    """A batch filled while parked later in the year moves to its real dates; its agenda moves with it."""
    if batch.state != "planned":
        _ok(api.as_("training", "staf.pelatihan").patch(f"/api/v1/batches/{batch_id}", json={
            "start_date": batch.start.isoformat(), "end_date": batch.end.isoformat()}), f"tanggal {batch.code}")


def _hold(api: Api, scenario: Scenario, batch, batch_id: str, participant_ids: dict[str, str]) -> None:
    """The sessions already held: the trainer marks and closes each; a closed batch is then closed by staff."""
    if not batch.attendance:
        return
    trainer = api.as_("training", batch.trainer)
    for number, slot in enumerate(demo_data.agenda(batch)[:batch.sessions_held], 1):
        marks = [{"participant_id": participant_ids[key], "status": statuses[number - 1]}
                 for key, statuses in batch.attendance.items()]
        _ok(trainer.put(f"/api/v1/batches/{batch_id}/sessions/{number}/attendance",
                        json={"marks": marks, "recorded_at": f"{slot.day.isoformat()}T{slot.start}:00+08:00"}),
            f"kehadiran sesi {number} {batch.code}")
        _ok(trainer.post(f"/api/v1/batches/{batch_id}/sessions/{number}/complete"), f"tutup sesi {number}")
    if batch.state == "closed":
        staff = api.as_("training", "staf.pelatihan")
        proposal = _ok(staff.get(f"/api/v1/batches/{batch_id}/closing-proposal"), f"usulan penutupan {batch.code}")
        lines = demo_data.close_lines(batch, proposal["honorarium"])
        _ok(staff.post(f"/api/v1/batches/{batch_id}/close", json={"components": lines}),
            f"tutup angkatan {batch.code}")


def expected_figures(scenario: Scenario) -> dict:
    """What reporting should show once every event has arrived (the completion rule: present at every session)."""
    closed = [b for b in scenario.batches if b.state == "closed"]
    completers = [key for b in closed for key, marks in b.attendance.items()
                  if all(m in ("hadir", "terlambat") for m in marks)]
    coop_of = {p.key: p.cooperative for p in scenario.people}
    return {"participants_enrolled": len(scenario.people), "participants_completed": len(completers),
            "umk_participants_enrolled": sum(1 for p in scenario.people if p.business),
            "cooperatives_trained": len({coop_of[k] for k in completers}), "batches_closed": len(closed),
            "certificates_issued": len(completers), "realised": sum(b.realised_cost for b in closed)}


def wait_for_reporting(api: Api, scenario: Scenario, expected: dict, timeout: float = 90) -> dict:
    viewer = api.as_("reporting", "kementerian")

    def arrived():
        summary = viewer.get("/api/v1/reports/summary", params={"fiscal_year": scenario.fiscal_year}).json()
        return summary if all(summary.get(k) == v for k, v in expected.items()
                              if k not in ("realised", "example_certificate", "example_verification")) \
            and summary["budget"]["realised"] == expected["realised"] else None

    return _wait(arrived, "angka di layanan pelaporan", timeout=timeout)


def print_accounts(created: dict[str, str], identity_url: str, width: int | None = None) -> None:
    if not created:
        print("\n".join(wrap("Akun demo sudah ada (kata sandinya dicetak saat pertama kali dibuat).", width)))
        return
    from shared.auth import ROLE_NAMES, Role
    from shared.regions import district_name

    print("\n".join(wrap(f"Akun demo (kata sandi hanya ditampilkan sekali ini; masuk di {identity_url}/masuk):",
                         width)))
    rows = [(a.username, created[a.username], ROLE_NAMES[Role(a.role)]
             + (f" · {district_name(a.district).replace('Kabupaten ', 'Kab. ')}" if a.district else ""))
            for a in ACCOUNTS if a.username in created]
    w_user, w_pass = max(len(r[0]) for r in rows), max(len(r[1]) for r in rows)
    for username, password, role in rows:
        print("\n".join(wrap(f"  {username:<{w_user}}  {password:<{w_pass}}  {role}", width)))


def wait_until_up(urls: dict[str, str], timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    for url in urls.values():
        while True:
            try:
                if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise DemoFailed(f"{url} tidak menjawab")
            time.sleep(0.5)


def run(urls: dict[str, str] | None = None, sign: Sign = dev_sign, *, wait: bool = False, say=None) -> int:
    say = say or (lambda line: print("\n".join(wrap(line)), flush=True))
    urls = urls or default_urls()
    api = Api(urls, sign)
    started = time.monotonic()
    try:
        if wait:
            wait_until_up(urls)
        created = create_accounts(api)
        print_accounts(created, urls["identity"])  # now, once: a failure further on must not lose them
        scenario = demo_data.scenario(demo_data.wita_today())
        if already_loaded(api, scenario):
            say("Data demo sudah ada; tidak dimuat ulang.")
        else:
            expected = load(api, scenario, say)
            wait_for_reporting(api, scenario, expected)
            say(f"Data demo dimuat dalam {time.monotonic() - started:.0f} detik; dasbor: {urls['reporting']}/dasbor")
            if expected["example_certificate"]:
                say(f"Contoh sertifikat untuk dicek: {expected['example_verification']}")
    except DemoFailed as exc:
        say(f"Data demo gagal dimuat: {exc}")
        return 1
    except httpx.HTTPError as exc:
        say(f"Data demo gagal dimuat: layanan tidak menjawab ({exc.__class__.__name__}).")
        return 1
    except KeyboardInterrupt:
        say("Pemuatan data demo dihentikan.")
        return 130
    finally:
        api.close()
    return 0


def main(argv=None) -> int:
    from shared.cli_messages import Parser

    parser = Parser(prog="python -m shared.demo", description="Muat data demo SIPELKOP lewat API layanan yang "
                                                              "sedang berjalan (biasanya lewat sipelkop up --demo).")
    parser.add_argument("--wait", action="store_true", help="tunggu sampai semua layanan menjawab lebih dulu")
    args = parser.parse_args(argv)
    return run(wait=args.wait)


if __name__ == "__main__":
    sys.exit(main())
