"""pre-test and post-test scores: scores (per participant, in tenths), score_sheets (the sheet's version), and a
batch's minimum post-test score for completion (batches.completion_min_post_test, none by default)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 19:10:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('scores',
    sa.Column('batch_id', sa.Uuid(), nullable=False),
    sa.Column('participant_id', sa.Uuid(), nullable=False),
    sa.Column('pre_test', sa.SmallInteger(), nullable=True),
    sa.Column('post_test', sa.SmallInteger(), nullable=True),
    sa.Column('recorded_by', sa.String(length=120), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['batches.id'], name=op.f('fk_scores_batch_id_batches')),
    sa.PrimaryKeyConstraint('batch_id', 'participant_id', name=op.f('pk_scores'))
    )
    op.create_table('score_sheets',
    sa.Column('batch_id', sa.Uuid(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('recorded_by', sa.String(length=120), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['batches.id'], name=op.f('fk_score_sheets_batch_id_batches')),
    sa.PrimaryKeyConstraint('batch_id', name=op.f('pk_score_sheets'))
    )
    with op.batch_alter_table('batches') as batch:
        batch.add_column(sa.Column('completion_min_post_test', sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('batches') as batch:
        batch.drop_column('completion_min_post_test')
    op.drop_table('score_sheets')
    op.drop_table('scores')
