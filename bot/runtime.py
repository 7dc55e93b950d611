"""The running service around the bot: channels, outbox delivery, work queue and (by default) a worker's threads."""

from __future__ import annotations

import dataclasses
import logging
import threading
from dataclasses import dataclass, field
from typing import Any

from . import channels as channel_mod
from .answering.pipeline import Bot
from .messages import Channel
from .settings import Settings
from .storage.models import Outbox
from .storage.outbox import Deliverer, Sender, SendResult
from .storage.store import Store
from .worker import THREADS, MemoryQueue, RedisQueue, Worker, WorkQueue

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

    threads: int = THREADS  # worker threads (TOMONI_WORKER_THREADS)

    def accept(self, channel: str, body: str, resident: str = "") -> None:
        """A webhook's signed body: kept in one insert (a database that is down raises: the webhook answers 500 and
        the platform sends it again), then handed to a worker (this process's threads, or through Redis the worker
        process of the resident's lane). If the queue cannot take it, the workers' sweep finds the row."""
        inbox_id = self.bot.store.accept(channel, body)
        try:
            self.work.put(inbox_id, resident)
        except Exception as exc:  # noqa: BLE001 - e.g. Redis briefly unreachable: the body is kept all the same
            log.warning("queue unreachable; the sweep will take the webhook", extra={"error": type(exc).__name__})

    def new_worker(self) -> Worker:
        """A worker over this runtime's queue, with the channels' readers."""
        return Worker(self.bot, self.deliverer, self.work, self.channels, self.threads)

    def start_worker(self) -> None:
        """Start the in-process worker threads (default without REDIS_URL); idempotent."""
        if self.worker is None:
            with self._lock:
                if self.worker is None:
                    self.worker = self.new_worker().start()


def build_runtime(settings: Settings, bot: Bot, channels: dict[str, Channel] | None = None) -> Runtime:
    """The channels, the outbox and the work queue around the bot. A bot built without these channels (a test's, or
    one given to create_app) is rebuilt with them, in one call: its other collaborators are the same objects."""
    channels = channel_mod.build(settings) if channels is None else channels
    if bot.channels != channels:
        bot = dataclasses.replace(bot, channels=channels)
    work: WorkQueue = (RedisQueue(settings.redis_url, lanes=settings.worker_processes) if settings.redis_url
                       else MemoryQueue())
    senders: dict[str, Sender] = {name: LocalSender() for name in LOCAL_CHANNELS}
    senders.update(channels)
    return Runtime(bot, channels, Deliverer(bot.store, senders), work, threads=settings.worker_threads)


LOCAL_CHANNELS = ("web", "cli")


class LocalSender:
    """The chat page and the command line read replies from the database: delivering is recording."""

    def send(self, row: Outbox, body: dict[str, Any], store: Store) -> SendResult:
        return SendResult.sent()
