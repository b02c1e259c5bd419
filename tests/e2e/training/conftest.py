"""One running stack (registration, training, reporting as processes) shared by this package's tests: starting three
services costs more than the tests themselves on a two-core machine."""
import uuid

import pytest

from tests.fixtures import factories
from tests.fixtures.services import start_stack, wait_for

DISTRICTS = ("64.02", "64.08", "64.09")  # Kutai Kartanegara, Kutai Timur, Penajam Paser Utara


@pytest.fixture(scope="package")
def training_stack(kafka, postgres, tmp_path_factory):
    urls = {name: postgres.new_database(name[:3]) for name in ("registration", "training", "reporting")}
    running = start_stack(kafka_bootstrap=kafka.bootstrap, database_urls=urls,
                          topic_prefix=f"t{uuid.uuid4().hex[:8]}.", log_dir=tmp_path_factory.mktemp("training-e2e"),
                          extra_env={"TRAINING_PUBLIC_BASE_URL": "https://sipelkop.kaltimprov.example",
                                     "TRAINING_SIGNING_OFFICIAL": "Drs. H. Contoh Pejabat, M.Si."})
    yield running
    running.stop()


def enrol_through_registration(stack, batch: dict, count: int, per_cooperative: int = 3) -> list[dict]:
    """Register cooperatives and managers in the three districts and nominate them, as district officers do."""
    officers = {d: stack.client("registration", "district_officer", d) for d in DISTRICTS}
    wait_for(lambda: any(b["id"] == batch["id"] for b in officers[DISTRICTS[0]].get("/api/v1/batches").json()),
             message="batch in registration")
    people = []
    cooperative = None
    for i in range(count):
        district = DISTRICTS[(i // per_cooperative) % len(DISTRICTS)]
        officer = officers[district]
        if i % per_cooperative == 0:
            created = officer.post("/api/v1/cooperatives", json=factories.cooperative(district))
            assert created.status_code == 201, created.text
            cooperative = created.json()
        person = officer.post("/api/v1/participants", json=factories.participant(cooperative["id"], district))
        assert person.status_code == 201, person.text
        enrolled = officer.post("/api/v1/enrollments", json={"batch_id": batch["id"],
                                                             "participant_id": person.json()["id"]})
        assert enrolled.status_code == 201 and enrolled.json()["status"] == "enrolled", enrolled.text
        people.append(person.json())
    return people


def roster_of(client, batch_id: str, size: int) -> list[dict]:
    return wait_for(lambda: (r := client.get(f"/api/v1/batches/{batch_id}/roster").json()) and len(r) == size and r,
                    message=f"roster of {size}")
