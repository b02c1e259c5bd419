"""Alembic environment of the reporting database."""
from services.reporting.adapters.orm import metadata
from shared.migrations_env import run

run(metadata)
