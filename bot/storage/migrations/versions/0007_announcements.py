"""Announcements, topic subscriptions, key persons.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Announcements with their per-recipient log; subscriptions; users' opt-out and key-person community."""
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("announcements_off", sa.Boolean, nullable=False, server_default=sa.false()))
        batch.add_column(sa.Column("community", sa.String(64)))
    op.create_table(
        "subscriptions",
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), primary_key=True),
        sa.Column("topic", sa.String(20), primary_key=True),
    )
    op.create_table(
        "announcements",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("body_ja", sa.Text, nullable=False),
        sa.Column("texts", sa.Text, nullable=False),
        sa.Column("audience", sa.Text, nullable=False),
        sa.Column("source_url", sa.String(500)),
        sa.Column("status", sa.String(12), nullable=False, index=True),
        sa.Column("send_at", sa.DateTime),
        sa.Column("created_by", sa.Integer, sa.ForeignKey("staff_users.id")),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("sent_at", sa.DateTime),
        sa.Column("counts", sa.Text),
    )
    op.create_table(
        "announcement_deliveries",
        sa.Column("announcement_id", sa.Integer, sa.ForeignKey("announcements.id"), primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id"), primary_key=True),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("reason", sa.String(200)),
        sa.Column("outbox_id", sa.Integer, sa.ForeignKey("outbox.id")),
    )


def downgrade() -> None:
    """Remove them."""
    op.drop_table("announcement_deliveries")
    op.drop_table("announcements")
    op.drop_table("subscriptions")
    with op.batch_alter_table("users") as batch:
        batch.drop_column("community")
        batch.drop_column("announcements_off")
