"""Merges the two heads 0007 (participant category) and 0008 (outbox NOTIFY trigger), written side by side; no
change of its own.

Revision ID: 0009
Revises: 0007, 0008
Create Date: 2026-12-03 18:25:00
"""

revision = '0009'
down_revision = ('0007', '0008')
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
