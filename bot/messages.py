"""Channel-neutral messages: what a channel adapter hands to the pipeline and what it gets back, and the `Channel`
protocol every adapter in bot/channels/ follows (the core knows channels only through it)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from flask import Blueprint

    from .storage.models import Outbox
    from .storage.outbox import SendResult
    from .storage.store import Delivery, Store

ID_LENGTH = 128  # users.external_id and messages.event_id
_SURROGATE = re.compile("[\ud800-\udfff]")
# Messenger's standard messaging window: a page may message a person within 24 hours of their last message
# (https://developers.facebook.com/docs/messenger-platform/policy/policy-overview). Announcements skip residents
# outside it; the Messenger channel sends inside it without a tag.
STANDARD_WINDOW = dt.timedelta(hours=24)


@dataclass(frozen=True)
class Inbound:
    """One event from a resident, whatever the channel.

    kind: text | postback | follow | unfollow | sticker | image | video | audio | file | location | other
    """

    channel: str
    user_id: str
    kind: str = "text"
    text: str = ""
    event_id: str | None = None
    payload: str | None = None
    profile_language: str | None = None
    preferred_language: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)


def problem(inbound: Inbound | None) -> str | None:
    """Why an event cannot be stored as it is, or None. Ids must be text of at most 128 characters without NUL bytes
    or unpaired surrogates (PostgreSQL and UTF-8 refuse those). A resident's text and button data with such
    characters are not refused: the pipeline stores them with those characters replaced (pipeline.storable)."""
    if inbound is None:
        return None
    if not isinstance(inbound.user_id, str) or not inbound.user_id:
        return "no user id"
    token = (inbound.meta or {}).get("reply_token")
    for name, value, limit in (("user id", inbound.user_id, ID_LENGTH), ("event id", inbound.event_id, ID_LENGTH),
                               ("reply token", token, 255)):
        if value is None:
            continue
        if not isinstance(value, str):
            return f"{name} is not text"
        if len(value) > limit:
            return f"{name} longer than {limit} characters"
        if "\x00" in value:
            return f"NUL byte in the {name}"
        if _SURROGATE.search(value):
            return f"unpaired surrogate in the {name}"
    for name, text in (("text", inbound.text), ("data", inbound.payload)):
        if text is not None and not isinstance(text, str):
            return f"{name} is not text"
    return None


def event_ref(item: Any, ignore: Iterable[str] = ()) -> str:
    """A hash that names a raw event without its content (the same for a redelivery when `ignore` names what
    changes between deliveries)."""
    if isinstance(item, dict):
        item = {k: v for k, v in item.items() if k not in set(ignore)}
    try:
        canonical = json.dumps(item, sort_keys=True, ensure_ascii=True, default=str)
    except ValueError:
        canonical = repr(item)
    return hashlib.sha256(canonical.encode("ascii", "backslashreplace")).hexdigest()[:32]


@dataclass(frozen=True)
class Choice:
    """A quick-reply button: what it says and what comes back when it is tapped."""

    label: str
    payload: str


@dataclass
class Reply:
    """The bot's answer to one inbound event, with what it understood (the `ask --json` fields)."""

    text: str
    language: str | None
    reply_language: str
    intent: str
    category: str | None = None
    entry: str | None = None
    handoff: bool = False
    confidence: float = 0.0
    choices: list[Choice] = field(default_factory=list)
    ticket_id: int | None = None
    duplicate: bool = False
    outbox: Any = None  # the outbox row to send, claimed by the worker that processed the message
    concepts: list[str] = field(default_factory=list)  # the concepts found (kept for figures; no words)
    silent: bool = False  # a staff member is talking with this resident: the bot says nothing (the desk sees it)

    def body(self) -> dict[str, Any]:
        """What a channel sends: the text and the choices, channel-neutral (stored in the outbox)."""
        return {"text": self.text, "choices": [{"label": c.label, "payload": c.payload} for c in self.choices]}

    def as_json(self, message_id: str | None = None) -> dict[str, Any]:
        """The output object of CONTRACT.md's `ask --json`."""
        out = {"id": message_id, "language": self.language, "reply_language": self.reply_language,
               "intent": self.intent, "category": self.category, "entry": self.entry, "handoff": self.handoff,
               "confidence": round(self.confidence, 3), "text": self.text,
               "options": [{"label": c.label, "payload": c.payload} for c in self.choices]}
        if self.silent:
            out["silent"] = True
        return out


@dataclass(frozen=True)
class Rejected:
    """A webhook event a channel cannot take, kept for staff without its content: a hash of it and the reason."""

    channel: str
    ref: str
    reason: str


class Accept(Protocol):
    """A channel's one callback: a webhook's signed body, kept as it came before the platform gets its 200. A worker
    reads its events later (Channel.read)."""

    def __call__(self, channel: str, body: str, resident: str = "") -> None:
        """Keep the body; `resident` (the platform's id of the first event's sender, "" if none) chooses the worker
        process that answers it, so that one resident's messages are answered by one process, in order."""


class Channel(Protocol):
    """A messaging platform as the bot sees it (bot/channels/: LINE, Messenger). A new platform is one class with
    these members; a capability the platform lacks is a method that does nothing or a value that says so
    (bot.channels.base.BaseChannel gives those defaults)."""

    name: str
    # Optional capabilities, read by announcements (bot.answering.announce), which name no channel; a class attribute
    # is enough (read-only here, so `window = dt.timedelta(hours=24)` fits).
    @property
    def multicast_limit(self) -> int:
        """Recipients one message can reach (LINE's multicast: 500): an announcement is sent in batches of this
        size, as outbox rows whose recipient is a JSON list of ids, which `send` must then take. 0: one resident a
        row."""
        ...

    @property
    def window(self) -> dt.timedelta | None:
        """How long after a resident's last message the page may write to them unprompted (Messenger's standard
        window: 24 hours); announcements skip the residents outside it. None: any time."""
        ...

    def blueprint(self, accept: Accept) -> Blueprint:
        """The webhook routes: verify the signature on the raw body, hand the body to `accept` (one insert)."""
        ...

    def read(self, body: str) -> list[Inbound | Rejected]:
        """The events of a body `accept` kept, each on its own: an Inbound to store, or Rejected with its reason
        (events the bot does not act on are left out). A worker calls it."""
        ...

    def send(self, row: Outbox, body: dict[str, Any], store: Store) -> SendResult:
        """Try to deliver one outbox row (bot.storage.outbox retries and records the outcome)."""
        ...

    def profile_language(self, user_id: str) -> str | None:
        """The user's app language as the platform knows it; None when unknown or not offered."""
        ...

    def show_loading(self, user_id: str) -> None:
        """A typing indicator while a slow answer is prepared."""
        ...

    def language_set(self, user_id: str, lang: str) -> None:
        """The resident's language was set or changed (LINE shows the rich menu of that language)."""
        ...

    def first_call_lease(self, delivery: Delivery) -> float | None:
        """When the first call for this reply is one the platform cannot de-duplicate (a LINE reply with its token,
        a Messenger send), the seconds that call may take before another worker may look into it: the reply's
        outbox row is then written in doubt in the transaction that records the answer, instead of in one more
        transaction just before the call (`send` then finds `row.call_begun`). None: nothing to mark (a push with a
        retry key can be repeated safely)."""
        ...

