"""Announcements: one text from the desk, every language, the right residents, key persons first.

Drafts per language come from the translation service (machine drafts, or "none" flagged for a language without a
model); staff edit each language before sending. The audience is everyone, one language, one town, one topic, or
key persons only; residents who stopped announcements are never included. Key persons receive first, in a form
ready to relay: their language, the Japanese, and the source link. What each platform allows comes from its channel
(the `Channel` protocol's optional capabilities, bot.messages): a channel that can multicast (`multicast_limit`, LINE:
500 a call) receives batches of that size; a channel that lets a page write only within a time after the resident's
last message (`window`, Messenger: 24 hours) receives only the residents inside it (the others are skipped and
counted). No channel is named here: a new one needs no edit in this file. Residents of a channel that is off are not
in the audience. Every recipient's outcome is logged; every send goes through the outbox.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import select, update

from ..messages import Channel
from ..storage.models import Announcement, AnnouncementDelivery, Subscription, User, utcnow
from ..storage.store import Delivery, Store
from ..understanding.language import SERVED
from .mt import MachineTranslator

TOPICS = ("garbage", "classes", "disaster", "events")
AUDIENCES = ("all", "language", "area", "topic", "key_persons")


def drafts(mt: MachineTranslator, body_ja: str, beyond: dict[str, str] | None = None) -> dict[str, dict[str, str]]:
    """A draft in every language: the Japanese itself, a machine draft, or nothing (flagged 'none'); and for each
    language beyond the nine that residents write (`beyond`: language -> its machine-translation label), a machine
    draft when a model reaches it (its residents get the English otherwise)."""
    out = {}
    for lang in SERVED:
        result = mt.translate(body_ja, "ja", lang)
        out[lang] = {"text": result.text if result.kind != "none" else "", "kind": result.kind}
    for lang, label in (beyond or {}).items():
        result = mt.translate(body_ja, "ja", lang)
        if result.kind != "none":
            out[lang] = {"text": result.text, "kind": result.kind, "label": label}
    return out


def compose(texts: dict[str, Any], lang: str, body_ja: str) -> str:
    """What a resident reading `lang` receives: the text of that language; beyond the nine, the machine translation
    under its label, with the English beside it."""
    entry = texts.get(lang) or {}
    text = str(entry.get("text") or body_ja)
    if lang in SERVED or not entry.get("text"):
        return text
    english = str((texts.get("en") or {}).get("text") or "")
    return "\n".join(p for p in (str(entry.get("label") or ""), text, "———" if english else "", english) if p)


def audience(store: Store, spec: dict[str, Any], channels: Iterable[str]) -> list[User]:
    """The residents an audience means (active, on one of `channels`, announcements not stopped)."""
    kind, value = spec.get("kind", "all"), spec.get("value")
    with store.session() as s:
        q = select(User).where(User.active.is_(True), User.announcements_off.is_(False),
                               User.channel.in_(sorted(channels)),
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


def send(store: Store, channels: Mapping[str, Channel], announcement_id: int, now: dt.datetime | None = None
         ) -> dict[str, int]:
    """Queue an announcement for its audience on `channels` (the bot's messaging channels, by name); returns the
    counts (queued, skipped, by reason; `<channel>_multicasts`: the batches)."""
    now = now or utcnow()
    with store.session() as s:
        ann = s.get_one(Announcement, announcement_id)
        texts, spec = json.loads(ann.texts), json.loads(ann.audience)
        body_ja, source = ann.body_ja, ann.source_url
    users = audience(store, spec, channels)
    counts: dict[str, int] = defaultdict(int)
    key_persons = [u for u in users if u.role == "key_person"]
    others = [u for u in users if u.role != "key_person"]
    log: list[AnnouncementDelivery] = []
    with store.session() as s:
        for user in key_persons:  # first, one by one, relay-ready
            text = _text_for(texts, user, body_ja)
            body = {"text": relay_text(text, body_ja, source), "choices": []}
            _queue_one(s, store, channels[user.channel], user, body, now, counts, log, announcement_id)
        batches: dict[tuple[str, str], list[User]] = defaultdict(list)  # (channel, language): residents
        for user in others:
            if multicast_limit(channels[user.channel]) > 0 and window(channels[user.channel]) is None:
                batches[user.channel, _lang(texts, user)].append(user)
            else:
                body = {"text": _text_for(texts, user, body_ja), "choices": []}
                _queue_one(s, store, channels[user.channel], user, body, now, counts, log, announcement_id)
        for (channel, lang), members in batches.items():
            size = multicast_limit(channels[channel])
            for start in range(0, len(members), size):
                chunk = members[start:start + size]
                text = compose(texts, lang, body_ja)
                row = Delivery(json.dumps([u.external_id for u in chunk]), {"text": text, "choices": []})\
                    .row(channel, None, None, "announcement")
                s.add(row)
                s.flush()
                counts[f"{channel}_multicasts"] += 1
                for user in chunk:
                    log.append(AnnouncementDelivery(announcement_id=announcement_id, user_id=user.id,
                                                    status="queued", outbox_id=row.id))
                    counts["queued"] += 1
        s.add_all(log)
        s.execute(update(Announcement).where(Announcement.id == announcement_id)
                  .values(status="sent", sent_at=utcnow(), counts=json.dumps(counts)))
    return dict(counts)


def _lang(texts: dict[str, Any], user: User) -> str:
    lang = user.language if user.language in SERVED or user.language in texts else "en"
    if (texts.get(lang) or {}).get("text"):
        return str(lang)
    # beyond the nine without a draft: the English one, as their answers are
    return "en" if lang not in SERVED and (texts.get("en") or {}).get("text") else "ja"


def _text_for(texts: dict[str, Any], user: User, body_ja: str) -> str:
    return compose(texts, _lang(texts, user), body_ja)


def multicast_limit(channel: Channel) -> int:
    """Recipients one message of this channel can reach (0: one resident a message), a capability it may lack."""
    return int(getattr(channel, "multicast_limit", 0) or 0)


def window(channel: Channel) -> dt.timedelta | None:
    """How long after a resident's last message this channel lets the bot write first (None: any time)."""
    value = getattr(channel, "window", None)
    return value if isinstance(value, dt.timedelta) else None


def _hours(span: dt.timedelta) -> str:
    hours = span.total_seconds() / 3600
    return f"{hours:g}-hour" if hours >= 1 else f"{span.total_seconds():g}-second"


def _queue_one(s: Any, store: Store, channel: Channel, user: User, body: dict[str, Any], now: dt.datetime,
               counts: dict[str, int], log: list[AnnouncementDelivery], announcement_id: int) -> None:
    limit = window(channel)
    if limit is not None:
        last = store.last_inbound_at(user.id)
        if last is None or now - last > limit:
            counts[f"skipped_{user.channel}_window"] += 1
            log.append(AnnouncementDelivery(announcement_id=announcement_id, user_id=user.id, status="skipped",
                                            reason=f"outside {_title(user.channel)}'s {_hours(limit)} window"))
            return
    row = Delivery(user.external_id, body).row(user.channel, user.id, None, "announcement")
    s.add(row)
    s.flush()
    counts["queued"] += 1
    log.append(AnnouncementDelivery(announcement_id=announcement_id, user_id=user.id, status="queued",
                                    outbox_id=row.id))


def _title(name: str) -> str:
    return name[:1].upper() + name[1:]


def run_due(store: Store, channels: Mapping[str, Channel], now: dt.datetime | None = None) -> list[int]:
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
            send(store, channels, ann_id, now)
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

