"""Registration entrypoints."""
