"""planning: completions learnt from training's participant.completed, programmes' targets per district

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 10:20:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'completions',
        sa.Column('batch_id', sa.Uuid(), nullable=False),
        sa.Column('participant_id', sa.Uuid(), nullable=False),
        sa.Column('cooperative_id', sa.Uuid(), nullable=False),
        sa.Column('district_code', sa.String(length=8), nullable=False),
        sa.Column('completed_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('batch_id', 'participant_id', name=op.f('pk_completions')))
    op.create_index('ix_completions_cooperative', 'completions', ['cooperative_id'])
    op.create_index(op.f('ix_completions_district_code'), 'completions', ['district_code'])
    op.create_table(
        'programme_targets',
        sa.Column('programme_id', sa.Uuid(), nullable=False),
        sa.Column('fiscal_year', sa.Integer(), nullable=False),
        sa.Column('target_cooperatives', sa.Integer(), nullable=False),
        sa.Column('district_targets', sa.JSON(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('programme_id', name=op.f('pk_programme_targets')))
    op.create_index(op.f('ix_programme_targets_fiscal_year'), 'programme_targets', ['fiscal_year'])


def downgrade() -> None:
    op.drop_table('programme_targets')
    op.drop_table('completions')
