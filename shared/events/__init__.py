"""Versioned event contracts exchanged over Kafka, one module per producing service."""
from shared.events.base import DomainEvent, EVENT_TYPES, event_class_for
from shared.events.envelope import Envelope

__all__ = ["DomainEvent", "EVENT_TYPES", "Envelope", "event_class_for"]
