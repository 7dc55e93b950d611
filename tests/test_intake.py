"""The webhook path: a signed body is kept in one insert before the 200 and taken by a worker later; nothing a
resident sent is lost when a process dies in between, and nothing is answered twice."""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
from typing import Any

import pytest
from sqlalchemy import update

from bot.answering.assembly import build_bot
from bot.current import current_runtime
from bot.storage.models import Inbox, Message, Outbox, utcnow

from .helpers import channel_app, count, fresh_postgres
from .payloads import LINE_SECRET as SECRET
from .payloads import line_body as payload
from .payloads import line_post as post
from .payloads import redelivered, text_event


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def settings(request, settings):
    """Every test here on SQLite, and on a fresh PostgreSQL database when TOMONI_TEST_POSTGRES_URL is set: the take
    differs (PostgreSQL reads the row with the DELETE that takes it, and commits without waiting for the disk)."""
    if request.param == "sqlite":
        yield settings
        return
    with fresh_postgres(request.getfixturevalue("postgres_url"), "tomoni_intake") as url:
        yield dataclasses.replace(settings, database_url=url, auto_migrate=True)


@pytest.fixture()
def bot(settings, data):
    """The conftest's bot, on the database of `settings`; its connections closed afterwards."""
    built = build_bot(settings, data)
    yield built
    built.store.engine.dispose()


@pytest.fixture()
def quiet_app(settings, bot, fake):
    """LINE on, no worker running: the test plays the worker (or its absence)."""
    with channel_app(settings, bot, line_channel_secret=SECRET, line_channel_access_token="test-token",
                     line_api_base_url=fake.url, in_process_worker=False) as app:
        yield app


def test_the_webhook_keeps_the_body_in_one_row_and_answers_before_any_processing(quiet_app, bot) -> None:
    body = payload(text_event("onde jogo pilhas?", event_id="01J00000000000000000000IN1"),
                   text_event("hello", user="U2", event_id="01J00000000000000000000IN2"))
    assert post(quiet_app.test_client(), body).status_code == 200
    assert count(bot, Inbox) == 1 and count(bot, Message) == 0
    with bot.store.session() as s:
        assert s.query(Inbox).one().body == body.decode()


def test_a_body_kept_before_the_process_died_is_answered_after_a_restart(quiet_app, bot, fake) -> None:
    post(quiet_app.test_client(), payload(text_event("onde jogo pilhas?", event_id="01J00000000000000000000CR1")))
    # The process died after the 200: its queue (memory) is gone, the row stays. A new process starts.
    with bot.store.session() as s:
        s.execute(update(Inbox).values(received_at=utcnow() - dt.timedelta(minutes=1)))
    worker = current_runtime(quiet_app).new_worker()
    worker.run_once(timeout=0)  # nothing queued: the first round sweeps
    assert fake.wait_for(lambda: count(bot, Outbox, status="sent") == 1)
    assert count(bot, Inbox) == 0 and count(bot, Message, direction="in", processed=True) == 1
    assert [c["json"]["replyToken"] for c in fake.calls("/v2/bot/message/")] == ["rt-01J00000000000000000000CR1"]


def test_a_worker_dying_while_taking_a_body_leaves_it_whole_for_the_next(quiet_app, bot, fake, monkeypatch) -> None:
    body = payload(text_event("onde jogo pilhas?", event_id="01J00000000000000000000TK1"),
                   text_event("hello", user="U2", event_id="01J00000000000000000000TK2"))
    post(quiet_app.test_client(), body)
    runtime = current_runtime(quiet_app)
    inbox_id = runtime.work.get(0)
    assert inbox_id is not None
    original = type(bot.store)._take_one  # stores one event of the body, in the transaction that deletes the row
    calls: list[int] = []

    def dies_on_the_second(self: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 2:
            raise SystemExit("killed")  # not an Exception: nothing catches it, as with a killed process
        return original(self, *args, **kwargs)

    monkeypatch.setattr(type(bot.store), "_take_one", dies_on_the_second)
    with pytest.raises(SystemExit):
        runtime.new_worker().take(inbox_id)
    assert count(bot, Inbox) == 1 and count(bot, Message) == 0  # the transaction took nothing
    monkeypatch.setattr(type(bot.store), "_take_one", original)
    ids = runtime.new_worker().take(inbox_id)
    assert len(ids) == 2 and count(bot, Inbox) == 0


def test_the_same_webhook_twice_taken_by_two_workers_at_once_is_answered_once(quiet_app, bot, fake) -> None:
    client = quiet_app.test_client()
    first = text_event("onde jogo pilhas?", event_id="01J00000000000000000000DU1")
    again = redelivered(first)
    assert post(client, payload(first)).status_code == 200
    assert post(client, payload(again)).status_code == 200  # LINE did not hear our 200 and sent it again
    runtime = current_runtime(quiet_app)
    rows = [runtime.work.get(0), runtime.work.get(0)]
    assert None not in rows and count(bot, Inbox) == 2
    barrier = threading.Barrier(4)

    def work(inbox_id: int) -> None:
        worker = runtime.new_worker()
        barrier.wait()
        for message_id in worker.take(inbox_id):
            worker._process(message_id)

    threads = [threading.Thread(target=work, args=(row,)) for row in rows + rows]  # each row by two workers
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert fake.wait_for(lambda: count(bot, Outbox, status="sent") == 1)
    assert count(bot, Inbox) == 0 and count(bot, Message, direction="in") == 1
    assert len(fake.calls("/v2/bot/message/")) == 1


def test_a_database_that_is_down_means_a_500_so_the_platform_sends_again(quiet_app, bot, monkeypatch) -> None:
    from sqlalchemy.exc import OperationalError

    def down(*args: Any) -> int:
        raise OperationalError("INSERT", {}, Exception("database is down"))

    monkeypatch.setattr(bot.store, "accept", down)
    quiet_app.config["PROPAGATE_EXCEPTIONS"] = False
    res = post(quiet_app.test_client(), payload(text_event("hello", event_id="01J00000000000000000000DN1")))
    assert res.status_code == 500


def test_a_lost_queue_costs_nothing_the_sweep_takes_the_row(quiet_app, bot, fake, monkeypatch, caplog) -> None:
    runtime = current_runtime(quiet_app)

    def unreachable(inbox_id: int, resident: str = "") -> None:
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(runtime.work, "put", unreachable)
    res = post(quiet_app.test_client(), payload(text_event("hello", event_id="01J00000000000000000000LQ1")))
    assert res.status_code == 200 and count(bot, Inbox) == 1
    assert "queue unreachable" in caplog.text
    with bot.store.session() as s:
        s.execute(update(Inbox).values(received_at=utcnow() - dt.timedelta(seconds=3)))
    runtime.new_worker().sweep()
    assert fake.wait_for(lambda: count(bot, Outbox, status="sent") == 1)


def test_an_event_the_database_refuses_is_rejected_and_its_neighbour_answered_once(quiet_app, bot, fake) -> None:
    from bot.storage.models import RejectedEvent

    from .test_logs import refuse

    refuse(bot.store.engine, "messages", "text", "REFUSED")
    body = payload(text_event("REFUSED words", event_id="01J00000000000000000000RF1"),
                   text_event("onde jogo pilhas?", user="U2", event_id="01J00000000000000000000RF2"))
    assert post(quiet_app.test_client(), body).status_code == 200
    runtime = current_runtime(quiet_app)
    worker = runtime.new_worker()
    for message_id in worker.take(runtime.work.get(0) or 0):
        worker._process(message_id)
    assert fake.wait_for(lambda: count(bot, Outbox, status="sent") == 1)
    assert count(bot, Inbox) == 0 and count(bot, RejectedEvent) == 1  # not taken again and again
    assert [c["json"]["replyToken"] for c in fake.calls("/v2/bot/message/")] == ["rt-01J00000000000000000000RF2"]


def test_one_residents_messages_are_answered_in_order_by_a_worker_of_several_threads(quiet_app, bot, fake) -> None:
    """Answering threads take residents by lane: a resident's second message is answered after the first, while
    other residents are answered beside them."""
    client = quiet_app.test_client()
    for n in range(6):  # resident U1 writes three times, U2 and U3 once each, U1 once more
        user = "U1" if n in (0, 1, 2, 5) else f"U{n - 1}"
        post(client, payload(text_event("I want to talk to a real person" if n == 0 else f"hello {n}", user=user,
                                        event_id=f"01J00000000000000000000OR{n}")))
    runtime = current_runtime(quiet_app)
    runtime.threads = 4
    runtime.start_worker()
    assert fake.wait_for(lambda: len(fake.calls("/v2/bot/message/reply")) == 6, timeout=30)
    order = [c["json"]["replyToken"][-1] for c in fake.calls("/v2/bot/message/reply")]
    assert [n for n in order if n in "0125"] == ["0", "1", "2", "5"]
    assert runtime.worker is not None and len(runtime.worker.lanes) == 4


def test_under_a_backlog_the_sweep_leaves_queued_work_in_its_residents_lane(quiet_app, bot, fake) -> None:
    """A worker behind by more than the sweep's thresholds: rows waiting in its queue and a message waiting in an
    answering thread's lane only look forgotten. The sweep leaves them (taking them in the sweeping thread answered a
    resident's messages out of their lane, two at once or out of order); a message really forgotten goes to its
    resident's lane."""
    import queue as queue_mod

    client = quiet_app.test_client()
    runtime = current_runtime(quiet_app)
    worker = runtime.new_worker()
    worker.lanes = [queue_mod.Queue(), queue_mod.Queue()]  # two answering threads' lanes (not started here)
    post(client, payload(text_event("onde jogo pilhas?", user="U1", event_id="01J00000000000000000000BL1")))
    first = runtime.work.get(0)
    assert first is not None
    worker.answer(worker._take(first))  # U1's first message: waiting in its lane
    for n in (2, 3):  # and two more bodies waiting in the queue
        post(client, payload(text_event(f"hello {n}", user="U1", event_id=f"01J00000000000000000000BL{n}")))
    with bot.store.session() as s:  # the backlog: everything older than the sweep's thresholds
        s.execute(update(Inbox).values(received_at=utcnow() - dt.timedelta(minutes=5)))
        s.execute(update(Message).values(created_at=utcnow() - dt.timedelta(minutes=5)))
    worker.sweep()
    assert count(bot, Inbox) == 2 and count(bot, Message, processed=True) == 0 and not fake.calls("/v2/bot/message/")
    (lane,) = [lane for lane in worker.lanes if lane.qsize()]
    message_id = lane.get_nowait()  # the answering thread takes it; the queue is emptied by the taking thread …
    worker._process(message_id)
    while (inbox_id := runtime.work.get(0)) is not None:
        worker.answer(worker._take(inbox_id))
    (lane,) = [lane for lane in worker.lanes if lane.qsize()]
    later = [lane.get_nowait(), lane.get_nowait()]  # … both of U1's later messages wait in one lane, in order
    assert later == sorted(later) and message_id < later[0]
    with bot.store.session() as s:  # the process answering them stopped: they are forgotten now
        s.execute(update(Message).values(created_at=utcnow() - dt.timedelta(minutes=5)))
    worker.sweep()  # nothing waits any more: the forgotten messages go to U1's lane, none answered here
    assert [lane.qsize() for lane in worker.lanes] in ([2, 0], [0, 2]) and len(fake.calls("/v2/bot/message/")) == 1


def test_a_body_of_a_channel_that_is_off_stays_whole(quiet_app, bot) -> None:
    """Messenger is off here: its body is left as it is (on PostgreSQL the DELETE that read it is undone)."""
    inbox_id = bot.store.accept("messenger", '{"object": "page", "entry": []}')
    assert current_runtime(quiet_app).new_worker().take(inbox_id) == []
    assert count(bot, Inbox) == 1 and count(bot, Message) == 0


def test_only_what_the_sweep_repairs_commits_without_waiting_for_the_disk(quiet_app, bot, fake) -> None:
    """One event from the webhook to the reply. On PostgreSQL, the take (the inbox row comes back with its events)
    and the claim (taken again) commit without waiting for the WAL flush; the inbox insert before the 200, the answer
    with its outbox row (in doubt before the reply call) and the delivery's mark always wait. On SQLite nothing
    changes."""
    from sqlalchemy import event

    statements: dict[int, list[str]] = {}
    committed: list[list[str]] = []

    def executed(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.setdefault(id(conn), []).append(" ".join(statement.split())[:40])

    def commit(conn: Any) -> None:
        committed.append(statements.pop(id(conn), []))

    def rollback(conn: Any) -> None:
        statements.pop(id(conn), None)

    engine = bot.store.engine
    for name, listener in (("before_cursor_execute", executed), ("commit", commit), ("rollback", rollback)):
        event.listen(engine, name, listener)
    try:
        post(quiet_app.test_client(), payload(text_event("onde jogo pilhas?", event_id="01J00000000000000000000SC1")))
        runtime = current_runtime(quiet_app)
        worker = runtime.new_worker()
        for message_id in worker.take(runtime.work.get(0) or 0):
            worker._process(message_id)
    finally:
        for name, listener in (("before_cursor_execute", executed), ("commit", commit), ("rollback", rollback)):
            event.remove(engine, name, listener)
    assert fake.wait_for(lambda: count(bot, Outbox, status="sent") == 1)
    relaxed = [t for t in committed if any("synchronous_commit" in s for s in t)]
    waiting = [t for t in committed if t not in relaxed]
    if engine.dialect.name == "sqlite":
        assert not relaxed
        return
    assert len(relaxed) == 2  # the take, the claim
    assert any(s.startswith("DELETE FROM inbox") for s in relaxed[0]) and any(
        s.startswith("UPDATE messages") for s in relaxed[1])
    for transaction in relaxed:
        assert not any(s.startswith(("INSERT INTO inbox", "INSERT INTO outbox", "UPDATE outbox")) for s in transaction)
    assert [any(s.startswith(("INSERT INTO inbox", "INSERT INTO outbox", "UPDATE outbox")) for s in t)
            for t in waiting].count(True) == 3  # the inbox insert, the answer, the mark "sent"


def _statements_of(engine: Any, run: Any) -> list[str]:
    """The SQL statements `run()` sends through `engine` (the first words of each)."""
    from sqlalchemy import event

    seen: list[str] = []

    def executed(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        seen.append(" ".join(statement.split())[:60])

    event.listen(engine, "before_cursor_execute", executed)
    try:
        run()
    finally:
        event.remove(engine, "before_cursor_execute", executed)
    return seen


def test_the_residents_row_is_one_statement_of_the_take_and_a_deleted_resident_gets_a_new_row(quiet_app, bot) -> None:
    """The take makes or finds the resident's row in one upsert (INSERT … ON CONFLICT … RETURNING; before: a SELECT,
    then an INSERT or an UPDATE), for a first contact and a returning resident alike. A resident who deleted their
    data since is a new row (their old one, `deleted:…`, is left alone), and a redelivery of an event from before
    the deletion is still recognised and not stored again."""
    from bot.answering.privacy import forget_by_id
    from bot.storage.models import User

    client = quiet_app.test_client()
    runtime = current_runtime(quiet_app)
    worker = runtime.new_worker()

    def take(event: dict[str, Any]) -> tuple[list[int], list[str]]:
        post(client, payload(event))
        inbox_id = runtime.work.get(0)
        assert inbox_id is not None
        ids: list[int] = []
        users = [s for s in _statements_of(bot.store.engine, lambda: ids.extend(worker.take(inbox_id)))
                 if "users" in s.split(" (")[0].split(" WHERE")[0]]
        return ids, users

    first = text_event("onde jogo pilhas?", user="Uupsert", event_id="01J00000000000000000000UP1")
    (m1,), users = take(first)
    assert len(users) == 1 and users[0].startswith("INSERT INTO users")  # first contact: one statement
    with bot.store.session() as s:
        row = s.query(User).filter_by(external_id="Uupsert").one()
        uid, seen = row.id, row.last_seen_at
    (m2,), users = take(text_event("hello", user="Uupsert", event_id="01J00000000000000000000UP2"))
    assert len(users) == 1 and users[0].startswith("INSERT INTO users")  # returning: the same one statement
    with bot.store.session() as s:
        assert s.query(User).filter_by(external_id="Uupsert").one().last_seen_at >= seen
        assert {m.user_id for m in s.query(Message).filter(Message.id.in_([m1, m2]))} == {uid}
        assert count(bot, User) == 1
    forget_by_id(bot.store, uid)
    assert take(redelivered(first))[0] == []  # from before the deletion: recognised, not a newcomer
    (m3,), _ = take(text_event("hello again", user="Uupsert", event_id="01J00000000000000000000UP3"))
    with bot.store.session() as s:
        new = s.query(User).filter_by(external_id="Uupsert").one()
        old = s.get(User, uid)
        assert new.id != uid and s.get_one(Message, m3).user_id == new.id
        assert old is not None and old.external_id.startswith("deleted:")


def test_a_backlog_is_taken_in_fewer_transactions_in_order_nothing_lost_or_doubled(quiet_app, bot, fake) -> None:
    """Twelve bodies waiting (three residents, one body sent twice by LINE): the worker takes the rows already queued
    in one transaction each round (ten at most) instead of one per body. Every event is stored and answered once,
    each resident's messages in the order they came."""
    from sqlalchemy import event

    from bot.worker import TAKE_BATCH

    client = quiet_app.test_client()
    sent: list[tuple[str, str]] = []  # (resident, event id) in the order the webhooks came
    for n in range(11):
        user = f"U{n % 3}"
        first = text_event(f"hello {n}", user=user, event_id=f"01J00000000000000000000BA{n:02d}")
        post(client, payload(first))
        sent.append((user, first["webhookEventId"]))
        if n == 4:
            post(client, payload(redelivered(first)))  # the same event again, queued behind it
    takes: list[int] = []

    def executed(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().startswith("DELETE FROM inbox"):
            takes.append(1)

    runtime = current_runtime(quiet_app)
    worker = runtime.new_worker()
    event.listen(bot.store.engine, "before_cursor_execute", executed)
    try:
        while count(bot, Inbox):
            worker.run_once(timeout=0)
    finally:
        event.remove(bot.store.engine, "before_cursor_execute", executed)
    assert len(takes) == -(-12 // TAKE_BATCH) == 2  # 12 rows: 10, then 2 (before: 12 transactions)
    assert fake.wait_for(lambda: count(bot, Outbox, status="sent") == 11)
    assert count(bot, Message, direction="in") == 11 and count(bot, Message, direction="in", processed=True) == 11
    tokens = [c["json"]["replyToken"] for c in fake.calls("/v2/bot/message/reply")]
    assert sorted(tokens) == sorted(f"rt-{e}" for _, e in sent)  # each answered once
    for user in ("U0", "U1", "U2"):
        theirs = [f"rt-{e}" for u, e in sent if u == user]
        assert [t for t in tokens if t in theirs] == theirs  # in the order they wrote


def test_a_worker_dying_while_taking_a_backlog_leaves_every_row_whole(quiet_app, bot, fake, monkeypatch) -> None:
    """The batch is one transaction: a worker killed in the middle of it took nothing; the next takes all of it."""
    client = quiet_app.test_client()
    for n in range(4):
        post(client, payload(text_event(f"hello {n}", user=f"U{n}", event_id=f"01J00000000000000000000BK{n}")))
    runtime = current_runtime(quiet_app)
    original = type(bot.store)._take_one
    calls: list[int] = []

    def dies_on_the_third(self: Any, *args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 3:
            raise SystemExit("killed")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(type(bot.store), "_take_one", dies_on_the_third)
    with pytest.raises(SystemExit):
        runtime.new_worker().run_once(timeout=0)
    assert count(bot, Inbox) == 4 and count(bot, Message) == 0
    monkeypatch.setattr(type(bot.store), "_take_one", original)
    worker = runtime.new_worker()
    worker.answer(worker._take_many(bot.store.waiting(older_than=-1)))  # the queue lost them: the rows are all there
    assert count(bot, Inbox) == 0 and count(bot, Message, direction="in") == 4
    assert fake.wait_for(lambda: count(bot, Outbox, status="sent") == 4)


def test_a_backlog_with_a_body_of_a_channel_that_is_off_takes_the_others_and_keeps_it(quiet_app, bot, fake) -> None:
    """Messenger is off: the batch is not taken as one (its row must stay); each row is then taken on its own."""
    client = quiet_app.test_client()
    post(client, payload(text_event("hello", user="U1", event_id="01J00000000000000000000OF1")))
    runtime = current_runtime(quiet_app)
    first = runtime.work.get(0)
    off = bot.store.accept("messenger", '{"object": "page", "entry": []}')
    post(client, payload(text_event("hello", user="U2", event_id="01J00000000000000000000OF2")))
    second = runtime.work.get(0)
    assert first is not None and second is not None
    worker = runtime.new_worker()
    worker.answer(worker._take_many([first, off, second]))
    assert count(bot, Inbox) == 1 and count(bot, Message, direction="in") == 2
    assert fake.wait_for(lambda: count(bot, Outbox, status="sent") == 2)
