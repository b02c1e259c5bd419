"""SIPELKOP services: registration, training, reporting; each starts on its own."""
