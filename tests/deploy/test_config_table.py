"""README.md's configuration table lists exactly the environment variables the settings classes read."""
from __future__ import annotations

import re

from tests.deploy.deploy_files import ROOT, SERVICES, all_env_names, service_env_names

GENERIC = "<SERVICE>_"


def documented_names() -> set[str]:
    """Every variable named in the first column of the table under '## Configuration'."""
    text = (ROOT / "README.md").read_text()
    section = text.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    names: set[str] = set()
    for line in section.splitlines():
        if not line.startswith("| `"):
            continue
        first_cell = line.split("|")[1]
        for name in re.findall(r"`([^`]+)`", first_cell):
            if name.startswith(GENERIC):
                names |= {f"{s.upper()}_{name[len(GENERIC):]}" for s in SERVICES}
            else:
                names.add(name)
    return names


def test_the_configuration_table_is_found():
    assert {"SIPELKOP_IDENTITY_URL", "REGISTRATION_DATABASE_URL", "IDENTITY_DATABASE_URL"} <= documented_names()


def test_the_removed_hs256_settings_are_no_longer_documented():
    assert not {"SIPELKOP_SECRET_KEY", "SIPELKOP_TOKEN_TTL_HOURS"} & documented_names()


def test_every_setting_is_documented_and_every_documented_variable_is_a_setting():
    documented, actual = documented_names(), all_env_names()
    missing = sorted(actual - documented)
    extra = sorted(documented - actual)
    assert not missing and not extra, (
        f"README.md's configuration table is out of step with the settings classes.\n"
        f"  settings not in the table: {missing}\n  in the table but no setting reads them: {extra}"
    )


def test_the_settings_are_read_from_every_service():
    """The comparison above is only as good as the list of settings it reads: each service's own are in it."""
    actual = all_env_names()
    assert {"REGISTRATION_IMPORT_MAX_BYTES", "TRAINING_JP_MINUTES", "REPORTING_DATABASE_URL",
            "IDENTITY_DATABASE_URL", "SIPELKOP_ENV"} <= actual, sorted(actual)


def test_generic_rows_hold_for_every_service():
    """A `<SERVICE>_X` row promises X to every service."""
    text = (ROOT / "README.md").read_text().split("## Configuration", 1)[1].split("\n## ", 1)[0]
    generic = {m for m in re.findall(r"`<SERVICE>_([A-Z0-9_]+)`", text)}
    for service in SERVICES:
        names = service_env_names(service)
        assert {f"{service.upper()}_{g}" for g in generic} <= names, service
