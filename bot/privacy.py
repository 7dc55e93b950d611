"""Residents' data kept only as long as needed: deletion on request, export for the desk, retention.

Deleting keeps anonymous counts: message rows stay (their language, intent, concepts and dates feed the figures)
with their text and raw event emptied; the user's profile (platform id, languages, area) is replaced; suggestions
made from their words are removed; the delivery bodies of their pending and past outbox rows are emptied.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import secrets
from typing import Any

from sqlalchemy import delete, select, update

from .store import Message, Outbox, Store, Suggestion, Ticket, TranslationCache, User, utcnow

log = logging.getLogger(__name__)
DELETED = "deleted"


def forget(store: Store, user: User) -> None:
    """Remove what a resident wrote and who they are (the `user` object is changed too, for the caller to save)."""
    with store.session() as s:
        texts = list(s.scalars(select(Message.text).where(Message.user_id == user.id, Message.direction == "in")))
        s.execute(update(Message).where(Message.user_id == user.id).values(text="", raw=None))
        s.execute(update(Outbox).where(Outbox.user_id == user.id, Outbox.status.in_(("sent", "failed")))
                  .values(body=json.dumps({"text": "", "choices": []})))
        if texts:
            s.execute(delete(Suggestion).where(Suggestion.text.in_(texts), Suggestion.status == "pending"))
        s.execute(update(Ticket).where(Ticket.user_id == user.id, Ticket.status == "open")
                  .values(status="closed", closed_at=utcnow()))
    user.external_id = f"{DELETED}:{secrets.token_hex(8)}"
    user.language = user.profile_language = user.area = user.language_source = None
    user.last_item = user.last_intent = None
    user.active = False
    log.info("resident data deleted on request")


def export(store: Store, user_id: int) -> dict[str, Any]:
    """Everything stored about one resident, for a request to see it (desk admins only)."""
    with store.session() as s:
        user = s.get_one(User, user_id)
        messages = list(s.scalars(select(Message).where(Message.user_id == user_id).order_by(Message.id)))
        return {"user": {"id": user.id, "channel": user.channel, "platform_id": user.external_id,
                         "language": user.language, "area": user.area, "created_at": user.created_at.isoformat()},
                "messages": [{"at": m.created_at.isoformat(), "direction": m.direction, "text": m.text,
                              "language": m.language, "intent": m.intent} for m in messages]}


def forget_by_id(store: Store, user_id: int) -> None:
    """forget() for the desk: by internal id."""
    with store.session() as s:
        user = s.get_one(User, user_id)
    forget(store, user)
    with store.session() as s:
        s.merge(user)


def retain(store: Store, days: int, now: dt.datetime | None = None) -> dict[str, int]:
    """Empty conversation text and delete translation caches and finished deliveries older than `days` days."""
    cutoff = (now or utcnow()) - dt.timedelta(days=days)
    with store.session() as s:
        texts = s.execute(update(Message).where(Message.created_at < cutoff, Message.text != "")
                          .values(text="", raw=None)).rowcount  # type: ignore[attr-defined]
        caches = s.execute(delete(TranslationCache).where(TranslationCache.created_at < cutoff)).rowcount  # type: ignore[attr-defined]
        sent = s.execute(delete(Outbox).where(Outbox.created_at < cutoff, Outbox.status.in_(("sent", "failed"))))\
            .rowcount  # type: ignore[attr-defined]
    log.info("retention applied", extra={"days": days, "messages": texts, "caches": caches, "deliveries": sent})
    return {"messages": texts, "translation_cache": caches, "outbox": sent}
