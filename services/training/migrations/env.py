"""Alembic environment of the training database."""
from services.training.adapters.orm import metadata
from shared.migrations_env import run

run(metadata)
