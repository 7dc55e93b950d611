"""Storage: the queries on the tables of bot.storage.models (SQLAlchemy 2; SQLite or PostgreSQL), the engine, and the
migrations runner. Inbound messages are written before
they are processed; a platform event id is unique per channel, so a redelivered event is stored once and answered once,
even when two processes receive it at the same moment (the database's unique constraint decides).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import logging
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    bindparam,
    case,
    create_engine,
    delete,
    event,
    func,
    insert,
    or_,
    select,
    text,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DisconnectionError, IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

from .models import (
    URGENT,
    Inbox,
    Message,
    Outbox,
    RejectedEvent,
    Suggestion,
    Ticket,
    TranslationCache,
    User,
    event_digest,
    utcnow,
)

if TYPE_CHECKING:
    from ..messages import Reply

log = logging.getLogger(__name__)
MIGRATIONS = Path(__file__).parent / "migrations"
LEASE = 120.0  # seconds a worker holds a claimed message or outbox row before another may take it


# Statements of every event, built once (building one costs more CPU than running it on SQLite); values bound by name.
_SEEN = select(Message.id).where(Message.channel == bindparam("c"),
                                 Message.event_id.in_([bindparam("e"), bindparam("d")]))
_DROP_INBOX = delete(Inbox).where(Inbox.id == bindparam("i"))
_INBOX_ROW = select(Inbox.channel, Inbox.body, Inbox.received_at).where(Inbox.id == bindparam("i"))
_TAKE_INBOX = _DROP_INBOX.returning(Inbox.channel, Inbox.body, Inbox.received_at)  # PostgreSQL: read and delete at once
# Several rows at once (Store.take_many, a backlog): PostgreSQL reads them with the DELETE; SQLite reads them first and
# its DELETE says which rows this worker deleted (owns).
_IDS: Any = bindparam("ids", expanding=True)
_INBOX_ROWS = select(Inbox.id, Inbox.channel, Inbox.body, Inbox.received_at).where(Inbox.id.in_(_IDS))
_TAKE_INBOXES = delete(Inbox).where(Inbox.id.in_(_IDS)).returning(Inbox.id, Inbox.channel, Inbox.body,
                                                                   Inbox.received_at)
_DROP_INBOXES = delete(Inbox).where(Inbox.id.in_(_IDS)).returning(Inbox.id)
# PostgreSQL: this transaction's commit does not wait for its WAL to reach the disk. Only for transactions whose loss in
# a crash of the database server the sweep repairs, and that come before a commit that does wait: the take (the inbox
# row comes back, and the messages it stored go with it) and the claim (the message is claimed again). A server
# flushes its WAL in order, so the finishing transaction's commit, which waits, makes them durable before any reply is
# sent; the inbox insert before the 200, the reply and its outbox row, and every mark of a delivery always wait.
_RELAXED = text("SET LOCAL synchronous_commit = off")
_CLAIM = (update(Message)
          .where(Message.id == bindparam("m"), Message.processed.is_(False),
                 or_(Message.claimed_at.is_(None), Message.claimed_at < bindparam("stale")))
          .values(claimed_at=bindparam("now"), attempts=Message.attempts + 1))
_INSERT_INBOX, _INSERT_MESSAGE, _INSERT_OUTBOX = insert(Inbox), insert(Message), insert(Outbox)
OUTBOX_FIELDS = ("channel", "recipient", "user_id", "message_id", "body", "reply_token", "reply_deadline", "retry_key",
                 "origin", "status", "attempts", "next_attempt_at", "in_doubt")
_LOAD = select(Message, User).join(User, User.id == Message.user_id).where(Message.id == bindparam("m"))
_OPEN_TICKET = select(Ticket.id).where(Ticket.user_id == bindparam("u"), Ticket.status == "open")
_BEGIN_CALL = update(Outbox).where(Outbox.id == bindparam("o")).values(
    in_doubt=True, status="sending", next_attempt_at=bindparam("until"))


def _user_upsert(dialect: str) -> Any:
    """The resident's row for an event, in one statement: created on first contact (already seen now), its seen time
    updated otherwise, its id returned either way (INSERT … ON CONFLICT (channel, external_id) DO UPDATE … RETURNING,
    PostgreSQL and SQLite >= 3.35). A resident who deleted their data has a row under `deleted:<random>`, which never
    conflicts: their next message makes a new row, as before. Concurrent first contacts of one resident end in one
    row without an error (the second waits for the first, then updates it)."""
    statement = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(User)
    return statement.on_conflict_do_update(index_elements=[User.channel, User.external_id],
                                           set_={"last_seen_at": statement.excluded.last_seen_at}).returning(User.id)


@functools.cache
def _mark_statement(names: tuple[str, ...]) -> Any:
    """Store.mark's UPDATE for these columns (a few shapes, each built once): the values bound as v_<name>, one more
    attempt, and for a row done with (not pending) whose resident deleted their data since, no platform id kept:
    the confirmation of a deletion keeps no recipient or reply token once delivered or given up."""
    values: dict[str, Any] = {name: bindparam(f"v_{name}") for name in names}
    values["attempts"] = Outbox.attempts + 1
    if "next_attempt_at" not in names:  # status sent or failed
        deleted = select(User.id).where(User.id == Outbox.user_id,
                                        func.substr(User.external_id, 1, 8) == "deleted:").exists()
        values.update(recipient=case((deleted, "deleted"), else_=Outbox.recipient),
                      reply_token=case((deleted, None), else_=Outbox.reply_token))
    return update(Outbox).where(Outbox.id == bindparam("o")).values(**values)


@dataclass
class Delivery:
    """A reply to deliver through a channel: to whom, the channel-neutral body, and LINE's reply token if any."""

    recipient: str
    body: dict[str, Any]
    reply_token: str | None = None
    reply_deadline: dt.datetime | None = None
    # Seconds the first call may take when the platform cannot de-duplicate it (the channel's first_call_lease): the
    # outbox row is then written in doubt, leased for that long, in the transaction that records the answer (see
    # Store.finish). None: written as pending, claimed by the worker that sends it next.
    in_doubt_for: float | None = None

    def row(self, channel: str, user_id: int | None, message_id: int | None, origin: str = "bot") -> Outbox:
        """The outbox row for this delivery."""
        return Outbox(channel=channel, recipient=self.recipient, user_id=user_id, message_id=message_id,
                      body=json.dumps(self.body, ensure_ascii=False), reply_token=self.reply_token,
                      reply_deadline=self.reply_deadline, retry_key=str(uuid.uuid4()), origin=origin,
                      status="pending", attempts=0, next_attempt_at=utcnow(), in_doubt=False)


@dataclass
class Incoming:
    """One event of an inbox row, ready to store as an inbound message (see Store.take)."""

    channel: str
    external_id: str
    event_id: str | None
    kind: str
    text: str
    raw: str | None
    profile_language: str | None = None
    received_at: dt.datetime | None = None  # when the webhook came (the message's created_at)


Taken = tuple[list[Incoming], list[tuple[str, str, str]]]  # an inbox row's events, and its rejections (channel, ref, why)


def make_engine(url: str) -> Engine:
    """An engine; SQLite gets WAL and a busy timeout so web and worker processes can share the file. Errors and
    SQL logs never show the statement's parameters (residents' words and ids): hide_parameters."""
    if url.startswith("sqlite:///"):
        _sqlite_folder(url)
        engine = create_engine(url, connect_args={"timeout": 15}, hide_parameters=True)

        @event.listens_for(engine, "connect")
        def _pragmas(conn: Any, _record: Any) -> None:
            cur = conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            # WAL + NORMAL: a commit survives a crash of the process (what a webhook needs before it says 200);
            # only a power cut can lose the last commits. FULL would fsync every commit, 10x slower here.
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.close()
        return engine
    engine = create_engine(url, hide_parameters=True)
    _ping_when_idle(engine)
    return engine


IDLE_PING = 5.0  # seconds a pooled connection may rest and still be used without a ping first


def _ping_when_idle(engine: Engine) -> None:
    """SQLAlchemy's pessimistic disconnect handling, only for connections that rested: `pool_pre_ping` pings at every
    checkout, about six round trips per message at 250 messages/s (a fifth of a worker's time in py-spy). A connection
    used in the last IDLE_PING seconds is handed out as it is (a server gone within those seconds fails one
    transaction: the pool then drops every connection, and the message is taken again by the sweep); an older one
    is pinged first and replaced when the ping fails (DisconnectionError makes the pool retry with a new one)."""

    @event.listens_for(engine, "checkout")
    def _checkout(dbapi_conn: Any, record: Any, _proxy: Any) -> None:
        if time.monotonic() - record.info.get("used", 0.0) <= IDLE_PING:
            return
        try:
            cur = dbapi_conn.cursor()
            cur.execute("SELECT 1")
            cur.close()
            dbapi_conn.rollback()  # the ping opened a transaction: a connection handed out is idle (AUTOCOMMIT reads)
        except Exception as exc:  # the server closed it (restart, idle timeout): the pool connects again
            raise DisconnectionError() from exc

    @event.listens_for(engine, "checkin")
    def _checkin(_dbapi_conn: Any, record: Any) -> None:
        record.info["used"] = time.monotonic()


def _sqlite_folder(url: str) -> None:
    if url.startswith("sqlite:///"):
        Path(url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)


def upgrade(url: str) -> None:
    """Bring the database schema to the newest migration (alembic upgrade head), one process at a time.

    Every process that starts may call this (TOMONI_AUTO_MIGRATE, the release step): on PostgreSQL the migrations run
    in one transaction that holds an advisory lock, on SQLite under an exclusive lock on a file beside the database,
    so a second process waits and then finds the schema up to date instead of migrating at the same moment."""
    from alembic import command  # only when migrating: every other process skips loading Alembic
    from alembic.config import Config  # the same

    _sqlite_folder(url)
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    if url.startswith("postgresql"):
        engine = create_engine(url, poolclass=NullPool)
        try:
            with engine.begin() as conn:
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
        finally:
            engine.dispose()
        return
    with _file_lock(url):
        command.upgrade(cfg, "head")


MIGRATION_LOCK = 0x70_6D_6F_6E_69  # the advisory lock's key ("tomoni" in spirit): any constant shared by all processes


@contextmanager
def _file_lock(url: str) -> Iterator[None]:
    """An exclusive lock on `<database>.migrate.lock` while migrating a SQLite file (nothing for other URLs)."""
    if not url.startswith("sqlite:///") or url.endswith(":memory:"):
        yield
        return
    import fcntl  # POSIX only, and only for SQLite

    path = Path(url.removeprefix("sqlite:///") + ".migrate.lock")
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class Store:
    """Queries the bot needs, each in its own short transaction."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.sessions = sessionmaker(engine, expire_on_commit=False)
        # PostgreSQL answers a DELETE with the row it deleted (one round trip for the inbox row); SQLite can too, but
        # a worker would then hold SQLite's one write lock while it reads the body, and the webhooks wait for it.
        self.postgres = engine.dialect.name == "postgresql"
        self._upsert_user = _user_upsert(engine.dialect.name)  # built once: the statement of every event

    def _relaxed(self, conn: Connection) -> None:
        """This transaction may be lost in a crash of the database server (see _RELAXED): PostgreSQL only."""
        if self.postgres:
            conn.execute(_RELAXED)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A transaction: committed on success, rolled back on error."""
        with self.sessions.begin() as s:
            yield s

    def receive(self, channel: str, external_id: str, event_id: str | None, kind: str, text: str,
                raw: str | None = None, profile_language: str | None = None) -> Message | None:
        """Store an inbound message (and its user, on first contact) in one transaction, before any processing.

        None when this event id was stored before (a redelivery): the unique constraint decides, so two processes
        receiving the same event at once store it once."""
        item = Incoming(channel, external_id, event_id, kind, text, raw, profile_language)
        for _ in range(3):  # a concurrent first contact of the same user: read the row the other process created
            try:
                with self.session() as s:
                    return self._inbound(s, item)
            except IntegrityError:
                if self._has_event(channel, event_id):
                    log.info("duplicate event ignored", extra={"channel": channel})
                    return None
        raise RuntimeError("could not store the inbound message")

    def _inbound(self, s: Session, item: Incoming) -> Message | None:
        """Add one inbound message (and its user on first contact) to a transaction; None when it was stored before
        by a resident who deleted their data since (a unique-constraint error says so for the others)."""
        user = s.scalar(select(User).where(User.channel == item.channel, User.external_id == item.external_id))
        if user is None and item.event_id is not None and s.scalar(select(Message.id).where(
                Message.channel == item.channel, Message.event_id == event_digest(item.event_id))) is not None:
            # a redelivered event of a resident who deleted their data: seen before, not a newcomer
            log.info("duplicate event ignored", extra={"channel": item.channel})
            return None
        if user is None:  # first contact: one INSERT, already seen now
            user = User(channel=item.channel, external_id=item.external_id, profile_language=item.profile_language,
                        last_seen_at=utcnow())
            s.add(user)
            s.flush()
        else:
            user.last_seen_at = utcnow()
        msg = Message(user_id=user.id, direction="in", channel=item.channel, event_id=item.event_id, kind=item.kind,
                      text=item.text, raw=item.raw, created_at=item.received_at or utcnow())
        s.add(msg)
        s.flush()
        return msg

    def _take_one(self, conn: Connection, item: Incoming) -> tuple[int, int] | None:
        """`_inbound` for a worker's transaction of several events, in Core statements built once: the event id
        (and its digest) looked for first, since a unique-constraint error would undo the whole transaction.
        The new message's id and its user's id; None when the event was stored before."""
        if item.event_id is not None and conn.execute(_SEEN, {"c": item.channel, "e": item.event_id,
                                                              "d": event_digest(item.event_id)}).first() is not None:
            log.info("duplicate event ignored", extra={"channel": item.channel})
            return None
        now = utcnow()
        user_id = conn.execute(self._upsert_user, {"channel": item.channel, "external_id": item.external_id,
                                                   "profile_language": item.profile_language, "last_seen_at": now}
                               ).scalar_one()  # first contact: created, already seen now; else its seen time
        key = conn.execute(_INSERT_MESSAGE, {
            "user_id": user_id, "direction": "in", "channel": item.channel, "event_id": item.event_id,
            "kind": item.kind, "text": item.text, "raw": item.raw, "created_at": item.received_at or now}
        ).inserted_primary_key
        assert key is not None
        return int(key[0]), int(user_id)

    # -- the inbox: webhooks store their body in one insert; workers make messages of it -----------------------------
    def accept(self, channel: str, body: str) -> int:
        """Keep a webhook's (signature-checked) body: one INSERT, committed before the platform gets its 200."""
        with self.engine.begin() as conn:
            key = conn.execute(_INSERT_INBOX, {"channel": channel, "body": body, "received_at": utcnow()}
                               ).inserted_primary_key
            assert key is not None  # an INSERT of one row always has it
            return int(key[0])

    def inbox_row(self, inbox_id: int) -> tuple[str, str, dt.datetime] | None:
        """An inbox row's channel, body and time; None when it is gone (a worker has taken it)."""
        with self.engine.connect() as conn:
            row = conn.execute(_INBOX_ROW, {"i": inbox_id}).first()
        return None if row is None else (str(row.channel), str(row.body), row.received_at)

    def drop(self, inbox_id: int) -> None:
        """Delete an inbox row whose events were stored one by one (Worker.take's slow path)."""
        with self.session() as s:
            s.execute(delete(Inbox).where(Inbox.id == inbox_id))

    def waiting(self, older_than: float = 2.0, limit: int = 100) -> list[int]:
        """Inbox rows older than `older_than` seconds (the worker they were handed to stopped, or the queue lost
        them): to take again. Taking is safe twice over: the transaction that stores the events deletes the row."""
        cutoff = utcnow() - dt.timedelta(seconds=older_than)
        with self.engine.connect() as conn:
            return list(conn.scalars(select(Inbox.id).where(Inbox.received_at < cutoff).order_by(Inbox.id)
                                     .limit(limit)))

    def take(self, inbox_id: int, read: Callable[[str, str, dt.datetime], Taken | None]
             ) -> tuple[list[tuple[int, int]], list[tuple[str, str, str]]] | None:
        """In one transaction: delete an inbox row, store its events as inbound messages (a redelivered event is
        skipped), and keep its rejected events (once each). `read(channel, body, received_at)` makes the row's
        events and rejections (None: leave the row as it is). Returns the new messages' (id, user id) and the
        rejections that were new; None when the row was gone (another worker took it) or left.

        On PostgreSQL the row is read by the DELETE that takes it (DELETE … RETURNING), `read` runs inside the
        transaction and its commit does not wait for the disk (see _RELAXED); on SQLite the row is read first, in a
        transaction of its own, so that the write transaction is short."""
        taken: Taken | None = None
        if not self.postgres:
            row = self.inbox_row(inbox_id)
            if row is None or (taken := read(*row)) is None:
                return None
        for attempt in range(3):
            try:
                with self.engine.connect() as conn, conn.begin() as transaction:
                    if self.postgres:
                        found = conn.execute(_TAKE_INBOX, {"i": inbox_id}).first()
                        if found is None:
                            return None
                        taken = read(str(found.channel), str(found.body), found.received_at)
                        if taken is None:
                            transaction.rollback()  # the row stays
                            return None
                        self._relaxed(conn)
                    elif conn.execute(_DROP_INBOX, {"i": inbox_id}).rowcount != 1:
                        return None
                    assert taken is not None
                    return self._store_taken(conn, taken)
            except IntegrityError:  # another worker stored one of these events (or user) at the same moment
                if attempt == 2:
                    raise
        return None

    def _store_taken(self, conn: Connection, taken: Taken) -> tuple[list[tuple[int, int]], list[tuple[str, str, str]]]:
        """One taken row's events as messages and its rejections (once each), in the taking transaction."""
        items, rejects = taken
        ids = [one for one in (self._take_one(conn, item) for item in items) if one is not None]
        new = []
        for channel, ref, reason in rejects:
            if conn.execute(select(RejectedEvent.id).where(RejectedEvent.channel == channel,
                                                           RejectedEvent.ref == ref[:64])).first() is None:
                conn.execute(insert(RejectedEvent).values(channel=channel, ref=ref[:64], reason=reason[:200]))
                new.append((channel, ref, reason))
        return ids, new

    def take_many(self, inbox_ids: list[int], read: Callable[[str, str, dt.datetime], Taken | None]
                  ) -> tuple[list[tuple[int, int]], list[tuple[str, str, str]]] | None:
        """`take` for several inbox rows (a backlog) in ONE transaction: the rows deleted, their events stored in the
        order of `inbox_ids` (the queue's: one resident's bodies keep their order), and their rejections kept. The
        same promises as `take`, for the batch as a whole: whoever deletes a row owns its events (a row another
        worker took first is skipped); a worker killed during the transaction leaves every row whole; on PostgreSQL
        the rows are read by the DELETE and the commit does not wait for the disk (see _RELAXED).

        None when the batch cannot be taken as one: a row `read` leaves (a channel that is off), another worker
        storing the same event or resident at the same moment (a unique constraint). Nothing was taken then; the
        caller takes each row on its own (`take`, with its retries and its slow path). An error from the database
        (unreachable, or refusing a value) is raised, with nothing taken."""
        ids = list(dict.fromkeys(inbox_ids))
        taken: dict[int, Taken] = {}
        if not self.postgres:  # read first, outside the write transaction (see take)
            with self.engine.connect() as conn:
                rows = {int(r.id): r for r in conn.execute(_INBOX_ROWS, {"ids": ids})}
            for inbox_id in ids:
                row = rows.get(inbox_id)
                if row is not None:
                    if (found := read(str(row.channel), str(row.body), row.received_at)) is None:
                        return None
                    taken[inbox_id] = found
            if not taken:
                return [], []
        try:
            with self.engine.connect() as conn, conn.begin() as transaction:
                if self.postgres:
                    rows = {int(r.id): r for r in conn.execute(_TAKE_INBOXES, {"ids": ids})}
                    for inbox_id in ids:
                        row = rows.get(inbox_id)
                        if row is not None:
                            if (found := read(str(row.channel), str(row.body), row.received_at)) is None:
                                transaction.rollback()  # every row stays
                                return None
                            taken[inbox_id] = found
                    self._relaxed(conn)
                    owned = set(taken)
                else:
                    owned = {int(i) for i in conn.execute(_DROP_INBOXES, {"ids": list(taken)}).scalars()}
                stored: list[tuple[int, int]] = []
                new: list[tuple[str, str, str]] = []
                for inbox_id in ids:
                    if inbox_id in owned:
                        more, rejected = self._store_taken(conn, taken[inbox_id])
                        stored += more
                        new += rejected
                return stored, new
        except IntegrityError:  # another worker stored one of these events (or residents) at the same moment
            return None

    def _has_event(self, channel: str, event_id: str | None) -> bool:
        if event_id is None:
            return False
        with self.session() as s:
            return s.scalar(select(Message.id).where(Message.channel == channel, Message.event_id == event_id)) is not None

    def claim(self, message_id: int, lease: float = LEASE) -> tuple[Message, User] | None:
        """Take an unprocessed inbound message for processing, and load it with its user (one transaction); None if
        it is processed or another worker holds it.

        The claim is one conditional UPDATE, so two processes racing for a message cannot both win; a claim older
        than `lease` seconds (its worker died) can be taken again. Every claim counts as a try (see `failed`). Its
        commit does not wait for the disk on PostgreSQL (see _RELAXED): a claim lost in a crash of the server is
        made again, and nothing is sent before the finishing transaction, which waits."""
        now = utcnow()
        with self.session() as s:
            conn = s.connection()  # the UPDATE as a Core statement: the ORM's handling of an UPDATE costs more CPU
            if conn.execute(_CLAIM, {"m": message_id, "now": now, "stale": now - dt.timedelta(seconds=lease)}
                            ).rowcount != 1:
                return None
            self._relaxed(conn)
            msg, user = s.execute(_LOAD, {"m": message_id}).one()
            return msg, user

    def failed(self, message_id: int, error: str, max_tries: int, retry_in: float = 30.0,
               lease: float = LEASE) -> tuple[int, bool]:
        """Record that processing a claimed message failed: its error (an exception's type, no words) and, after
        `max_tries` tries, that it is given up (processed, so no worker takes it again; staff see it). Otherwise it
        may be taken again after `retry_in` seconds. Returns the tries so far and whether it was given up."""
        with self.session() as s:
            msg = s.get_one(Message, message_id)
            msg.error = error[:200]
            gave_up = msg.attempts >= max_tries
            if gave_up:
                msg.processed = True
            else:
                msg.claimed_at = utcnow() - dt.timedelta(seconds=max(lease - retry_in, 0.0))
            return msg.attempts, gave_up

    def reject(self, channel: str, ref: str, reason: str) -> bool:
        """Keep a webhook event that cannot be taken, with its reason (once per event: a redelivery adds nothing).
        True when it was new."""
        try:
            with self.session() as s:
                s.add(RejectedEvent(channel=channel, ref=ref[:64], reason=reason[:200]))
            return True
        except IntegrityError:
            return False

    def open_ticket_id(self, user_id: int) -> int | None:
        """The user's open ticket, if any (one statement, built once: it is asked for every message; on PostgreSQL
        outside a transaction, so one round trip instead of three with BEGIN and ROLLBACK)."""
        with self.engine.connect() as conn:
            if self.postgres:
                conn.execution_options(isolation_level="AUTOCOMMIT")
            found = conn.execute(_OPEN_TICKET, {"u": user_id}).scalar()
        return None if found is None else int(found)

    def unprocessed(self, older_than: float = 30.0, limit: int = 100) -> list[tuple[int, int]]:
        """Inbound messages stored but not answered for a while (a process stopped in between), with their users'
        ids: to process again."""
        cutoff = utcnow() - dt.timedelta(seconds=older_than)
        with self.session() as s:
            rows = s.execute(
                select(Message.id, Message.user_id).where(Message.direction == "in", Message.processed.is_(False),
                                                          Message.raw.is_not(None), Message.created_at < cutoff,
                                                          or_(Message.claimed_at.is_(None),
                                                              Message.claimed_at < cutoff))
                .order_by(Message.id).limit(limit))
            return [(int(m), int(u)) for m, u in rows]

    def finish(self, user: User, msg: Message, reply: Reply | None, delivery: Delivery | None = None,
               filed_under: int | None = None) -> tuple[int | None, Outbox | None]:
        """Record what processing decided, in one transaction: the inbound message's fields, the user's changes,
        the reply, the delivery to make (an outbox row, already claimed by this worker, which sends it next) and,
        for a handoff, the user's open ticket, created if needed. Returns the ticket id and the outbox row.

        A delivery whose first call the platform cannot de-duplicate (`in_doubt_for`) is written already in doubt,
        as Store.begin_call would mark it just before that call: one commit less per answer. A crash between this
        commit and the call leaves what a crash during the call leaves (a row in doubt, looked into before anything
        is sent again); the row comes back with `call_begun`, so the sender knows no call was made yet."""
        row = None
        with self.session() as s:
            ticket_id = filed_under
            if reply is not None and (reply.handoff or filed_under):
                ticket = s.scalar(select(Ticket).where(Ticket.user_id == user.id, Ticket.status == "open"))
                if ticket is None and reply.handoff:
                    ticket = Ticket(user_id=user.id, reason=reply.intent, language=msg.language)
                    s.add(ticket)
                    s.flush()
                if ticket is not None:
                    if reply.intent in URGENT:
                        ticket.reason = reply.intent  # an open ticket becomes urgent when a crisis comes in
                    ticket_id = ticket.id
            msg.ticket_id, msg.processed = ticket_id, True
            # Both were loaded by `load` and changed since, detached: added back, they are written with what changed
            # (merge would read each row again first).
            s.add(msg)
            s.add(user)
            s.flush()
            if reply is not None:  # the reply and its delivery: plain INSERTs (no ORM object to track)
                conn = s.connection()
                key = conn.execute(_INSERT_MESSAGE, {
                    "user_id": user.id, "direction": "out", "channel": msg.channel, "kind": "text", "text": reply.text,
                    "language": reply.reply_language, "intent": msg.intent, "ticket_id": ticket_id, "processed": True}
                ).inserted_primary_key
                assert key is not None
                if delivery is not None:
                    row = delivery.row(msg.channel, user.id, int(key[0]))  # not added to the session: a record
                    row.status, row.next_attempt_at = "sending", utcnow() + dt.timedelta(seconds=LEASE)
                    if delivery.in_doubt_for is not None:
                        row.in_doubt, row.call_begun = True, True
                        row.next_attempt_at = utcnow() + dt.timedelta(seconds=delivery.in_doubt_for)
                    key = conn.execute(_INSERT_OUTBOX, {name: getattr(row, name) for name in OUTBOX_FIELDS}
                                       ).inserted_primary_key
                    assert key is not None
                    row.id = int(key[0])
            return ticket_id, row

    # -- outbox ------------------------------------------------------------------------------------------------------
    def enqueue(self, delivery: Delivery, channel: str, user_id: int | None, origin: str = "bot") -> int:
        """Add a delivery to the outbox (staff replies, announcements); returns its id."""
        with self.session() as s:
            row = delivery.row(channel, user_id, None, origin)
            s.add(row)
            s.flush()
            return row.id

    def claim_due(self, limit: int = 20, lease: float = LEASE) -> list[Outbox]:
        """Outbox rows due now, each claimed for this worker (status 'sending' until `lease` seconds pass)."""
        now = utcnow()
        with self.session() as s:
            ids = list(s.scalars(
                select(Outbox.id).where(Outbox.status.in_(("pending", "sending")), Outbox.next_attempt_at <= now)
                .order_by(Outbox.next_attempt_at, Outbox.id).limit(limit)))
        claimed = []
        for row_id in ids:
            with self.session() as s:
                done = s.execute(update(Outbox).where(
                    Outbox.id == row_id, Outbox.status.in_(("pending", "sending")), Outbox.next_attempt_at <= now)
                    .values(status="sending", next_attempt_at=now + dt.timedelta(seconds=lease)))
                if done.rowcount == 1:  # type: ignore[attr-defined]
                    claimed.append(s.get_one(Outbox, row_id))
        return claimed

    def begin_call(self, row_id: int, lease: float) -> None:
        """Before a call the platform cannot de-duplicate (a LINE reply, a Messenger send): the row is in doubt from
        now on, so whoever takes it next (this worker, or another one if this process dies mid-call, after `lease`
        seconds) checks before sending again. Committed before the call."""
        with self.engine.begin() as conn:
            conn.execute(_BEGIN_CALL, {"o": row_id, "until": utcnow() + dt.timedelta(seconds=lease)})

    def mark(self, row_id: int, *, sent: bool, error: str | None = None, retry_at: dt.datetime | None = None,
             in_doubt: bool | None = None, platform_id: str | None = None) -> None:
        """Record an attempt: sent, to be retried at `retry_at`, or failed for good (neither). `in_doubt` says
        whether the platform may have the message (None: unchanged); failed and in doubt is 'outcome unknown'."""
        values: dict[str, Any] = {"last_error": error}
        if in_doubt is not None:
            values["in_doubt"] = in_doubt
        if platform_id:
            values["platform_id"] = platform_id[:128]
        if sent:
            values.update(status="sent", sent_at=utcnow())
        elif retry_at is not None:
            values.update(status="pending", next_attempt_at=retry_at)
        else:
            values["status"] = "failed"
        with self.engine.begin() as conn:  # one UPDATE
            conn.execute(_mark_statement(tuple(sorted(values))), {"o": row_id, **{f"v_{k}": v for k, v in values.items()}})

    def problems(self, limit: int = 50) -> dict[str, list[dict[str, Any]]]:
        """For staff, without residents' words or ids: messages that could not be delivered (or whose delivery is
        unknown), events given up after their tries, and webhook events rejected, newest first."""
        with self.session() as s:
            failed = s.execute(select(Outbox.created_at, Outbox.channel, Outbox.origin, Outbox.in_doubt,
                                      Outbox.last_error, Outbox.user_id).where(Outbox.status == "failed")
                               .order_by(Outbox.id.desc()).limit(limit)).all()
            given_up = s.execute(select(Message.created_at, Message.channel, Message.attempts, Message.error,
                                        Message.user_id).where(Message.direction == "in", Message.processed.is_(True),
                                                               Message.error.is_not(None))
                                 .order_by(Message.id.desc()).limit(limit)).all()
            rejected = s.execute(select(RejectedEvent.created_at, RejectedEvent.channel, RejectedEvent.reason)
                                 .order_by(RejectedEvent.id.desc()).limit(limit)).all()
        return {"deliveries": [r._asdict() for r in failed], "given_up": [r._asdict() for r in given_up],
                "rejected": [r._asdict() for r in rejected]}

    def platform_ids(self, channel: str, recipient: str) -> set[str]:
        """The platform's ids of the messages already recorded as sent to a recipient (recent ones)."""
        since = utcnow() - dt.timedelta(days=8)
        with self.session() as s:
            return {str(i) for i in s.scalars(select(Outbox.platform_id).where(
                Outbox.channel == channel, Outbox.recipient == recipient, Outbox.platform_id.is_not(None),
                Outbox.created_at >= since))}

    def last_inbound_at(self, user_id: int) -> dt.datetime | None:
        """When the user last wrote (Messenger's messaging window counts from it)."""
        with self.session() as s:
            return s.scalar(select(func.max(Message.created_at)).where(Message.user_id == user_id,
                                                                        Message.direction == "in"))

    def last_read(self, user_id: int) -> tuple[str | None, set[str], dt.datetime] | None:
        """The user's last answered message, as it was read: its intent, its concepts (no words) and when it came;
        None before the first. (A danger told across turns: what the open danger was about.)"""
        with self.session() as s:
            row = s.execute(select(Message.intent, Message.concepts, Message.created_at)
                            .where(Message.user_id == user_id, Message.direction == "in",
                                   Message.processed.is_(True))
                            .order_by(Message.id.desc()).limit(1)).first()
        if row is None:
            return None
        return row[0], set(filter(None, (row[1] or "").split(","))), row[2]

    def cache_translation(self, key: str, source: str, target: str, engine: str, result: str) -> None:
        """Keep a machine translation (another process may have stored the same one: that is fine)."""
        try:
            with self.session() as s:
                s.add(TranslationCache(key=key, source=source, target=target, engine=engine[:200], result=result))
        except IntegrityError:
            pass

    def approved_suggestions(self) -> list[Suggestion]:
        """Questions staff approved as examples for the matcher."""
        with self.session() as s:
            return list(s.scalars(select(Suggestion).where(Suggestion.status == "approved").order_by(Suggestion.id)))
