"""Alembic environment of the identity database."""
from services.identity.adapters.orm import metadata
from shared.migrations_env import run

run(metadata)
