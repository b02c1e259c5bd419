"""trainer_accounts: identity's trainer accounts as its profile events carry them (username, full name, role,
active, the account's version), for the narasumber form's "Akun pelatih" list; filled by the consumer

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-04 02:30:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('trainer_accounts',
    sa.Column('account_id', sa.String(length=36), nullable=False),
    sa.Column('username', sa.String(length=40), nullable=False),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=40), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('account_id', name=op.f('pk_trainer_accounts'))
    )


def downgrade() -> None:
    op.drop_table('trainer_accounts')
