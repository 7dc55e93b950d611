"""Desk logins: failed attempts per address, per account and per browser, to slow guessing down without letting
anyone lock a staff member out (bot/desk/auth.py).

Revision ID: 0010_login_throttle
Revises: 0009_harden
Create Date: 2026-12-07
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010_login_throttle"
down_revision = "0009_harden"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """The login_throttle table."""
    op.create_table(
        "login_throttle",
        sa.Column("key", sa.String(160), primary_key=True),
        sa.Column("failures", sa.Integer, nullable=False),
        sa.Column("window_start", sa.DateTime, nullable=False),
        sa.Column("blocked_until", sa.DateTime),
    )


def downgrade() -> None:
    """Drop it."""
    op.drop_table("login_throttle")
