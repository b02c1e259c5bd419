"""the report bundle: batch_evidence (photographs and scans of a batch, files in the evidence store) and
batch_report_texts (the laporan pelaksanaan's latar belakang, maksud dan tujuan, kesimpulan dan saran)

Revision ID: 0011
Revises: 0008
Create Date: 2026-12-02 19:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('batch_evidence',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('batch_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('caption', sa.String(length=500), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('media_type', sa.String(length=40), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('width', sa.Integer(), nullable=True),
    sa.Column('height', sa.Integer(), nullable=True),
    sa.Column('storage_key', sa.String(length=200), nullable=False),
    sa.Column('thumbnail_key', sa.String(length=200), nullable=True),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('uploaded_by', sa.String(length=120), nullable=False),
    sa.Column('uploaded_by_name', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['batch_id'], ['batches.id'], name=op.f('fk_batch_evidence_batch_id_batches')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_batch_evidence'))
    )
    op.create_index(op.f('ix_batch_evidence_batch_id'), 'batch_evidence', ['batch_id'], unique=False)
    op.create_table('batch_report_texts',
    sa.Column('batch_id', sa.Uuid(), nullable=False),
    sa.Column('background', sa.Text(), nullable=False),
    sa.Column('aims', sa.Text(), nullable=False),
    sa.Column('conclusions', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.String(length=120), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['batches.id'], name=op.f('fk_batch_report_texts_batch_id_batches')),
    sa.PrimaryKeyConstraint('batch_id', name=op.f('pk_batch_report_texts'))
    )


def downgrade() -> None:
    op.drop_table('batch_report_texts')
    op.drop_index(op.f('ix_batch_evidence_batch_id'), table_name='batch_evidence')
    op.drop_table('batch_evidence')
