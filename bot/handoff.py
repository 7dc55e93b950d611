"""Handing a resident's message to the human consultation desk."""

from __future__ import annotations

import logging

from .store import Message, Store, User

log = logging.getLogger(__name__)


def hand_off(store: Store, user: User, msg: Message, reason: str, language: str | None) -> int:
    """Open (or reuse) the user's ticket and file the message under it; returns the ticket id."""
    ticket = store.create_ticket(user, reason, language)
    log.info("handed off to the desk", extra={"ticket": ticket.id, "reason": reason, "language": language})
    return ticket.id
