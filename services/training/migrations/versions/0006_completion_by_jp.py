"""completion may count JP attended: batches.completion_by (sessions | jp), JP on each decision

Existing batches keep counting sessions; decisions already taken keep no JP (null).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02 16:05:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('batches', schema=None) as batch_op:
        batch_op.add_column(sa.Column('completion_by', sa.String(length=10), nullable=False,
                                      server_default='sessions'))

    with op.batch_alter_table('completions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('jp_present', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('jp_total', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('completions', schema=None) as batch_op:
        batch_op.drop_column('jp_total')
        batch_op.drop_column('jp_present')

    with op.batch_alter_table('batches', schema=None) as batch_op:
        batch_op.drop_column('completion_by')
