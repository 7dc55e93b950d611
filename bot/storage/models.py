"""The tables: users, every message in and out, the outbox, desk accounts and tickets, suggestions, reminders,
announcements, the translation cache and rejected events (SQLAlchemy 2 models; bot.storage.store has the queries).

The schema is created and changed only by Alembic migrations (bot/storage/migrations).
"""

from __future__ import annotations

import datetime as dt
import hashlib

from sqlalchemy import Boolean, Date, DateTime, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def utcnow() -> dt.datetime:
    """Timezone-aware now in UTC (stored as naive UTC for SQLite/PostgreSQL alike)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def event_digest(event_id: str | None) -> str | None:
    """A platform event id as a one-way digest (kept once its resident is deleted): still unique per event, so a
    redelivery is recognised, but no longer the platform's id."""
    if event_id is None or event_id.startswith("h:"):
        return event_id
    return "h:" + hashlib.sha256(event_id.encode("utf-8", "surrogatepass")).hexdigest()[:40]


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
    announcements_off: Mapped[bool] = mapped_column(Boolean, default=False)
    community: Mapped[str | None] = mapped_column(String(64))  # key persons: the community they relay to
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
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))  # a desk reply's author
    concepts: Mapped[str | None] = mapped_column(String(200))  # what the message was about, without its words
    raw: Mapped[str | None] = mapped_column(Text)  # the channel-neutral event as JSON, to process it (again) later
    claimed_at: Mapped[dt.datetime | None] = mapped_column(DateTime)  # a worker is processing it since
    attempts: Mapped[int] = mapped_column(Integer, default=0)  # times a worker took it (a poison event is given up)
    error: Mapped[str | None] = mapped_column(String(200))  # why processing failed (an exception's type, no words)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)


class Outbox(Base):
    """A message to deliver through a channel, kept until it is sent or has failed for good."""

    __tablename__ = "outbox"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(20))
    recipient: Mapped[str] = mapped_column(String(128))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    message_id: Mapped[int | None] = mapped_column(ForeignKey("messages.id"))
    body: Mapped[str] = mapped_column(Text)  # JSON: {"text": ..., "choices": [...]} in the channel-neutral form
    reply_token: Mapped[str | None] = mapped_column(String(255))
    reply_deadline: Mapped[dt.datetime | None] = mapped_column(DateTime)
    retry_key: Mapped[str] = mapped_column(String(64))  # the same on every attempt: the platform drops repeats
    origin: Mapped[str] = mapped_column(String(12), default="bot")  # bot | staff | announcement
    status: Mapped[str] = mapped_column(String(12), default="pending", index=True)  # pending|sending|sent|failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    last_error: Mapped[str | None] = mapped_column(Text)
    # An attempt may have reached the platform without its answer coming back (a timeout, a 5xx, a process killed
    # mid-call): the next attempt must find out instead of sending again. 'failed' and in doubt: outcome unknown.
    in_doubt: Mapped[bool] = mapped_column(Boolean, default=False)
    platform_id: Mapped[str | None] = mapped_column(String(128))  # the platform's id of the sent message
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # Not a column: True on the row Store.finish returns when it wrote the row already in doubt for the first call
    # (the platform cannot de-duplicate it) and no call has been made yet; the sender then skips Store.begin_call and
    # reads the row as a first attempt. Every row loaded from the database has False.
    call_begun = False


class StaffUser(Base):
    """A member of the consultation desk (role staff or admin)."""

    __tablename__ = "staff_users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(12), default="staff")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime)
    # Part of every desk session: a new value (logout, deactivation, new password) ends all sessions at once.
    session_nonce: Mapped[str] = mapped_column(String(32), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class LoginThrottle(Base):
    """Failed desk logins of one address, account or browser (key "addr:…", "user:…", "device:…") in a window,
    and until when further attempts from it wait."""

    __tablename__ = "login_throttle"
    key: Mapped[str] = mapped_column(String(160), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer, default=0)
    window_start: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    blocked_until: Mapped[dt.datetime | None] = mapped_column(DateTime)


class Suggestion(Base):
    """A question the bot could not answer, with the answer staff say fits: approved, it becomes an example."""

    __tablename__ = "suggestions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    language: Mapped[str | None] = mapped_column(String(8))
    intent: Mapped[str] = mapped_column(String(40))
    answer: Mapped[str | None] = mapped_column(String(64))  # the answer key staff chose (intent: its first two parts)
    status: Mapped[str] = mapped_column(String(12), default="pending", index=True)  # pending|approved|rejected
    created_by: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class Setting(Base):
    """A setting staff changed at run time (desk hours, weekday languages): JSON over the shipped YAML default."""

    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)  # JSON
    updated_by: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Reminder(Base):
    """A resident's wish to be reminded, the evening before each collection day of their town, at a time."""

    __tablename__ = "reminders"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    at: Mapped[str] = mapped_column(String(5), default="19:00")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class ReminderSend(Base):
    """A reminder sent for one collection day: the primary key makes it once, whatever runs the scheduler."""

    __tablename__ = "reminder_sends"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    day: Mapped[dt.date] = mapped_column(Date, primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)


class Subscription(Base):
    """A resident's interest in a topic of announcements."""

    __tablename__ = "subscriptions"
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    topic: Mapped[str] = mapped_column(String(20), primary_key=True)


class Announcement(Base):
    """A message from the desk to many residents, in every language."""

    __tablename__ = "announcements"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    body_ja: Mapped[str] = mapped_column(Text)
    texts: Mapped[str] = mapped_column(Text, default="{}")  # JSON: language -> {"text", "kind"}
    audience: Mapped[str] = mapped_column(Text, default='{"kind": "all"}')  # JSON
    source_url: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[str] = mapped_column(String(12), default="draft", index=True)  # draft|scheduled|sending|sent
    send_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    sent_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    counts: Mapped[str | None] = mapped_column(Text)  # JSON


class AnnouncementDelivery(Base):
    """What happened to one announcement for one resident (queued in the outbox, or skipped and why)."""

    __tablename__ = "announcement_deliveries"
    announcement_id: Mapped[int] = mapped_column(ForeignKey("announcements.id"), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    status: Mapped[str] = mapped_column(String(12))
    reason: Mapped[str | None] = mapped_column(String(200))
    outbox_id: Mapped[int | None] = mapped_column(ForeignKey("outbox.id"))


class TranslationCache(Base):
    """A machine translation made once: keyed by a hash of engine (models and versions) and text."""

    __tablename__ = "translation_cache"
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    source: Mapped[str] = mapped_column(String(8))
    target: Mapped[str] = mapped_column(String(8))
    engine: Mapped[str] = mapped_column(String(200))
    result: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)


class RejectedEvent(Base):
    """A webhook event that could not be taken (a malformed shape, an id too long, a NUL byte): kept with its reason
    so that staff see it, without the resident's words or ids (`ref` is a hash of the event)."""

    __tablename__ = "rejected_events"
    __table_args__ = (UniqueConstraint("channel", "ref", name="uq_rejected_events_channel_ref"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(20))
    ref: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)


class Inbox(Base):
    """A webhook's body as it came (its signature checked), stored in one insert before the platform gets its 200;
    a worker turns it into messages (or rejected events) and deletes it in the same transaction."""

    __tablename__ = "inbox"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    channel: Mapped[str] = mapped_column(String(20))
    body: Mapped[str] = mapped_column(Text)
    received_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)


URGENT = ("crisis",)  # ticket reasons shown first in the inbox, with a badge, at any hour


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
