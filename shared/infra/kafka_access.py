"""Who may do what on the broker: one SCRAM principal per service, and the ACLs that let each write only its own
topics, read only the topics it consumes, and use only its own consumer group (StandardAuthorizer, KRaft)."""
from __future__ import annotations

import importlib
import json
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

SERVICES = ("identity", "registration", "training", "reporting")
ADMIN = "admin"  # the super user: creates topics, users and ACLs; no service runs as it
MECHANISM = "SCRAM-SHA-512"


@dataclass(frozen=True)
class Grant:
    """One allowed (principal, operation, resource) triple; `prefixed` for a prefixed resource pattern."""

    user: str
    operation: str  # READ, WRITE, CREATE, DESCRIBE, IDEMPOTENT_WRITE
    resource: str  # TOPIC, GROUP, CLUSTER
    name: str
    prefixed: bool = False


def consumed_topics() -> dict[str, list[str]]:
    """Each service's consumed topics, from its consumers' handlers (the same list its EventConsumer subscribes)."""
    found = {}
    for service in SERVICES:
        try:
            handlers = importlib.import_module(f"services.{service}.entrypoints.consumers").HANDLERS
        except ModuleNotFoundError:
            handlers = {}
        found[service] = sorted({cls.topic for cls in handlers})
    return found


def service_grants(service: str, consumes: list[str], prefix: str = "") -> list[Grant]:
    own = f"{prefix}sipelkop.{service}."
    grants = [Grant(service, op, "TOPIC", own, prefixed=True) for op in ("WRITE", "DESCRIBE", "CREATE")]
    grants += [Grant(service, op, "TOPIC", prefix + topic) for topic in consumes for op in ("READ", "DESCRIBE")]
    if consumes:
        grants += [Grant(service, op, "GROUP", f"{prefix}sipelkop-{service}", prefixed=True)
                   for op in ("READ", "DESCRIBE")]
    # The outbox relay's producer is idempotent (InitProducerId needs IdempotentWrite on the cluster).
    grants += [Grant(service, op, "CLUSTER", "kafka-cluster") for op in ("IDEMPOTENT_WRITE", "DESCRIBE")]
    return grants


def all_grants(prefix: str = "", consumes: dict[str, list[str]] | None = None) -> list[Grant]:
    consumes = consumed_topics() if consumes is None else consumes
    return [g for service in SERVICES for g in service_grants(service, consumes.get(service, []), prefix)]


def load_or_create_passwords(path: Path) -> dict[str, str]:
    """The local broker's passwords (admin and one per service), generated once into `path` with mode 0600."""
    if path.exists():
        return json.loads(path.read_text())
    passwords = {user: secrets.token_urlsafe(24) for user in (ADMIN, *SERVICES)}
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump(passwords, f, indent=1)
    return passwords


def client_env(user: str, password: str, protocol: str = "SASL_PLAINTEXT") -> dict[str, str]:
    """The settings (shared/settings.py) that make a process authenticate as `user`."""
    return {"SIPELKOP_KAFKA_SECURITY_PROTOCOL": protocol, "SIPELKOP_KAFKA_SASL_MECHANISM": MECHANISM,
            "SIPELKOP_KAFKA_SASL_USERNAME": user, "SIPELKOP_KAFKA_SASL_PASSWORD": password}


def apply_grants(bootstrap: str, admin_password: str, grants: list[Grant], *, protocol: str = "SASL_PLAINTEXT",
                 ssl_cafile: str | None = None) -> None:
    """Create the ACLs as the admin principal (creating one that exists is a no-op on the broker)."""
    from kafka.admin import (ACL, ACLFilter, ACLOperation, ACLPermissionType, ACLResourcePatternType,
                             KafkaAdminClient, ResourcePattern, ResourcePatternFilter, ResourceType)

    acls = [ACL(f"User:{g.user}", "*", ACLOperation[g.operation], ACLPermissionType.ALLOW,
                ResourcePattern(ResourceType[g.resource], g.name,
                                ACLResourcePatternType.PREFIXED if g.prefixed else ACLResourcePatternType.LITERAL))
            for g in grants]
    admin = KafkaAdminClient(bootstrap_servers=bootstrap, security_protocol=protocol, sasl_mechanism=MECHANISM,
                             sasl_plain_username=ADMIN, sasl_plain_password=admin_password, ssl_cafile=ssl_cafile,
                             client_id="sipelkop-access", request_timeout_ms=15_000)
    try:
        result = admin.create_acls(acls)
        if result.get("failed"):
            acl, error = result["failed"][0]
            raise RuntimeError(f"ACL refused by the broker ({len(result['failed'])} of {len(acls)}): {acl}: {error}")
        # Created ACLs reach the broker's authorizer through the metadata log a moment later: wait for them, so
        # the caller's next request is judged by them.
        wanted = {(a.principal, a.operation, a.resource_pattern.resource_type, a.resource_pattern.resource_name,
                   a.resource_pattern.pattern_type) for a in acls}
        everything = ACLFilter(principal=None, host=None, operation=ACLOperation.ANY,
                               permission_type=ACLPermissionType.ALLOW,
                               resource_pattern=ResourcePatternFilter(ResourceType.ANY, None,
                                                                      ACLResourcePatternType.ANY))
        deadline = time.monotonic() + 30
        while True:
            found, _ = admin.describe_acls(everything)
            seen = {(a.principal, a.operation, a.resource_pattern.resource_type, a.resource_pattern.resource_name,
                     a.resource_pattern.pattern_type) for a in found}
            if wanted <= seen:
                return
            if time.monotonic() > deadline:
                raise RuntimeError(f"{len(wanted - seen)} ACLs still not in force after 30 s")
            time.sleep(0.05)
    finally:
        admin.close()


def add_users(bootstrap: str, passwords: dict[str, str]) -> None:
    """SCRAM credentials created through an open (PLAINTEXT, no authorizer) broker: for a data dir formatted
    before the broker required SASL, whose metadata has no users yet."""
    from kafka.admin import KafkaAdminClient, UserScramCredentialUpsertion

    admin = KafkaAdminClient(bootstrap_servers=bootstrap, client_id="sipelkop-access", request_timeout_ms=15_000)
    try:
        errors = admin.alter_user_scram_credentials(
            [UserScramCredentialUpsertion(user, MECHANISM, password) for user, password in passwords.items()])
    finally:
        admin.close()
    if refused := {user: error for user, error in errors.items() if error}:
        raise RuntimeError(f"SCRAM users refused by the broker: {refused}")


def main(argv: list[str] | None = None) -> int:
    """`python -m shared.infra.kafka_access SERVICE [KAFKA_DATA_DIR]`: export lines that make a shell (e.g. for
    `sipelkop reporting rebuild`) sign in to `sipelkop up`'s broker as SERVICE."""
    import shlex
    import sys

    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] not in (ADMIN, *SERVICES):
        print(f"pakai: python -m shared.infra.kafka_access {{{'|'.join((ADMIN, *SERVICES))}}} [FOLDER_DATA_KAFKA]",
              file=sys.stderr)
        return 2
    data_dir = Path(args[1]) if len(args) > 1 else Path(os.environ.get("SIPELKOP_DATA_DIR", ".data")) / "kafka"
    path = data_dir / "credentials.json"
    if not path.exists():
        print(f"{path} belum ada: nyalakan dulu `sipelkop up` atau `sipelkop kafka` sekali", file=sys.stderr)
        return 1
    for name, value in client_env(args[0], json.loads(path.read_text())[args[0]]).items():
        print(f"export {name}={shlex.quote(value)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
