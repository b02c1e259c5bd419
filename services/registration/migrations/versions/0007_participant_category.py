"""participants: category (pengurus_koperasi, anggota_koperasi, pelaku_umk), a UMK owner's business (name, NIB,
sector) and no cooperative; the batch replica's eligibility (koperasi, koperasi_dan_umk)

Existing participants keep their data and get their category from their position (anggota: member, else manager);
existing batches admit cooperatives only, as before.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 17:10:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.add_column(sa.Column('category', sa.String(length=20), server_default='pengurus_koperasi',
                                      nullable=False))
        batch_op.add_column(sa.Column('business_name', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('nib', sa.String(length=13), nullable=True))
        batch_op.add_column(sa.Column('sector', sa.String(length=40), nullable=True))
        batch_op.alter_column('cooperative_id', existing_type=sa.Uuid(), nullable=True)
    op.execute("UPDATE participants SET category = 'anggota_koperasi' WHERE position = 'anggota'")
    with op.batch_alter_table('batches', schema=None) as batch_op:
        batch_op.add_column(sa.Column('eligibility', sa.String(length=20), server_default='koperasi',
                                      nullable=False))


def downgrade() -> None:
    # Refused (NOT NULL) while UMK owners are registered: they have nowhere to go in the older schema.
    with op.batch_alter_table('batches', schema=None) as batch_op:
        batch_op.drop_column('eligibility')
    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.alter_column('cooperative_id', existing_type=sa.Uuid(), nullable=False)
        for column in ('sector', 'nib', 'business_name', 'category'):
            batch_op.drop_column(column)
