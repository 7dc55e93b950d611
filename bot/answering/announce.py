"""Announcements: one text from the desk, every language, the right residents, key persons first.

Drafts per language come from the translation service (machine drafts, or "none" flagged for a language without a
model); staff edit each language before sending. The audience is everyone, one language, one town, one topic, or
key persons only; residents who stopped announcements are never included. Key persons receive first, in a form
ready to relay: their language, the Japanese, and the source link. LINE receives multicasts in batches of 500
(the API's limit per call); Messenger only residents inside its 24-hour window (the others are skipped and
counted). Every recipient's outcome is logged; every send goes through the outbox.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from typing import Any

from sqlalchemy import select, update

from ..messages import STANDARD_WINDOW
from ..storage.models import Announcement, AnnouncementDelivery, Subscription, User, utcnow
from ..storage.store import Delivery, Store
from ..understanding.language import SERVED
from .mt import MachineTranslator

TOPICS = ("garbage", "classes", "disaster", "events")
AUDIENCES = ("all", "language", "area", "topic", "key_persons")
LINE_BATCH = 500
CHANNELS = ("line", "messenger")


def drafts(mt: MachineTranslator, body_ja: str) -> dict[str, dict[str, str]]:
    """A draft in every language: the Japanese itself, a machine draft, or nothing (flagged 'none')."""
    out = {}
    for lang in SERVED:
        result = mt.translate(body_ja, "ja", lang)
        out[lang] = {"text": result.text if result.kind != "none" else "", "kind": result.kind}
    return out


def audience(store: Store, spec: dict[str, Any]) -> list[User]:
    """The residents an audience means (active, on a messaging channel, announcements not stopped)."""
    kind, value = spec.get("kind", "all"), spec.get("value")
    with store.session() as s:
        q = select(User).where(User.active.is_(True), User.announcements_off.is_(False), User.channel.in_(CHANNELS),
                               User.role.in_(("resident", "key_person")))
        if kind == "language":
            q = q.where(User.language == value)
        elif kind == "area":
            q = q.where(User.area == value)
        elif kind == "topic":
            q = q.join(Subscription, Subscription.user_id == User.id).where(Subscription.topic == value)
        elif kind == "key_persons":
            q = q.where(User.role == "key_person")
        return list(s.scalars(q.order_by(User.id)))


def relay_text(own: str, body_ja: str, source_url: str | None) -> str:
    """What a key person receives: their language, then the Japanese, then where it comes from."""
    parts = [own.strip(), "———", body_ja.strip()]
    if source_url:
        parts.append(source_url)
    return "\n".join(p for p in parts if p)


def send(store: Store, announcement_id: int, now: dt.datetime | None = None) -> dict[str, int]:
    """Queue an announcement for its audience; returns the counts (queued, skipped, by reason)."""
    now = now or utcnow()
    with store.session() as s:
        ann = s.get_one(Announcement, announcement_id)
        texts, spec = json.loads(ann.texts), json.loads(ann.audience)
        body_ja, source = ann.body_ja, ann.source_url
    users = audience(store, spec)
    counts: dict[str, int] = defaultdict(int)
    key_persons = [u for u in users if u.role == "key_person"]
    others = [u for u in users if u.role != "key_person"]
    log: list[AnnouncementDelivery] = []
    with store.session() as s:
        for user in key_persons:  # first, one by one, relay-ready
            text = _text_for(texts, user, body_ja)
            body = {"text": relay_text(text, body_ja, source), "choices": []}
            _queue_one(s, store, user, body, now, counts, log, announcement_id)
        line_batches: dict[str, list[User]] = defaultdict(list)
        for user in others:
            if user.channel == "line":
                line_batches[_lang(texts, user)].append(user)
            else:
                body = {"text": _text_for(texts, user, body_ja), "choices": []}
                _queue_one(s, store, user, body, now, counts, log, announcement_id)
        for lang, members in line_batches.items():
            for start in range(0, len(members), LINE_BATCH):
                chunk = members[start:start + LINE_BATCH]
                text = texts.get(lang, {}).get("text") or body_ja
                row = Delivery(json.dumps([u.external_id for u in chunk]), {"text": text, "choices": []})\
                    .row("line", None, None, "announcement")
                s.add(row)
                s.flush()
                counts["line_multicasts"] += 1
                for user in chunk:
                    log.append(AnnouncementDelivery(announcement_id=announcement_id, user_id=user.id,
                                                    status="queued", outbox_id=row.id))
                    counts["queued"] += 1
        s.add_all(log)
        s.execute(update(Announcement).where(Announcement.id == announcement_id)
                  .values(status="sent", sent_at=utcnow(), counts=json.dumps(counts)))
    return dict(counts)


def _lang(texts: dict[str, Any], user: User) -> str:
    lang = user.language if user.language in SERVED else "en"
    return lang if (texts.get(lang) or {}).get("text") else "ja"


def _text_for(texts: dict[str, Any], user: User, body_ja: str) -> str:
    return str((texts.get(_lang(texts, user)) or {}).get("text") or body_ja)


def _queue_one(s: Any, store: Store, user: User, body: dict[str, Any], now: dt.datetime, counts: dict[str, int],
               log: list[AnnouncementDelivery], announcement_id: int) -> None:
    if user.channel == "messenger":
        last = store.last_inbound_at(user.id)
        if last is None or now - last > STANDARD_WINDOW:
            counts["skipped_messenger_window"] += 1
            log.append(AnnouncementDelivery(announcement_id=announcement_id, user_id=user.id, status="skipped",
                                            reason="outside Messenger's 24-hour window"))
            return
    row = Delivery(user.external_id, body).row(user.channel, user.id, None, "announcement")
    s.add(row)
    s.flush()
    counts["queued"] += 1
    log.append(AnnouncementDelivery(announcement_id=announcement_id, user_id=user.id, status="queued",
                                    outbox_id=row.id))


def run_due(store: Store, now: dt.datetime | None = None) -> list[int]:
    """Send the scheduled announcements that are due, each once (claimed by a conditional update)."""
    now = now or utcnow()
    with store.session() as s:
        due = list(s.scalars(select(Announcement.id).where(Announcement.status == "scheduled",
                                                            Announcement.send_at <= now)))
    sent = []
    for ann_id in due:
        with store.session() as s:
            claimed = s.execute(update(Announcement).where(Announcement.id == ann_id,
                                                           Announcement.status == "scheduled")
                                .values(status="sending")).rowcount  # type: ignore[attr-defined]
        if claimed == 1:
            send(store, ann_id, now)
            sent.append(ann_id)
    return sent


def set_topics(store: Store, user_id: int, topics: list[str], on: bool) -> None:
    """Subscribe to or leave topics."""
    with store.session() as s:
        for topic in topics:
            existing = s.get(Subscription, (user_id, topic))
            if on and existing is None:
                s.add(Subscription(user_id=user_id, topic=topic))
            elif not on and existing is not None:
                s.delete(existing)

