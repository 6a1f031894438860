"""backfills: one row per backfill run (listing cursor, counters, state)

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('backfills',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('installation_id', sa.String(length=40), nullable=False),
    sa.Column('since', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ticket_status', sa.String(length=16), nullable=True),
    sa.Column('dry_run', sa.Boolean(), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('cursor', sa.JSON(), nullable=True),
    sa.Column('pages', sa.Integer(), nullable=False),
    sa.Column('found', sa.Integer(), nullable=False),
    sa.Column('enqueued', sa.Integer(), nullable=False),
    sa.Column('skipped', sa.Integer(), nullable=False),
    sa.Column('first_event_id', sa.BigInteger(), nullable=True),
    sa.Column('last_event_id', sa.BigInteger(), nullable=True),
    sa.Column('preview', sa.JSON(), nullable=True),
    sa.Column('next_run_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['installation_id'], ['installations.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('backfills', schema=None) as batch_op:
        batch_op.create_index('ix_backfills_installation', ['installation_id', 'state'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('backfills', schema=None) as batch_op:
        batch_op.drop_index('ix_backfills_installation')
    op.drop_table('backfills')
