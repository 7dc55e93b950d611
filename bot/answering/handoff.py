"""The consultation desk's side of a handoff: the inbox, a ticket's conversation in Japanese, staff replies, closing.

Plain Python over the store and the translation service, so the desk pages stay thin.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from ..storage.models import URGENT, Message, Outbox, Ticket, User, utcnow
from ..storage.store import Delivery, Store
from .mt import MachineTranslator, Translation

STAFF_LANGUAGE = "ja"


@dataclass
class Line:
    """One message of a conversation as the desk shows it."""

    message: Message
    japanese: Translation | None  # resident messages: the Japanese translation (or why there is none)
    delivery: Outbox | None  # staff replies: the outbox row and its state


@dataclass
class InboxRow:
    """One open ticket in the inbox."""

    ticket: Ticket
    user: User
    waiting_since: dt.datetime
    first: Line | None


def to_japanese(mt: MachineTranslator, msg: Message) -> Translation:
    """A resident's message in Japanese, or why it is not translated."""
    return mt.translate(msg.text, msg.language or "en", STAFF_LANGUAGE)


def inbox(store: Store, mt: MachineTranslator) -> list[InboxRow]:
    """Open tickets, the one waiting longest first."""
    rows = []
    with store.session() as s:
        tickets = list(s.scalars(select(Ticket).where(Ticket.status == "open")))
        for ticket in tickets:
            user = s.get_one(User, ticket.user_id)
            msgs = list(s.scalars(select(Message).where(Message.ticket_id == ticket.id).order_by(Message.id)))
            waiting = _waiting_since(msgs) or ticket.opened_at
            first = next((m for m in msgs if m.direction == "in"), None)
            rows.append(InboxRow(ticket, user, waiting, Line(first, None, None) if first else None))
    for row in rows:
        if row.first:
            row.first.japanese = to_japanese(mt, row.first.message)
    return sorted(rows, key=lambda r: (r.ticket.reason not in URGENT, r.waiting_since))


def _waiting_since(msgs: list[Message]) -> dt.datetime | None:
    """The first resident message after the last staff reply."""
    waiting = None
    for m in msgs:
        if m.direction == "in" and waiting is None:
            waiting = m.created_at
        elif m.direction == "out" and m.staff_id is not None:
            waiting = None
    return waiting


def conversation(store: Store, mt: MachineTranslator, ticket_id: int) -> tuple[Ticket, User, list[Line]]:
    """A ticket, its resident, and every message of that resident since the ticket opened."""
    with store.session() as s:
        ticket = s.get_one(Ticket, ticket_id)
        user = s.get_one(User, ticket.user_id)
        msgs = list(s.scalars(select(Message).where(Message.user_id == user.id,
                                                    Message.created_at >= ticket.opened_at - dt.timedelta(minutes=30))
                              .order_by(Message.id)))
        outbox = {o.message_id: o for o in s.scalars(select(Outbox).where(
            Outbox.message_id.in_([m.id for m in msgs if m.direction == "out"])))}
    lines = [Line(m, to_japanese(mt, m) if m.direction == "in" else None, outbox.get(m.id)) for m in msgs]
    return ticket, user, lines


def resident(store: Store, ticket_id: int) -> tuple[Ticket, User] | None:
    """A ticket and its resident, or None when there is no such ticket."""
    with store.session() as s:
        ticket = s.get(Ticket, ticket_id)
        return None if ticket is None else (ticket, s.get_one(User, ticket.user_id))


def reply(store: Store, ticket_id: int, text: str, language: str, staff_id: int) -> int:
    """Record a staff reply and put it in the outbox (origin 'staff'); returns the message id."""
    with store.session() as s:
        ticket = s.get_one(Ticket, ticket_id)
        user = s.get_one(User, ticket.user_id)
        msg = Message(user_id=user.id, direction="out", channel=user.channel, kind="text", text=text,
                      language=language, intent="human", ticket_id=ticket.id, processed=True, staff_id=staff_id)
        s.add(msg)
        s.flush()
        s.add(Delivery(user.external_id, {"text": text, "choices": []}).row(user.channel, user.id, msg.id, "staff"))
        return msg.id


def close(store: Store, ticket_id: int, farewell: str, language: str, staff_id: int) -> None:
    """Close a ticket: the bot answers the resident again, and tells them so."""
    reply(store, ticket_id, farewell, language, staff_id)
    with store.session() as s:
        ticket = s.get_one(Ticket, ticket_id)
        ticket.status, ticket.closed_at = "closed", utcnow()


def open_ticket_id(store: Store, user_id: int) -> int | None:
    """The user's open ticket, if any (asked for every message: the store's prebuilt query)."""
    return store.open_ticket_id(user_id)


def staff_active(store: Store, ticket_id: int, hours: float) -> bool:
    """Whether a staff member replied on this ticket in the last `hours` (then the bot leaves the talking to them)."""
    since = utcnow() - dt.timedelta(hours=hours)
    with store.session() as s:
        return s.scalar(select(Message.id).where(Message.ticket_id == ticket_id, Message.staff_id.is_not(None),
                                                 Message.created_at >= since).limit(1)) is not None
