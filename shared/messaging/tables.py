"""The outbox, inbox and dead-letter tables every service keeps in its own database."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import (BigInteger, Column, DateTime, Index, Integer, LargeBinary, MetaData, String, Table,
                        Text)


@dataclass(frozen=True)
class MessagingTables:
    outbox: Table
    inbox: Table
    dead_letters: Table
    revocations: Table


def messaging_tables(metadata: MetaData) -> MessagingTables:
    outbox = Table(
        "outbox", metadata,
        # The sequence gives publishing order: events of one aggregate leave in the order they were written.
        Column("seq", Integer().with_variant(BigInteger(), "postgresql"), primary_key=True, autoincrement=True),
        Column("event_id", String(36), nullable=False, unique=True),
        Column("event_type", String(200), nullable=False),
        Column("topic", String(200), nullable=False),
        Column("key", String(200), nullable=False),
        Column("payload", Text, nullable=False),
        Column("created_at", DateTime(timezone=True), nullable=False),
        Column("published_at", DateTime(timezone=True), nullable=True),
        Column("attempts", Integer, nullable=False, server_default="0"),
        Column("last_error", Text, nullable=True),
    )
    Index("ix_outbox_unpublished", outbox.c.published_at, outbox.c.seq)
    inbox = Table(
        "inbox", metadata,
        Column("event_id", String(36), primary_key=True),
        Column("event_type", String(200), nullable=False),
        Column("topic", String(200), nullable=False),
        Column("applied_at", DateTime(timezone=True), nullable=False),
    )
    dead_letters = Table(
        "dead_letters", metadata,
        Column("id", Integer, primary_key=True, autoincrement=True),
        Column("consumer", String(100), nullable=False),
        Column("topic", String(200), nullable=False),
        Column("partition", Integer, nullable=False),
        Column("offset", BigInteger, nullable=False),
        Column("key", Text, nullable=True),
        Column("payload", LargeBinary, nullable=True),
        Column("event_type", String(200), nullable=True),
        Column("error", Text, nullable=False),
        Column("parked_at", DateTime(timezone=True), nullable=False),
        # parked -> redriven | discarded
        Column("status", String(20), nullable=False, server_default="parked"),
    )
    Index("ix_dead_letters_status", dead_letters.c.status)
    # Accounts whose tokens issued before not_before are refused (from identity's account events).
    revocations = Table(
        "account_revocations", metadata,
        Column("account_id", String(36), primary_key=True),
        Column("not_before", DateTime(timezone=True), nullable=False),
        Column("updated_at", DateTime(timezone=True), nullable=False),
    )
    return MessagingTables(outbox=outbox, inbox=inbox, dead_letters=dead_letters, revocations=revocations)
