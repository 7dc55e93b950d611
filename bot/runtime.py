"""The running service around the bot: channels, outbox delivery, work queue and (by default) a worker thread."""

from __future__ import annotations

import dataclasses
import logging
import threading
from dataclasses import dataclass, field
from typing import Any

from . import channels as channel_mod
from .answering.pipeline import Bot
from .messages import Channel, Inbound, Rejected
from .settings import Settings
from .storage.models import Outbox
from .storage.outbox import Deliverer, Sender, SendResult
from .storage.store import Store
from .worker import MemoryQueue, RedisQueue, Worker, WorkQueue

log = logging.getLogger(__name__)


@dataclass
class Runtime:
    """What webhooks and workers share in one process."""

    bot: Bot
    channels: dict[str, Channel]
    deliverer: Deliverer
    work: WorkQueue
    worker: Worker | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def accept(self, event: Inbound | Rejected) -> None:
        """The channels' one callback: an event is stored, then handed to a worker; a rejected one is kept."""
        if isinstance(event, Rejected):
            self.bot.reject(event.channel, event.ref, event.reason)
            return
        message_id = self.bot.receive(event)
        if message_id is not None:
            self.submit(message_id)

    def submit(self, message_id: int) -> None:
        """Hand a stored event to a worker (this process's thread, or any worker through Redis)."""
        self.work.put(message_id)

    def start_worker(self) -> None:
        """Start the in-process worker thread (default without REDIS_URL); idempotent."""
        if self.worker is None:
            with self._lock:
                if self.worker is None:
                    self.worker = Worker(self.bot, self.deliverer, self.work).start()


def build_runtime(settings: Settings, bot: Bot, channels: dict[str, Channel] | None = None) -> Runtime:
    """The channels, the outbox and the work queue around the bot. A bot built without these channels (a test's, or
    one given to create_app) is rebuilt with them, in one call: its other collaborators are the same objects."""
    channels = channel_mod.build(settings) if channels is None else channels
    if bot.channels != channels:
        bot = dataclasses.replace(bot, channels=channels)
    work: WorkQueue = RedisQueue(settings.redis_url) if settings.redis_url else MemoryQueue()
    senders: dict[str, Sender] = {name: LocalSender() for name in LOCAL_CHANNELS}
    senders.update(channels)
    return Runtime(bot, channels, Deliverer(bot.store, senders), work)


LOCAL_CHANNELS = ("web", "cli")


class LocalSender:
    """The chat page and the command line read replies from the database: delivering is recording."""

    def send(self, row: Outbox, body: dict[str, Any], store: Store) -> SendResult:
        return SendResult.sent()
