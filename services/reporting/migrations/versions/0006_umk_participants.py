"""enrollments.category and completions.category (pelaku_umk is counted apart); completions.cooperative_id may be
null (a UMK owner's business is no cooperative)

Rows projected before are cooperatives' people, as every event before carried them; enrolments keep null until a
rebuild fills the category in (null reads as a cooperative's).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 17:50:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('enrollments', schema=None) as batch_op:
        batch_op.add_column(sa.Column('category', sa.String(length=20), nullable=True))
    with op.batch_alter_table('completions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('category', sa.String(length=20), server_default='pengurus_koperasi',
                                      nullable=False))
        batch_op.alter_column('cooperative_id', existing_type=sa.Uuid(), nullable=True)


def downgrade() -> None:
    op.execute("DELETE FROM completions WHERE cooperative_id IS NULL")
    with op.batch_alter_table('completions', schema=None) as batch_op:
        batch_op.alter_column('cooperative_id', existing_type=sa.Uuid(), nullable=False)
        batch_op.drop_column('category')
    with op.batch_alter_table('enrollments', schema=None) as batch_op:
        batch_op.drop_column('category')
