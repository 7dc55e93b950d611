"""The inbox: a webhook's signed body, kept as it came in one insert before the 200, until a worker has stored its
events as messages (in the same transaction that deletes it). bot/worker.py, docs/performance.md.

Revision ID: 0011_inbox
Revises: 0010_login_throttle
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011_inbox"
down_revision = "0010_login_throttle"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """The inbox table."""
    op.create_table(
        "inbox",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("channel", sa.String(20), nullable=False),
        sa.Column("body", sa.Text, nullable=False),
        sa.Column("received_at", sa.DateTime, nullable=False, index=True),
    )


def downgrade() -> None:
    """Drop it."""
    op.drop_table("inbox")
