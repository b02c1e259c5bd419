"""Property-based fuzzing of every service's OpenAPI with schemathesis: no 5xx, no response breaking its own schema
or content type. Each service is fuzzed as the roles that use it (an admin passes every role check, so reaches the
most code; the district officer, trainer and viewer reach their own scoped paths).

The services hold the demo's data first (programmes, batches with sessions, cooperatives, participants, enrolments,
attendance, certificates, realisasi), and the fuzzer draws path parameters and body ids from those rows half of the
time (schemathesis dictionaries), so documents and reports are made from real rows; and a run proves it reached the
code: a minimum of test cases for every operation, and a successful (2xx) answer from every operation where one is
possible (the few where it is not are listed with the reason in NO_SUCCESS)."""
import json
import os
import re
import subprocess
import sys
import uuid
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from tests.fixtures.services import start_stack

SERVICES = ("identity", "registration", "training", "reporting")
RUNS = (("identity", "admin", None), ("identity", "district_officer", "64.02"),
        ("registration", "admin", None), ("registration", "district_officer", "64.02"),
        ("training", "admin", None), ("training", "trainer", None),
        ("reporting", "admin", None), ("reporting", "viewer", None))
# Schemathesis' coverage phase (boundary values of every parameter and property) is not bounded by the example
# count: some 2,400 cases for training alone, many minutes on two cores. SIPELKOP_FUZZ_PHASES=examples,coverage,fuzzing
# runs it.
PHASES = os.environ.get("SIPELKOP_FUZZ_PHASES", "examples,fuzzing")
EXAMPLES = int(os.environ.get("SIPELKOP_FUZZ_EXAMPLES", "10"))
SEED = int(os.environ.get("SIPELKOP_FUZZ_SEED", "20231004"))
CHECKS = "not_a_server_error,response_schema_conformance,content_type_conformance"
TRAINER = "pelatih.budi"  # of demo_data: trains a closed, the running and a planned batch
# /readyz answers 503 while Kafka's sign-in takes longer than its 5 s (a loaded machine): right for a probe, and it
# takes no input to fuzz.
EXCLUDED = ("/readyz",)
MIN_CASES = 3  # per operation: fewer means schemathesis gave up on it (a schema it cannot generate for)
REAL_ROWS = 0.5  # how often a path parameter or body id is drawn from the seeded rows instead of generated

# Operations no fuzz case can get a 2xx from, whatever the data: what they need is not in the API's reach.
NO_SUCCESS = {
    "POST /api/v1/ops/dead-letters/{letter_id}/redrive": "needs a parked dead letter; a healthy seeded run has none",
    "POST /api/v1/ops/dead-letters/{letter_id}/discard": "needs a parked dead letter; a healthy seeded run has none",
    "POST /konfirmasi/{code}": "the confirmation code is signed with the server's key and only sent by e-mail",
    "POST /evaluasi/{code}": "the evaluation code is random and only printed on the links sheet",
    "POST /api/v1/auth/refresh": "needs the refresh cookie of a browser sign-in",
    "POST /api/v1/auth/password": "needs the signed-in account's current password; the fuzz token names no account",
    "POST /api/v1/auth/login": "needs a demo account's password, printed once and never in the fuzzer's reach",
    "POST /api/v1/auth/token": "client credentials need a registered client's secret",
    "POST /api/v1/auth/logout-all": "ends the sessions of the token's account; the fuzz token names no account",
    **{op: "a certificate number holds slashes (UPTD-KUKM/2026/0111), which schemathesis never puts in a path "
            "parameter" for op in ("GET /api/v1/certificates/{number}", "GET /api/v1/certificates/{number}/pdf",
                                   "POST /api/v1/certificates/{number}/revoke",
                                   "POST /api/v1/certificates/{number}/reissue")},
    "POST /api/v1/batches/{batch_id}/invitations": "only for a batch still taking confirmations: of the demo's "
                                                   "eight, the next one or two, as today falls",
    "GET /api/v1/batches/{batch_id}/evidence/{evidence_id}": "the demo uploads no evidence",
    "DELETE /api/v1/batches/{batch_id}/evidence/{evidence_id}": "the demo uploads no evidence",
    "GET /api/v1/batches/{batch_id}/evidence/{evidence_id}/thumbnail": "the demo uploads no evidence",
}
# Below the admin an account is one's own only (read, corrected); the fuzz token names no account.
OWN_ACCOUNT_ONLY = {"GET /api/v1/accounts/{account_id}", "PATCH /api/v1/accounts/{account_id}"}
# Steps that end or move the seeded rows, never drawn from them (their parameters are generated only): a cancelled
# batch or enrolment, a batch moved or a session deleted would refuse what the later operations of the run do with
# it, and schemathesis runs the operations in order.
ONE_WAY = ("POST /api/v1/batches/{batch_id}/cancel", "POST /api/v1/enrollments/{enrollment_id}/cancel",
           "PATCH /api/v1/batches/{batch_id}", "DELETE /api/v1/batches/{batch_id}/sessions/{no}")
NO_SUCCESS |= {op: "kept off the seeded rows (ONE_WAY)" for op in ONE_WAY}
# Query parameters drawn from the demo's values too: an admin's planning list needs a district.
QUERY_VALUES = {"district": ["64.02", "64.08", "64.71"], "fiscal_year": []}  # the fiscal year: the scenario's
# Generated bodies of these operations carry rules a schema does not state (NIK check digits and birth date, a
# district's own code in the Nomor Induk Koperasi, a spreadsheet's columns, a photo's bytes, a session's date within
# its batch): a valid one is a rare draw, so a 2xx is not required of them.
RULES_BEYOND_THE_SCHEMA = {
    "POST /api/v1/cooperatives", "PUT /api/v1/cooperatives/{cooperative_id}", "POST /api/v1/participants",
    "POST /api/v1/enrollments", "POST /api/v1/batches/{batch_id}/substitutions", "POST /api/v1/imports/cooperatives",
    "POST /api/v1/imports/participants", "POST /api/v1/batches/{batch_id}/scores/import",
    "POST /api/v1/batches/{batch_id}/evidence", "POST /api/v1/programmes", "POST /api/v1/batches",
    "POST /api/v1/batches/{batch_id}/sessions", "POST /api/v1/batches/{batch_id}/close",
    "POST /api/v1/trainers", "POST /api/v1/officials", "POST /api/v1/accounts",
    # only the running batch takes attendance, scores and session changes: that batch, one of its session numbers
    # and a valid body in one draw is as rare
    "PUT /api/v1/batches/{batch_id}/sessions/{no}/attendance", "POST /api/v1/batches/{batch_id}/sessions/{no}/complete",
    "PATCH /api/v1/batches/{batch_id}/sessions/{no}", "PUT /api/v1/batches/{batch_id}/scores",
}


@pytest.fixture(scope="module")
def stack(kafka, postgres, tmp_path_factory):
    log_dir = tmp_path_factory.mktemp("fuzz")
    urls = {name: postgres.new_database(name[:3]) for name in SERVICES}  # with identity: tokens are its own
    running = start_stack(kafka_bootstrap=kafka.bootstrap, database_urls=urls,
                          topic_prefix=f"fz{uuid.uuid4().hex[:8]}.", log_dir=log_dir)
    try:
        running.account_ids = seed_with_the_demo(running)
        yield running
    finally:
        running.stop()


def seed_with_the_demo(stack) -> dict[str, str]:
    """The demo loaded through the services' APIs; returns identity's account ids by username."""
    from shared import demo, demo_data
    from shared.tokens import KeyRing, access_claims

    def sign(*, role, subject, name, district=None):
        return KeyRing.load_or_create(stack.keys_file).sign(access_claims(
            issuer=stack["identity"].url, subject=subject, name=name, role=role, district=district,
            ttl=timedelta(minutes=15)))

    api = demo.Api({name: stack[name].url for name in SERVICES}, sign)
    try:
        demo.create_accounts(api)
        scenario = demo_data.scenario(demo_data.wita_today())
        demo.wait_for_reporting(api, scenario, demo.load(api, scenario, say=lambda line: None))
        return dict(api.account_ids)
    finally:
        api.close()


def operations(spec: dict) -> list[tuple[str, str, re.Pattern]]:
    """(method, path template, pattern matching its URLs) of what is fuzzed, the most literal templates first."""
    found = [(method.upper(), path, re.compile("^" + re.sub(r"\\{[^/]+?\\}", "[^/]+", re.escape(path)) + "$"))
             for path, item in spec["paths"].items() for method in item
             if method != "parameters" and path not in EXCLUDED]
    return sorted(found, key=lambda op: op[1].count("{"))  # /reports/summary.pdf before /reports/{name}.csv


def real_values(client: httpx.Client, spec: dict) -> dict[str, list]:
    """For each path parameter, values the seeded rows hold, as the role sees them: the `id` (or the field of the
    parameter's name: a certificate's `number`, a session's `no`) of what a collection of that name lists, walking
    down the paths ({batch_id} from GET /batches, then {no} from GET /batches/<a real id>/sessions)."""
    values: dict[str, list] = {}
    gets = sorted((path for path, item in spec["paths"].items() if "get" in item), key=lambda p: p.count("{"))
    for path in sorted(spec["paths"], key=lambda p: p.count("{")):
        for name in re.findall(r"{([^}]+)}", path):
            plural = path[:path.index("{" + name + "}")].rstrip("/").rsplit("/", 1)[-1]
            for collection in (c for c in gets if name not in values and c.endswith("/" + plural)):
                values.update(_listed(client, collection, name, values))
    return values


def _listed(client: httpx.Client, collection: str, name: str, values: dict[str, list]) -> dict[str, list]:
    for n in range(8):  # a parent with rows: the first batches may be planned ones, without certificates
        parents = re.findall(r"{([^}]+)}", collection)
        if any(p not in values for p in parents):
            return {}
        answer = client.get(re.sub(r"{([^}]+)}", lambda m: str(values[m.group(1)][n % len(values[m.group(1)])]),
                                   collection))
        if answer.status_code != 200 or "json" not in answer.headers.get("content-type", ""):
            return {}
        rows = answer.json()
        rows = rows.get("items", []) if isinstance(rows, dict) else rows
        key = name if rows and isinstance(rows[0], dict) and name in rows[0] else "id"
        found = [row[key] for row in rows if isinstance(row, dict) and row.get(key) is not None]
        if found:
            return {name: found[:60]}
        if not parents:
            return {}
    return {}


def config_file(path: Path, values: dict[str, list], spec: dict) -> Path:
    """schemathesis.toml drawing each parameter (in the path, or a body's field of that name) from the real values."""
    lines = []
    for name, found in sorted(values.items()):
        lines += [f"[dictionaries.{name}]", f"values = {json.dumps(found)}", ""]
    query = {name: found for name, found in QUERY_VALUES.items() if name not in values}
    for name, found in sorted(query.items()):
        lines += [f"[dictionaries.{name}]", f"values = {json.dumps(found or [fiscal_year()])}", ""]
    lines.append("[parameters]")
    for name in sorted(values):
        binding = f'{{ dictionary = "{name}", probability = {REAL_ROWS} }}'
        lines += [f'"path.{name}" = {binding}', f'"body.{name}" = {binding}']
    lines += [f'"query.{name}" = {{ dictionary = "{name}", probability = {REAL_ROWS} }}' for name in sorted(query)]
    for op in (op for op in ONE_WAY if op in {f"{m} {p}" for m, p, _ in operations(spec)}):
        generated = ", ".join(f'"path.{name}" = {{ dictionary = "{name}", probability = 0.0 }}'
                              for name in re.findall(r"{([^}]+)}", op) if name in values)
        if generated:
            lines += ["", "[[operations]]", f"include-name = {json.dumps(op)}", f"parameters = {{ {generated} }}"]
    path.write_text("\n".join(lines) + "\n")
    return path


def takes_input(spec: dict) -> set[str]:
    """Operations with a parameter or a body (one without either has one case to try: /healthz)."""
    return {f"{method.upper()} {path}" for path, item in spec["paths"].items() for method, op in item.items()
            if method != "parameters" and (op.get("parameters") or item.get("parameters") or op.get("requestBody"))}


def fiscal_year() -> int:
    from shared import demo_data

    return demo_data.scenario(demo_data.wita_today()).fiscal_year


def answers_by_operation(har: Path, spec: dict) -> dict[str, list[int]]:
    """Per operation ("GET /api/v1/batches/{batch_id}"), the status code of every answer the run got."""
    templates = operations(spec)
    answered: dict[str, list[int]] = {}
    for entry in json.loads(har.read_text())["log"]["entries"]:
        method, path = entry["request"]["method"], urlsplit(entry["request"]["url"]).path
        for m, template, pattern in templates:
            if m == method and pattern.match(path):
                answered.setdefault(f"{m} {template}", []).append(entry["response"]["status"])
                break
    return answered


@pytest.mark.parametrize("service, role, district", RUNS, ids=[f"{s}-{r}" for s, r, _ in RUNS])
def test_no_server_error_and_every_response_matches_its_schema(stack, service, role, district, tmp_path):
    # Signed with the running identity's own key ring: the services verify it with identity's published keys. The
    # trainer is the demo's pelatih.budi (a trainer sees only the batches assigned to them); the others are accounts
    # of their own, so that no fuzzed sign-out or revocation ends the demo accounts' sessions.
    subject = stack.account_ids[TRAINER] if role == "trainer" else str(uuid.uuid5(uuid.NAMESPACE_URL, f"fuzz-{role}"))
    token = stack.token(role, district, subject=subject)
    spec = httpx.get(f"{stack[service].url}/openapi.json", timeout=30).json()
    values = {}
    for reader in (token, stack.token("admin")):  # the role's own rows first; the admin's where it lists none
        with httpx.Client(base_url=stack[service].url, headers={"Authorization": f"Bearer {reader}"}, timeout=30) as c:
            values = real_values(c, spec) | values
    report, har = tmp_path / "report.json", tmp_path / "run.har"
    st = Path(sys.executable).with_name("st")
    # cwd=tmp_path: schemathesis keeps its cache (.schemathesis/) in the working directory, not in the repository.
    run = subprocess.run(
        [str(st), "--config-file", str(config_file(tmp_path / "schemathesis.toml", values, spec)), "run",
         f"{stack[service].url}/openapi.json", "-H", f"Authorization: Bearer {token}",
         *[arg for path in EXCLUDED for arg in ("--exclude-path", path)],
         "-c", CHECKS, "-n", str(EXAMPLES), "--phases", PHASES, "--seed", str(SEED),
         "--no-color", "--workers", "1", "--request-timeout", "120", "--report", "json,har",
         "--report-json-path", str(report), "--report-har-path", str(har)],
        capture_output=True, text=True, timeout=900, cwd=tmp_path)
    result = json.loads(report.read_text())
    cases = result["test_cases"]
    answered = answers_by_operation(har, spec)
    succeeded = {op for op, codes in answered.items() if any(200 <= c < 300 for c in codes)}
    print(f"\nfuzz {service} as {role}: {len(answered)} operations, {cases['generated']} test cases, "
          f"{len(succeeded)} operations answered 2xx, real values for {sorted(values)}, "
          f"{cases['unique_failures']} unique failures, {len(result['errors'])} errors (seed {SEED})")
    failures = run.stdout[run.stdout.find("FAILURES"):run.stdout.find("WARNINGS")] if "FAILURES" in run.stdout else ""
    assert run.returncode == 0 and not result["failures"] and not result["errors"], failures or run.stdout[-4000:]

    # The run reached the code: every operation tried, several cases each...
    every = {f"{m} {path}" for m, path, _ in operations(spec)}
    assert set(answered) == every, sorted(every - set(answered))
    # (schemathesis stops early on an operation that keeps answering 404 for want of data: NO_SUCCESS's)
    few = {op: len(codes) for op, codes in answered.items() if len(codes) < MIN_CASES and op in takes_input(spec)}
    assert not {op: n for op, n in few.items() if op not in NO_SUCCESS}, few
    # ...and a success from every operation that can give one to this role. What the role may not do answers
    # 401/403 to every case that passed validation and named a row that exists (the access matrix itself is
    # tests/security/test_access_matrix.py's).
    forbidden = {op for op, codes in answered.items()
                 if (checked := set(codes) - {400, 404, 422}) and checked <= {401, 403}}
    own_only = OWN_ACCOUNT_ONLY if role != "admin" else set()
    expected = every - forbidden - set(NO_SUCCESS) - RULES_BEYOND_THE_SCHEMA - own_only
    assert expected, f"{role} may do nothing in {service}: {sorted(answered.items())}"
    assert expected <= succeeded, {op: sorted(set(answered[op])) for op in sorted(expected - succeeded)}
