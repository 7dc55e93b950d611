"""Background work: process stored events and deliver the outbox, so webhooks answer the platforms at once.

Two queues carry the ids of stored events to process:
- `MemoryQueue` (default): a thread inside each web process;
- `RedisQueue` (REDIS_URL set): a Redis list shared by every web process and the `worker` processes of the Procfile.
The database stays the source of truth: a queue only says "look at this one now". Each event is claimed in the
database before processing (so it is answered once, whoever picks it up), and every worker also sweeps for events
that were stored but never processed (a process died) and for outbox rows that are due.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from typing import Any, Protocol

from .answering.pipeline import Bot
from .storage.outbox import Deliverer

log = logging.getLogger(__name__)
SWEEP_EVERY = 5.0  # seconds between sweeps for forgotten events
MAX_PAUSE = 30.0  # seconds, the longest wait after repeated loop errors


def pause(failures: int) -> float:
    """Seconds to wait after `failures` loop errors in a row: 1, 2, 4 … up to MAX_PAUSE."""
    return float(min(2 ** max(failures - 1, 0), MAX_PAUSE))


class WorkQueue(Protocol):
    """Where webhooks put the ids of stored events."""

    def put(self, message_id: int) -> None:
        """Ask a worker to process this stored event."""

    def get(self, timeout: float) -> int | None:
        """The next id, or None after `timeout` seconds."""

    def wake(self) -> None:
        """End a get() that is waiting, if the queue can (a stopping worker then ends at once)."""


class MemoryQueue:
    """A queue inside one process."""

    def __init__(self) -> None:
        self._q: queue.Queue[int | None] = queue.Queue()

    def put(self, message_id: int) -> None:
        self._q.put(message_id)

    def get(self, timeout: float) -> int | None:
        try:
            return self._q.get(timeout=timeout)  # None: woken
        except queue.Empty:
            return None

    def wake(self) -> None:
        self._q.put(None)


class RedisQueue:
    """A Redis list shared by all processes (LPUSH by webhooks, BRPOP by workers)."""

    def __init__(self, url: str, key: str = "tomoni:events") -> None:
        import redis  # optional: only with REDIS_URL

        self.redis: Any = redis.Redis.from_url(url)
        self.key = key

    def put(self, message_id: int) -> None:
        self.redis.lpush(self.key, message_id)

    def get(self, timeout: float) -> int | None:
        item = self.redis.brpop([self.key], timeout=max(1, int(timeout)))
        return int(item[1]) if item else None

    def wake(self) -> None:
        """Nothing: BRPOP waits at most a second (a wake-up pushed to the shared list could reach another worker)."""


class Worker:
    """Processes queued events and delivers the outbox; `run` loops, `start` runs it in a daemon thread."""

    def __init__(self, bot: Bot, deliverer: Deliverer, work: WorkQueue) -> None:
        self.bot = bot
        self.deliverer = deliverer
        self.work = work
        self._stop = threading.Event()
        self._last_sweep = 0.0
        self.thread: threading.Thread | None = None

    def run_once(self, timeout: float = 0.25) -> None:
        """Process one queued event if one comes within `timeout`, then deliver what is due; sweep now and then."""
        message_id = self.work.get(timeout)
        if message_id is not None:
            self._process(message_id)
        if time.monotonic() - self._last_sweep > SWEEP_EVERY:
            self._last_sweep = time.monotonic()
            for forgotten in self.bot.store.unprocessed():
                log.warning("processing a message that was stored but never answered", extra={"message_id": forgotten})
                self._process(forgotten)
        self.deliverer.deliver_due()

    def _process(self, message_id: int) -> None:
        try:
            reply = self.bot.process(message_id)
        except Exception as exc:  # noqa: BLE001 - one bad message must not stop the worker; the sweep retries it
            # One line, no traceback: its text may hold the resident's words (the message row has the error's type).
            log.warning("processing failed; it will be tried again", extra={"message_id": message_id,
                                                                           "error": type(exc).__name__})
            return
        if reply is not None and reply.outbox is not None:
            self.deliverer.deliver(reply.outbox)  # at once; a failure leaves it to deliver_due's retries

    def run(self) -> None:
        """Loop until stop() is called; an error (the database or Redis unreachable) is logged and waited out, longer
        each time (1 s, 2 s, 4 s … 30 s), and the loop goes on."""
        log.info("worker started")
        failures = 0
        while not self._stop.is_set():
            try:
                self.run_once()
                failures = 0
            except Exception as exc:  # noqa: BLE001 - e.g. the database or Redis briefly unreachable
                failures += 1
                log.error("worker loop error; going on", extra={"error": type(exc).__name__, "failures": failures})
                self._stop.wait(pause(failures))

    def start(self) -> Worker:
        """Run in a daemon thread (the in-process default)."""
        self.thread = threading.Thread(target=self.run, name="tomoni-worker", daemon=True)
        self.thread.start()
        return self

    def stop(self) -> None:
        """Ask the loop to end after its current step (a waiting in-process queue is woken: no 0.25 s wait)."""
        self._stop.set()
        self.work.wake()
        if self.thread is not None:
            self.thread.join(timeout=5)
