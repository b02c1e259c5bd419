"""Reporting entrypoints."""
