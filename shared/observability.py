"""One logger setup, correlation ids carried through requests and events, the metrics registry."""
from __future__ import annotations

import contextvars
import json
import logging
import sys
from datetime import UTC, datetime

_correlation: contextvars.ContextVar[str | None] = contextvars.ContextVar("correlation_id", default=None)
_causation: contextvars.ContextVar[str | None] = contextvars.ContextVar("causation_id", default=None)


def current_correlation_id() -> str | None:
    return _correlation.get()


def current_causation_id() -> str | None:
    return _causation.get()


def bind_correlation(correlation_id: str | None, causation_id: str | None = None) -> None:
    _correlation.set(correlation_id)
    _causation.set(causation_id)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        doc = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if cid := _correlation.get():
            doc["correlation_id"] = cid
        if record.exc_info:
            doc["exc"] = self.formatException(record.exc_info)
        return json.dumps(doc, ensure_ascii=False)


def setup_logging(service: str, level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # aiokafka logs every failed connection attempt at ERROR while the broker is down; the relay reports that itself.
    logging.getLogger("aiokafka").setLevel(logging.CRITICAL)
    logging.getLogger(service).setLevel(level.upper())
    for noisy in ("alembic", "uvicorn.access"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
