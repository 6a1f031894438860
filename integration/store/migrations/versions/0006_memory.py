"""memory: customer timelines (customer_messages) and indexed knowledge (knowledge_items)

Revision ID: 0006
Revises: 0004
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0004'
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table(
        'customer_messages',
        sa.Column('id', BIG_ID, autoincrement=True, nullable=False),
        sa.Column('installation_id', sa.String(length=40), nullable=False),
        sa.Column('requester_id', sa.String(length=128), nullable=False),
        sa.Column('ticket_id', sa.String(length=64), nullable=False),
        sa.Column('message_key', sa.String(length=255), nullable=False),
        sa.Column('at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('sentiment', sa.Float(), nullable=False),
        sa.Column('emotions', sa.JSON(), nullable=False),
        sa.Column('topic', sa.String(length=64), nullable=False),
        sa.Column('language', sa.String(length=16), nullable=False),
        sa.Column('urgency', sa.String(length=16), nullable=False),
        sa.Column('flags', sa.JSON(), nullable=False),
        sa.Column('escalated', sa.Boolean(), nullable=False),
        sa.Column('vip', sa.Boolean(), nullable=False),
        sa.Column('recommended', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['installation_id'], ['installations.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('installation_id', 'message_key', name='uq_customer_messages_key'),
    )
    op.create_index('ix_customer_messages_requester', 'customer_messages',
                    ['installation_id', 'requester_id', 'at'])
    op.create_table(
        'knowledge_items',
        sa.Column('id', BIG_ID, autoincrement=True, nullable=False),
        sa.Column('installation_id', sa.String(length=40), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('external_id', sa.String(length=64), nullable=False),
        sa.Column('title', sa.String(length=500), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('url', sa.String(length=1000), nullable=True),
        sa.Column('refreshed_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['installation_id'], ['installations.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('installation_id', 'kind', 'external_id', name='uq_knowledge_item'),
    )


def downgrade() -> None:
    op.drop_table('knowledge_items')
    op.drop_index('ix_customer_messages_requester', table_name='customer_messages')
    op.drop_table('customer_messages')
