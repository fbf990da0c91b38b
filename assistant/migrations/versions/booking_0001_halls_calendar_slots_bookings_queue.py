"""booking: calendar records, slot capacity, bookings, queue tickets

Revision ID: booking_0001
Revises: kb_0001
Create Date: 2026-11-22 00:08:33.667681
"""
from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = 'booking_0001'
down_revision: str | Sequence[str] | None = 'kb_0001'
branch_labels: str | Sequence[str] | None = ('booking',)
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('booking_person',
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('id_masked', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    op.create_table('calendar_exception',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('kind', sa.Enum('closure', 'opening', name='exceptionkind'), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('periods', sa.JSON(), nullable=False),
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hall_id', sa.Integer(), nullable=True),
    sa.Column('hall_key', sa.Integer(), nullable=False),
    sa.Column('created_by', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['hall_id'], ['hall.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('hall_key', 'day')
    )
    with op.batch_alter_table('calendar_exception', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_calendar_exception_hall_id'), ['hall_id'], unique=False)

    op.create_table('slot_capacity',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hall_id', sa.Integer(), nullable=False),
    sa.Column('group_key', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('start', sa.Time(), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('booked', sa.Integer(), nullable=False),
    sa.CheckConstraint('booked >= 0 AND booked <= capacity', name='ck_slot_capacity_within'),
    sa.ForeignKeyConstraint(['hall_id'], ['hall.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('hall_id', 'group_key', 'day', 'start')
    )
    with op.batch_alter_table('slot_capacity', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_slot_capacity_day'), ['day'], unique=False)

    op.create_table('booking',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('hall_id', sa.Integer(), nullable=False),
    sa.Column('guide_id', sa.Integer(), nullable=False),
    sa.Column('guide_name', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('group_key', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('slot_id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('start', sa.Time(), nullable=False),
    sa.Column('end', sa.Time(), nullable=False),
    sa.Column('person_key', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('id_masked', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('phone', sqlmodel.sql.sqltypes.AutoString(length=11), nullable=False),
    sa.Column('status', sa.Enum('booked', 'cancelled', 'checked_in', 'no_show', name='bookingstatus'), nullable=False),
    sa.Column('idempotency_key', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True),
    sa.Column('request_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('channel', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('reschedules', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('cancelled_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('cancel_reason', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=True),
    sa.Column('checked_in_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['guide_id'], ['guide.id'], ),
    sa.ForeignKeyConstraint(['hall_id'], ['hall.id'], ),
    sa.ForeignKeyConstraint(['person_key'], ['booking_person.key'], ),
    sa.ForeignKeyConstraint(['slot_id'], ['slot_capacity.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('idempotency_key')
    )
    with op.batch_alter_table('booking', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_booking_code'), ['code'], unique=True)
        batch_op.create_index(batch_op.f('ix_booking_day'), ['day'], unique=False)
        batch_op.create_index(batch_op.f('ix_booking_hall_id'), ['hall_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_booking_person_key'), ['person_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_booking_slot_id'), ['slot_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_booking_status'), ['status'], unique=False)
        batch_op.create_index('uq_booking_active_person_item_day', ['person_key', 'guide_id', 'day'], unique=True, sqlite_where=sa.text("status = 'booked'"), postgresql_where=sa.text("status = 'booked'"))

    op.create_table('queue_counter',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hall_id', sa.Integer(), nullable=False),
    sa.Column('group_key', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('last', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['hall_id'], ['hall.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('hall_id', 'group_key', 'day')
    )
    op.create_table('queue_ticket',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hall_id', sa.Integer(), nullable=False),
    sa.Column('group_key', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('label', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('guide_id', sa.Integer(), nullable=True),
    sa.Column('booking_id', sa.Integer(), nullable=True),
    sa.Column('priority', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('waiting', 'called', 'done', name='ticketstatus'), nullable=False),
    sa.Column('window', sa.Integer(), nullable=True),
    sa.Column('issued_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('called_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('completed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('service_seconds', sa.Float(), nullable=True),
    sa.ForeignKeyConstraint(['booking_id'], ['booking.id'], ),
    sa.ForeignKeyConstraint(['guide_id'], ['guide.id'], ),
    sa.ForeignKeyConstraint(['hall_id'], ['hall.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('booking_id'),
    sa.UniqueConstraint('hall_id', 'group_key', 'day', 'number')
    )
    with op.batch_alter_table('queue_ticket', schema=None) as batch_op:
        batch_op.create_index('ix_queue_ticket_queue', ['hall_id', 'group_key', 'day', 'status'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('queue_ticket', schema=None) as batch_op:
        batch_op.drop_index('ix_queue_ticket_queue')

    op.drop_table('queue_ticket')
    op.drop_table('queue_counter')
    with op.batch_alter_table('booking', schema=None) as batch_op:
        batch_op.drop_index('uq_booking_active_person_item_day', sqlite_where=sa.text("status = 'booked'"), postgresql_where=sa.text("status = 'booked'"))
        batch_op.drop_index(batch_op.f('ix_booking_status'))
        batch_op.drop_index(batch_op.f('ix_booking_slot_id'))
        batch_op.drop_index(batch_op.f('ix_booking_person_key'))
        batch_op.drop_index(batch_op.f('ix_booking_hall_id'))
        batch_op.drop_index(batch_op.f('ix_booking_day'))
        batch_op.drop_index(batch_op.f('ix_booking_code'))

    op.drop_table('booking')
    with op.batch_alter_table('slot_capacity', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_slot_capacity_day'))

    op.drop_table('slot_capacity')
    with op.batch_alter_table('calendar_exception', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_calendar_exception_hall_id'))

    op.drop_table('calendar_exception')
    op.drop_table('booking_person')
    for name in ('ticketstatus', 'bookingstatus', 'exceptionkind'):
        sa.Enum(name=name).drop(op.get_bind(), checkfirst=True)
