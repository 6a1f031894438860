"""console: pause and dry-run per installation; enrichments keep the analysed message
(cleared by retention) and mark dry runs

Revision ID: 0005
Revises: 0003
Create Date: 2026-12-02
"""
import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('installations') as batch:
        batch.add_column(sa.Column('paused', sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
        batch.add_column(sa.Column('dry_run', sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
    with op.batch_alter_table('enrichments') as batch:
        batch.add_column(sa.Column('dry_run', sa.Boolean(), nullable=False,
                                   server_default=sa.false()))
        batch.add_column(sa.Column('message', sa.Text(), nullable=True))
    op.create_index('ix_enrichments_trends', 'enrichments', ['installation_id', 'created_at'])


def downgrade() -> None:
    op.drop_index('ix_enrichments_trends', table_name='enrichments')
    with op.batch_alter_table('enrichments') as batch:
        batch.drop_column('message')
        batch.drop_column('dry_run')
    with op.batch_alter_table('installations') as batch:
        batch.drop_column('dry_run')
        batch.drop_column('paused')
