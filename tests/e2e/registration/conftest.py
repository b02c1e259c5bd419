"""One running stack shared by the registration end-to-end modules: starting three services costs more than the
tests themselves, and each test makes its own cooperatives, people and batches."""
import uuid

import pytest

from tests.fixtures import factories
from tests.fixtures.services import start_stack, wait_for


@pytest.fixture(scope="package")
def reg_stack(kafka, postgres, tmp_path_factory):
    urls = {name: postgres.new_database(name[:3]) for name in ("registration", "training", "reporting")}
    running = start_stack(kafka_bootstrap=kafka.bootstrap, database_urls=urls,
                          topic_prefix=f"t{uuid.uuid4().hex[:8]}.", log_dir=tmp_path_factory.mktemp("reg-stack"))
    yield running
    running.stop()


def schedule_batch(stack, **overrides) -> dict:
    """Training schedules a batch; returns it once registration's replica has it."""
    created = stack.client("training", "admin").post("/api/v1/batches", json=factories.batch(**overrides))
    assert created.status_code == 201, created.text
    batch = created.json()
    admin = stack.client("registration", "admin")
    wait_for(lambda: admin.get(f"/api/v1/batches/{batch['id']}").status_code == 200, message="batch in registration")
    return batch
