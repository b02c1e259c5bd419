"""a batch's agenda (sessions with JP and a narasumber), the narasumber registry, officials who sign

Existing batches keep their one session per day ("daily" agenda, session n = day n); each session's JP is derived
from its hours (45 minutes per JP). Certificates already issued keep what they say.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 15:41:37
"""
from datetime import date, datetime

from alembic import op
import sqlalchemy as sa

JP_MINUTES = 45


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('officials',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('nip', sa.String(length=18), nullable=False),
    sa.Column('position', sa.String(length=200), nullable=False),
    sa.Column('active_from', sa.Date(), nullable=False),
    sa.Column('active_until', sa.Date(), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=120), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_officials'))
    )
    op.create_table('trainers',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('institution', sa.String(length=200), nullable=False),
    sa.Column('nip', sa.String(length=18), nullable=True),
    sa.Column('nik', sa.String(length=16), nullable=True),
    sa.Column('npwp', sa.String(length=16), nullable=True),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('bank_name', sa.String(length=100), nullable=True),
    sa.Column('bank_account', sa.String(length=20), nullable=True),
    sa.Column('rate_per_jp', sa.BigInteger(), nullable=False),
    sa.Column('account_id', sa.String(length=120), nullable=True),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=120), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_trainers')),
    sa.UniqueConstraint('account_id', name=op.f('uq_trainers_account_id'))
    )
    with op.batch_alter_table('batches', schema=None) as batch_op:
        batch_op.add_column(sa.Column('teaching_accounts', sa.JSON(), nullable=False, server_default=sa.text("'[]'")))
        batch_op.add_column(sa.Column('agenda', sa.String(length=10), nullable=False, server_default='daily'))
        batch_op.add_column(sa.Column('signing_official_id', sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column('co_signer_id', sa.Uuid(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_batches_co_signer_id_officials'), 'officials', ['co_signer_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_batches_signing_official_id_officials'), 'officials', ['signing_official_id'], ['id'])

    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.add_column(sa.Column('signing_position', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('signing_nip', sa.String(length=18), nullable=True))
        batch_op.add_column(sa.Column('co_signing_official', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('co_signing_position', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('co_signing_nip', sa.String(length=18), nullable=True))

    with op.batch_alter_table('sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('trainer_id', sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column('jp', sa.Integer(), nullable=False, server_default='10'))
        batch_op.add_column(sa.Column('jp_set', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.create_index(batch_op.f('ix_sessions_trainer_id'), ['trainer_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_sessions_trainer_id_trainers'), 'trainers', ['trainer_id'], ['id'])

    # Each existing session's JP from its hours (08:00-16:00 is 10 JP); a session shorter than one JP counts 1.
    sessions = sa.table('sessions', sa.column('id', sa.Uuid()), sa.column('start_time', sa.Time()),
                        sa.column('end_time', sa.Time()), sa.column('jp', sa.Integer()))
    bind = op.get_bind()
    for row in bind.execute(sa.select(sessions.c.id, sessions.c.start_time, sessions.c.end_time)).all():
        length = (datetime.combine(date.min, row.end_time) - datetime.combine(date.min, row.start_time))
        jp = max(int(length.total_seconds() // 60) // JP_MINUTES, 1)
        bind.execute(sessions.update().where(sessions.c.id == row.id).values(jp=jp))



def downgrade() -> None:
    with op.batch_alter_table('sessions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_sessions_trainer_id_trainers'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_sessions_trainer_id'))
        batch_op.drop_column('jp_set')
        batch_op.drop_column('jp')
        batch_op.drop_column('trainer_id')

    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.drop_column('co_signing_nip')
        batch_op.drop_column('co_signing_position')
        batch_op.drop_column('co_signing_official')
        batch_op.drop_column('signing_nip')
        batch_op.drop_column('signing_position')

    with op.batch_alter_table('batches', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_batches_signing_official_id_officials'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_batches_co_signer_id_officials'), type_='foreignkey')
        batch_op.drop_column('co_signer_id')
        batch_op.drop_column('signing_official_id')
        batch_op.drop_column('agenda')
        batch_op.drop_column('teaching_accounts')

    op.drop_table('trainers')
    op.drop_table('officials')
