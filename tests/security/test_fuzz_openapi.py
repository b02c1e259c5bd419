"""Property-based fuzzing of every service's OpenAPI with schemathesis: no 5xx, no response breaking its own schema
or content type. Each service is fuzzed as the roles that use it (an admin passes every role check, so reaches the
most code; the district officer, trainer and viewer reach their own scoped paths)."""
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from tests.fixtures.services import start_stack

SERVICES = ("identity", "registration", "training", "reporting")
# The admin runs add schemathesis' coverage phase (boundary values of every parameter); the scoped roles only fuzz,
# which keeps the six runs within about four minutes on two cores.
RUNS = (("identity", "admin", None), ("identity", "district_officer", "64.02"),
        ("registration", "admin", None), ("registration", "district_officer", "64.02"),
        ("training", "admin", None), ("training", "trainer", None),
        ("reporting", "admin", None), ("reporting", "viewer", None))
PHASES = {"admin": "examples,coverage,fuzzing"}
EXAMPLES = int(os.environ.get("SIPELKOP_FUZZ_EXAMPLES", "15"))
SEED = int(os.environ.get("SIPELKOP_FUZZ_SEED", "20231004"))
CHECKS = "not_a_server_error,response_schema_conformance,content_type_conformance"


@pytest.fixture(scope="module")
def stack(kafka, postgres, tmp_path_factory):
    log_dir = tmp_path_factory.mktemp("fuzz")
    urls = {name: postgres.new_database(name[:3]) for name in SERVICES}  # with identity: tokens are its own
    running = start_stack(kafka_bootstrap=kafka.bootstrap, database_urls=urls,
                          topic_prefix=f"fz{uuid.uuid4().hex[:8]}.", log_dir=log_dir)
    yield running
    running.stop()


@pytest.mark.parametrize("service, role, district", RUNS, ids=[f"{s}-{r}" for s, r, _ in RUNS])
def test_no_server_error_and_every_response_matches_its_schema(stack, service, role, district, tmp_path):
    # Signed with the running identity's own key ring: the services verify it with identity's published keys.
    token = stack.token(role, district, subject=str(uuid.uuid5(uuid.NAMESPACE_URL, f"fuzz-{role}")))
    report = tmp_path / "report.json"
    st = Path(sys.executable).with_name("st")
    # cwd=tmp_path: schemathesis keeps its cache (.schemathesis/) in the working directory, not in the repository.
    run = subprocess.run(
        [str(st), "run", f"{stack[service].url}/openapi.json", "-H", f"Authorization: Bearer {token}",
         "-c", CHECKS, "-n", str(EXAMPLES), "--phases", PHASES.get(role, "examples,fuzzing"), "--seed", str(SEED),
         "--no-color", "--workers", "1", "--request-timeout", "30", "--report", "json",
         "--report-json-path", str(report)],
        capture_output=True, text=True, timeout=900, cwd=tmp_path)
    result = json.loads(report.read_text())
    cases, operations = result["test_cases"], result["operations"]
    print(f"\nfuzz {service} as {role}: {operations['tested']} operations, {cases['generated']} test cases, "
          f"{cases['unique_failures']} unique failures, {len(result['errors'])} errors (seed {SEED})")
    failures = run.stdout[run.stdout.find("FAILURES"):run.stdout.find("WARNINGS")] if "FAILURES" in run.stdout else ""
    assert run.returncode == 0 and not result["failures"] and not result["errors"], failures or run.stdout[-4000:]
