"""SIPELKOP reporting service."""
