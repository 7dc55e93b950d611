"""Background work: take what webhooks kept, answer it and deliver the outbox, so webhooks answer the platforms at once.

A webhook keeps its signed body as it came, in one insert (the inbox), and puts the row's id on a queue:
- `MemoryQueue` (default): the worker inside each web process;
- `RedisQueue` (REDIS_URL set): a Redis list shared by every web process and the `worker` processes of the Procfile.
The database stays the source of truth: a queue only says "look at this one now". A worker's taking thread reads a
body's events (the channel's `read`: parsed, checked, the unreadable ones kept as rejected) and, in one transaction,
deletes the inbox row and stores the events as messages (a redelivered event is stored once): whoever deletes the row
owns its events, so a row taken twice is answered once; under a backlog the rows already queued are taken together, in
one transaction and in queue order (up to TAKE_BATCH). Each message is then claimed and answered, by the answering
thread of its resident's lane (TOMONI_WORKER_THREADS of them): a thread waiting for the database or a platform's API
leaves the others working, and one resident's messages are answered one at a time, in order. Every worker also
sweeps for inbox rows and messages that were kept but never taken or answered (a process died, the queue lost an id)
and for outbox rows that are due.
"""

from __future__ import annotations

import contextlib
import copy
import datetime as dt
import logging
import os
import queue
import signal
import threading
import time
import zlib
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy.exc import InterfaceError, OperationalError, StatementError

from . import redact
from .answering.pipeline import Bot, incoming, sensitive_parts
from .messages import Channel, Inbound, Rejected, event_ref
from .storage.outbox import Deliverer
from .storage.store import Taken

if TYPE_CHECKING:
    from .runtime import Runtime

log = logging.getLogger(__name__)
SWEEP_EVERY = 5.0  # seconds between sweeps for forgotten inbox rows and events
DUE_EVERY = 0.25  # seconds between looks for outbox rows due again (retries, desk replies, announcements)
MAX_PAUSE = 30.0  # seconds, the longest wait after repeated loop errors
THREADS = 4  # worker threads per worker (TOMONI_WORKER_THREADS)
TAKE_BATCH = 10  # inbox rows taken in one transaction at most, when that many are already waiting (a backlog)


def pause(failures: int) -> float:
    """Seconds to wait after `failures` loop errors in a row: 1, 2, 4 … up to MAX_PAUSE."""
    return float(min(2 ** max(failures - 1, 0), MAX_PAUSE))


class WorkQueue(Protocol):
    """Where webhooks put the ids of inbox rows."""

    def put(self, inbox_id: int, resident: str = "") -> None:
        """Ask a worker to take this inbox row (the worker of this resident's lane, where there are lanes)."""

    def get(self, timeout: float) -> int | None:
        """The next id, or None after `timeout` seconds."""

    def more(self, limit: int) -> list[int]:
        """Up to `limit` more ids that are already waiting (from the lists get() takes from), in queue order; no
        wait: under a backlog the taking thread takes them in one transaction."""

    def waiting(self) -> int:
        """How many ids wait in the queue (every lane's): the sweep leaves rows alone while any wait."""

    def wake(self) -> None:
        """End a get() that is waiting, if the queue can (a stopping worker then ends at once)."""


class MemoryQueue:
    """A queue inside one process."""

    def __init__(self) -> None:
        self._q: queue.Queue[int | None] = queue.Queue()

    def put(self, inbox_id: int, resident: str = "") -> None:
        self._q.put(inbox_id)

    def get(self, timeout: float) -> int | None:
        try:
            return self._q.get(timeout=timeout)  # None: woken
        except queue.Empty:
            return None

    def more(self, limit: int) -> list[int]:
        found: list[int] = []
        while len(found) < limit:
            try:
                item = self._q.get_nowait()
            except queue.Empty:
                break
            if item is None:  # a wake-up (stop): the loop sees the stop after this round
                break
            found.append(item)
        return found

    def wake(self) -> None:
        self._q.put(None)

    def waiting(self) -> int:
        return self._q.qsize()


class RedisQueue:
    """Redis lists shared by all processes (LPUSH by webhooks, BRPOP by workers): one per lane, `lanes` of them (the
    worker processes, TOMONI_WORKER_PROCESSES). A body goes to the lane of its resident (a hash of the platform's id),
    and one worker process takes each lane: one resident's messages are taken, and answered, by one process in
    order. Lane 0's list is `key` itself (one lane: the single list of before). `lane`: the lane this process
    takes from (None: every lane, as a single worker or a test does)."""

    def __init__(self, url: str, key: str = "tomoni:inbox", lanes: int = 1, lane: int | None = None) -> None:
        import redis  # optional: only with REDIS_URL

        self.redis: Any = redis.Redis.from_url(url)
        self.key = key
        self.lanes = max(1, lanes)
        self.lane = lane

    def list_of(self, lane: int) -> str:
        """The Redis list of a lane."""
        return self.key if lane == 0 else f"{self.key}:{lane}"

    def lane_of(self, resident: str) -> int:
        """A resident's lane: the same in every process (crc32, unlike hash(), is not salted per process)."""
        return zlib.crc32(resident.encode("utf-8", "surrogatepass")) % self.lanes

    def for_lane(self, lane: int) -> RedisQueue:
        """The same lists, taken from one lane (a worker process's queue)."""
        other = copy.copy(self)
        other.lane = lane
        return other

    def put(self, inbox_id: int, resident: str = "") -> None:
        self.redis.lpush(self.list_of(self.lane_of(resident)), inbox_id)

    def get(self, timeout: float) -> int | None:
        lanes = range(self.lanes) if self.lane is None else [self.lane]
        item = self.redis.brpop([self.list_of(lane) for lane in lanes], timeout=max(1, int(timeout)))
        return int(item[1]) if item else None

    def more(self, limit: int) -> list[int]:
        """RPOP with a count (Redis >= 6.2): one round trip per lane taken from."""
        found: list[int] = []
        for lane in range(self.lanes) if self.lane is None else [self.lane]:
            if len(found) >= limit:
                break
            found += [int(item) for item in self.redis.rpop(self.list_of(lane), limit - len(found)) or []]
        return found

    def waiting(self) -> int:
        pipe = self.redis.pipeline(transaction=False)
        for lane in range(self.lanes):
            pipe.llen(self.list_of(lane))
        return int(sum(pipe.execute()))

    def wake(self) -> None:
        """Nothing: BRPOP waits at most a second (a wake-up pushed to the shared list could reach another worker)."""


class Worker:
    """Takes queued inbox rows, answers their events and delivers the outbox; `run` loops (one taking thread, and
    `threads` answering threads when more than one), `start` runs it in daemon threads."""

    def __init__(self, bot: Bot, deliverer: Deliverer, work: WorkQueue, channels: Mapping[str, Channel] | None = None,
                 threads: int = 1) -> None:
        self.bot = bot
        self.deliverer = deliverer
        self.work = work
        self.channels = channels or {}
        self.threads_wanted = max(1, threads)
        self.lanes: list[queue.Queue[int]] = []  # answering threads' queues, by resident (run() with threads > 1)
        self._stop = threading.Event()
        self._last_sweep = 0.0
        self._last_due = 0.0
        self.threads: list[threading.Thread] = []

    @property
    def thread(self) -> threading.Thread | None:
        """The first thread (None before start)."""
        return self.threads[0] if self.threads else None

    def run_once(self, timeout: float = 0.25) -> None:
        """Take one queued inbox row if one comes within `timeout` and answer its events; deliver what is due (now
        and then); sweep for what was forgotten (now and then)."""
        inbox_id = self.work.get(timeout)
        if inbox_id is not None:
            more = self.work.more(TAKE_BATCH - 1)  # a backlog: the rows already waiting, in one transaction
            self.answer(self._take_many([inbox_id, *more]) if more else self._take(inbox_id))
        if time.monotonic() - self._last_sweep > SWEEP_EVERY:
            self._last_sweep = time.monotonic()
            self.sweep()
        if inbox_id is None or time.monotonic() - self._last_due > DUE_EVERY:
            self._last_due = time.monotonic()
            self.deliverer.deliver_due()

    def answer(self, taken: list[tuple[int, int | None]]) -> None:
        """Answer stored messages (id, user id): here, or with answering threads on the lane of their resident, so
        that one resident's messages are answered one at a time and in order while other residents' are answered
        beside them."""
        for message_id, user_id in taken:
            if self.lanes and user_id is not None:
                self.lanes[user_id % len(self.lanes)].put(message_id)
            else:
                self._process(message_id)

    def sweep(self) -> None:
        """Inbox rows no worker took and messages stored but never answered (a process stopped in between). Not while
        this worker has work waiting (its queue, its answering threads' lanes): under a backlog a row or a message
        waiting its turn looks forgotten, and taking it here answered it outside its resident's lane, beside or
        before that resident's earlier messages. A forgotten message goes to its resident's lane."""
        if self.work.waiting() or any(lane.qsize() for lane in self.lanes):
            return
        for inbox_id in self.bot.store.waiting():
            log.warning("taking a webhook body that was kept but never taken", extra={"inbox_id": inbox_id})
            self.answer(self._take(inbox_id))
        for forgotten, user_id in self.bot.store.unprocessed():
            log.warning("processing a message that was stored but never answered", extra={"message_id": forgotten})
            self.answer([(forgotten, user_id)])

    def take(self, inbox_id: int) -> list[int]:
        """Store an inbox row's events as messages and delete the row (one transaction); their ids. Nothing when
        another worker took the row first."""
        return [message_id for message_id, _ in self._take(inbox_id)]

    def _events(self, hidden: contextlib.ExitStack, read: dict[str, Any]
                ) -> Callable[[str, str, dt.datetime], Taken | None]:
        """What the store calls with each inbox row it takes: the row's events to store, or None (a channel that is
        off: the row is left as it is). Their words are hidden from every log record until `hidden` closes; the last
        row's events are in `read` (for the slow path of a single row)."""

        def events(channel: str, body: str, received_at: dt.datetime) -> Taken | None:
            """The row's events to store (Store.take calls it with the row: on PostgreSQL inside the transaction
            that deletes it); None leaves the row as it is."""
            reader = self.channels.get(channel)
            if reader is None:
                log.warning("a webhook body of a channel that is off is kept", extra={"channel": channel})
                return None
            try:
                found = reader.read(body)
            except Exception as exc:  # noqa: BLE001 - the webhook checked it is JSON; a reader's bug must not lose the rest
                found = [Rejected(channel, event_ref(body), f"unreadable body ({type(exc).__name__})")]
            inbounds = [e for e in found if isinstance(e, Inbound)]
            rejects = [e for e in found if isinstance(e, Rejected)]
            items = [incoming(i, received_at) for i in inbounds]
            # never in a log record, even in an error's text (as given, and as stored), until the take is over
            hidden.enter_context(redact.sensitive(*[p for inbound in inbounds for p in sensitive_parts(inbound)],
                                                  *[item.text for item in items]))
            read.update(inbounds=inbounds, rejects=rejects)
            return items, [(r.channel, r.ref, r.reason) for r in rejects]

        return events

    def _take(self, inbox_id: int) -> list[tuple[int, int | None]]:
        read: dict[str, Any] = {}  # the body's events as `events` read them (for the slow path)
        with contextlib.ExitStack() as hidden:
            try:
                taken = self.bot.store.take(inbox_id, self._events(hidden, read))
            except StatementError as exc:
                if unreachable(exc) or not read:
                    raise  # the database is unreachable or busy: the row stays, taken again later
                return self._one_by_one(inbox_id, read["inbounds"], read["rejects"])  # it refuses one of the events
        return self._taken(taken)

    def _take_many(self, inbox_ids: list[int]) -> list[tuple[int, int | None]]:
        """Several queued rows (a backlog) in one transaction, in queue order (Store.take_many): one BEGIN and one
        COMMIT for the batch instead of one per row. When the batch cannot be taken as one (a channel that is off,
        a concurrent store of the same event, an event the database refuses), nothing of it was taken and each row
        is taken on its own, in the same order."""
        with contextlib.ExitStack() as hidden:
            try:
                taken = self.bot.store.take_many(inbox_ids, self._events(hidden, {}))
            except StatementError as exc:
                if unreachable(exc):
                    raise  # the database is unreachable or busy: the rows stay, taken again later (the sweep)
                taken = None
        if taken is None:
            return [one for inbox_id in inbox_ids for one in self._take(inbox_id)]
        return self._taken(taken)

    @staticmethod
    def _taken(taken: tuple[list[tuple[int, int]], list[tuple[str, str, str]]] | None
               ) -> list[tuple[int, int | None]]:
        if taken is None:
            return []
        ids, new_rejects = taken
        for channel, ref, reason in new_rejects:
            log.warning("webhook event rejected", extra={"channel": channel, "ref": ref, "reason": reason})
        return list(ids)

    def _one_by_one(self, inbox_id: int, inbounds: list[Inbound], rejects: list[Rejected]
                    ) -> list[tuple[int, int | None]]:
        """The slow path when the database refuses one of the events (a value, a constraint, a trigger): each is
        stored on its own and one that is refused is rejected (kept for staff without its content, logged at ERROR
        with its traceback, scrubbed of the resident's words), then the row is deleted: a body is never tried
        forever. A redelivered event is still stored once."""
        ids = []
        for inbound in inbounds:
            with redact.sensitive(*sensitive_parts(inbound)):
                try:
                    message_id = self.bot.receive(inbound)
                except Exception as exc:
                    if isinstance(exc, StatementError) and unreachable(exc):
                        raise
                    log.error("an event the database refuses is rejected", exc_info=True,
                              extra={"channel": inbound.channel})
                    self.bot.reject(inbound.channel, event_ref([inbound.event_id, inbound.user_id]),
                                    f"not storable ({type(exc).__name__})")
                    continue
            if message_id is not None:
                ids.append(message_id)
        for rejected in rejects:
            self.bot.reject(rejected.channel, rejected.ref, rejected.reason)
        self.bot.store.drop(inbox_id)
        return [(i, None) for i in ids]

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
        """Loop until stop() is called: this thread takes the queued bodies (in order), sweeps and delivers what is
        due; with `threads` > 1, that many more threads answer, each the residents of its lane. An error (the
        database or Redis unreachable) is logged and waited out, longer each time (1 s, 2 s, 4 s … 30 s)."""
        log.info("worker started", extra={"threads": self.threads_wanted})
        if self.threads_wanted > 1:
            self.lanes = [queue.Queue() for _ in range(self.threads_wanted)]
            helpers = [threading.Thread(target=self._answering, args=(lane,), name=f"tomoni-answer-{i + 1}",
                                        daemon=True) for i, lane in enumerate(self.lanes)]
            self.threads += helpers
            for helper in helpers:
                helper.start()
        self._loop()

    def _answering(self, lane: queue.Queue[int]) -> None:
        """An answering thread: the messages of its lane's residents, one at a time."""
        while not self._stop.is_set():
            try:
                message_id = lane.get(timeout=0.25)
            except queue.Empty:
                continue
            if message_id < 0:  # woken by stop()
                continue
            try:
                self._process(message_id)  # a failure to answer is logged there and left to the sweep
            except Exception as exc:  # noqa: BLE001 - e.g. the database unreachable while recording the delivery
                log.error("answering thread error; going on", extra={"error": type(exc).__name__})
                self._stop.wait(1.0)

    def _loop(self) -> None:
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
        """Run in daemon threads (the in-process default)."""
        main = threading.Thread(target=self.run, name="tomoni-worker", daemon=True)
        self.threads.insert(0, main)
        main.start()
        return self

    def stop(self) -> None:
        """Ask the loops to end after their current step (waiting queues are woken: no 0.25 s wait)."""
        self._stop.set()
        self.work.wake()
        for lane in self.lanes:
            lane.put(-1)  # not a message: wakes its thread, which then sees the stop
        for thread in list(self.threads):
            thread.join(timeout=5)


def unreachable(exc: StatementError) -> bool:
    """The database is down or busy (try again later), rather than refusing what was asked of it."""
    return isinstance(exc, (OperationalError, InterfaceError))


def run_lanes(runtime: Runtime, work: RedisQueue) -> int:
    """`flask worker` with several lanes: one forked process per lane (the bot loaded once, shared until written),
    each taking its lane's list; this process waits. SIGTERM or SIGINT stops them all; a process that ends on its own
    stops the others too, and the exit status (1) lets the process manager start the whole worker again."""
    children: dict[int, int] = {}
    for lane in range(work.lanes):
        pid = os.fork()
        if pid == 0:  # the lane's process
            status = 1
            try:
                signal.signal(signal.SIGTERM, signal.SIG_DFL)
                signal.signal(signal.SIGINT, signal.SIG_DFL)
                runtime.bot.store.engine.dispose(close=False)  # the parent's pooled connections are not ours
                Worker(runtime.bot, runtime.deliverer, work.for_lane(lane), runtime.channels, runtime.threads).run()
                status = 0
            except BaseException:
                log.exception("worker process failed", extra={"lane": lane})
            finally:
                os._exit(status)
        children[pid] = lane
    stopping = False

    def stop(signum: int = signal.SIGTERM, frame: Any = None) -> None:
        nonlocal stopping
        stopping = True
        for child in children:
            with contextlib.suppress(ProcessLookupError):
                os.kill(child, signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    status = 0
    while children:
        pid, _ = os.wait()
        lane = children.pop(pid, -1)
        if lane >= 0 and not stopping:
            log.error("a worker process ended; stopping the others", extra={"lane": lane})
            status = 1
            stop()
    return status
