"""the budget by DAK component: batches.components, the closing's lines (batch.closed minor version 1)

Batches closed before keep null, which the budget by component counts as "lainnya"; a rebuild fills the lines in
from the events that carry them.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 16:45:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('batches', schema=None) as batch_op:
        batch_op.add_column(sa.Column('components', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('batches', schema=None) as batch_op:
        batch_op.drop_column('components')
