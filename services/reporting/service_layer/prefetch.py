"""Batch prefetch for a rebuild: load every row a batch of events will touch in a few queries, instead of one
lookup per event. Handlers find the rows (or their known absence) in the transaction's cache."""
from __future__ import annotations

import json
import uuid
from collections import defaultdict
from contextvars import ContextVar

from sqlalchemy import select, tuple_

from services.reporting.adapters.orm import (BatchView, CertificateView, CompletionView, CooperativeView,
                                             EnrollmentView, ProgrammeView)
from services.reporting.service_layer.projections import remember
from shared.unit_of_work import UnitOfWork

U = uuid.UUID
# event type prefix -> (model, key from the event's data)
KEYS = {
    "sipelkop.training.programme.": (ProgrammeView, lambda d: U(d["programme_id"])),
    "sipelkop.training.batch.": (BatchView, lambda d: U(d["batch_id"])),
    "sipelkop.registration.cooperative.": (CooperativeView, lambda d: U(d["cooperative_id"])),
    "sipelkop.registration.participant.enrolled.": (EnrollmentView, lambda d: U(d["enrollment_id"])),
    "sipelkop.registration.enrollment.": (EnrollmentView, lambda d: U(d["enrollment_id"])),
    "sipelkop.training.participant.": (CompletionView, lambda d: (U(d["batch_id"]), U(d["participant_id"]))),
    "sipelkop.training.certificate.": (CertificateView, lambda d: d["certificate_number"]),
}
CHUNK = 500
batch_keys: ContextVar[dict | None] = ContextVar("reporting_batch_keys", default=None)


def keys_of(records) -> dict:
    """Rows each model will need for these records; unreadable records are left to the consumer to park."""
    wanted: dict = defaultdict(set)
    for record in records:
        try:
            doc = json.loads(record.value)
            for prefix, (model, key) in KEYS.items():
                if doc["type"].startswith(prefix):
                    wanted[model].add(key(doc["data"]))
                    break
        except Exception:
            continue
    return wanted


class PrefetchingUnitOfWork(UnitOfWork):
    async def __aenter__(self) -> "PrefetchingUnitOfWork":
        await super().__aenter__()
        for model, keys in (batch_keys.get() or {}).items():
            columns = list(model.__table__.primary_key.columns)
            keys = list(keys)
            found = {}
            for start in range(0, len(keys), CHUNK):
                chunk = keys[start:start + CHUNK]
                where = (tuple_(*[getattr(model, c.key) for c in columns]).in_(chunk) if len(columns) > 1
                         else getattr(model, columns[0].key).in_(chunk))
                for row in (await self.session.scalars(select(model).where(where))).all():
                    found[tuple(getattr(row, c.key) for c in columns) if len(columns) > 1
                          else getattr(row, columns[0].key)] = row
            for key in keys:
                remember(self, model, key, found.get(key))
        return self
