"""Channel-neutral messages: what a channel adapter hands to the pipeline and what it gets back."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


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
