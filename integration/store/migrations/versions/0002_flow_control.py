"""flow control: waits apart from attempts, reserved budget, per-installation ready lists

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-05
"""
import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('waits', sa.Integer(), nullable=False,
                                      server_default='0'))
        batch_op.add_column(sa.Column('wait_reason', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('prepaid_calls', sa.Integer(), nullable=False,
                                      server_default='0'))
        batch_op.create_index('ix_events_ready', ['installation_id', 'status',
                                                  'next_attempt_at'], unique=False)
    with op.batch_alter_table('installations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_dispatched_at', sa.DateTime(timezone=True),
                                      nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('installations', schema=None) as batch_op:
        batch_op.drop_column('last_dispatched_at')
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_index('ix_events_ready')
        batch_op.drop_column('prepaid_calls')
        batch_op.drop_column('wait_reason')
        batch_op.drop_column('waits')
