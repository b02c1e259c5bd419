"""Issue 14 item 6: SIPELKOP_ENV defaults to production, and a production start refuses what is unsafe, naming
the setting (shared/settings.py's production_problems, a rule over the settings without I/O)."""
from __future__ import annotations

import pytest

from services.identity.config import IdentitySettings
from services.registration.config import RegistrationSettings
from services.reporting.config import ReportingSettings
from services.training.config import DEV_CERTIFICATE_KEY, TrainingSettings
from shared.settings import ServiceSettings, database_tls_problem, production_problems

KEY = "k" * 40
SAFE_KAFKA = {"kafka_security_protocol": "SASL_SSL", "kafka_sasl_username": "training",
              "kafka_sasl_password": "p" * 32}
# Read as test settings: training refuses its development keys as soon as production settings are read (below);
# production_problems answers what a production start would refuse, whatever the settings say now.
SAFE_TRAINING = {"env": "test", "evaluation_key": KEY, "certificate_key": "c" * 40,
                 "database_url": "sqlite+aiosqlite:///x.db", **SAFE_KAFKA}


def test_the_environment_defaults_to_production(monkeypatch):
    monkeypatch.delenv("SIPELKOP_ENV", raising=False)
    assert ServiceSettings().env == "production"
    assert not ServiceSettings().api_docs_enabled


# (what differs from the safe production settings, the setting the refusal names, or None: accepted)
CASES = [
    ({}, None),
    ({"certificate_key": DEV_CERTIFICATE_KEY}, "TRAINING_CERTIFICATE_KEY masih bernilai contoh"),
    ({"kafka_sasl_password": "GANTI"}, "SIPELKOP_KAFKA_SASL_PASSWORD masih bernilai contoh"),
    ({"kafka_sasl_password": "rahasia"}, "SIPELKOP_KAFKA_SASL_PASSWORD terlalu pendek"),
    ({"kafka_security_protocol": "PLAINTEXT"}, "SIPELKOP_KAFKA_SECURITY_PROTOCOL=PLAINTEXT: Kafka tanpa autentikasi"),
    ({"kafka_security_protocol": "SASL_PLAINTEXT"}, None),  # authenticated (a loopback broker may be plain SASL)
    ({"database_url": "postgresql+asyncpg://training:" + "d" * 32 + "@db.kaltim.example:5432/training"},
     "TRAINING_DATABASE_URL: basis data di db.kaltim.example tanpa TLS; tambahkan ?ssl=require"),
    ({"database_url": "postgresql+asyncpg://training:" + "d" * 32 + "@db.kaltim.example/training?ssl=prefer"},
     "TRAINING_DATABASE_URL: basis data di db.kaltim.example tanpa TLS"),
    ({"database_url": "postgresql+asyncpg://training:" + "d" * 32 + "@db.kaltim.example/training?ssl=require"}, None),
    ({"database_url": "postgresql+asyncpg://training:" + "d" * 32 + "@db.kaltim.example/training?ssl=verify-full"},
     None),
    ({"database_url": "postgresql+asyncpg://training:GANTI@db.kaltim.example/training?ssl=require"},
     "TRAINING_DATABASE_URL (kata sandi) masih bernilai contoh"),
    ({"database_url": "postgresql+asyncpg://training:sipelkop@127.0.0.1:55432/training"}, None),  # on this machine
    ({"database_url": "postgresql+asyncpg://training@localhost/training"}, None),
    ({"database_url": "postgresql+asyncpg://training@/training?host=/run/postgresql"}, None),  # a Unix socket
]


@pytest.mark.parametrize(("change", "named"), CASES, ids=[str(c) for c, _ in CASES])
def test_a_production_start_refuses_what_is_unsafe_naming_the_setting(change, named):
    problems = production_problems(TrainingSettings(**(SAFE_TRAINING | change)))
    if named is None:
        assert problems == []
    else:
        assert len(problems) == 1 and problems[0].startswith(named), problems


def test_every_problem_is_listed_at_once():
    problems = production_problems(ServiceSettings(env="production"))
    assert problems == ["SIPELKOP_KAFKA_SECURITY_PROTOCOL=PLAINTEXT: Kafka tanpa autentikasi; pakai SASL_SSL dengan "
                        "SIPELKOP_KAFKA_SASL_USERNAME dan SIPELKOP_KAFKA_SASL_PASSWORD"]


def test_training_refuses_its_development_keys_as_soon_as_production_settings_are_read():
    with pytest.raises(ValueError, match="TRAINING_CERTIFICATE_KEY masih bernilai contoh"):
        TrainingSettings(**(SAFE_TRAINING | {"env": "production", "certificate_key": DEV_CERTIFICATE_KEY}))
    assert TrainingSettings(env="test").certificate_key == DEV_CERTIFICATE_KEY  # accepted outside production


@pytest.mark.parametrize(("settings", "named"), [
    (IdentitySettings(env="production", sso_issuer="https://sso.example", sso_client_id="sipelkop",
                      sso_client_secret="GANTI", **SAFE_KAFKA), "IDENTITY_SSO_CLIENT_SECRET masih bernilai contoh"),
    (IdentitySettings(env="production", sso_state_secret="singkat", **SAFE_KAFKA), "IDENTITY_SSO_STATE_SECRET terlalu"),
    (RegistrationSettings(env="production", **SAFE_KAFKA),
     "REGISTRATION_CONFIRMATION_KEY masih bernilai contoh"),
    (ReportingSettings(env="production", reconcile_client_secret="GANTI", **SAFE_KAFKA),
     "REPORTING_RECONCILE_CLIENT_SECRET masih bernilai contoh"),
    (ReportingSettings(env="production", store_url_template="postgresql+asyncpg://r@db.example/rep_g{generation}",
                       **SAFE_KAFKA), "REPORTING_STORE_URL_TEMPLATE: basis data di db.example tanpa TLS"),
])
def test_each_service_names_its_own_secrets_and_databases(settings, named):
    problems = production_problems(settings)
    assert len(problems) == 1 and problems[0].startswith(named), problems


def test_an_unset_optional_secret_is_no_problem():
    assert production_problems(ReportingSettings(env="production", **SAFE_KAFKA)) == []
    assert production_problems(IdentitySettings(env="production", **SAFE_KAFKA)) == []


@pytest.mark.parametrize(("url", "accepted"), [
    ("sqlite+aiosqlite:////var/lib/sipelkop/training.db", True),
    ("postgresql+psycopg://u:p@db.example/x?sslmode=require", True),
    ("postgresql+psycopg://u:p@db.example/x?sslmode=prefer", False),
    ("postgresql+psycopg://u:p@db.example/x?ssl=require", False),  # psycopg reads sslmode only
    ("postgresql+asyncpg://u:p@db.example/x?sslmode=require", False),  # asyncpg reads ssl only
    ("postgresql+asyncpg://u:p@[::1]:5432/x", True),
])
def test_tls_is_read_as_each_driver_reads_it(url, accepted):
    assert (database_tls_problem(url) is None) == accepted
