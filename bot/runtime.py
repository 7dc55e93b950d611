"""The running service around the bot: channels, outbox delivery, work queue and (by default) a worker thread."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from typing import Any

from . import channels as channel_mod
from .outbox import Deliverer, SendResult
from .pipeline import Bot
from .settings import Settings
from .worker import THREADS, MemoryQueue, RedisQueue, Worker, WorkQueue

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

    threads: int = THREADS  # worker threads (TOMONI_WORKER_THREADS)

    def accept(self, channel: str, body: str) -> None:
        """A webhook's signed body: kept in one insert (a database that is down raises: the webhook answers 500 and
        the platform sends it again), then handed to a worker (this process's threads, or any worker through Redis).
        If the queue cannot take it, the workers' sweep finds the row."""
        inbox_id = self.bot.store.accept(channel, body)
        try:
            self.work.put(inbox_id)
        except Exception as exc:  # noqa: BLE001 - e.g. Redis briefly unreachable: the body is kept all the same
            log.warning("queue unreachable; the sweep will take the webhook", extra={"error": type(exc).__name__})

    def new_worker(self) -> Worker:
        """A worker over this runtime's queue, with the channels' readers."""
        readers = {name: channel.read for name, channel in self.channels.items() if hasattr(channel, "read")}
        return Worker(self.bot, self.deliverer, self.work, readers, self.threads)

    def start_worker(self) -> None:
        """Start the in-process worker threads (default without REDIS_URL); idempotent."""
        if self.worker is None:
            with self._lock:
                if self.worker is None:
                    self.worker = self.new_worker().start()


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
    return Runtime(bot, channels, Deliverer(bot.store, senders), work, threads=settings.worker_threads)


LOCAL_CHANNELS = ("web", "cli")


class LocalSender:
    """The chat page and the command line read replies from the database: delivering is recording."""

    def send(self, row: Any, body: dict[str, Any], store: Any) -> SendResult:
        return SendResult.sent()
