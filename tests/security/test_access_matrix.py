"""Access control, table-driven: every endpoint of every service (read from its running /openapi.json, so a new
endpoint without an expectation here fails the test) x every role and token.

A district officer never reads or writes another district's data, through lists, search, exports or imports either;
a trainer reads and marks only the batches assigned to him or her; a viewer only reads reports; a request without a
token, or with an expired, tampered, forged or unsigned one, is refused with 401."""
from __future__ import annotations

import base64
import io
import json
import re
import uuid
from dataclasses import dataclass, field
from datetime import timedelta

import httpx
import jwt
import pytest

from services.training.config import DEV_CERTIFICATE_KEY
from services.training.domain.certificates import verification_code
from tests.fixtures.tokens import foreign_token, hs256_token, session_cookies, test_token
from tests.fixtures import factories
from tests.fixtures.services import start_stack, wait_for

SERVICES = ("registration", "training", "reporting")
# Trainer 'pelatih-a': an account id as identity gives them (a uuid), which training must know as a trainer's to
# link it to a narasumber.
PELATIH_A = str(uuid.uuid5(uuid.NAMESPACE_URL, "sipelkop-test:pelatih-a"))
OWN, OTHER = "64.02", "64.08"
A, O, OO, T, TO, V = "admin", "officer", "officer_other", "trainer", "trainer_other", "viewer"
ROLES = (A, O, OO, T, TO, V)
BAD_TOKENS = ("no_token", "expired", "tampered", "forged", "old_hs256_secret", "unsigned")
TOKENS = {A: dict(role="admin"), O: dict(role="district_officer", district=OWN),
          OO: dict(role="district_officer", district=OTHER), T: dict(role="trainer", subject=PELATIH_A),
          TO: dict(role="trainer", subject="pelatih-b"), V: dict(role="viewer")}
PUBLIC = "public"
REGISTRARS, STAFF, EVERYONE = {A, O}, {A, T}, set(ROLES)


@dataclass
class Expect:
    """Who may call an endpoint (about the OWN district's data and the batches of trainer 'pelatih-a'), with what."""

    allowed: set | str
    path: dict = field(default_factory=dict)  # path parameters by name, as keys of the world
    query: dict | None = None
    body: object = None  # a dict, or a function of the world returning the request's keyword arguments
    ok: tuple = (200,)  # what an allowed caller gets (writes that may already have happened: 409 too)
    refused: object = None  # a function (world, response) -> bool for refusals that are not 403/404 (imports)


def coop_body(world):
    return {"json": factories.cooperative(OWN)}


def put_coop_body(world):
    body = {k: v for k, v in world["coop_body"].items()}
    return {"json": {**body, "name": f"Koperasi Ganti {uuid.uuid4().hex[:6]}"}}


def participant_body(world):
    return {"json": factories.participant(world["cooperative_id"], OWN)}


def session_body(world):
    return {"json": {"date": world["spare_start"], "start_time": "08:00", "end_time": "09:30", "topic": "Pembukaan"}}


def narasumber_body(world):
    return {"json": {"name": "Ir. Budi Santoso", "nik": "6402011507850002", "rate_per_jp": 900_000}}


def official_body(world):
    return {"json": {"name": "Drs. H. Abdullah", "nip": "197001011995031001", "position": "Kepala UPTD",
                     "active_from": "2020-01-01"}}


def enrol_body(world):
    return {"json": {"batch_id": world["batch_id"], "participant_id": world["spare_participant_id"]}}


def walk_in_body(world):
    # The same spare manager the nomination entry enrols: whichever runs first seats them, the other gets 409.
    return {"json": {"replaced_enrollment_id": None, "participant_id": world["spare_participant_id"],
                     "reason": "uji akses"}}


def csv_upload(rows: list[dict]) -> dict:
    out = io.StringIO()
    out.write(",".join(rows[0]) + "\n")
    for row in rows:
        out.write(",".join(str(v) for v in row.values()) + "\n")
    return {"files": {"file": ("impor.csv", out.getvalue().encode(), "text/csv")}}


def import_coops(world):
    row = factories.cooperative_row(OWN)
    world.setdefault("imported_numbers", []).append(row["nomor_induk_koperasi"])
    return csv_upload([row])


def import_people(world):
    row = factories.participant_row(world["coop_body"]["registration_number"], OWN)
    world.setdefault("imported_niks", []).append(row["nik"])
    return csv_upload([row])


def import_refused(world, answer) -> bool:
    # An import is a list of rows: another district's rows are each refused, nothing is created.
    return answer.status_code in (403, 404) or (answer.status_code == 200 and answer.json()["created"] == 0
                                                 and answer.json()["existing"] == 0)


def scores_body(world):
    return {"json": {"scores": [{"participant_id": world["participant_id"], "pre_test": 55.5}]}}


def scores_upload(world):
    return {"files": {"file": ("nilai.csv", f"id_peserta,pre_test,post_test\n{world['participant_id']},60,\n".encode(),
                                "text/csv")}}


def photo() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 120, 40)).save(out, format="JPEG")
    return out.getvalue()


def evidence_upload(world):
    return {"files": {"file": ("foto.jpg", photo(), "image/jpeg")},
            "data": {"kind": "foto", "caption": "Pembukaan pelatihan"}}


def marks_body(world):
    return {"json": {"marks": [{"participant_id": world["participant_id"], "status": "hadir"}],
                     "recorded_at": f"{world['batch']['sessions'][0]['date']}T09:00:00+08:00"}}


R, TR, RP = "registration", "training", "reporting"
ADMIN_ONLY = {A}
TABLE: dict[tuple[str, str, str], Expect] = {
    # Every service's operations endpoints.
    **{(s, "GET", "/healthz"): Expect(PUBLIC) for s in SERVICES},
    **{(s, "GET", "/readyz"): Expect(PUBLIC) for s in SERVICES},
    **{(s, "GET", "/asyncapi.json"): Expect(PUBLIC) for s in SERVICES},
    **{(s, "GET", "/api/v1/ops/dead-letters"): Expect(ADMIN_ONLY) for s in SERVICES},
    **{(s, "POST", "/api/v1/ops/dead-letters/{letter_id}/redrive"): Expect(ADMIN_ONLY, ok=(404,)) for s in SERVICES},
    **{(s, "POST", "/api/v1/ops/dead-letters/{letter_id}/discard"): Expect(ADMIN_ONLY, ok=(404,)) for s in SERVICES},
    # Registration: the registry and nominations belong to a district.
    (R, "POST", "/api/v1/cooperatives"): Expect(REGISTRARS, body=coop_body, ok=(201,)),
    (R, "GET", "/api/v1/cooperatives"): Expect(REGISTRARS | {OO}),
    (R, "GET", "/api/v1/cooperatives/{cooperative_id}"): Expect(REGISTRARS),
    (R, "PATCH", "/api/v1/cooperatives/{cooperative_id}"): Expect(REGISTRARS, body={"json": {"address": "Jl. Baru"}}),
    (R, "PUT", "/api/v1/cooperatives/{cooperative_id}"): Expect(REGISTRARS, body=put_coop_body),
    (R, "POST", "/api/v1/participants"): Expect(REGISTRARS, body=participant_body, ok=(201,)),
    (R, "GET", "/api/v1/participants"): Expect(REGISTRARS | {OO}),
    (R, "GET", "/api/v1/participants/{participant_id}"): Expect(REGISTRARS),
    (R, "POST", "/api/v1/participants/lookup"): Expect(  # the NIK in the body, never the URL; masked outside
        REGISTRARS | {OO}, body=lambda w: {"json": {"nik": factories.nik(OWN)}}),
    (R, "PATCH", "/api/v1/participants/{participant_id}"): Expect(REGISTRARS, body={"json": {"position": "ketua"}}),
    (R, "GET", "/api/v1/batches"): Expect({A, O, OO, T, TO}),  # the batch catalogue: no personal data
    (R, "GET", "/api/v1/batches/{batch_id}"): Expect({A, O, OO, T, TO}),
    (R, "POST", "/api/v1/enrollments"): Expect(REGISTRARS, body=enrol_body, ok=(201, 409)),
    (R, "GET", "/api/v1/enrollments"): Expect(REGISTRARS | {OO}),
    (R, "GET", "/api/v1/enrollments/{enrollment_id}"): Expect(REGISTRARS),
    (R, "POST", "/api/v1/enrollments/{enrollment_id}/cancel"): Expect(
        REGISTRARS, path={"enrollment_id": "spare_enrollment_id"}, body={"json": {"reason": "uji akses"}},
        ok=(200, 409)),
    (R, "POST", "/api/v1/batches/{batch_id}/substitutions"): Expect(REGISTRARS, body=walk_in_body, ok=(201, 409)),
    (R, "POST", "/api/v1/imports/cooperatives"): Expect(REGISTRARS, body=import_coops, refused=import_refused),
    (R, "POST", "/api/v1/imports/participants"): Expect(REGISTRARS, body=import_people, refused=import_refused),
    (R, "GET", "/api/v1/imports/template.xlsx"): Expect(PUBLIC),  # an empty form
    (R, "GET", "/api/v1/imports/participants/template.xlsx"): Expect(PUBLIC),
    (R, "GET", "/api/v1/audit"): Expect(ADMIN_ONLY),
    # Planning the year's target: the officer's own district; admins (and the UPTD's training staff) any district.
    (R, "GET", "/api/v1/planning/cooperatives"): Expect(REGISTRARS, query={"district": OWN}),
    (R, "GET", "/api/v1/planning/cooperatives.xlsx"): Expect(REGISTRARS, query={"district": OWN}),
    # Invitations: an officer sends to and reads their own district's participants (the other district's officer
    # gets their own, none of OWN's); the public confirmation page (the code is the only credential).
    (R, "POST", "/api/v1/batches/{batch_id}/invitations"): Expect(REGISTRARS | {OO}),
    (R, "GET", "/api/v1/batches/{batch_id}/confirmations"): Expect(REGISTRARS | {OO}),
    (R, "GET", "/api/v1/batches/{batch_id}/invitation.pdf"): Expect(REGISTRARS | {OO}),  # one's own district
    (R, "POST", "/konfirmasi/{code}"): Expect(PUBLIC),
    # Training: the UPTD's staff; a trainer only the batches assigned.
    (TR, "POST", "/api/v1/programmes"): Expect(ADMIN_ONLY, body=lambda w: {"json": factories.programme()}, ok=(201,)),
    (TR, "GET", "/api/v1/programmes"): Expect({A, T, TO}),
    (TR, "GET", "/api/v1/programmes/{programme_id}"): Expect({A, T, TO}),
    (TR, "PATCH", "/api/v1/programmes/{programme_id}"): Expect(ADMIN_ONLY, body={"json": {"funding_source": "DAK"}}),
    (TR, "POST", "/api/v1/batches"): Expect(ADMIN_ONLY, body=lambda w: {"json": factories.batch()}, ok=(201,)),
    (TR, "GET", "/api/v1/batches"): Expect({A, T, TO}),
    (TR, "GET", "/api/v1/batches/{batch_id}"): Expect(STAFF),
    (TR, "PATCH", "/api/v1/batches/{batch_id}"): Expect(ADMIN_ONLY, body={"json": {"venue": "Samarinda"}}),
    (TR, "POST", "/api/v1/batches/{batch_id}/cancel"): Expect(
        ADMIN_ONLY, path={"batch_id": "spare_batch_id"}, body={"json": {"reason": "uji akses"}}, ok=(200, 409)),
    (TR, "POST", "/api/v1/batches/{batch_id}/close"): Expect(
        ADMIN_ONLY, path={"batch_id": "spare_batch_id"}, body={"json": {"realised_cost": 0}}, ok=(200, 409)),
    (TR, "GET", "/api/v1/batches/{batch_id}/closing-proposal"): Expect(ADMIN_ONLY),  # narasumber's rates
    (TR, "GET", "/api/v1/batches/{batch_id}/sessions"): Expect(STAFF),
    (TR, "PATCH", "/api/v1/batches/{batch_id}/sessions/{no}"): Expect(ADMIN_ONLY, body={"json": {"topic": "Pembukaan"}}),
    (TR, "POST", "/api/v1/batches/{batch_id}/sessions"): Expect(
        ADMIN_ONLY, path={"batch_id": "spare_batch_id"}, body=session_body, ok=(201, 409)),
    (TR, "DELETE", "/api/v1/batches/{batch_id}/sessions/{no}"): Expect(
        ADMIN_ONLY, path={"batch_id": "spare_batch_id"}, ok=(204, 409)),  # the spare batch keeps one session
    # Narasumber: the UPTD's staff; a trainer only the record linked to the account (pelatih-a's).
    (TR, "POST", "/api/v1/trainers"): Expect(ADMIN_ONLY, body=narasumber_body, ok=(201, 409)),
    (TR, "GET", "/api/v1/trainers"): Expect({A, T, TO}),  # pelatih-b gets an empty list
    (TR, "GET", "/api/v1/trainers/{trainer_id}"): Expect(STAFF),
    (TR, "PATCH", "/api/v1/trainers/{trainer_id}"): Expect(ADMIN_ONLY, body={"json": {"rate_per_jp": 1_000_000}}),
    (TR, "GET", "/api/v1/trainer-accounts"): Expect(ADMIN_ONLY),
    (TR, "POST", "/api/v1/officials"): Expect(ADMIN_ONLY, body=official_body, ok=(201,)),
    (TR, "GET", "/api/v1/officials"): Expect(ADMIN_ONLY),
    (TR, "GET", "/api/v1/officials/{official_id}"): Expect(ADMIN_ONLY),
    (TR, "PATCH", "/api/v1/officials/{official_id}"): Expect(ADMIN_ONLY, body={"json": {"position": "Kepala UPTD"}}),
    (TR, "GET", "/api/v1/batches/{batch_id}/roster"): Expect(STAFF),
    (TR, "PUT", "/api/v1/batches/{batch_id}/sessions/{no}/attendance"): Expect(STAFF, body=marks_body),
    (TR, "GET", "/api/v1/batches/{batch_id}/sessions/{no}/attendance"): Expect(STAFF),
    (TR, "GET", "/api/v1/batches/{batch_id}/sessions/{no}/corrections"): Expect(STAFF),
    (TR, "GET", "/api/v1/batches/{batch_id}/sessions/{no}/attendance-sheet.pdf"): Expect(STAFF),
    (TR, "GET", "/api/v1/batches/{batch_id}/attendance.xlsx"): Expect(STAFF),
    (TR, "POST", "/api/v1/batches/{batch_id}/sessions/{no}/complete"): Expect(
        STAFF, path={"batch_id": "certified_batch_id"}, ok=(200, 409)),
    (TR, "GET", "/api/v1/batches/{batch_id}/completion"): Expect(STAFF),
    (TR, "GET", "/api/v1/batches/{batch_id}/certificates"): Expect(STAFF, path={"batch_id": "certified_batch_id"}),
    (TR, "GET", "/api/v1/batches/{batch_id}/certificates.zip"): Expect(STAFF, path={"batch_id": "certified_batch_id"}),
    # The paper: the batch's staff and trainers, and the officer of the participant's district (OWN), not OTHER's.
    (TR, "GET", "/api/v1/certificates/{number}/pdf"): Expect(STAFF | {O}),
    (TR, "GET", "/api/v1/certificates"): Expect({O, OO}),  # each officer: their own district's certificates
    (TR, "POST", "/api/v1/certificates/{number}/revoke"): Expect(
        ADMIN_ONLY, path={"number": "spare_number"}, body={"json": {"reason": "uji akses"}}, ok=(200, 409)),
    # Re-issue (the old one revoked, a new number): the UPTD's staff; the spare is already revoked after the first.
    (TR, "POST", "/api/v1/certificates/{number}/reissue"): Expect(
        ADMIN_ONLY, path={"number": "spare_number"}, body={"json": {"reason": "uji akses"}}, ok=(201, 409)),
    (TR, "GET", "/api/v1/certificates/{number}"): Expect(  # public verification: with the number and its code
        PUBLIC, body=lambda world: {"params": {"kode": verification_code(DEV_CERTIFICATE_KEY, world["number"])}}),
    # Pre-test and post-test: the batch's staff and its assigned trainer.
    (TR, "GET", "/api/v1/batches/{batch_id}/scores"): Expect(STAFF),
    (TR, "PUT", "/api/v1/batches/{batch_id}/scores"): Expect(STAFF, body=scores_body),
    (TR, "POST", "/api/v1/batches/{batch_id}/scores/import"): Expect(STAFF, body=scores_upload),
    (TR, "GET", "/api/v1/batches/{batch_id}/scores/template.xlsx"): Expect(STAFF),
    # The participants' evaluation: results for the staff and the batch's trainer; the links sheet (it makes new
    # codes) for the UPTD's staff only (none for a batch nobody attended yet: 409); the public form (an unknown code
    # is not found; the code is the only credential).
    (TR, "GET", "/api/v1/batches/{batch_id}/evaluation"): Expect(STAFF),
    (TR, "GET", "/api/v1/batches/{batch_id}/evaluation.xlsx"): Expect(STAFF),
    (TR, "GET", "/api/v1/batches/{batch_id}/evaluation/links.pdf"): Expect(ADMIN_ONLY, ok=(200, 409)),
    (TR, "POST", "/evaluasi/{code}"): Expect(PUBLIC),
    # The report bundle: evidence, the laporan pelaksanaan and its daftar nominatif (an officer: own district's rows).
    (TR, "POST", "/api/v1/batches/{batch_id}/evidence"): Expect(STAFF, body=evidence_upload, ok=(201,)),
    (TR, "GET", "/api/v1/batches/{batch_id}/evidence"): Expect(STAFF),
    (TR, "GET", "/api/v1/batches/{batch_id}/evidence/{evidence_id}"): Expect(STAFF),
    (TR, "GET", "/api/v1/batches/{batch_id}/evidence/{evidence_id}/thumbnail"): Expect(STAFF),
    (TR, "DELETE", "/api/v1/batches/{batch_id}/evidence/{evidence_id}"): Expect(
        ADMIN_ONLY, path={"evidence_id": "spare_evidence_id"}, ok=(204, 404)),
    # The report is the UPTD staff's document: trainers upload evidence but neither read nor write the report.
    (TR, "GET", "/api/v1/batches/{batch_id}/report-texts"): Expect(ADMIN_ONLY),
    (TR, "PUT", "/api/v1/batches/{batch_id}/report-texts"): Expect(
        ADMIN_ONLY, body={"json": {"background": "Latar belakang uji akses."}}),
    (TR, "GET", "/api/v1/batches/{batch_id}/report.pdf"): Expect(ADMIN_ONLY),
    (TR, "GET", "/api/v1/batches/{batch_id}/report.docx"): Expect(ADMIN_ONLY),
    (TR, "GET", "/api/v1/batches/{batch_id}/bundle.zip"): Expect(ADMIN_ONLY),
    (TR, "GET", "/api/v1/batches/{batch_id}/nominative.xlsx"): Expect(STAFF | {O, OO}),
    (TR, "GET", "/api/v1/batches/{batch_id}/nominative.pdf"): Expect(STAFF | {O, OO}),
    (TR, "GET", "/api/v1/audit"): Expect(ADMIN_ONLY),  # training's trail: who changed what (admin, not staff)
    # Reporting: figures without personal data, for every signed-in role.
    **{(RP, "GET", f"/api/v1/reports/{name}"): Expect(EVERYONE) for name in (
        "summary", "districts", "sectors", "cooperative-types", "sexes", "batches", "budget-components",
        "learning", "satisfaction", "budget", "cooperatives", "schedule.xlsx", "export.xlsx", "summary.pdf")},
    (RP, "GET", "/api/v1/reports/{name}.csv"): Expect(EVERYONE),
    (RP, "GET", "/api/v1/reports/{name}.xlsx"): Expect(EVERYONE),
    # The business gauges (per-district figures, DAK budget), off the public /metrics: the ministry and admins.
    (RP, "GET", "/api/v1/reports/metrics"): Expect({A, V}),
}


def bad_tokens() -> dict[str, str | None]:
    admin = test_token(subject="admin", role="admin")
    header, payload, signature = admin.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=="))
    viewer = test_token(subject="v", role="viewer")
    v_header, _, v_signature = viewer.split(".")
    raised = base64.urlsafe_b64encode(json.dumps({**claims, "sub": "v"}).encode()).rstrip(b"=").decode()
    return {
        "no_token": None,
        "expired": test_token(subject="admin", role="admin", ttl=timedelta(seconds=-60)),
        # A viewer's signature on an admin's claims.
        "tampered": f"{v_header}.{raised}.{v_signature}",
        "forged": foreign_token("admin"),
        "old_hs256_secret": hs256_token("admin"),
        "unsigned": jwt.encode(claims, key=None, algorithm="none"),
    }


def client(url: str, token: str | None) -> httpx.Client:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.Client(base_url=url, headers=headers, timeout=60)


@pytest.fixture(scope="module")
def world(kafka, postgres, tmp_path_factory):
    """One stack with data in two districts, a batch for trainer 'pelatih-a', one with a certificate issued."""
    urls = {name: postgres.new_database(name[:3]) for name in SERVICES}
    stack = start_stack(kafka_bootstrap=kafka.bootstrap, database_urls=urls, topic_prefix=f"m{uuid.uuid4().hex[:8]}.",
                        log_dir=tmp_path_factory.mktemp("access"))
    try:
        known_trainer_account(urls["training"], PELATIH_A)
        yield build_world(stack)
    finally:
        stack.stop()


def known_trainer_account(database_url: str, account_id: str) -> None:
    """Training learns its trainer accounts from identity's events; this stack runs no identity, so the profile
    identity would announce is applied through training's consumer use case."""
    import asyncio

    from services.training.bootstrap import bootstrap
    from services.training.config import TrainingSettings
    from services.training.service_layer import trainer_accounts
    from shared.events.envelope import Envelope
    from shared.events.identity import AccountRegistered

    async def apply() -> None:
        runtime = bootstrap(TrainingSettings(database_url=database_url))
        event = AccountRegistered(account_id=account_id, username="pelatih.a", full_name="Dr. Siti Rahmawati, M.M.",
                                  role="trainer", active=True)
        try:
            async with runtime.uow() as uow:
                await trainer_accounts.apply_profile(uow, Envelope.wrap(
                    event, source="/sipelkop/identity", subject=account_id, aggregate_version=1), event)
                await uow.commit()
        finally:
            await runtime.engine.dispose()

    asyncio.run(apply())


def build_world(stack) -> dict:
    admin_training = stack.client("training", "admin")
    trainer = stack.client("training", "trainer", subject=PELATIH_A)
    programme = admin_training.post("/api/v1/programmes", json=factories.programme()).json()
    batches = {}
    for key, days in (("batch", 2), ("certified", 1), ("spare", 1)):
        made = admin_training.post("/api/v1/batches", json=factories.batch(
            days=days, trainers=[PELATIH_A], programme_id=programme["id"], eligible_districts=[OWN, OTHER]))
        assert made.status_code == 201, made.text
        batches[key] = made.json()
    officers = {OWN: stack.client("registration", "district_officer", OWN),
                OTHER: stack.client("registration", "district_officer", OTHER)}
    wait_for(lambda: len(officers[OWN].get("/api/v1/batches").json()) == 3, message="batches in registration")
    world = {"stack": stack, "programme_id": programme["id"], "batch": batches["batch"],
             "batch_id": batches["batch"]["id"], "certified_batch_id": batches["certified"]["id"],
             "spare_batch_id": batches["spare"]["id"], "no": 1, "letter_id": 987654, "name": "districts",
             "spare_start": batches["spare"]["start_date"]}
    narasumber = admin_training.post("/api/v1/trainers", json={
        "name": "Dr. Siti Rahmawati, M.M.", "nik": "6402011507850001", "account_id": PELATIH_A})
    official = admin_training.post("/api/v1/officials", json=official_body(world)["json"])
    assert narasumber.status_code == official.status_code == 201, (narasumber.text, official.text)
    world.update(trainer_id=narasumber.json()["id"], official_id=official.json()["id"])

    def person(district, coop_id, batch_id=None):
        body = factories.participant(coop_id, district)
        made = officers[district].post("/api/v1/participants", json=body)
        assert made.status_code == 201, made.text
        enrolment = None
        if batch_id:
            enrolment = officers[district].post("/api/v1/enrollments",
                                                json={"batch_id": batch_id, "participant_id": made.json()["id"]})
            assert enrolment.status_code == 201, enrolment.text
            enrolment = enrolment.json()
        return body, made.json(), enrolment

    for district, prefix in ((OWN, ""), (OTHER, "other_")):
        coop_body = factories.cooperative(district)
        coop = officers[district].post("/api/v1/cooperatives", json=coop_body)
        assert coop.status_code == 201, coop.text
        body, made, enrolment = person(district, coop.json()["id"], world["batch_id"])
        world.update({f"{prefix}coop_body": coop_body, f"{prefix}cooperative_id": coop.json()["id"],
                      f"{prefix}person": body, f"{prefix}participant_id": made["id"],
                      f"{prefix}enrollment_id": enrolment["id"]})
    certified = [person(OWN, world["cooperative_id"], world["certified_batch_id"])[1] for _ in range(2)]
    _, spare, enrolment = person(OWN, world["cooperative_id"], world["spare_batch_id"])
    world["spare_enrollment_id"] = enrolment["id"]
    _, extra, _ = person(OWN, world["cooperative_id"])
    world["spare_participant_id"] = extra["id"]
    _, other_extra, _ = person(OTHER, world["other_cooperative_id"])
    world["other_spare_participant_id"] = other_extra["id"]

    # The certified batch runs its one session: everybody present, a certificate issued.
    wait_for(lambda: len(trainer.get(f"/api/v1/batches/{world['batch_id']}/roster").json()) == 2, message="roster")
    wait_for(lambda: len(trainer.get(f"/api/v1/batches/{world['certified_batch_id']}/roster").json()) == 2,
             message="roster of the certified batch")
    day = batches["certified"]["sessions"][0]["date"]
    marked = trainer.put(f"/api/v1/batches/{world['certified_batch_id']}/sessions/1/attendance",
                         json={"marks": [{"participant_id": p["id"], "status": "hadir"} for p in certified],
                               "recorded_at": f"{day}T09:00:00+08:00"})
    assert marked.status_code == 200, marked.text
    done = trainer.post(f"/api/v1/batches/{world['certified_batch_id']}/sessions/1/complete")
    assert done.status_code == 200 and done.json()["certificates_issued"] == 2, done.text
    kept, revocable = sorted(c["number"] for c in trainer.get(
        f"/api/v1/batches/{world['certified_batch_id']}/certificates").json())
    world.update(number=kept, spare_number=revocable)
    for key in ("evidence_id", "spare_evidence_id"):
        uploaded = trainer.post(f"/api/v1/batches/{world['batch_id']}/evidence", **evidence_upload(world))
        assert uploaded.status_code == 201, uploaded.text
        world[key] = uploaded.json()["id"]
    wait_for(lambda: stack.client("reporting", "viewer").get("/api/v1/reports/summary").json()
             ["participants_completed"] == 2, message="reporting caught up")
    return world


def operations(url: str) -> list[tuple[str, str]]:
    doc = httpx.get(f"{url}/openapi.json", timeout=30).json()
    return [(method.upper(), path) for path, item in doc["paths"].items() for method in item
            if method in ("get", "post", "put", "patch", "delete")]


def build_request(world: dict, path: str, expect: Expect) -> tuple[str, dict]:
    params = {name: world[key] for name, key in expect.path.items()}
    url = path
    for name in re.findall(r"\{(\w+)\}", path):
        url = url.replace("{" + name + "}", str(params.get(name, world.get(name))))
    body = expect.body(world) if callable(expect.body) else (expect.body or {})
    return url, {**body, **({"params": expect.query} if expect.query else {})}


def foreign_traces(world: dict, role: str, service: str) -> list[str]:
    """What must never appear in an answer to `role`: the other district's records, the other trainer's batches.
    (Reporting's figures are counts per district and batch, and registration's batch catalogue names no one.)"""
    if role == OO and service == "registration":
        person = world["person"]
        return [world["cooperative_id"], world["participant_id"], world["enrollment_id"], person["nik"],
                person["full_name"], world["coop_body"]["registration_number"]]
    if role == TO and service == "training":
        return [world["batch_id"], world["certified_batch_id"], world["person"]["full_name"]]
    return []


def test_every_endpoint_has_an_expectation(world):
    stack = world["stack"]
    missing = [(s, m, p) for s in SERVICES for m, p in operations(stack[s].url) if (s, m, p) not in TABLE]
    assert not missing, f"endpoints without an access expectation in {__file__}: {missing}"


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_only_what_it_may(world, role):
    stack, failures, calls = world["stack"], [], 0
    token_args = TOKENS[role]
    token = test_token(subject=token_args.get("subject", role), role=token_args["role"],
                        district=token_args.get("district"))
    for service in SERVICES:
        http = client(stack[service].url, token)
        for method, path in operations(stack[service].url):
            expect = TABLE.get((service, method, path))
            if expect is None:
                continue  # reported by test_every_endpoint_has_an_expectation
            url, kwargs = build_request(world, path, expect)
            answer = http.request(method, url, **kwargs)
            calls += 1
            allowed = expect.allowed == PUBLIC or role in expect.allowed
            where = f"{role} {method} {service}{url} -> {answer.status_code} {answer.text[:160]}"
            if answer.status_code >= 500:
                failures.append(f"server error: {where}")
            elif allowed and expect.allowed != PUBLIC and answer.status_code not in expect.ok:
                failures.append(f"should be allowed ({expect.ok}): {where}")
            elif not allowed:
                refused = expect.refused(world, answer) if expect.refused and role in (OO,) else \
                    answer.status_code in (403, 404)
                if not refused:
                    failures.append(f"should be refused: {where}")
            if answer.status_code < 300:
                leaked = [t for t in foreign_traces(world, role, service) if t in answer.text]
                if leaked:
                    failures.append(f"another district's or trainer's data {leaked}: {where}")
    print(f"\n{role}: {calls} requests")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("kind", BAD_TOKENS)
def test_requests_without_a_valid_token_are_refused(world, kind):
    stack, failures = world["stack"], []
    token = bad_tokens()[kind]
    for service in SERVICES:
        http = client(stack[service].url, token)
        for method, path in operations(stack[service].url):
            expect = TABLE.get((service, method, path))
            if expect is None or expect.allowed == PUBLIC:
                continue
            url, kwargs = build_request(world, path, expect)
            answer = http.request(method, url, **kwargs)
            if answer.status_code != 401 or answer.json()["error"]["code"] != "unauthorized":
                failures.append(f"{kind} {method} {service}{url} -> {answer.status_code} {answer.text[:120]}")
    assert not failures, "\n".join(failures)


# Writes that would move data across the district line, and searches that would reach across it.
def test_an_officer_cannot_write_into_another_district(world):
    stack = world["stack"]
    officer = stack.client("registration", "district_officer", OWN)
    admin = stack.client("registration", "admin")
    attempts = {
        "register a cooperative there": officer.post("/api/v1/cooperatives", json=factories.cooperative(OTHER)),
        "move own cooperative there": officer.patch(f"/api/v1/cooperatives/{world['cooperative_id']}",
                                                    json={"district_code": OTHER}),
        "register a person in its cooperative": officer.post(
            "/api/v1/participants", json=factories.participant(world["other_cooperative_id"], OTHER)),
        "register a person of its cooperative as own": officer.post(
            "/api/v1/participants", json=factories.participant(world["other_cooperative_id"], OWN)),
        "move own person into its cooperative": officer.patch(
            f"/api/v1/participants/{world['participant_id']}", json={"cooperative_id": world["other_cooperative_id"]}),
        "nominate its person": officer.post("/api/v1/enrollments", json={
            "batch_id": world["batch_id"], "participant_id": world["other_spare_participant_id"]}),
        "cancel its nomination": officer.post(f"/api/v1/enrollments/{world['other_enrollment_id']}/cancel",
                                              json={"reason": "uji akses"}),
        "edit its cooperative": officer.patch(f"/api/v1/cooperatives/{world['other_cooperative_id']}",
                                              json={"address": "Jl. Orang Lain"}),
        "edit its person": officer.patch(f"/api/v1/participants/{world['other_participant_id']}",
                                         json={"position": "karyawan"}),
    }
    wrong = {what: f"{a.status_code} {a.text[:160]}" for what, a in attempts.items() if a.status_code not in (403, 404, 422)}
    assert not wrong, wrong
    # Imports: rows of another district, or naming its cooperative, are refused one by one.
    coops = officer.post("/api/v1/imports/cooperatives", **csv_upload([factories.cooperative_row(OTHER)]))
    people = officer.post("/api/v1/imports/participants", **csv_upload(
        [factories.participant_row(world["other_coop_body"]["registration_number"], OWN)]))
    for answer in (coops, people):
        assert answer.status_code in (403, 422) or (answer.status_code == 200 and answer.json()["created"] == 0), \
            answer.text
    other = admin.get(f"/api/v1/cooperatives/{world['other_cooperative_id']}").json()
    assert other["district_code"] == OTHER and other["address"] != "Jl. Orang Lain"
    mine = admin.get(f"/api/v1/cooperatives/{world['cooperative_id']}").json()
    assert mine["district_code"] == OWN
    assert admin.get(f"/api/v1/participants/{world['participant_id']}").json()["cooperative_id"] == \
        world["cooperative_id"]
    assert admin.get(f"/api/v1/enrollments/{world['other_enrollment_id']}").json()["status"] == "enrolled"


def test_an_officer_cannot_read_across_the_district_line(world):
    stack = world["stack"]
    other = stack.client("registration", "district_officer", OTHER)
    for path in ("/api/v1/cooperatives", "/api/v1/participants", "/api/v1/enrollments"):
        assert other.get(path, params={"district": OWN}).status_code == 403, path
        assert world["person"]["full_name"] not in other.get(path).text, path
    found = other.get("/api/v1/cooperatives", params={"q": world["coop_body"]["registration_number"]}).json()
    assert found["items"] == []
    # A NIK looked up province-wide says that the person exists, never who they are in detail.
    [hit] = other.post("/api/v1/participants/lookup", json={"nik": world["person"]["nik"]}).json()["items"]
    assert hit["nik"] != world["person"]["nik"] and hit["phone"] is None and hit["birth_date"] is None
    batch_id = world["batch_id"]
    nominations = other.get("/api/v1/enrollments", params={"batch_id": batch_id}).json()
    assert {n["participant_id"] for n in nominations} == {world["other_participant_id"]}
    # The pages the officers use show the same, with the token in the cookie.
    pages = httpx.Client(base_url=stack["registration"].url, timeout=60, cookies=session_cookies(subject="officer-other", role="district_officer",
                                                  district=OTHER)["cookies"])
    for page in ("/koperasi", "/peserta", f"/angkatan/{batch_id}"):
        shown = pages.get(page)
        assert shown.status_code == 200, (page, shown.status_code)
        for trace in (world["person"]["full_name"], world["coop_body"]["name"], world["person"]["nik"]):
            assert trace not in shown.text, (page, trace)


def test_a_trainer_sees_only_the_batches_assigned(world):
    stack = world["stack"]
    other = stack.client("training", "trainer", subject="pelatih-b")
    assert other.get("/api/v1/batches").json() == []
    assigned = stack.client("training", "trainer", subject=PELATIH_A)
    assert {b["id"] for b in assigned.get("/api/v1/batches").json()} >= {world["batch_id"], world["certified_batch_id"]}
