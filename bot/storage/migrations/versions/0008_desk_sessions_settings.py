"""Desk: a session nonce per staff account, the answer key of a suggestion, settings edited at run time.

Revision ID: 0008_desk
Revises: 0007
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_desk"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """staff_users.session_nonce, suggestions.answer, and the settings table."""
    with op.batch_alter_table("staff_users") as batch:
        batch.add_column(sa.Column("session_nonce", sa.String(32), nullable=False, server_default=""))
    with op.batch_alter_table("suggestions") as batch:
        batch.add_column(sa.Column("answer", sa.String(64)))
    op.create_table(
        "settings",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
        sa.Column("updated_by", sa.Integer, sa.ForeignKey("staff_users.id")),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )


def downgrade() -> None:
    """Back to 0007."""
    op.drop_table("settings")
    with op.batch_alter_table("suggestions") as batch:
        batch.drop_column("answer")
    with op.batch_alter_table("staff_users") as batch:
        batch.drop_column("session_nonce")
