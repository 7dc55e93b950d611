"""Users, messages and tickets.

Revision ID: 0001
Revises:
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the first tables."""
    op.create_table(
        "users",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("external_id", sa.String(128), nullable=False),
        sa.Column("language", sa.String(8)),
        sa.Column("language_source", sa.String(16)),
        sa.Column("profile_language", sa.String(16)),
        sa.Column("area", sa.String(64)),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("last_intent", sa.String(40)),
        sa.Column("last_item", sa.String(64)),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("last_seen_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("channel", "external_id", name="uq_users_channel_external"),
    )
    op.create_table(
        "tickets",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False, index=True),
        sa.Column("status", sa.String(12), nullable=False, index=True),
        sa.Column("reason", sa.String(40)),
        sa.Column("language", sa.String(8)),
        sa.Column("opened_at", sa.DateTime, nullable=False),
        sa.Column("closed_at", sa.DateTime),
    )
    op.create_table(
        "messages",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), nullable=False, index=True),
        sa.Column("direction", sa.String(3), nullable=False),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("event_id", sa.String(128)),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("language", sa.String(8)),
        sa.Column("intent", sa.String(40)),
        sa.Column("entry", sa.String(64)),
        sa.Column("confidence", sa.Float),
        sa.Column("handoff", sa.Boolean, nullable=False),
        sa.Column("ticket_id", sa.Integer, sa.ForeignKey("tickets.id"), index=True),
        sa.Column("processed", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False, index=True),
        sa.UniqueConstraint("channel", "event_id", name="uq_messages_channel_event"),
    )


def downgrade() -> None:
    """Drop them."""
    op.drop_table("messages")
    op.drop_table("tickets")
    op.drop_table("users")
