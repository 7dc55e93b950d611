"""Outbox for deliveries with retries; raw events and claims for processing after the webhook returned.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Add the outbox table and the processing columns of messages."""
    with op.batch_alter_table("messages") as batch:
        batch.add_column(sa.Column("raw", sa.Text))
        batch.add_column(sa.Column("claimed_at", sa.DateTime))
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("recipient", sa.String(128), nullable=False),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), index=True),
        sa.Column("message_id", sa.Integer, sa.ForeignKey("messages.id")),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("reply_token", sa.String(255)),
        sa.Column("reply_deadline", sa.DateTime),
        sa.Column("retry_key", sa.String(64), nullable=False),
        sa.Column("origin", sa.String(12), nullable=False),
        sa.Column("status", sa.String(12), nullable=False, index=True),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("next_attempt_at", sa.DateTime, nullable=False, index=True),
        sa.Column("last_error", sa.Text),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("sent_at", sa.DateTime),
    )


def downgrade() -> None:
    """Remove them."""
    op.drop_table("outbox")
    with op.batch_alter_table("messages") as batch:
        batch.drop_column("claimed_at")
        batch.drop_column("raw")
