"""Training domain."""
