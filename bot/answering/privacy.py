"""Residents' data kept only as long as needed: deletion on request, export for the desk, retention.

Deleting ("delete my data", or an admin on the desk) leaves no words and no platform identifier of the resident in
any table, and keeps anonymous counts:
- messages: the rows stay (language, intent, concepts and dates feed the figures) with their text and raw event
  emptied; the platform's event ids become one-way digests (a redelivered event is still recognised, never answered
  twice, but the platform's id is gone);
- the user row: platform id replaced by `deleted:<random>`, languages, area, community, role and last topic cleared;
- suggestions made from their words (pending, approved or rejected) are deleted, and every process's matcher
  forgets the approved ones (Bot.learn);
- the translation cache: every row whose key is the hash of one of their texts (for every engine in the cache) or
  whose result is one of their texts is deleted;
- the outbox: their rows lose recipient, body, reply token and error; rows not yet sent are cancelled; LINE
  multicasts drop their id from the recipient list; the confirmation of the deletion itself loses the platform id
  once it is sent (Store.mark);
- reminders and announcement topics are deleted; open tickets are closed.
tests/test_deletion.py checks every table and column of the schema against this.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import secrets
from collections.abc import Iterable
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from ..storage.models import (
    Message,
    Outbox,
    Reminder,
    Subscription,
    Suggestion,
    Ticket,
    TranslationCache,
    User,
    event_digest,
    utcnow,
)
from ..storage.store import Store
from .mt import cache_key

__all__ = ["DELETED", "event_digest", "export", "forget", "forget_by_id", "is_deleted", "retain"]

log = logging.getLogger(__name__)
DELETED = "deleted"
EMPTY_BODY = json.dumps({"text": "", "choices": []})
CANCELLED = "cancelled: the resident deleted their data"
_CHUNK = 500


def cache_keys(engines: Iterable[str], texts: Iterable[str]) -> set[str]:
    """The translation cache keys these texts have under these engines (bot.mt computes them the same way)."""
    return {cache_key(engine, text) for engine in engines for text in texts}


def is_deleted(external_id: str | None) -> bool:
    """Whether a user row is a deleted resident's."""
    return bool(external_id and external_id.startswith(f"{DELETED}:"))


def forget(store: Store, user: User) -> set[str]:
    """Remove what a resident wrote and who they are (the `user` object is changed too, for the caller to save).
    Returns the translation cache keys removed (the caller drops them from its translator's memory)."""
    external = user.external_id
    with store.session() as s:
        rows = s.execute(select(Message.id, Message.text, Message.event_id).where(Message.user_id == user.id)).all()
        texts = {r.text for r in rows if r.text}
        s.execute(update(Message).where(Message.user_id == user.id)
                  .values(text="", raw=None, processed=True, claimed_at=None))
        for r in rows:
            if r.event_id and not r.event_id.startswith("h:"):
                s.execute(update(Message).where(Message.id == r.id).values(event_id=event_digest(r.event_id)))
        _forget_suggestions(s, texts)
        keys = _forget_translations(s, texts)
        _forget_deliveries(s, user.id, external)
        s.execute(delete(Reminder).where(Reminder.user_id == user.id))
        s.execute(delete(Subscription).where(Subscription.user_id == user.id))
        s.execute(update(Ticket).where(Ticket.user_id == user.id, Ticket.status == "open")
                  .values(status="closed", closed_at=utcnow()))
    user.external_id = f"{DELETED}:{secrets.token_hex(8)}"
    user.language = user.profile_language = user.area = user.language_source = None
    user.last_item = user.last_intent = user.community = None
    user.role = "resident"
    user.active = False
    log.info("resident data deleted on request")
    return keys


def _forget_suggestions(s: Session, texts: set[str]) -> None:
    variants = list(texts | {t[:1000] for t in texts})
    for start in range(0, len(variants), _CHUNK):
        s.execute(delete(Suggestion).where(Suggestion.text.in_(variants[start:start + _CHUNK])))


def _forget_translations(s: Session, texts: set[str]) -> set[str]:
    engines = list(s.scalars(select(TranslationCache.engine).distinct()))
    keys = sorted(cache_keys(engines, texts))
    for start in range(0, len(keys), _CHUNK):
        s.execute(delete(TranslationCache).where(TranslationCache.key.in_(keys[start:start + _CHUNK])))
    results = sorted(texts)
    for start in range(0, len(results), _CHUNK):  # a desk reply previewed by machine translation, sent as it was
        s.execute(delete(TranslationCache).where(TranslationCache.result.in_(results[start:start + _CHUNK])))
    return set(keys)


def _forget_deliveries(s: Session, user_id: int, external: str) -> None:
    own = or_(Outbox.user_id == user_id, Outbox.recipient == external)
    s.execute(update(Outbox).where(own, Outbox.status.in_(("pending", "sending")))
              .values(status="failed", last_error=CANCELLED))
    s.execute(update(Outbox).where(own).values(recipient=DELETED, body=EMPTY_BODY, reply_token=None, platform_id=None))
    s.execute(update(Outbox).where(own, Outbox.last_error != CANCELLED).values(last_error=None))
    quoted = json.dumps(external)
    pattern = "%" + quoted.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    for row in s.scalars(select(Outbox).where(Outbox.recipient.like(pattern, escape="\\"))):
        try:
            recipients = json.loads(row.recipient)
        except ValueError:
            continue
        if not isinstance(recipients, list) or external not in recipients:
            continue
        remaining = [r for r in recipients if r != external]
        row.recipient = json.dumps(remaining)
        if not remaining:
            row.recipient, row.body = DELETED, EMPTY_BODY
            if row.status in ("pending", "sending"):
                row.status, row.last_error = "failed", CANCELLED


def export(store: Store, user_id: int) -> dict[str, Any]:
    """Everything stored about one resident, for a request to see it (desk admins only)."""
    with store.session() as s:
        user = s.get_one(User, user_id)
        messages = list(s.scalars(select(Message).where(Message.user_id == user_id).order_by(Message.id)))
        return {"user": {"id": user.id, "channel": user.channel, "platform_id": user.external_id,
                         "language": user.language, "area": user.area, "created_at": user.created_at.isoformat()},
                "messages": [{"at": m.created_at.isoformat(), "direction": m.direction, "text": m.text,
                              "language": m.language, "intent": m.intent} for m in messages]}


def forget_by_id(store: Store, user_id: int) -> set[str]:
    """forget() for the desk: by internal id."""
    with store.session() as s:
        user = s.get_one(User, user_id)
    keys = forget(store, user)
    with store.session() as s:
        s.merge(user)
    return keys


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
