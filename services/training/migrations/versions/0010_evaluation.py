"""the participants' evaluation: evaluation_template_items (the questionnaire template, loaded from
data/evaluasi_default.json on first use), evaluation_forms (a batch's snapshot and its results' version),
evaluation_links (SHA-256 of each personal code, used flag, no time), evaluation_answers (no participant, no time);
narasumber get a code (existing ones numbered NS-01, NS-02, ... in the order they were registered) and their
consent to be named in reports (trainers.named_in_reports, false). Merges the two heads 0009 and 0011.

Revision ID: 0010
Revises: 0009, 0011
Create Date: 2026-12-03 09:45:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = ('0009', '0011')
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('evaluation_template_items',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('section', sa.String(length=20), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('label', sa.String(length=300), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation_template_items')),
    sa.UniqueConstraint('section', 'code', name=op.f('uq_evaluation_template_items_section'))
    )
    op.create_table('evaluation_forms',
    sa.Column('batch_id', sa.Uuid(), nullable=False),
    sa.Column('questionnaire', sa.JSON(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=120), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['batches.id'], name=op.f('fk_evaluation_forms_batch_id_batches')),
    sa.PrimaryKeyConstraint('batch_id', name=op.f('pk_evaluation_forms'))
    )
    op.create_table('evaluation_links',
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('batch_id', sa.Uuid(), nullable=False),
    sa.Column('participant_id', sa.Uuid(), nullable=False),
    sa.Column('used', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['batches.id'], name=op.f('fk_evaluation_links_batch_id_batches')),
    sa.PrimaryKeyConstraint('code_hash', name=op.f('pk_evaluation_links')),
    sa.UniqueConstraint('batch_id', 'participant_id', name=op.f('uq_evaluation_links_batch_id'))
    )
    op.create_index(op.f('ix_evaluation_links_batch_id'), 'evaluation_links', ['batch_id'], unique=False)
    op.create_table('evaluation_answers',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('batch_id', sa.Uuid(), nullable=False),
    sa.Column('answers', sa.JSON(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['batches.id'], name=op.f('fk_evaluation_answers_batch_id_batches')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_evaluation_answers'))
    )
    op.create_index(op.f('ix_evaluation_answers_batch_id'), 'evaluation_answers', ['batch_id'], unique=False)

    with op.batch_alter_table('trainers') as batch:
        batch.add_column(sa.Column('code', sa.String(length=40), nullable=True))
        batch.add_column(sa.Column('named_in_reports', sa.Boolean(), nullable=False, server_default=sa.false()))
    trainers = sa.table('trainers', sa.column('id', sa.Uuid()), sa.column('code', sa.String()),
                        sa.column('created_at', sa.DateTime(timezone=True)))
    conn = op.get_bind()
    ids = conn.execute(sa.select(trainers.c.id).order_by(trainers.c.created_at, trainers.c.id)).scalars().all()
    for number, trainer_id in enumerate(ids, start=1):
        conn.execute(trainers.update().where(trainers.c.id == trainer_id).values(code=f"NS-{number:02d}"))
    with op.batch_alter_table('trainers') as batch:
        batch.alter_column('code', existing_type=sa.String(length=40), nullable=False)
        batch.alter_column('named_in_reports', server_default=None)
        batch.create_unique_constraint(op.f('uq_trainers_code'), ['code'])


def downgrade() -> None:
    with op.batch_alter_table('trainers') as batch:
        batch.drop_constraint(op.f('uq_trainers_code'), type_='unique')
        batch.drop_column('named_in_reports')
        batch.drop_column('code')
    op.drop_index(op.f('ix_evaluation_answers_batch_id'), table_name='evaluation_answers')
    op.drop_table('evaluation_answers')
    op.drop_index(op.f('ix_evaluation_links_batch_id'), table_name='evaluation_links')
    op.drop_table('evaluation_links')
    op.drop_table('evaluation_forms')
    op.drop_table('evaluation_template_items')
