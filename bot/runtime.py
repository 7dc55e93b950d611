"""The running service around the bot: channels, outbox delivery, work queue and (by default) a worker thread."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from typing import Any

from . import channels as channel_mod
from .answering.pipeline import Bot
from .settings import Settings
from .storage.outbox import Deliverer, SendResult
from .worker import MemoryQueue, RedisQueue, Worker, WorkQueue

log = logging.getLogger(__name__)


@dataclass
class Runtime:
    """What webhooks and workers share in one process."""

    bot: Bot
    channels: dict[str, Any]
    deliverer: Deliverer
    work: WorkQueue
    worker: Worker | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def submit(self, message_id: int) -> None:
        """Hand a stored event to a worker (this process's thread, or any worker through Redis)."""
        self.work.put(message_id)

    def start_worker(self) -> None:
        """Start the in-process worker thread (default without REDIS_URL); idempotent."""
        if self.worker is None:
            with self._lock:
                if self.worker is None:
                    self.worker = Worker(self.bot, self.deliverer, self.work).start()


def build_runtime(settings: Settings, bot: Bot, channels: dict[str, Any] | None = None) -> Runtime:
    """Wire channels into the bot and choose the work queue."""
    channels = channel_mod.build(settings) if channels is None else channels
    bot.deliver_channels = frozenset(channels)
    for name, channel in channels.items():
        if hasattr(channel, "profile_language"):
            bot.profiles[name] = channel.profile_language
        if hasattr(channel, "show_loading"):
            bot.typing[name] = channel.show_loading
        if name == "line":
            from .channels.line_menu import MenuLinker

            bot.on_language[name] = MenuLinker(channel).link
    work: WorkQueue = RedisQueue(settings.redis_url) if settings.redis_url else MemoryQueue()
    senders: dict[str, Any] = {name: LocalSender() for name in LOCAL_CHANNELS}
    senders.update(channels)
    return Runtime(bot, channels, Deliverer(bot.store, senders), work)


LOCAL_CHANNELS = ("web", "cli")


class LocalSender:
    """The chat page and the command line read replies from the database: delivering is recording."""

    def send(self, row: Any, body: dict[str, Any], store: Any) -> SendResult:
        return SendResult.sent()
