"""SIPELKOP training service."""
