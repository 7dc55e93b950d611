"""Delivery and events under faults: tries per inbound event, outbox rows in doubt, rejected webhook events.

Revision ID: 0009_harden
Revises: 0008_desk
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_harden"
down_revision = "0008_desk"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """messages.attempts and .error, outbox.in_doubt and .platform_id, and the rejected_events table."""
    with op.batch_alter_table("messages") as batch:
        batch.add_column(sa.Column("attempts", sa.Integer, nullable=False, server_default="0"))
        batch.add_column(sa.Column("error", sa.String(200)))
    with op.batch_alter_table("outbox") as batch:
        batch.add_column(sa.Column("in_doubt", sa.Boolean, nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("platform_id", sa.String(128)))
    op.create_table(
        "rejected_events",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("ref", sa.String(64), nullable=False),
        sa.Column("reason", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False, index=True),
        sa.UniqueConstraint("channel", "ref", name="uq_rejected_events_channel_ref"),
    )


def downgrade() -> None:
    """Back to 0008."""
    op.drop_table("rejected_events")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("platform_id")
        batch.drop_column("in_doubt")
    with op.batch_alter_table("messages") as batch:
        batch.drop_column("error")
        batch.drop_column("attempts")
