"""account revocations (identity's deactivations and sign-outs)

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-02 12:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('account_revocations',
    sa.Column('account_id', sa.String(length=36), nullable=False),
    sa.Column('not_before', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('account_id', name=op.f('pk_account_revocations'))
    )


def downgrade() -> None:
    op.drop_table('account_revocations')
