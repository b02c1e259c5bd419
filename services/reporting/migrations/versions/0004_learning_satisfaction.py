"""learning and satisfaction: score_sheets (training's scores.recorded) and evaluations (evaluation.summarised)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 19:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('score_sheets',
    sa.Column('batch_id', sa.Uuid(), nullable=False),
    sa.Column('scores', sa.JSON(), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('batch_id', name=op.f('pk_score_sheets'))
    )
    op.create_table('evaluations',
    sa.Column('batch_id', sa.Uuid(), nullable=False),
    sa.Column('respondents', sa.Integer(), nullable=False),
    sa.Column('invited', sa.Integer(), nullable=False),
    sa.Column('items', sa.JSON(), nullable=False),
    sa.Column('narasumber', sa.JSON(), nullable=False),
    sa.Column('summarised_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('batch_id', name=op.f('pk_evaluations'))
    )


def downgrade() -> None:
    op.drop_table('evaluations')
    op.drop_table('score_sheets')
