"""Knowledge-base suggestions from the desk; the concepts of each message (for figures without personal text).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Suggestions table; messages.concepts."""
    op.create_table(
        "suggestions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("language", sa.String(8)),
        sa.Column("intent", sa.String(40), nullable=False),
        sa.Column("status", sa.String(12), nullable=False, index=True),
        sa.Column("created_by", sa.Integer, sa.ForeignKey("staff_users.id")),
        sa.Column("decided_by", sa.Integer, sa.ForeignKey("staff_users.id")),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("decided_at", sa.DateTime),
    )
    with op.batch_alter_table("messages") as batch:
        batch.add_column(sa.Column("concepts", sa.String(200)))


def downgrade() -> None:
    """Remove them."""
    with op.batch_alter_table("messages") as batch:
        batch.drop_column("concepts")
    op.drop_table("suggestions")
