"""Stored JSON Schemas of every event contract; `python -m tests.contracts.snapshot` writes new ones."""
