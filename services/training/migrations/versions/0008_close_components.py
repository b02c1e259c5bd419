"""closing by DAK component: batch_close_lines (planned and realised per component of a closed batch)

Batches closed before keep only their realised_cost (no lines); the closing proposal shows it as "lainnya".

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 16:40:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('batch_close_lines',
    sa.Column('batch_id', sa.Uuid(), nullable=False),
    sa.Column('component', sa.String(length=40), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('planned', sa.BigInteger(), nullable=False),
    sa.Column('realised', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['batches.id'], name=op.f('fk_batch_close_lines_batch_id_batches')),
    sa.PrimaryKeyConstraint('batch_id', 'component', name=op.f('pk_batch_close_lines'))
    )


def downgrade() -> None:
    op.drop_table('batch_close_lines')
