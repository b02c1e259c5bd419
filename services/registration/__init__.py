"""SIPELKOP registration service."""
