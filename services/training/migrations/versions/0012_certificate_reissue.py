"""certificate re-issue after a correction: one *valid* certificate per participant of a batch (a partial unique
index instead of the unique constraint, so a revoked one may stand beside its replacement); `replaces` and
`replaced_by` link the two numbers.

Revision ID: 0012
Revises: 0010
Create Date: 2026-12-03 10:40:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0010'
branch_labels = None
depends_on = None

VALID = sa.text("status = 'valid'")


def upgrade() -> None:
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.drop_constraint('uq_certificates_batch_id', type_='unique')
        batch_op.add_column(sa.Column('replaces', sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column('replaced_by', sa.String(length=60), nullable=True))
    op.create_index('uq_certificates_valid_participant', 'certificates', ['batch_id', 'participant_id'],
                    unique=True, postgresql_where=VALID, sqlite_where=VALID)


def downgrade() -> None:
    # Only possible while no participant holds two certificates of a batch (no re-issue has happened).
    op.drop_index('uq_certificates_valid_participant', table_name='certificates')
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.drop_column('replaced_by')
        batch_op.drop_column('replaces')
        batch_op.create_unique_constraint('uq_certificates_batch_id', ['batch_id', 'participant_id'])
