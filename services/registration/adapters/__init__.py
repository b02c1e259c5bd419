"""Registration adapters."""
