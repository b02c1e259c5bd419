"""Training adapters."""
