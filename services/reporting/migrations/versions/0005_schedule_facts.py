"""the year's schedule: batches.venue, sessions.jp, completions.jp_total

Rows projected before keep null (the schedule shows "-"); a rebuild fills them in from the events, which carried
them all along (batch.scheduled's venue, session.completed and the completion decisions' JP since minor 1).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 19:05:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('batches', schema=None) as batch_op:
        batch_op.add_column(sa.Column('venue', sa.String(length=200), nullable=True))
    with op.batch_alter_table('sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('jp', sa.Integer(), nullable=True))
    with op.batch_alter_table('completions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('jp_total', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('completions', schema=None) as batch_op:
        batch_op.drop_column('jp_total')
    with op.batch_alter_table('sessions', schema=None) as batch_op:
        batch_op.drop_column('jp')
    with op.batch_alter_table('batches', schema=None) as batch_op:
        batch_op.drop_column('venue')
