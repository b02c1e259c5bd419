"""Training entrypoints."""
