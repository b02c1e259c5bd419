"""Identity and training as processes on the real broker, each on its own PostgreSQL: a trainer account created at
identity appears in training's "Akun pelatih" list by name, its new name follows, a deactivation takes it off, and
an officer's account never shows; a narasumber is linked to it by its id, an officer's id is refused."""
from __future__ import annotations

import uuid

from tests.fixtures.services import start_stack, wait_for


def listed(training) -> dict[str, dict]:
    answer = training.get("/api/v1/trainer-accounts")
    return {a["account_id"]: a for a in answer.json()} if answer.status_code == 200 else {}


def test_an_account_made_at_identity_reaches_the_narasumber_form(kafka, postgres, tmp_path):
    urls = {name: postgres.new_database(name[:3]) for name in ("identity", "training")}
    stack = start_stack(kafka_bootstrap=kafka.bootstrap, database_urls=urls, topic_prefix=f"a{uuid.uuid4().hex[:8]}.",
                        log_dir=tmp_path)
    try:
        identity, training = stack.client("identity", "admin"), stack.client("training", "training_staff")
        made = identity.post("/api/v1/accounts", json={"username": "pelatih.andi", "full_name": "Andi Pratama",
                                                       "role": "trainer"})
        officer = identity.post("/api/v1/accounts", json={"username": "dinas.kukar", "full_name": "Rina Marlina",
                                                          "role": "district_officer", "district_code": "64.02"})
        assert made.status_code == officer.status_code == 201, (made.text, officer.text)
        andi, rina = made.json()["id"], officer.json()["id"]
        seen = wait_for(lambda: listed(training).get(andi), message="trainer account in training")
        assert (seen["username"], seen["full_name"], seen["linked_trainer_id"]) == ("pelatih.andi", "Andi Pratama",
                                                                                    None)

        renamed = identity.patch(f"/api/v1/accounts/{andi}", json={"full_name": "Dr. Andi Pratama, M.M."})
        assert renamed.status_code == 200, renamed.text
        wait_for(lambda: listed(training).get(andi, {}).get("full_name") == "Dr. Andi Pratama, M.M.",
                 message="the new name in training")
        assert rina not in listed(training)  # other roles are not kept

        body = {"name": "Dr. Andi Pratama, M.M.", "nik": "6472011503700001", "rate_per_jp": 900_000}
        refused = training.post("/api/v1/trainers", json={**body, "account_id": rina})
        assert refused.status_code == 422 and refused.json()["error"]["fields"][0]["field"] == "account_id"
        linked = training.post("/api/v1/trainers", json={**body, "account_id": andi})
        assert linked.status_code == 201, linked.text
        assert listed(training)[andi]["linked_trainer_id"] == linked.json()["id"]

        assert identity.post(f"/api/v1/accounts/{andi}/deactivate").status_code == 200
        wait_for(lambda: andi not in listed(training), message="a deactivated account off the list")
    finally:
        stack.stop()
