"""One logger setup, correlation ids carried through requests and events, the metrics registry."""
from __future__ import annotations

import contextvars
import json
import logging
import re
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


# Personal data never reaches the logs, whatever a message or a URL happens to contain:
# a NIK (16 digits) keeps region and serial only; a phone number keeps its last 3 digits.
_NIK = re.compile(r"(?<!\d)(\d{4})\d{8}(\d{4})(?!\d)")
_PHONE = re.compile(r"(?<![\d\w])(?:\+?62|0)[\s.-]?8(?:[\s.-]?\d){6,11}(?!\d)")


def redact(text: str) -> str:
    text = _NIK.sub(r"\1********\2", text)
    return _PHONE.sub(lambda m: "*" * (len(m.group(0)) - 3) + m.group(0)[-3:], text)


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
        return redact(json.dumps(doc, ensure_ascii=False))


def setup_logging(service: str, level: str = "INFO") -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    # aiokafka logs every failed connection attempt at ERROR while the broker is down; the relay reports that itself.
    logging.getLogger("aiokafka").setLevel(logging.CRITICAL)
    logging.getLogger(service).setLevel(level.upper())
    # Database drivers log every statement's bound parameters at DEBUG (password hashes, names): never shown.
    for noisy in ("alembic", "uvicorn.access", "aiosqlite", "asyncpg", "sqlalchemy.engine"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
