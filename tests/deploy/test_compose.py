"""docker-compose.yml: valid against the Compose Specification, and wired the way the services expect."""
from __future__ import annotations

import json
import os
import re
import stat
import subprocess
from pathlib import Path

import jsonschema
import pytest

from shared.messaging.broker import DEFAULT_PARTITIONS
from tests.deploy.deploy_files import (COMPOSE, DEPLOY, PENDING_SETTINGS, PORTS, ROOT, SCHEMAS, SERVICES,
                                       default_port, env_names, is_setting_like, load_yaml, service_env_names,
                                       settings_class)

REQUIRED = re.compile(r"^\$\{[A-Z0-9_]+:\?[^}]*\}$")  # ${VAR:?message}: compose refuses to start without it


@pytest.fixture(scope="module")
def compose() -> dict:
    return load_yaml(COMPOSE)


@pytest.fixture(scope="module")
def validator():
    schema = json.loads((SCHEMAS / "compose-spec.json").read_text())
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def test_compose_file_matches_the_compose_specification(compose, validator):
    errors = sorted(validator.iter_errors(compose), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors)


def test_the_schema_rejects_a_broken_file(compose, validator):
    broken = json.loads(json.dumps(compose))
    broken["services"]["registration"]["deploy"]["replicas"] = "two"
    broken["services"]["training"]["healthcheck"] = {"test": ["CMD", "true"], "intervall": "5s"}
    assert len(list(validator.iter_errors(broken))) >= 2


def test_three_kraft_brokers_form_one_quorum(compose):
    brokers = {name: svc for name, svc in compose["services"].items() if re.fullmatch(r"kafka-\d", name)}
    assert len(brokers) == 3
    voters = set()
    for name, svc in brokers.items():
        env = svc["environment"]
        assert svc["image"] == "apache/kafka:4.1.1"
        assert svc["entrypoint"] == ["/bin/bash", "/opt/sipelkop/start-broker.sh"]
        assert "./deploy/kafka/start-broker.sh:/opt/sipelkop/start-broker.sh:ro" in svc["volumes"]
        assert env["ADVERTISED_HOST"] == name
        voters.add(f"{env['NODE_ID']}@{name}:9093")
    for svc in brokers.values():
        assert set(svc["environment"]["QUORUM_VOTERS"].split(",")) == voters
    assert len({b["environment"]["CLUSTER_ID"] for b in brokers.values()}) == 1


BROKER_SCRIPT = DEPLOY / "kafka" / "start-broker.sh"


def broker_settings() -> dict[str, str]:
    """The server.properties that start-broker.sh writes (its heredoc), variables left as written."""
    body = re.search(r'cat > "\$CONFIG" <<CONFIG\n(.*?)^CONFIG$', BROKER_SCRIPT.read_text(), re.S | re.M).group(1)
    return dict(line.split("=", 1) for line in body.splitlines() if line and not line.startswith("#"))


def test_brokers_take_clients_only_over_sasl_ssl_with_scram_and_enforce_acls():
    props = broker_settings()
    assert props["listeners"] == "SASL_SSL://:9092,CONTROLLER://:9093"
    assert props["advertised.listeners"] == "SASL_SSL://${ADVERTISED_HOST}:9092"
    # No PLAINTEXT anywhere: clients authenticate with SCRAM over TLS, controllers by certificate (mutual TLS).
    assert props["listener.security.protocol.map"] == "SASL_SSL:SASL_SSL,CONTROLLER:SSL"
    assert "PLAINTEXT" not in "".join(props.values())
    assert props["listener.name.controller.ssl.client.auth"] == "required"
    assert props["sasl.enabled.mechanisms"] == props["sasl.mechanism.inter.broker.protocol"] == "SCRAM-SHA-512"
    assert props["inter.broker.listener.name"] == "SASL_SSL"
    assert props["authorizer.class.name"] == "org.apache.kafka.metadata.authorizer.StandardAuthorizer"
    assert props["allow.everyone.if.no.acl.found"] == "false"
    # The super users: the admin principal and the three nodes' certificates, never a service.
    assert set(props["super.users"].split(";")) == {"User:admin"} | {f"User:CN=kafka-{n}" for n in (1, 2, 3)}
    assert props["ssl.keystore.type"] == props["ssl.truststore.type"] == "PEM"
    assert props["auto.create.topics.enable"] == "false" and props["log.retention.ms"] == "-1"
    assert props["default.replication.factor"] == "3" and props["min.insync.replicas"] == "2"
    assert props["offsets.topic.replication.factor"] == "3"


def test_the_scram_users_are_made_at_format_time_one_per_service():
    text = BROKER_SCRIPT.read_text()
    assert "--add-scram" in text and "SCRAM-SHA-512=[name=${user},password=${!var}]" in text
    assert re.search(r"for user in admin identity registration training reporting; do", text)
    assert f"kafka-storage.sh\" format --cluster-id" in text and "--ignore-formatted" in text
    result = subprocess.run(["bash", "-n", str(BROKER_SCRIPT)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_every_broker_gets_the_passwords_its_keystore_and_the_ca_as_secrets(compose):
    for n in (1, 2, 3):
        svc = compose["services"][f"kafka-{n}"]
        env = svc["environment"]
        for user in ("IDENTITY", "REGISTRATION", "TRAINING", "REPORTING"):
            assert REQUIRED.match(env[f"KAFKA_PASSWORD_{user}"]), user
        assert REQUIRED.match(env["KAFKA_ADMIN_PASSWORD"])
        assert {"source": f"kafka-{n}-keystore", "target": "kafka-keystore"} in svc["secrets"]
        assert "kafka-ca" in svc["secrets"]
        assert env["KAFKA_KEYSTORE"] == "/run/secrets/kafka-keystore" and env["KAFKA_CA_FILE"] == "/run/secrets/kafka-ca"
        # The healthcheck signs in too (the admin client file start-broker.sh writes).
        assert "--command-config /tmp/sipelkop-admin.properties" in svc["healthcheck"]["test"][-1]
    files = {name: s["file"] for name, s in compose["secrets"].items()}
    assert files == {"kafka-ca": "./deploy/kafka/tls/ca.crt",
                     **{f"kafka-{n}-keystore": f"./deploy/kafka/tls/kafka-{n}.pem" for n in (1, 2, 3)},
                     "postgres-tls-cert": "./deploy/kafka/tls/postgres.crt",
                     "postgres-tls-key": "./deploy/kafka/tls/postgres.key"}


def test_the_development_ca_writes_the_files_compose_names_readable_by_whom_reads_them(compose, tmp_path):
    """dev-ca.sh's files as compose mounts them: the brokers (gid 1000) may read their keystores, nobody else."""
    gid = os.getgid()  # a group this user may give files to; the script's default is the brokers' 1000
    subprocess.run(["bash", str(DEPLOY / "kafka" / "dev-ca.sh"), str(tmp_path)], check=True, capture_output=True,
                   env={**os.environ, "KAFKA_GID": str(gid)})
    for name, secret in compose["secrets"].items():
        path = tmp_path / Path(secret["file"]).name
        assert path.is_file(), name
    for n in (1, 2, 3):
        pem = tmp_path / f"kafka-{n}.pem"
        assert stat.S_IMODE(pem.stat().st_mode) == 0o640 and pem.stat().st_gid == gid
        text = pem.read_text()
        assert "BEGIN PRIVATE KEY" in text and "BEGIN CERTIFICATE" in text
    assert stat.S_IMODE((tmp_path / "postgres.key").stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "ca.key").stat().st_mode) == 0o600
    san = subprocess.run(["openssl", "x509", "-in", str(tmp_path / "postgres.crt"), "-noout", "-ext", "subjectAltName"],
                         check=True, capture_output=True, text=True).stdout
    assert "DNS:postgres" in san


def test_postgres_serves_tls_with_the_certificate_compose_gives_it(compose):
    pg = compose["services"]["postgres"]
    assert set(pg["secrets"]) == {"postgres-tls-cert", "postgres-tls-key"}
    script_mount = next(v for v in pg["volumes"] if v.endswith(":/opt/sipelkop/start-tls.sh:ro"))
    assert pg["entrypoint"] == ["/bin/bash", "/opt/sipelkop/start-tls.sh"]
    script = (ROOT / script_mount.split(":")[0]).read_text()
    assert "/run/secrets/postgres-tls-cert" in script and "/run/secrets/postgres-tls-key" in script
    assert "-c ssl=on" in script and 'exec docker-entrypoint.sh postgres' in script


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_signs_in_to_kafka_as_its_own_principal_over_tls(compose, service):
    svc = compose["services"][service]
    env = svc["environment"]
    assert env["SIPELKOP_KAFKA_SECURITY_PROTOCOL"] == "SASL_SSL"
    assert env["SIPELKOP_KAFKA_SASL_MECHANISM"] == "SCRAM-SHA-512"
    assert env["SIPELKOP_KAFKA_SASL_USERNAME"] == service
    assert re.fullmatch(rf"\$\{{KAFKA_PASSWORD_{service.upper()}:\?[^}}]*\}}", env["SIPELKOP_KAFKA_SASL_PASSWORD"])
    assert env["SIPELKOP_KAFKA_SSL_CAFILE"] == "/run/secrets/kafka-ca" and "kafka-ca" in svc["secrets"]


def test_topics_are_created_by_the_init_step_with_explicit_settings(compose):
    init = compose["services"]["kafka-init"]
    env = init["environment"]
    assert int(env["TOPIC_PARTITIONS"]) == DEFAULT_PARTITIONS
    assert env["TOPIC_REPLICATION"] == "3" and env["TOPIC_MIN_INSYNC"] == "2"
    assert any(v.startswith("./deploy/kafka/create-topics.sh:") for v in init["volumes"])
    assert "create-topics.sh" in init["entrypoint"][-1]
    # As the admin principal over TLS, with each service's password (its SCRAM user is created or updated).
    assert REQUIRED.match(env["KAFKA_ADMIN_PASSWORD"]) and env["KAFKA_SECURITY_PROTOCOL"] == "SASL_SSL"
    assert env["KAFKA_CA_FILE"] == "/run/secrets/kafka-ca" and "kafka-ca" in init["secrets"]
    assert all(REQUIRED.match(env[f"KAFKA_PASSWORD_{s.upper()}"]) for s in SERVICES)
    assert set(env["KAFKA_BOOTSTRAP"].split(",")) == {f"kafka-{i}:9092" for i in (1, 2, 3)}
    assert all(compose["services"][f"kafka-{i}"] for i in (1, 2, 3))


@pytest.mark.parametrize("service", SERVICES)
def test_service_is_wired_to_its_database_kafka_and_port(compose, service):
    svc = compose["services"][service]
    env = svc["environment"]
    allowed = service_env_names(service) | {"SERVICE"}
    assert not sorted(set(env) - allowed), f"{service}: not a setting of {service}: {sorted(set(env) - allowed)}"
    prefix = service.upper()
    assert env["SERVICE"] == service
    assert env["SIPELKOP_ENV"] == "production"
    assert int(env[f"{prefix}_PORT"]) == default_port(service) == PORTS[service]
    assert svc["expose"] == [str(PORTS[service])]
    assert env[f"{prefix}_HOST"] == "0.0.0.0"
    url = env[f"{prefix}_DATABASE_URL"]
    # Over TLS: a production start refuses a database without it (the compose PostgreSQL serves it, start-tls.sh).
    assert re.fullmatch(rf"postgresql\+asyncpg://{service}:\$\{{[A-Z_]+:\?[^}}]*\}}@postgres:5432/{service}\?ssl=require",
                        url), url
    assert set(env["SIPELKOP_KAFKA_BOOTSTRAP"].split(",")) == {f"kafka-{i}:9092" for i in (1, 2, 3)}
    assert svc["depends_on"]["kafka-init"]["condition"] == "service_completed_successfully"
    assert svc["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert svc["build"]["dockerfile"] == "deploy/Dockerfile"


def test_each_service_has_a_port_of_its_own():
    assert len(set(PORTS.values())) == len(PORTS)


def test_pending_settings_are_not_read_yet():
    """PENDING_SETTINGS only shrinks: a name the settings class reads now must leave the list."""
    for service, names in PENDING_SETTINGS.items():
        read = names & env_names(settings_class(service))
        assert not read, f"{service} reads {sorted(read)} now: delete them from PENDING_SETTINGS in deploy_files.py"


@pytest.mark.parametrize("service", SERVICES)
def test_every_service_finds_identity_and_holds_no_token_secret(compose, service):
    env = compose["services"][service]["environment"]
    # The public issuer, the same for every service (a token's iss must match it everywhere).
    assert env["SIPELKOP_IDENTITY_URL"] == compose["services"]["identity"]["environment"]["SIPELKOP_IDENTITY_URL"]
    assert REQUIRED.match(env["SIPELKOP_IDENTITY_URL"]), "the public address is site-specific: required"
    # Keys are fetched inside the network, from identity's own port, not through the front door.
    assert env["SIPELKOP_JWKS_URL"] == f"http://identity:{PORTS['identity']}/.well-known/jwks.json"
    assert "SIPELKOP_SECRET_KEY" not in env and "SIPELKOP_TOKEN_TTL_HOURS" not in env


def test_the_shared_hs256_secret_is_gone_from_every_file():
    for path in (COMPOSE, DEPLOY / "secrets.env.example", DEPLOY / "Dockerfile", *DEPLOY.glob("k8s/*.yaml")):
        assert "SIPELKOP_SECRET_KEY" not in path.read_text(), path


def test_only_identity_holds_the_signing_keys(compose):
    identity = compose["services"]["identity"]
    keys_file = identity["environment"]["IDENTITY_SIGNING_KEYS_FILE"]
    mounts = {v.split(":")[1]: v.split(":")[0] for v in identity["volumes"]}
    directory = keys_file.rsplit("/", 1)[0]
    # A named volume (generated on the first start, kept across upgrades), not a bind mount of the repository.
    assert directory in mounts and not mounts[directory].startswith(("./", "/")), mounts
    assert mounts[directory] in compose["volumes"]
    # One replica: two starting on an empty volume would each generate a key ring.
    assert identity["deploy"]["replicas"] == 1
    for name, svc in compose["services"].items():
        if name == "identity":
            continue
        assert not any(k.startswith("IDENTITY_") for k in svc.get("environment", {})), name
        assert not any(v.split(":")[0] == mounts[directory] for v in svc.get("volumes", [])), name


def test_identity_has_a_healthcheck_on_healthz(compose):
    check = compose["services"]["identity"]["healthcheck"]
    assert check["test"] == ["CMD", "python", "/opt/sipelkop/healthcheck.py"]
    assert "/healthz" in (DEPLOY / "healthcheck.py").read_text()
    # The image's CMD runs `sipelkop serve "$SERVICE"`, so SERVICE=identity starts identity.
    assert "command" not in compose["services"]["identity"]


def test_reporting_reconciles_with_a_service_account(compose):
    env = compose["services"]["reporting"]["environment"]
    assert REQUIRED.match(env["REPORTING_RECONCILE_CLIENT_ID"])
    assert REQUIRED.match(env["REPORTING_RECONCILE_CLIENT_SECRET"])
    assert env["REPORTING_TOKEN_URL"] == f"http://identity:{PORTS['identity']}/api/v1/auth/token"


def test_registration_training_and_reporting_run_two_replicas(compose):
    for service in ("registration", "training", "reporting"):
        # podman-compose runs replicas only with the mode spelled out.
        assert compose["services"][service]["deploy"]["replicas"] == 2, service
        assert compose["services"][service]["deploy"]["mode"] == "replicated", service


def test_every_sipelkop_variable_anywhere_is_a_real_setting(compose):
    real = set().union(*(service_env_names(s) for s in SERVICES))
    for name, svc in compose["services"].items():
        unknown = [k for k in svc.get("environment", {}) if is_setting_like(k) and k not in real]
        assert not unknown, f"{name}: {unknown}"


def test_no_secret_has_a_value_in_the_file(compose):
    for name, svc in compose["services"].items():
        for key, value in svc.get("environment", {}).items():
            if re.search(r"SECRET|PASSWORD", key):
                assert REQUIRED.match(str(value)), f"{name}.{key} must be ${{{key}:?...}}, not a value"
    assert REQUIRED.match(compose["services"]["reporting"]["environment"]["REPORTING_RECONCILE_CLIENT_SECRET"])
    # The Kafka principals' passwords have a file of their own beside the broker scripts.
    example = (DEPLOY / "secrets.env.example").read_text() + (DEPLOY / "kafka" / "secrets.env.example").read_text()
    for line in example.splitlines():
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            assert value == "", f"secrets.env.example must leave {key} empty"
    lines = COMPOSE.read_text().splitlines()
    code = "\n".join(line.split(" #")[0] for line in lines if not line.lstrip().startswith("#"))
    referenced = set(re.findall(r"\$\{([A-Z0-9_]+):\?", code))
    assert referenced <= {line.split("=")[0] for line in example.splitlines() if "=" in line and line[0] != "#"}


def test_postgres_creates_one_database_and_role_per_service(compose):
    pg = compose["services"]["postgres"]
    init = next(v for v in pg["volumes"] if "docker-entrypoint-initdb.d" in v)
    sql = (ROOT / init.split(":")[0]).read_text()
    for service in SERVICES:
        assert re.search(rf"CREATE ROLE {service} LOGIN\b", sql), service
        assert re.search(rf"CREATE DATABASE {service} OWNER {service}\b", sql), service
    for variable in re.findall(r"\\getenv \w+ (\w+)", sql):
        assert variable in pg["environment"], f"init-databases.sql reads {variable}, postgres does not get it"


def test_bind_mounts_point_at_files_in_the_repository(compose):
    for name, svc in compose["services"].items():
        for volume in svc.get("volumes", []):
            source = volume.split(":")[0]
            if source.startswith("./"):
                assert (ROOT / source).exists(), f"{name}: {source} does not exist"


def test_prometheus_scrapes_every_replica_of_every_service():
    config = load_yaml(DEPLOY / "prometheus" / "prometheus.yml")
    jobs = {job["job_name"]: job for job in config["scrape_configs"]}
    for service in SERVICES:
        sd = jobs[service]["dns_sd_configs"][0]
        assert sd["names"] == [service] and sd["type"] == "A" and sd["port"] == PORTS[service]
        assert jobs[service].get("metrics_path", "/metrics") == "/metrics"


def test_gateway_forwards_each_port_to_its_service(compose):
    conf = (DEPLOY / "nginx" / "nginx.conf").read_text()
    for service in SERVICES:
        port = PORTS[service]
        assert re.search(rf"listen {port};.*set \$svc {service}:{port};", conf), service
        assert f"{port}:{port}" in compose["services"]["gateway"]["ports"]


def test_grafana_provisions_the_reporting_dashboard(compose):
    grafana = compose["services"]["grafana"]
    mounts = dict(v.split(":")[:2] for v in grafana["volumes"])
    assert mounts["./deploy/grafana/provisioning"] == "/etc/grafana/provisioning"
    provider = load_yaml(DEPLOY / "grafana" / "provisioning" / "dashboards" / "sipelkop.yml")["providers"][0]
    assert mounts["./deploy/grafana"] == provider["options"]["path"]
    source = load_yaml(DEPLOY / "grafana" / "provisioning" / "datasources" / "prometheus.yml")["datasources"][0]
    assert source["url"] == "http://prometheus:9090" and "prometheus" in compose["services"]


def test_the_reporting_dashboard_is_a_dashboard():
    dashboard = DEPLOY / "grafana" / "sipelkop-reporting.json"
    doc = json.loads(dashboard.read_text())
    assert doc.get("uid") and doc.get("panels")


def test_services_believe_x_forwarded_for_from_the_front_door_only(compose):
    import ipaddress

    gateway = ipaddress.ip_address(compose["services"]["gateway"]["networks"]["default"]["ipv4_address"])
    [subnet] = [ipaddress.ip_network(c["subnet"]) for c in compose["networks"]["default"]["ipam"]["config"]]
    assert gateway in subnet
    for service in SERVICES:
        trusted = compose["services"][service]["environment"]["SIPELKOP_TRUSTED_PROXIES"]
        assert "*" not in trusted, service
        networks = [ipaddress.ip_network(part.strip()) for part in trusted.split(",")]
        assert networks == [ipaddress.ip_network(f"{gateway}/32")], (service, trusted)
