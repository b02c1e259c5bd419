"""Registration domain."""
