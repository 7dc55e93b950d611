"""Delivering the outbox: every outbound message is a row until the platform has accepted it.

A 5xx, a 429 or a network error is retried with exponential back-off; a 4xx is recorded with its reason and not
retried; a process killed mid-delivery leaves its rows 'sending' with a lease, and any worker takes them again when
the lease has passed. LINE pushes carry the row's retry key, so a retried push is never delivered twice.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import dataclass
from typing import Any, Protocol

from .store import Outbox, Store, utcnow

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 8
MAX_BACKOFF = 3600.0


@dataclass(frozen=True)
class SendResult:
    """What a channel made of one attempt."""

    ok: bool
    retryable: bool = False
    error: str | None = None

    @classmethod
    def sent(cls) -> SendResult:
        return cls(True)

    @classmethod
    def retry(cls, error: str) -> SendResult:
        return cls(False, True, error)

    @classmethod
    def refused(cls, error: str) -> SendResult:
        return cls(False, False, error)


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
            log.exception("send failed unexpectedly", extra={"outbox": row.id, "channel": row.channel})
            result = SendResult.retry(f"{type(exc).__name__}: {exc}")
        if result.ok:
            self.store.mark(row.id, sent=True)
            return 1
        if result.retryable and row.attempts + 1 < MAX_ATTEMPTS:
            retry_at = utcnow() + dt.timedelta(seconds=backoff(row.attempts + 1))
            log.warning("send will be retried", extra={"outbox": row.id, "channel": row.channel,
                                                         "attempt": row.attempts + 1, "error": result.error})
            self.store.mark(row.id, sent=False, error=result.error, retry_at=retry_at)
        else:
            log.error("send failed for good", extra={"outbox": row.id, "channel": row.channel, "error": result.error})
            self.store.mark(row.id, sent=False, error=result.error)
        return 0
