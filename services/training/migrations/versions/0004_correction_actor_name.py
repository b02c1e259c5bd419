"""attendance corrections: the name of the person who corrected (account id stays in corrected_by)

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 13:55:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('attendance_corrections', schema=None) as batch_op:
        batch_op.add_column(sa.Column('corrected_by_name', sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('attendance_corrections', schema=None) as batch_op:
        batch_op.drop_column('corrected_by_name')
