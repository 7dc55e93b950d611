"""With REDIS_URL: web processes only store and enqueue; separate workers share the queue (needs a Redis server:
TOMONI_TEST_REDIS_URL, which .ci/run sets)."""

from __future__ import annotations

import dataclasses
import os
import signal
import subprocess
import sys
import time
import uuid
import zlib
from pathlib import Path

from bot.app import create_app
from bot.current import current_runtime
from bot.settings import ROOT
from bot.storage.models import Outbox
from bot.worker import RedisQueue, Worker

from .helpers import count
from .payloads import LINE_SECRET, line_body, line_post, text_event


def test_two_workers_share_the_redis_queue_and_answer_each_event_once(settings, bot, fake, redis_url) -> None:
    from bot.storage.models import Inbox, Message, Outbox

    s = dataclasses.replace(settings, line_channel_secret=LINE_SECRET, line_channel_access_token="t",
                            line_api_base_url=fake.url, redis_url=redis_url, in_process_worker=False)
    app = create_app(s, bot=bot)
    runtime = current_runtime(app)
    assert isinstance(runtime.work, RedisQueue) and runtime.worker is None
    runtime.work.key = f"tomoni:test:{uuid.uuid4().hex}"  # an empty queue of our own
    client = app.test_client()
    for n in range(12):
        event = text_event(f"hello {n}", user=f"U{n % 3}", event_id=f"01J{n:023d}")
        line_post(client, line_body(event))
        if n % 4 == 0:  # LINE redelivers some events
            line_post(client, line_body(dict(event, deliveryContext={"isRedelivery": True})))
    assert count(bot, Inbox) == 15 and count(bot, Message) == 0  # kept as they came: no worker in the web process
    workers = []
    for _ in range(2):
        queue = RedisQueue(redis_url, runtime.work.key)
        workers.append(Worker(bot, runtime.deliverer, queue, runtime.channels, threads=2).start())
    try:
        assert fake.wait_for(lambda: count(bot, Outbox, status="sent") == 12, timeout=30)
        time.sleep(0.5)
        assert len(fake.calls("/v2/bot/message/")) == 12
        assert count(bot, Message, direction="out") == 12 and count(bot, Message, direction="in") == 12
        assert count(bot, Inbox) == 0
    finally:
        for w in workers:
            w.stop()
        runtime.work.redis.delete(runtime.work.key)


def test_each_resident_goes_to_one_lane_and_each_worker_process_takes_its_own(settings, bot, fake, redis_url) -> None:
    """Two worker processes (lanes): a resident's webhooks always go to the same lane's list, so one process takes
    and answers them in order; every event is still answered once."""
    from bot.storage.models import Message, Outbox

    s = dataclasses.replace(settings, line_channel_secret=LINE_SECRET, line_channel_access_token="t",
                            line_api_base_url=fake.url, redis_url=redis_url, in_process_worker=False,
                            worker_processes=2)
    app = create_app(s, bot=bot)
    runtime = current_runtime(app)
    assert isinstance(runtime.work, RedisQueue) and runtime.work.lanes == 2
    runtime.work.key = f"tomoni:test:{uuid.uuid4().hex}"
    client = app.test_client()
    residents = [f"Ulane{n}" for n in range(8)]
    for n in range(24):
        line_post(client, line_body(text_event(f"hello {n}", user=residents[n % 8], event_id=f"01L{n:023d}")))
    lists = [runtime.work.list_of(lane) for lane in range(2)]
    try:
        queued = [[int(i) for i in runtime.work.redis.lrange(name, 0, -1)] for name in lists]
        assert sum(map(len, queued)) == 24 and all(queued)  # both lanes used, nothing lost
        assert runtime.work.waiting() == 24
        for n, resident in enumerate(residents):  # inbox ids are given in order: 1..24, resident n has n+1, n+9, n+17
            lane = runtime.work.lane_of(resident)
            assert {n + 1, n + 9, n + 17} <= set(queued[lane])
        workers = [Worker(bot, runtime.deliverer, runtime.work.for_lane(lane), runtime.channels, threads=2).start()
                   for lane in range(2)]
        try:
            assert fake.wait_for(lambda: count(bot, Outbox, status="sent") == 24, timeout=30)
            assert count(bot, Message, direction="in") == 24 and len(fake.calls("/v2/bot/message/")) == 24
        finally:
            for w in workers:
                w.stop()
    finally:
        runtime.work.redis.delete(*lists)


def test_a_lane_hands_out_what_is_already_waiting_in_queue_order_and_only_its_own(redis_url) -> None:
    """Under a backlog the taking thread takes the rows already queued in one transaction: `more` gives up to that
    many ids of its own lane at once (RPOP with a count), oldest first, and never another lane's."""
    queue = RedisQueue(redis_url, key=f"tomoni:test:{uuid.uuid4().hex}", lanes=2)
    residents = {lane: next(f"Umore{n}" for n in range(100) if queue.lane_of(f"Umore{n}") == lane) for lane in (0, 1)}
    try:
        for inbox_id in range(1, 8):
            queue.put(inbox_id, residents[inbox_id % 2])
        mine = queue.for_lane(1)
        assert mine.get(1) == 1 and mine.more(2) == [3, 5] and mine.more(10) == [7] and mine.more(10) == []
        assert queue.for_lane(0).more(10) == [2, 4, 6]
    finally:
        queue.redis.delete(*[queue.list_of(lane) for lane in (0, 1)])


def test_the_lane_of_a_resident_is_the_same_in_every_process() -> None:
    queue = RedisQueue.__new__(RedisQueue)  # no server needed: only the hash
    queue.lanes = 3
    assert [queue.lane_of(r) for r in ("U1", "U2", "Pabc", "")] == [zlib.crc32(r.encode()) % 3
                                                                   for r in ("U1", "U2", "Pabc", "")]



def test_flask_worker_starts_one_process_per_lane_and_stops_them_all(settings, bot, fake, redis_url) -> None:
    """The real command line: `flask worker` with TOMONI_WORKER_PROCESSES=2 forks two processes that answer what the
    web processes route to their lanes; SIGTERM stops the three of them, with status 0."""
    env = {**{k: v for k, v in os.environ.items() if not k.startswith(("TOMONI_", "DATABASE_URL", "REDIS_URL"))},
           "DATABASE_URL": settings.database_url, "REDIS_URL": redis_url, "TOMONI_WORKER_PROCESSES": "2",
           "LINE_CHANNEL_SECRET": LINE_SECRET, "LINE_CHANNEL_ACCESS_TOKEN": "t", "LINE_API_BASE_URL": fake.url}
    s = dataclasses.replace(settings, line_channel_secret=LINE_SECRET, line_channel_access_token="t",
                            line_api_base_url=fake.url, redis_url=redis_url, in_process_worker=False,
                            worker_processes=2)
    app = create_app(s, bot=bot)
    work = current_runtime(app).work
    assert isinstance(work, RedisQueue)
    lists = [work.list_of(lane) for lane in range(2)]
    work.redis.delete(*lists)
    with subprocess.Popen([str(Path(sys.executable).parent / "flask"), "--app", "app", "worker"], cwd=ROOT, env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True) as proc:
        try:
            assert proc.stdout is not None and "2 processes" in proc.stdout.readline()
            children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children")
            assert fake.wait_for(lambda: len(children.read_text().split()) == 2, timeout=30)
            client = app.test_client()
            for n in range(6):
                line_post(client, line_body(text_event(f"hello {n}", user=f"Ucli{n % 3}", event_id=f"01C{n:023d}")))
            assert fake.wait_for(lambda: count(bot, Outbox, status="sent") == 6, timeout=60)
            lanes = children.read_text().split()
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(timeout=30) == 0
            assert not any(Path(f"/proc/{pid}").exists() for pid in lanes)
        finally:
            if proc.poll() is None:
                proc.kill()
            work.redis.delete(*lists)
