"""Reporting adapters."""
