"""agent feedback and detected edits (measured accuracy); per-installation sidebar secret

Revision ID: 0004
Revises: 0005
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('agent_feedback',
    sa.Column('id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=True,
              nullable=False),
    sa.Column('installation_id', sa.String(length=40), nullable=False),
    sa.Column('ticket_id', sa.String(length=64), nullable=False),
    sa.Column('enrichment_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'),
              nullable=True),
    sa.Column('label', sa.String(length=32), nullable=False),
    sa.Column('value', sa.String(length=255), nullable=True),
    sa.Column('verdict', sa.String(length=32), nullable=False),
    sa.Column('agent_id', sa.String(length=64), nullable=True),
    sa.Column('dedup_key', sa.String(length=255), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['installation_id'], ['installations.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['enrichment_id'], ['enrichments.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('installation_id', 'dedup_key', name='uq_agent_feedback_dedup')
    )
    op.create_index('ix_agent_feedback_installation_time', 'agent_feedback',
                    ['installation_id', 'created_at'], unique=False)
    with op.batch_alter_table('installations') as batch:
        batch.add_column(sa.Column('sidebar_secret_encrypted', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('installations') as batch:
        batch.drop_column('sidebar_secret_encrypted')
    op.drop_index('ix_agent_feedback_installation_time', table_name='agent_feedback')
    op.drop_table('agent_feedback')
