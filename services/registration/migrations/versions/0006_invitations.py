"""invitations: personal confirmation codes (hashes), answers, e-mails to send (one per enrolment and kind)

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-03 12:50:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'confirmation_codes',
        sa.Column('code_hash', sa.String(length=64), nullable=False),
        sa.Column('enrollment_id', sa.Uuid(), nullable=False),
        sa.Column('channel', sa.String(length=20), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['enrollment_id'], ['enrollments.id'],
                                name=op.f('fk_confirmation_codes_enrollment_id_enrollments')),
        sa.PrimaryKeyConstraint('code_hash', name=op.f('pk_confirmation_codes')))
    op.create_index(op.f('ix_confirmation_codes_enrollment_id'), 'confirmation_codes', ['enrollment_id'])
    op.create_table(
        'confirmations',
        sa.Column('enrollment_id', sa.Uuid(), nullable=False),
        sa.Column('answer', sa.String(length=20), nullable=False),
        sa.Column('answered_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['enrollment_id'], ['enrollments.id'],
                                name=op.f('fk_confirmations_enrollment_id_enrollments')),
        sa.PrimaryKeyConstraint('enrollment_id', name=op.f('pk_confirmations')))
    op.create_table(
        'outgoing_mail',
        sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
        sa.Column('enrollment_id', sa.Uuid(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('recipient', sa.String(length=200), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('last_error', sa.String(length=300), nullable=True),
        sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['enrollment_id'], ['enrollments.id'],
                                name=op.f('fk_outgoing_mail_enrollment_id_enrollments')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_outgoing_mail')),
        sa.UniqueConstraint('enrollment_id', 'kind', name='uq_outgoing_mail_enrollment_kind'))
    op.create_index('ix_outgoing_mail_due', 'outgoing_mail', ['status', 'next_attempt_at'])


def downgrade() -> None:
    op.drop_table('outgoing_mail')
    op.drop_table('confirmations')
    op.drop_table('confirmation_codes')
