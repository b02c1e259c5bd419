"""batches: eligibility (koperasi | koperasi_dan_umk: whether owners of micro/small enterprises without a cooperative
may be nominated); roster: the participant's category as the enrolment carried it

Existing batches admit cooperatives only and existing roster entries are cooperative managers, as they were.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 17:35:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('batches', schema=None) as batch_op:
        batch_op.add_column(sa.Column('eligibility', sa.String(length=20), server_default='koperasi', nullable=False))
    with op.batch_alter_table('roster', schema=None) as batch_op:
        batch_op.add_column(sa.Column('category', sa.String(length=20), server_default='pengurus_koperasi',
                                      nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('roster', schema=None) as batch_op:
        batch_op.drop_column('category')
    with op.batch_alter_table('batches', schema=None) as batch_op:
        batch_op.drop_column('eligibility')
