"""Identity use cases."""
