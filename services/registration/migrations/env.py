"""Alembic environment of the registration database."""
from services.registration.adapters.orm import metadata
from shared.migrations_env import run

run(metadata)
