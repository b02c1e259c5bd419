"""The Kubernetes manifests describe the stack docker-compose.yml runs: the same images, the same environment
variable names per service, the same probe paths and the same ports (issue 21, item 4).

Which compose service is which Kubernetes workload: the four services are the Deployments `sipelkop-<service>`,
kafka-init is the topics Job `sipelkop-topics`. The rest of the compose stack is the cluster's own in Kubernetes
(CLUSTER_PROVIDED) and the migration Jobs do in Kubernetes what each compose service does on start.

What ran under podman (make test-deploy) is docker-compose.yml with deploy/podman/compose.yml laid over it, which
swaps images only (checked below), so comparing with docker-compose.yml compares with what ran.

Image policy: an image is compared by repository name and tag, without the registry host (`localhost/`,
`registry.kaltim.go.id/`: where the image was pushed or built is the site's business). Compose's `${VAR:-default}`
counts as its default; Kubernetes' tag is the kustomization's `images:` entry where it sets one. Both must pin the
same tag (no `latest`, no untagged name).

Environment: the names a container sees are the image's ENV (deploy/Dockerfile's last stage) plus what the
orchestrator sets; in Kubernetes that includes the shared ConfigMap's common (SIPELKOP_) keys and the service's own
ones. Values may differ (addresses, paths, the site's own URLs) except where they say what the stack *is*
(SAME_VALUE: the service, its port, the Kafka protocol and principal, the topics' layout); secrets come from the
Secret in Kubernetes; an address of another part of the stack points at that part's Service on the same port and
path.
"""
from __future__ import annotations

import copy
import re
import shlex
from urllib.parse import urlsplit

import pytest

from tests.deploy.deploy_files import COMPOSE, DEPLOY, KUSTOMIZATION, ROOT, SERVICES, load_yaml, load_yaml_docs

# Compose services that a Kubernetes install gets from the cluster, not from these manifests.
CLUSTER_PROVIDED = {
    "kafka-1": "the cluster's Kafka (e.g. Strimzi), SIPELKOP_KAFKA_BOOTSTRAP in the ConfigMap",
    "kafka-2": "the cluster's Kafka",
    "kafka-3": "the cluster's Kafka",
    "postgres": "the site's PostgreSQL, the database URLs in the Secret",
    "gateway": "the ingress controller",
    "prometheus": "the cluster's Prometheus, scraping by the pods' prometheus.io annotations",
    "node-exporter": "the cluster's node exporter",
    "grafana": "the cluster's Grafana",
}
# Compose service -> (kind, name) of the Kubernetes workload that runs the same container.
WORKLOADS = {**{s: ("Deployment", f"sipelkop-{s}") for s in SERVICES}, "kafka-init": ("Job", "sipelkop-topics")}
# Kubernetes workloads with no compose twin: each service applies its migrations on start in compose.
K8S_ONLY = {("Job", f"sipelkop-{s}-migrate") for s in SERVICES}
SAME_VALUE = re.compile(r"^(SERVICE|SIPELKOP_ENV|SIPELKOP_TOPIC_PREFIX|SIPELKOP_LOG_LEVEL|SIPELKOP_KAFKA_SECURITY_PROTOCOL"
                        r"|SIPELKOP_KAFKA_SASL_MECHANISM|SIPELKOP_KAFKA_SASL_USERNAME|[A-Z]+_HOST|[A-Z]+_PORT"
                        r"|TOPIC_[A-Z_]+|KAFKA_SECURITY_PROTOCOL)$")
PODMAN_OVERRIDE = DEPLOY / "podman" / "compose.yml"
SECRET = re.compile(r"PASSWORD|SECRET|DATABASE_URL|_KEY$")
DEFAULTED = re.compile(r"\$\{[A-Z0-9_]+:-([^}]*)\}")
REQUIRED = re.compile(r"\$\{[A-Z0-9_]+:\?[^}]*\}")


# --- reading both sides -------------------------------------------------------------------------------------------

def k8s_objects() -> list[dict]:
    kustomization = load_yaml(KUSTOMIZATION)
    return [doc for resource in kustomization["resources"] for doc in load_yaml_docs(DEPLOY / resource)]


def image_env_and_healthcheck() -> tuple[set[str], str]:
    """The ENV names of deploy/Dockerfile's last stage, and the path its HEALTHCHECK script asks for."""
    names: set[str] = set()
    for line in re.sub(r"\\\n", " ", (DEPLOY / "Dockerfile").read_text()).splitlines():
        if line.startswith("FROM "):
            names = set()
        elif line.startswith("ENV "):
            names |= {word.split("=", 1)[0] for word in shlex.split(line[4:])}
    return names, healthcheck_script_path()


def healthcheck_script_path() -> str:
    [path] = re.findall(r'urlopen\(f"http://127\.0\.0\.1:\{port\}(/[a-z]+)"', (DEPLOY / "healthcheck.py").read_text())
    return path


def resolve(value) -> str | None:
    """A compose value as the container gets it where it does not depend on the site: None for a required one."""
    value = str(value)
    if REQUIRED.search(value):
        return None
    return DEFAULTED.sub(lambda m: m.group(1), value)


def normalise_image(image: str) -> str:
    """name:tag without the registry host."""
    first, _, rest = image.partition("/")
    if rest and ("." in first or ":" in first or first == "localhost"):
        image = rest
    return image


def k8s_image(image: str, kustomization: dict) -> str:
    for entry in kustomization.get("images", []):
        if entry["name"] == image.split(":")[0]:
            image = f"{entry.get('newName', entry['name'])}:{entry.get('newTag', image.partition(':')[2])}"
    return normalise_image(image)


def k8s_env(obj: dict, config: dict[str, str], service: str | None) -> dict[str, tuple[str, str]]:
    """name -> ("value", literal) | ("secret", key) | ("config", value) for the workload's one container."""
    [container] = obj["spec"]["template"]["spec"]["containers"]
    env: dict[str, tuple[str, str]] = {}
    for ref in container.get("envFrom", []):
        if ref.get("configMapRef", {}).get("name") == "sipelkop-config":
            own = (f"{service.upper()}_",) if service else ()
            env |= {k: ("config", str(v)) for k, v in config.items() if k.startswith(("SIPELKOP_", *own))}
    for entry in container.get("env", []):
        source = entry.get("valueFrom", {})
        if "secretKeyRef" in source:
            env[entry["name"]] = ("secret", source["secretKeyRef"]["key"])
        elif "configMapKeyRef" in source:
            env[entry["name"]] = ("config", str(config[source["configMapKeyRef"]["key"]]))
        else:
            env[entry["name"]] = ("value", str(entry["value"]))
    return env


def internal_url(value: str, stack: set[str]) -> tuple[str, int, str] | None:
    """(service, port, path) when the value is an http address of another part of the stack."""
    if not value.startswith("http://"):
        return None
    parts = urlsplit(value)
    return (parts.hostname, parts.port, parts.path) if parts.hostname in stack else None


# --- the comparison -----------------------------------------------------------------------------------------------

def differences(compose: dict, objects: list[dict], kustomization: dict) -> list[str]:
    """Every way the manifests describe another stack than the compose file; [] when they agree."""
    found: list[str] = []
    by_key = {(o["kind"], o["metadata"]["name"]): o for o in objects}
    config = by_key[("ConfigMap", "sipelkop-config")]["data"]
    image_env, health_path = image_env_and_healthcheck()
    services = compose["services"]

    unmapped = set(services) - set(WORKLOADS) - set(CLUSTER_PROVIDED)
    found += [f"{name}: in compose, neither in the manifests nor provided by the cluster" for name in sorted(unmapped)]
    workloads = {k for k in by_key if k[0] in ("Deployment", "Job", "StatefulSet", "DaemonSet", "CronJob")}
    found += [f"{kind}/{name}: in the manifests, not in compose" for kind, name in
              sorted(workloads - set(WORKLOADS.values()) - K8S_ONLY)]

    for name, key in WORKLOADS.items():
        if name not in services or key not in by_key:
            found.append(f"{name}: missing on one side (compose: {name in services}, Kubernetes: {key in by_key})")
            continue
        svc, obj = services[name], by_key[key]
        [container] = obj["spec"]["template"]["spec"]["containers"]
        is_service = name in SERVICES
        sipelkop_image = is_service or container["image"].split(":")[0] == "sipelkop"

        # Images
        ours, theirs = normalise_image(resolve(svc["image"]) or svc["image"]), k8s_image(container["image"], kustomization)
        if ours != theirs or ":" not in ours or ours.endswith(":latest"):
            found.append(f"{name}: image {ours} in compose, {theirs} in Kubernetes")

        # Environment
        compose_env = {k: str(v) for k, v in (svc.get("environment") or {}).items()}
        kube = k8s_env(obj, config, name if is_service else None)
        baseline = image_env if sipelkop_image else set()
        only_compose = set(compose_env) - set(kube) - baseline
        only_k8s = set(kube) - set(compose_env) - baseline
        if only_compose:
            found.append(f"{name}: environment only in compose: {sorted(only_compose)}")
        if only_k8s:
            found.append(f"{name}: environment only in Kubernetes: {sorted(only_k8s)}")
        for var in sorted(set(compose_env) & set(kube)):
            source, value = kube[var]
            if SECRET.search(var) and source != "secret":
                found.append(f"{name}: {var} is a secret in compose, a plain {source} in Kubernetes")
            ours_value = resolve(compose_env[var])
            if SAME_VALUE.match(var) and ours_value is not None and source != "secret" and ours_value != value:
                found.append(f"{name}: {var} is {ours_value!r} in compose, {value!r} in Kubernetes")
            target = internal_url(ours_value or "", set(services))
            if target is not None:
                host, port, path = target
                expected = f"http://sipelkop-{host}:{port}{path}"
                service = by_key.get(("Service", f"sipelkop-{host}"))
                ports = [p["port"] for p in service["spec"]["ports"]] if service else []
                if value != expected or port not in ports:
                    found.append(f"{name}: {var} points at {host}:{port}{path} in compose, {value} in Kubernetes")

        if not is_service:
            continue
        # Ports: what the service listens on, what the stack reaches it at, what is scraped.
        port = int(resolve(compose_env.get(f"{name.upper()}_PORT", "0")) or 0)
        expose = [int(p) for p in svc.get("expose", [])]
        container_ports = {p["name"]: p["containerPort"] for p in container.get("ports", [])}
        service_obj = by_key.get(("Service", f"sipelkop-{name}"), {"spec": {"ports": []}})
        k8s_ports = {
            "containerPort": container_ports.get("http"),
            "Service": next((p["port"] for p in service_obj["spec"]["ports"]), None),
            "prometheus.io/port": int(obj["spec"]["template"]["metadata"].get("annotations", {})
                                      .get("prometheus.io/port", 0)),
        }
        if expose != [port]:
            found.append(f"{name}: compose exposes {expose}, listens on {port}")
        for what, value in k8s_ports.items():
            if value != port:
                found.append(f"{name}: port {port} in compose, {what} {value} in Kubernetes")

        # Probes: compose's healthcheck (its own or the image's) is the liveness check; Kubernetes also restarts
        # on it and on the startup probe. Readiness has no compose twin (nothing routes by it there), so it must be
        # a path every service serves.
        compose_health = health_path if svc.get("healthcheck", {}).get("test", ["CMD", "python",
                                                                                "/opt/sipelkop/healthcheck.py"]) \
            [-1] == "/opt/sipelkop/healthcheck.py" else None
        for probe in ("livenessProbe", "startupProbe"):
            got = container.get(probe, {}).get("httpGet", {})
            if got.get("path") != compose_health or container_ports.get(got.get("port")) != port:
                found.append(f"{name}: compose checks {compose_health} on {port}, {probe} checks "
                             f"{got.get('path')} on {got.get('port')}")
        readiness = container.get("readinessProbe", {}).get("httpGet", {})
        if readiness.get("path") not in SERVED_OPS_PATHS or container_ports.get(readiness.get("port")) != port:
            found.append(f"{name}: readinessProbe checks {readiness.get('path')} on {readiness.get('port')}, "
                         f"not a path the service serves on {port}")
    return found


SERVED_OPS_PATHS = set(re.findall(r'@app\.get\("(/[a-z]+z)"', (ROOT / "shared" / "http.py").read_text()))


# --- the tests ----------------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def sides() -> tuple[dict, list[dict], dict]:
    return load_yaml(COMPOSE), k8s_objects(), load_yaml(KUSTOMIZATION)


def test_the_manifests_describe_the_compose_stack(sides):
    assert differences(*sides) == []


def test_the_podman_stack_that_ran_differs_from_compose_only_in_images(sides):
    """deploy/podman/compose.yml (make test-deploy) lays locally built images over docker-compose.yml and nothing
    else, so the comparison above holds for the stack that ran; its Kafka is the same version as the manifests'."""
    compose, objects, kustomization = sides
    override = load_yaml(PODMAN_OVERRIDE)["services"]
    for name, svc in override.items():
        assert name in compose["services"] and set(svc) == {"image"}, name
    local_kafka = normalise_image(override["kafka-init"]["image"])
    topics = k8s_image(container_of(objects, "sipelkop-topics")["image"], kustomization)
    assert local_kafka.split(":")[1] == topics.split(":")[1], (local_kafka, topics)
    # The services' image is the main file's own (built locally as localhost/sipelkop).
    assert not set(SERVICES) & set(override)


def test_the_probes_read_are_the_services_own():
    assert healthcheck_script_path() == "/healthz"
    assert SERVED_OPS_PATHS == {"/healthz", "/readyz"}


def container_of(objects: list[dict], name: str) -> dict:
    [obj] = [o for o in objects if o["metadata"]["name"] == name and o["kind"] in ("Deployment", "Job")]
    [container] = obj["spec"]["template"]["spec"]["containers"]
    return container


def test_a_variable_removed_from_a_manifest_is_found(sides):
    compose, objects, kustomization = copy.deepcopy(sides)
    container = container_of(objects, "sipelkop-training")
    container["env"] = [e for e in container["env"] if e["name"] != "TRAINING_EVALUATION_KEY"]
    topics = container_of(objects, "sipelkop-topics")
    topics["env"] = [e for e in topics["env"] if e["name"] != "KAFKA_PASSWORD_REPORTING"]
    assert set(differences(compose, objects, kustomization)) == {
        "kafka-init: environment only in compose: ['KAFKA_PASSWORD_REPORTING']",
        "training: environment only in compose: ['TRAINING_EVALUATION_KEY']",
    }


def test_a_variable_added_to_compose_only_is_found(sides):
    compose, objects, kustomization = copy.deepcopy(sides)
    compose["services"]["reporting"]["environment"]["REPORTING_SOMETHING_NEW"] = "1"
    assert differences(compose, objects, kustomization) == [
        "reporting: environment only in compose: ['REPORTING_SOMETHING_NEW']"]


def test_a_secret_as_a_plain_value_a_wrong_principal_and_a_wrong_address_are_found(sides):
    compose, objects, kustomization = copy.deepcopy(sides)
    container = container_of(objects, "sipelkop-reporting")
    for entry in container["env"]:
        if entry["name"] == "REPORTING_RECONCILE_CLIENT_SECRET":
            entry.pop("valueFrom")
            entry["value"] = "rahasia"
        if entry["name"] == "SIPELKOP_KAFKA_SASL_USERNAME":
            entry["value"] = "admin"
        if entry["name"] == "REPORTING_TRAINING_URL":
            entry["value"] = "http://sipelkop-training:8080"
    assert differences(compose, objects, kustomization) == [
        "reporting: REPORTING_RECONCILE_CLIENT_SECRET is a secret in compose, a plain value in Kubernetes",
        "reporting: REPORTING_TRAINING_URL points at training:8002 in compose, http://sipelkop-training:8080 in Kubernetes",
        "reporting: SIPELKOP_KAFKA_SASL_USERNAME is 'reporting' in compose, 'admin' in Kubernetes",
    ]


def test_another_probe_path_and_another_port_are_found(sides):
    compose, objects, kustomization = copy.deepcopy(sides)
    registration = container_of(objects, "sipelkop-registration")
    registration["livenessProbe"]["httpGet"]["path"] = "/readyz"
    identity = [o for o in objects if o["kind"] == "Service" and o["metadata"]["name"] == "sipelkop-identity"][0]
    identity["spec"]["ports"][0]["port"] = 80
    problems = differences(compose, objects, kustomization)
    assert "registration: compose checks /healthz on 8001, livenessProbe checks /readyz on http" in problems
    assert "identity: port 8004 in compose, Service 80 in Kubernetes" in problems
    # Every service reaches identity at its Service's port: the JWKS and token addresses no longer match it.
    assert "reporting: REPORTING_TOKEN_URL points at identity:8004/api/v1/auth/token in compose, " \
           "http://sipelkop-identity:8004/api/v1/auth/token in Kubernetes" in problems


def test_another_image_tag_and_an_unknown_compose_service_are_found(sides):
    compose, objects, kustomization = copy.deepcopy(sides)
    container_of(objects, "sipelkop-topics")["image"] = "apache/kafka:3.9.0"
    kustomization["images"][0]["newTag"] = "0.2.0"
    compose["services"]["mailer"] = {"image": "axllent/mailpit:v1.20"}
    problems = differences(compose, objects, kustomization)
    assert problems[0] == "mailer: in compose, neither in the manifests nor provided by the cluster"
    assert "kafka-init: image apache/kafka:4.1.1 in compose, apache/kafka:3.9.0 in Kubernetes" in problems
    assert {f"{s}: image sipelkop:0.1.0 in compose, sipelkop:0.2.0 in Kubernetes" for s in SERVICES} <= set(problems)


def test_the_registry_host_is_not_part_of_the_comparison():
    assert normalise_image("localhost/sipelkop:0.1.0") == "sipelkop:0.1.0"
    assert normalise_image("registry.kaltim.go.id/apache/kafka:4.1.1") == "apache/kafka:4.1.1"
    assert normalise_image("apache/kafka:4.1.1") == "apache/kafka:4.1.1"
    assert k8s_image("sipelkop", {"images": [{"name": "sipelkop", "newName": "registry.kaltim.go.id/sipelkop",
                                               "newTag": "0.1.0"}]}) == "sipelkop:0.1.0"
