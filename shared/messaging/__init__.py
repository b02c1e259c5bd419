"""Messaging plumbing: transactional outbox, idempotent inbox, dead-letter parking, broker factory."""
