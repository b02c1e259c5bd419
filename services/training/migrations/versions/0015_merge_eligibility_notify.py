"""Merges the two heads 0013 (batch eligibility) and 0014 (outbox NOTIFY trigger), written side by side; no
change of its own.

Revision ID: 0015
Revises: 0013, 0014
Create Date: 2026-12-03 18:25:00
"""

revision = '0015'
down_revision = ('0013', '0014')
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
