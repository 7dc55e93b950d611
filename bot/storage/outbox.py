"""Delivering the outbox: every outbound message is a row until the platform has accepted it.

A 5xx, a 429 or a network error is retried with exponential back-off; a 4xx is recorded with its reason and not
retried; a process killed mid-delivery leaves its rows 'sending' with a lease, and any worker takes them again when
the lease has passed. LINE pushes carry the row's retry key, so a retried push is never delivered twice. A call the
platform cannot de-duplicate (a LINE reply, a Messenger send) marks its row 'in doubt' before it starts: when its
answer never comes, the next attempt finds out whether the message arrived (LINE: the same reply token again;
Messenger: the conversation) instead of sending a second copy; when it cannot find out, the row ends 'failed' and in
doubt ("outcome unknown"), shown to staff, never resent blindly.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import dataclass
from typing import Any, Protocol

from .models import Outbox, utcnow
from .store import Store

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8
MAX_BACKOFF = 3600.0


@dataclass(frozen=True)
class SendResult:
    """What a channel made of one attempt."""

    ok: bool
    retryable: bool = False
    error: str | None = None
    in_doubt: bool | None = None  # the platform may have the message (None: as the row says)
    delay: float | None = None  # seconds before the next attempt (None: the exponential back-off)
    platform_id: str | None = None  # the platform's id of the sent message

    @classmethod
    def sent(cls, platform_id: str | None = None, note: str | None = None) -> SendResult:
        return cls(True, error=note, in_doubt=False, platform_id=platform_id)

    @classmethod
    def retry(cls, error: str, *, in_doubt: bool | None = None, delay: float | None = None) -> SendResult:
        return cls(False, True, error, in_doubt, delay)

    @classmethod
    def refused(cls, error: str) -> SendResult:
        return cls(False, False, error, in_doubt=False)

    @classmethod
    def unknown(cls, error: str) -> SendResult:
        """Given up without knowing whether the message arrived: not sent again, shown to staff."""
        return cls(False, False, error, in_doubt=True)


class Sender(Protocol):
    """A channel's way of sending one outbox row."""

    def send(self, row: Outbox, body: dict[str, Any], store: Store) -> SendResult:
        """Try to deliver the row once."""


def backoff(attempts: int) -> float:
    """Seconds to wait before attempt `attempts + 1`: 2, 4, 8 … up to an hour."""
    return float(min(2 ** max(attempts, 1), MAX_BACKOFF))


class Deliverer:
    """Sends due outbox rows through the channels' senders."""

    def __init__(self, store: Store, senders: dict[str, Sender]) -> None:
        self.store = store
        self.senders = senders

    def deliver_due(self, limit: int = 20) -> int:
        """Attempt every due row once; returns how many were sent."""
        sent = 0
        for row in self.store.claim_due(limit):
            sent += self._attempt(row)
        return sent

    def deliver(self, row: Outbox) -> bool:
        """Attempt one row this worker has claimed (a reply it just wrote); True when sent."""
        return bool(self._attempt(row))

    def _attempt(self, row: Outbox) -> int:
        sender = self.senders.get(row.channel)
        if sender is None:
            self.store.mark(row.id, sent=False, error=f"channel {row.channel!r} is not on",
                            retry_at=utcnow() + dt.timedelta(seconds=backoff(row.attempts + 1)))
            return 0
        try:
            result = sender.send(row, json.loads(row.body), self.store)
        except Exception as exc:  # noqa: BLE001 - a bug or an unexpected client error must not lose the message
            # (whether a call had started is in the row: a sender marks it in doubt before such a call)
            log.error("send failed unexpectedly", extra={"outbox": row.id, "channel": row.channel,
                                                         "error": type(exc).__name__})
            result = SendResult.retry(f"{type(exc).__name__}")
        if result.ok:
            self.store.mark(row.id, sent=True, error=result.error, in_doubt=False, platform_id=result.platform_id)
            return 1
        if result.retryable and row.attempts + 1 < MAX_ATTEMPTS:
            delay = result.delay if result.delay is not None else backoff(row.attempts + 1)
            log.warning("send will be retried", extra={"outbox": row.id, "channel": row.channel,
                                                         "attempt": row.attempts + 1, "error": result.error})
            self.store.mark(row.id, sent=False, error=result.error, retry_at=utcnow() + dt.timedelta(seconds=delay),
                            in_doubt=result.in_doubt)
        else:
            log.error("send failed for good", extra={"outbox": row.id, "channel": row.channel, "error": result.error})
            self.store.mark(row.id, sent=False, error=result.error, in_doubt=result.in_doubt)
        return 0
