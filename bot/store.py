"""Storage: users, every message in and out, and handoff tickets (SQLAlchemy 2; SQLite or PostgreSQL).

The schema is created and changed only by Alembic migrations (bot/migrations). Inbound messages are written before
they are processed; a platform event id is unique per channel, so a redelivered event is stored once and answered once,
even when two processes receive it at the same moment (the database's unique constraint decides).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import (
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    create_engine,
    event,
    select,
)
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).parent / "migrations"


def utcnow() -> dt.datetime:
    """Timezone-aware now in UTC (stored as naive UTC for SQLite/PostgreSQL alike)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    """Declarative base of all tables."""


class User(Base):
    """A resident (or staff member testing) on one channel."""

    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("channel", "external_id", name="uq_users_channel_external"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(20))
    external_id: Mapped[str] = mapped_column(String(128))
    language: Mapped[str | None] = mapped_column(String(8))
    language_source: Mapped[str | None] = mapped_column(String(16))  # profile | detected | chosen
    profile_language: Mapped[str | None] = mapped_column(String(16))
    area: Mapped[str | None] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16), default="resident")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    last_intent: Mapped[str | None] = mapped_column(String(40))
    last_item: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    last_seen_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Message(Base):
    """One message in (from a resident) or out (from the bot or staff)."""

    __tablename__ = "messages"
    __table_args__ = (UniqueConstraint("channel", "event_id", name="uq_messages_channel_event"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    direction: Mapped[str] = mapped_column(String(3))  # in | out
    channel: Mapped[str] = mapped_column(String(20))
    event_id: Mapped[str | None] = mapped_column(String(128))
    kind: Mapped[str] = mapped_column(String(20), default="text")
    text: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str | None] = mapped_column(String(8))
    intent: Mapped[str | None] = mapped_column(String(40))
    entry: Mapped[str | None] = mapped_column(String(64))
    confidence: Mapped[float | None] = mapped_column(Float)
    handoff: Mapped[bool] = mapped_column(Boolean, default=False)
    ticket_id: Mapped[int | None] = mapped_column(ForeignKey("tickets.id"), index=True)
    processed: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)


class Ticket(Base):
    """A conversation handed to the consultation desk."""

    __tablename__ = "tickets"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    status: Mapped[str] = mapped_column(String(12), default="open", index=True)  # open | closed
    reason: Mapped[str | None] = mapped_column(String(40))
    language: Mapped[str | None] = mapped_column(String(8))
    opened_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    closed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


def make_engine(url: str) -> Engine:
    """An engine; SQLite gets WAL and a busy timeout so web and worker processes can share the file."""
    if url.startswith("sqlite:///"):
        _sqlite_folder(url)
        engine = create_engine(url, connect_args={"timeout": 15})

        @event.listens_for(engine, "connect")
        def _pragmas(conn: Any, _record: Any) -> None:
            cur = conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()
        return engine
    return create_engine(url, pool_pre_ping=True)


def _sqlite_folder(url: str) -> None:
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)


def upgrade(url: str) -> None:
    """Bring the database schema to the newest migration (alembic upgrade head)."""
    from alembic import command
    from alembic.config import Config

    _sqlite_folder(url)
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    command.upgrade(cfg, "head")


class Store:
    """Queries the bot needs, each in its own short transaction."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.sessions = sessionmaker(engine, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A transaction: committed on success, rolled back on error."""
        with self.sessions.begin() as s:
            yield s

    def user(self, channel: str, external_id: str, profile_language: str | None = None) -> User:
        """The user for (channel, external id), created on first contact."""
        with self.session() as s:
            found = s.scalar(select(User).where(User.channel == channel, User.external_id == external_id))
            if found:
                found.last_seen_at = utcnow()
                return found
        try:
            with self.session() as s:
                user = User(channel=channel, external_id=external_id, profile_language=profile_language)
                s.add(user)
                return user
        except IntegrityError:  # created meanwhile by another process
            with self.session() as s:
                return s.scalars(select(User).where(User.channel == channel, User.external_id == external_id)).one()

    def save_user(self, user: User) -> None:
        """Write back a user's changed fields."""
        with self.session() as s:
            s.merge(user)

    def record_inbound(self, user: User, channel: str, event_id: str | None, kind: str, text: str) -> Message | None:
        """Store an inbound message before processing; None when this event id was already stored."""
        try:
            with self.session() as s:
                msg = Message(user_id=user.id, direction="in", channel=channel, event_id=event_id, kind=kind, text=text)
                s.add(msg)
                s.flush()
                return msg
        except IntegrityError:
            log.info("duplicate event ignored", extra={"channel": channel})
            return None

    def update_message(self, msg: Message) -> None:
        """Write back what processing learnt about a message (language, intent, ticket …)."""
        with self.session() as s:
            s.merge(msg)

    def finish(self, user: User, msg: Message, reply_text: str, reply_language: str,
               handoff_reason: str | None = None) -> int | None:
        """Record what processing decided, in one transaction: the inbound message's fields, the user's changes,
        the reply, and (for a handoff) the user's open ticket, created if needed. Returns the ticket id."""
        with self.session() as s:
            ticket_id = None
            if handoff_reason:
                ticket = s.scalar(select(Ticket).where(Ticket.user_id == user.id, Ticket.status == "open"))
                if ticket is None:
                    ticket = Ticket(user_id=user.id, reason=handoff_reason, language=msg.language)
                    s.add(ticket)
                    s.flush()
                ticket_id = ticket.id
            msg.ticket_id, msg.processed = ticket_id, True
            s.merge(msg)
            s.merge(user)
            s.add(Message(user_id=user.id, direction="out", channel=msg.channel, kind="text", text=reply_text,
                          language=reply_language, intent=msg.intent, ticket_id=ticket_id, processed=True))
            return ticket_id

    def record_outbound(self, user: User, channel: str, text: str, language: str | None, intent: str | None,
                        ticket_id: int | None = None) -> Message:
        """Store a reply as sent (or queued) to a user."""
        with self.session() as s:
            msg = Message(user_id=user.id, direction="out", channel=channel, kind="text", text=text,
                          language=language, intent=intent, ticket_id=ticket_id, processed=True)
            s.add(msg)
            return msg

    def open_ticket(self, user: User) -> Ticket | None:
        """The user's open ticket, if any."""
        with self.session() as s:
            return s.scalar(select(Ticket).where(Ticket.user_id == user.id, Ticket.status == "open"))

    def create_ticket(self, user: User, reason: str, language: str | None) -> Ticket:
        """Open a ticket for the desk (or return the one already open)."""
        existing = self.open_ticket(user)
        if existing:
            return existing
        with self.session() as s:
            ticket = Ticket(user_id=user.id, reason=reason, language=language)
            s.add(ticket)
            return ticket

    def close_ticket(self, ticket_id: int) -> None:
        """Close a ticket: the bot answers the resident again."""
        with self.session() as s:
            ticket = s.get(Ticket, ticket_id)
            if ticket:
                ticket.status, ticket.closed_at = "closed", utcnow()

    def messages(self, user: User) -> list[Message]:
        """A user's messages, oldest first."""
        with self.session() as s:
            return list(s.scalars(select(Message).where(Message.user_id == user.id).order_by(Message.id)))
