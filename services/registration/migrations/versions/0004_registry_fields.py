"""cooperatives: NIB, year of the last RAT, syariah pattern, counts of managers and employees

Existing cooperatives keep their data: the new columns are empty (NIB, RAT year) or zero/false.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03 10:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('cooperatives', schema=None) as batch_op:
        batch_op.add_column(sa.Column('nib', sa.String(length=13), nullable=True))
        batch_op.add_column(sa.Column('last_rat_year', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('syariah', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('managers_count', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('employees_count', sa.Integer(), server_default='0', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('cooperatives', schema=None) as batch_op:
        for column in ('employees_count', 'managers_count', 'syariah', 'last_rat_year', 'nib'):
            batch_op.drop_column(column)
