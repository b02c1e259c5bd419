"""deploy/kustomization.yaml and deploy/k8s/: valid Kubernetes objects, wired the way the services expect."""
from __future__ import annotations

import json
import shutil
import subprocess

import kubernetes_validate
import pytest

from shared.messaging.broker import DEFAULT_PARTITIONS
from tests.deploy.deploy_files import (DEPLOY, KUSTOMIZATION, PORTS, SERVICES, all_env_names, load_yaml,
                                       load_yaml_docs, service_env_names)

K8S = DEPLOY / "k8s"
SECRET_TEMPLATE = K8S / "secrets.template.yaml"
# The oldest Kubernetes still in upstream support when this was written; kubernetes-validate ships its schemas.
KUBERNETES_VERSION = "1.32.0"


def kustomization() -> dict:
    return load_yaml(KUSTOMIZATION)


def objects() -> list[dict]:
    docs = [doc for resource in kustomization()["resources"] for doc in load_yaml_docs(DEPLOY / resource)]
    return docs + load_yaml_docs(SECRET_TEMPLATE)


def find(kind: str, name: str) -> dict:
    return next(o for o in objects() if o["kind"] == kind and o["metadata"]["name"] == name)


def pod_containers(obj: dict) -> list[dict]:
    return obj["spec"]["template"]["spec"]["containers"]


def test_every_manifest_is_in_the_kustomization_or_is_the_secret_template():
    listed = {DEPLOY / r for r in kustomization()["resources"]}
    assert all(path.exists() for path in listed)
    assert set(K8S.glob("*.yaml")) == listed | {SECRET_TEMPLATE}
    for generator in kustomization()["configMapGenerator"]:
        for entry in generator["files"]:
            assert (DEPLOY / entry.split("=")[-1]).exists(), entry


@pytest.mark.parametrize("obj", objects(), ids=lambda o: f"{o['kind']}/{o['metadata']['name']}")
def test_manifest_matches_its_kubernetes_schema(obj):
    try:
        kubernetes_validate.validate(obj, KUBERNETES_VERSION, strict=True)
    except kubernetes_validate.ValidationError as exc:
        pytest.fail(f"{obj['kind']}/{obj['metadata']['name']}: {'.'.join(map(str, exc.path))}: {exc.message}")


def test_strict_validation_rejects_an_unknown_field():
    broken = find("Deployment", "sipelkop-registration")
    pod_containers(broken)[0]["readinessProbe"]["httpGett"] = {"path": "/readyz"}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, KUBERNETES_VERSION, strict=True)


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl is not installed")
def test_kustomize_renders_the_install():
    rendered = subprocess.run(["kubectl", "kustomize", str(DEPLOY)], capture_output=True, text=True, timeout=60)
    assert rendered.returncode == 0, rendered.stderr
    assert "namespace: sipelkop" in rendered.stdout and "image: sipelkop:" in rendered.stdout


@pytest.mark.parametrize("service", SERVICES)
def test_deployment_probes_ports_and_resources(service):
    deployment = find("Deployment", f"sipelkop-{service}")
    [container] = pod_containers(deployment)
    port = PORTS[service]
    assert container["ports"] == [{"name": "http", "containerPort": port}]
    assert container["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}
    assert container["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
    assert set(container["resources"]) == {"requests", "limits"}
    env = {e["name"]: e for e in container["env"]}
    assert env["SERVICE"]["value"] == service
    assert int(env[f"{service.upper()}_PORT"]["value"]) == port
    assert env[f"{service.upper()}_HOST"]["value"] == "0.0.0.0"
    assert deployment["spec"]["template"]["spec"]["securityContext"]["runAsNonRoot"] is True
    svc = find("Service", f"sipelkop-{service}")
    assert svc["spec"]["ports"][0]["port"] == port
    assert svc["spec"]["selector"] == deployment["spec"]["selector"]["matchLabels"]


@pytest.mark.parametrize("service", SERVICES)
def test_a_migration_job_per_service(service):
    job = find("Job", f"sipelkop-{service}-migrate")
    [container] = pod_containers(job)
    assert container["image"] == "sipelkop"
    assert container["command"] == ["python", "/opt/sipelkop/migrate.py", service]
    env = {e["name"]: e for e in container["env"]}
    url = env[f"{service.upper()}_DATABASE_URL"]["valueFrom"]["secretKeyRef"]
    assert url == {"name": "sipelkop-secrets", "key": f"{service.upper()}_DATABASE_URL"}
    assert "SIPELKOP_SECRET_KEY" not in env
    # Migrating needs no signing key: only identity's own pods mount it.
    assert not any("secret" in v for v in job["spec"]["template"]["spec"].get("volumes", []))


def test_every_variable_set_on_a_sipelkop_container_is_a_real_setting():
    config = find("ConfigMap", "sipelkop-config")["data"]
    for obj in objects():
        if obj["kind"] not in ("Deployment", "Job"):
            continue
        for container in pod_containers(obj):
            if container["image"] != "sipelkop":
                continue
            service = next(e["value"] for e in container.get("env", []) if e["name"] == "SERVICE") \
                if obj["kind"] == "Deployment" else container["command"][-1]
            names = {e["name"] for e in container.get("env", [])}
            if any(ref.get("configMapRef", {}).get("name") == "sipelkop-config" for ref in container.get("envFrom", [])):
                # The shared ConfigMap: common settings, plus a service's own ones that only it reads.
                names |= {k for k in config if k.startswith("SIPELKOP_") or k.startswith(f"{service.upper()}_")}
            unknown = sorted(names - service_env_names(service) - {"SERVICE"})
            assert not unknown, f"{obj['metadata']['name']}: not settings of {service}: {unknown}"


def test_secrets_hold_the_key_ring_the_client_secret_and_database_urls_and_no_real_value():
    secret = find("Secret", "sipelkop-secrets")["stringData"]
    assert set(secret) == ({"IDENTITY_SIGNING_KEYS", "REPORTING_RECONCILE_CLIENT_SECRET", "KAFKA_ADMIN_PASSWORD",
                            "KAFKA_CA_CERT", "TRAINING_CERTIFICATE_KEY", "TRAINING_EVALUATION_KEY", "BACKUP_PASSPHRASE",
                            "REGISTRATION_CONFIRMATION_KEY"}
                           | {f"{s.upper()}_DATABASE_URL" for s in SERVICES}
                           | {f"KAFKA_PASSWORD_{s.upper()}" for s in SERVICES})
    assert all(secret[k].startswith("GANTI") for k in secret if k.startswith("KAFKA_"))
    # Not a key ring, so identity refuses to start with a forgotten placeholder.
    with pytest.raises(json.JSONDecodeError):
        json.loads(secret["IDENTITY_SIGNING_KEYS"])
    for key in ("REPORTING_RECONCILE_CLIENT_SECRET", "TRAINING_CERTIFICATE_KEY", "TRAINING_EVALUATION_KEY",
                "BACKUP_PASSPHRASE", "REGISTRATION_CONFIRMATION_KEY"):
        assert secret[key] == "GANTI", key  # a placeholder (training refuses keys under 16 characters)
    for service in SERVICES:
        assert secret[f"{service.upper()}_DATABASE_URL"].startswith(f"postgresql+asyncpg://{service}:GANTI@")
    for obj in objects():
        if obj["kind"] not in ("Deployment", "Job"):
            continue
        for container in pod_containers(obj):
            for entry in container.get("env", []):
                ref = entry.get("valueFrom", {}).get("secretKeyRef")
                if ref:
                    assert ref["name"] == "sipelkop-secrets" and ref["key"] in secret, entry
                assert not ("SECRET" in entry["name"] and "value" in entry), entry["name"]
        for volume in obj["spec"]["template"]["spec"].get("volumes", []):
            if "secret" in volume:
                assert volume["secret"]["secretName"] == "sipelkop-secrets"
                assert all(item["key"] in secret for item in volume["secret"]["items"]), volume


def test_no_manifest_mentions_the_shared_hs256_secret():
    for path in K8S.glob("*.yaml"):
        assert "SIPELKOP_SECRET_KEY" not in path.read_text(), path


def test_only_identity_mounts_the_signing_keys_as_a_read_only_file():
    holders = []
    for obj in objects():
        if obj["kind"] not in ("Deployment", "Job"):
            continue
        spec = obj["spec"]["template"]["spec"]
        for volume in spec.get("volumes", []):
            if any(item["key"] == "IDENTITY_SIGNING_KEYS" for item in volume.get("secret", {}).get("items", [])):
                holders.append((obj, spec, volume))
        for container in spec["containers"]:
            for entry in container.get("env", []) + container.get("envFrom", []):
                assert entry.get("valueFrom", {}).get("secretKeyRef", {}).get("key") != "IDENTITY_SIGNING_KEYS"
                assert entry.get("secretRef") is None, "a whole Secret as environment would leak the key ring"
    [(deployment, spec, volume)] = holders
    assert deployment["kind"] == "Deployment" and deployment["metadata"]["name"] == "sipelkop-identity"
    [item] = volume["secret"]["items"]
    # Readable by the pod's group (fsGroup) only, never by others.
    assert volume["secret"]["defaultMode"] & 0o007 == 0 and spec["securityContext"]["fsGroup"] == 10001
    [container] = spec["containers"]
    [mount] = [m for m in container["volumeMounts"] if m["name"] == volume["name"]]
    assert mount["readOnly"] is True
    env = {e["name"]: e.get("value") for e in container["env"]}
    assert env["IDENTITY_SIGNING_KEYS_FILE"] == f"{mount['mountPath']}/{item['path']}"


def test_configmap_points_every_service_at_identity():
    config = find("ConfigMap", "sipelkop-config")["data"]
    assert config["SIPELKOP_IDENTITY_URL"].startswith("https://")
    port = find("Service", "sipelkop-identity")["spec"]["ports"][0]["port"]
    assert config["SIPELKOP_JWKS_URL"] == f"http://sipelkop-identity:{port}/.well-known/jwks.json"
    for service in SERVICES:
        [container] = pod_containers(find("Deployment", f"sipelkop-{service}"))
        assert {"configMapRef": {"name": "sipelkop-config"}} in container["envFrom"], service
        assert not {"SIPELKOP_IDENTITY_URL", "SIPELKOP_JWKS_URL"} & {e["name"] for e in container["env"]}, service


def test_reporting_reconciles_with_a_service_account():
    [container] = pod_containers(find("Deployment", "sipelkop-reporting"))
    env = {e["name"]: e for e in container["env"]}
    ref = env["REPORTING_RECONCILE_CLIENT_SECRET"]["valueFrom"]["secretKeyRef"]
    assert ref == {"name": "sipelkop-secrets", "key": "REPORTING_RECONCILE_CLIENT_SECRET"}
    assert find("ConfigMap", "sipelkop-config")["data"]["REPORTING_RECONCILE_CLIENT_ID"]
    port = find("Service", "sipelkop-identity")["spec"]["ports"][0]["port"]
    assert env["REPORTING_TOKEN_URL"]["value"] == f"http://sipelkop-identity:{port}/api/v1/auth/token"


def test_configmap_holds_only_settings():
    config = find("ConfigMap", "sipelkop-config")["data"]
    assert config["SIPELKOP_ENV"] == "production"
    assert set(config) <= all_env_names()
    assert not any("SECRET" in k or "DATABASE_URL" in k for k in config)


def test_autoscalers_for_identity_registration_and_reporting():
    for service in ("identity", "registration", "reporting"):
        hpa = find("HorizontalPodAutoscaler", f"sipelkop-{service}")
        assert hpa["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment",
                                                 "name": f"sipelkop-{service}"}
        assert hpa["spec"]["minReplicas"] >= 2
    # A reporting consumer past the partition count gets no partition and only costs memory.
    assert find("HorizontalPodAutoscaler", "sipelkop-reporting")["spec"]["maxReplicas"] <= DEFAULT_PARTITIONS


def test_topics_job_runs_the_compose_script_with_the_same_settings():
    job = find("Job", "sipelkop-topics")
    [container] = pod_containers(job)
    assert container["image"] == "apache/kafka:4.1.1"
    env = {e["name"]: e for e in container["env"]}
    assert int(env["TOPIC_PARTITIONS"]["value"]) == DEFAULT_PARTITIONS
    assert env["TOPIC_REPLICATION"]["value"] == "3" and env["TOPIC_MIN_INSYNC"]["value"] == "2"
    assert env["KAFKA_BOOTSTRAP"]["valueFrom"]["configMapKeyRef"]["key"] == "SIPELKOP_KAFKA_BOOTSTRAP"
    [volume] = [v for v in job["spec"]["template"]["spec"]["volumes"] if "configMap" in v]
    [generator] = [g for g in kustomization()["configMapGenerator"] if g["name"] == volume["configMap"]["name"]]
    assert generator["files"] == ["create-topics.sh=kafka/create-topics.sh"]
    # As the cluster's admin principal over TLS, with each service's password for its SCRAM user.
    assert env["KAFKA_SECURITY_PROTOCOL"]["value"] == "SASL_SSL"
    assert env["KAFKA_ADMIN_PASSWORD"]["valueFrom"]["secretKeyRef"]["key"] == "KAFKA_ADMIN_PASSWORD"
    for service in SERVICES:
        key = f"KAFKA_PASSWORD_{service.upper()}"
        assert env[key]["valueFrom"]["secretKeyRef"] == {"name": "sipelkop-secrets", "key": key}
    assert_mounts_the_kafka_ca(job, container, env["KAFKA_CA_FILE"]["value"])


def assert_mounts_the_kafka_ca(obj: dict, container: dict, path: str) -> None:
    directory, name = path.rsplit("/", 1)
    [mount] = [m for m in container["volumeMounts"] if m["mountPath"] == directory]
    [volume] = [v for v in obj["spec"]["template"]["spec"]["volumes"] if v["name"] == mount["name"]]
    assert mount["readOnly"] and volume["secret"]["items"] == [{"key": "KAFKA_CA_CERT", "path": name}]


@pytest.mark.parametrize("service", SERVICES)
def test_each_service_signs_in_to_kafka_as_its_own_principal_over_tls(service):
    config = find("ConfigMap", "sipelkop-config")["data"]
    assert config["SIPELKOP_KAFKA_SECURITY_PROTOCOL"] == "SASL_SSL"
    assert config["SIPELKOP_KAFKA_SASL_MECHANISM"] == "SCRAM-SHA-512"
    deployment = find("Deployment", f"sipelkop-{service}")
    [container] = pod_containers(deployment)
    env = {e["name"]: e for e in container["env"]}
    assert env["SIPELKOP_KAFKA_SASL_USERNAME"]["value"] == service
    assert env["SIPELKOP_KAFKA_SASL_PASSWORD"]["valueFrom"]["secretKeyRef"] == {
        "name": "sipelkop-secrets", "key": f"KAFKA_PASSWORD_{service.upper()}"}
    assert_mounts_the_kafka_ca(deployment, container, config["SIPELKOP_KAFKA_SSL_CAFILE"])
