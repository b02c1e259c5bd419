"""One logger setup, correlation ids carried through requests and events, the metrics registry."""
from __future__ import annotations

import contextvars
import json
import logging
import re
import sys
import weakref
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
# a NIK (16 digits) keeps region and serial only; a phone number keeps its last 3 digits. Both are found also
# written with spaces, dots or dashes between the digits ("6402 0145 0790 0001", "64.02.01.450790.0001",
# "0812.3456.7890", "+62 812-3456-7890", "(0812) 3456 7890"); a run of digits that goes on past 16 (a UUID, an
# order number) is left alone.
_SEP = r"[\s.-]?"
_ALNUM = "0-9A-Za-z"
# Not inside a longer run of letters and digits, nor continuing one across a separator (a UUID's groups).
_START = rf"(?<![{_ALNUM}])(?<![{_ALNUM}][.-])"
_END = rf"(?![{_ALNUM}])(?![.-][{_ALNUM}])"
_NIK = re.compile(_START + rf"\d(?:{_SEP}\d){{15}}" + _END)
_PHONE = re.compile(rf"(?<![{_ALNUM}+])(?<![{_ALNUM}][.-])(?:\+?62|\(?0)[\s.()-]{{0,2}}8(?:[\s.()-]{{0,2}}\d){{6,11}}"
                    + _END)


def _mask_nik(match: re.Match) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    return digits[:4] + "********" + digits[-4:]


def _mask_phone(match: re.Match) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    return "*" * (len(match.group(0)) - 3) + digits[-3:]


def redact(text: str) -> str:
    text = _NIK.sub(_mask_nik, text)
    return _PHONE.sub(_mask_phone, text)


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


# Metric families kept off the public /metrics (business figures: per-district counts, the DAK budget). They stay
# in the service's one registry (one place to refresh them); only what is served differs.
_PRIVATE: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def keep_off_public_metrics(registry, *metrics) -> None:
    """Serve these metrics only where a token is asked (e.g. reporting's /api/v1/reports/metrics)."""
    names = _PRIVATE.setdefault(registry, set())
    for metric in metrics:
        names.update(family.name for family in metric.describe())


class RegistryView:
    """What /metrics serves of a registry: without the private families, or (private=True) only them."""

    def __init__(self, registry, *, private: bool = False):
        self.registry, self.private = registry, private

    def collect(self):
        hidden = _PRIVATE.get(self.registry, set())
        for family in self.registry.collect():
            if (family.name in hidden) == self.private:
                yield family

