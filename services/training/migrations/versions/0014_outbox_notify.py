"""outbox notify: an AFTER INSERT trigger, once per statement, that calls pg_notify('sipelkop_outbox', '') so the
relay publishes committed rows at once instead of at its next poll (shared/messaging/wakeup.py); PostgreSQL only,
SQLite keeps polling.

Revision ID: 0014
Revises: 0012
Create Date: 2026-12-03 17:15:00
"""
from alembic import op


revision = '0014'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    # Delivered when the inserting transaction commits (never for a rolled-back one); the same notification
    # twice in one transaction is delivered once.
    op.execute("""
        CREATE OR REPLACE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            PERFORM pg_notify('sipelkop_outbox', '');
            RETURN NULL;
        END
        $$""")
    op.execute("CREATE TRIGGER outbox_notify AFTER INSERT ON outbox FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify()")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS outbox_notify ON outbox")
    op.execute("DROP FUNCTION IF EXISTS outbox_notify()")
