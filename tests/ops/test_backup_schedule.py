"""The scheduled backups in deploy/: the cron line and the Kubernetes CronJob run a `sipelkop backup` the real
parser accepts, with retention, and set only real settings."""
import shlex

import kubernetes_validate

from shared.backup_parts import PASSPHRASE_ENV
from shared.cli import build_parser
from tests.deploy.deploy_files import DEPLOY, all_env_names, load_yaml_docs


def test_the_cronjob_is_a_valid_kubernetes_object_running_a_backup_with_retention():
    docs = load_yaml_docs(DEPLOY / "backup-cronjob.yaml")
    for doc in docs:
        kubernetes_validate.validate(doc, "1.32.0", strict=True)
    cronjob = next(d for d in docs if d["kind"] == "CronJob")
    assert cronjob["spec"]["concurrencyPolicy"] == "Forbid"
    pod = cronjob["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    args = build_parser().parse_args(container["command"][1:])
    assert args.command == "backup" and args.keep == 14
    mounted = {m["mountPath"] for m in container["volumeMounts"]}
    assert str(args.to) in mounted and any(str(args.metrics_dir).startswith(m) for m in mounted)
    claims = {v["persistentVolumeClaim"]["claimName"] for v in pod["volumes"] if "persistentVolumeClaim" in v}
    assert claims == {d["metadata"]["name"] for d in docs if d["kind"] == "PersistentVolumeClaim"}
    names = {e["name"] for e in container["env"]}
    assert PASSPHRASE_ENV in names
    assert not names - all_env_names() - {PASSPHRASE_ENV}, names - all_env_names()


def test_the_cron_line_runs_a_backup_the_parser_accepts():
    lines = [line for line in (DEPLOY / "backup.cron").read_text().splitlines()
             if line and not line.startswith("#") and "=" not in line.split()[0]]
    (entry,) = lines
    command = shlex.split(entry.split("&&")[-1].split(">>")[0])
    assert command[0].endswith("sipelkop")
    args = build_parser().parse_args(command[1:])
    assert args.command == "backup" and args.keep == 14
