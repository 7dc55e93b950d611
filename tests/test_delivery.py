"""Exactly-once delivery under faults, against the LINE-strict fakes of tests/fakes.py over real HTTP.

A reply token works once and a retry key is accepted once at the fake, as at LINE. Faults: a call refused before
anything happened (500), a call accepted and then left without an answer (as a timeout), a call accepted and then
answered 500, a process killed mid-call. Time passing is simulated by making rows due, never by sleeping."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest
import requests
from linebot.v3.webhooks import Event
from sqlalchemy import select, update

from bot.channels.line import LineChannel
from bot.channels.messenger import MessengerChannel
from bot.runtime import Runtime, build_runtime
from bot.storage.models import Outbox, utcnow

from .payloads import FB_SECRET, FB_TOKEN, FB_VERIFY, LINE_SECRET, LINE_TOKEN, fb_item, text_event


@pytest.fixture()
def runtime(settings, bot, fake) -> Runtime:
    """LINE and Messenger against the fake, no worker thread: the test drives every attempt."""
    on = dataclasses.replace(settings, line_channel_secret=LINE_SECRET, line_channel_access_token=LINE_TOKEN,
                             line_api_base_url=fake.url, messenger_app_secret=FB_SECRET,
                             messenger_verify_token=FB_VERIFY, messenger_page_access_token=FB_TOKEN,
                             graph_api_base_url=fake.url)
    return build_runtime(on, bot)


def line_reply(runtime: Runtime, text: str = "hello", event: str = "01J0000000000000000000Z1", age: float = 0.0,
               user: str = "U1") -> Outbox:
    """A LINE event answered by the bot: its outbox row, claimed, not yet sent (as a worker holds it)."""
    line = runtime.channels["line"]
    assert isinstance(line, LineChannel)
    inbound = line.to_inbound(Event.from_dict(text_event(text, user, event, age=age)))
    assert inbound is not None
    reply = runtime.bot.handle(inbound)
    assert reply is not None and reply.outbox is not None
    return reply.outbox


def messenger_reply(runtime: Runtime, text: str = "hello", mid: str = "m.1", psid: str = "P1") -> Outbox:
    messenger = runtime.channels["messenger"]
    assert isinstance(messenger, MessengerChannel)
    inbound = messenger.to_inbound(fb_item(psid, mid, text))
    assert inbound is not None
    reply = runtime.bot.handle(inbound)
    assert reply is not None and reply.outbox is not None
    return reply.outbox


def settle(runtime: Runtime, rounds: int = 12) -> None:
    """Let time pass until nothing is left to send: every waiting row (a back-off, the lease of a dead worker) is
    made due and attempted, round after round."""
    store = runtime.bot.store
    for _ in range(rounds):
        with store.session() as s:
            s.execute(update(Outbox).where(Outbox.status.in_(("pending", "sending")))
                      .values(next_attempt_at=utcnow() - dt.timedelta(seconds=1)))
        runtime.deliverer.deliver_due()
        if not open_rows(runtime):
            return


def open_rows(runtime: Runtime) -> list[Outbox]:
    with runtime.bot.store.session() as s:
        return list(s.scalars(select(Outbox).where(Outbox.status.in_(("pending", "sending")))))


def row_of(runtime: Runtime, row_id: int) -> Outbox:
    with runtime.bot.store.session() as s:
        return s.get_one(Outbox, row_id)


@pytest.mark.parametrize("fault", ["drop", "late500", 500, 503])
def test_a_line_reply_without_a_clear_answer_is_tried_again_with_its_token_never_pushed(runtime, fake, fault) -> None:
    fake.fail("/v2/bot/message/reply", fault)
    row = line_reply(runtime)
    runtime.deliverer.deliver(row)
    assert row_of(runtime, row.id).in_doubt and row_of(runtime, row.id).status == "pending"
    settle(runtime)
    done = row_of(runtime, row.id)
    assert done.status == "sent" and not done.in_doubt
    assert len(fake.delivered) == 1, fake.delivered  # the resident sees one answer
    assert not fake.calls("/v2/bot/message/push")
    assert len(fake.calls("/v2/bot/message/reply")) == 2
    if fault in ("drop", "late500"):  # LINE had it: the same token is refused as used, which says so
        assert fake.calls("/v2/bot/message/reply")[1]["status"] == 400 and "already used" in (done.last_error or "")


@pytest.mark.parametrize("reached_line", [True, False])
def test_a_worker_killed_during_a_reply_leaves_one_answer(runtime, fake, reached_line) -> None:
    row = line_reply(runtime)
    runtime.bot.store.begin_call(row.id, 20.0)  # what the worker wrote before its call; then it was killed
    if reached_line:  # its call had arrived at LINE
        requests.post(f"{fake.url}/v2/bot/message/reply", json={"replyToken": row.reply_token,
                                                                "messages": [{"type": "text", "text": "hello"}]},
                      timeout=5)
    assert row_of(runtime, row.id).status == "sending"  # nobody takes it before its lease has passed
    settle(runtime)
    assert row_of(runtime, row.id).status == "sent"
    assert len(fake.delivered) == 1 and not fake.calls("/v2/bot/message/push")


@pytest.mark.parametrize("channel", ["line", "messenger"])
def test_the_first_call_needs_no_write_of_its_own_the_answer_wrote_the_row_in_doubt(runtime, fake, channel) -> None:
    """The outbox row of a reply is written in doubt with the answer (Store.finish): the first call is preceded by
    no UPDATE of its own, and only its outcome is written."""
    from sqlalchemy import event

    row = line_reply(runtime) if channel == "line" else messenger_reply(runtime)
    stored = row_of(runtime, row.id)
    assert stored.in_doubt and stored.status == "sending" and row.call_begun
    updates: list[str] = []

    def executed(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().startswith("UPDATE outbox"):
            updates.append(statement)

    event.listen(runtime.bot.store.engine, "before_cursor_execute", executed)
    try:
        runtime.deliverer.deliver(row)
    finally:
        event.remove(runtime.bot.store.engine, "before_cursor_execute", executed)
    assert len(updates) == 1  # the mark; before, a begin_call too
    done = row_of(runtime, row.id)
    assert done.status == "sent" and not done.in_doubt and len(fake.delivered) == 1


@pytest.mark.parametrize("channel", ["line", "messenger"])
def test_a_worker_killed_between_recording_the_answer_and_its_call_leaves_one_answer(runtime, fake, channel) -> None:
    """The worker died after the answer's commit and before its call (nothing reached the platform): the row is in
    doubt with the call's lease (not the claim's 120 s: LINE's token lives about a minute), and the next attempt
    looks before sending (LINE: the same token, accepted; Messenger: the conversation, where it is not): one
    answer, never a push."""
    row = line_reply(runtime) if channel == "line" else messenger_reply(runtime)
    stored = row_of(runtime, row.id)
    assert stored.in_doubt and stored.status == "sending"
    assert stored.next_attempt_at <= utcnow() + dt.timedelta(seconds=31)
    settle(runtime)
    done = row_of(runtime, row.id)
    assert done.status == "sent" and not done.in_doubt and len(fake.delivered) == 1
    assert not fake.calls("/v2/bot/message/push")
    if channel == "messenger":
        assert fake.calls("/v21.0/me/conversations")  # looked for, not found, then sent


def test_a_reply_never_called_whose_token_expired_meanwhile_is_unknown_not_pushed(runtime, fake) -> None:
    """The price of writing the row in doubt with the answer: a worker that died between that commit and its call,
    with no worker taking the row before the token's life ended, leaves 'outcome unknown' (shown to staff), as a
    worker killed during the call does; it is not pushed, which could be a second copy."""
    row = line_reply(runtime)
    with runtime.bot.store.session() as s:
        s.get_one(Outbox, row.id).reply_deadline = utcnow() - dt.timedelta(seconds=1)
    settle(runtime)
    done = row_of(runtime, row.id)
    assert done.status == "failed" and done.in_doubt and not fake.delivered


def test_a_reply_in_doubt_after_its_token_expired_is_not_pushed_and_is_shown_as_unknown(runtime, fake) -> None:
    fake.fail("/v2/bot/message/reply", "drop")
    row = line_reply(runtime)
    runtime.deliverer.deliver(row)
    with runtime.bot.store.session() as s:  # the token's life passed before the next attempt
        s.get_one(Outbox, row.id).reply_deadline = utcnow() - dt.timedelta(seconds=1)
    settle(runtime)
    done = row_of(runtime, row.id)
    assert done.status == "failed" and done.in_doubt and "unknown" in (done.last_error or "")
    assert len(fake.delivered) == 1 and not fake.calls("/v2/bot/message/push")


def test_a_reply_refused_for_sure_becomes_one_push_with_a_retry_key(runtime, fake) -> None:
    fake.fail("/v2/bot/message/reply", 400)
    fake.fail("/v2/bot/message/push", 500)  # and the push needs a second try
    row = line_reply(runtime)
    runtime.deliverer.deliver(row)
    settle(runtime)
    assert row_of(runtime, row.id).status == "sent" and len(fake.delivered) == 1
    keys = [c["headers"]["X-Line-Retry-Key"] for c in fake.calls("/v2/bot/message/push")]
    assert len(keys) == 2 and len(set(keys)) == 1 and keys[0] == row.retry_key
    assert len(fake.calls("/v2/bot/message/reply")) == 1  # the refused reply is not tried again


@pytest.mark.parametrize("fault", ["drop", "late500"])
def test_a_push_accepted_without_an_answer_is_retried_with_the_same_key_and_arrives_once(runtime, fake, fault) -> None:
    fake.fail("/v2/bot/message/push", fault)
    row = line_reply(runtime, age=120)  # the reply token is stale: a push
    runtime.deliverer.deliver(row)
    settle(runtime)
    pushes = fake.calls("/v2/bot/message/push")
    assert [p["status"] for p in pushes] == [0 if fault == "drop" else 500, 409]
    assert {p["headers"]["X-Line-Retry-Key"] for p in pushes} == {row.retry_key}
    assert row_of(runtime, row.id).status == "sent" and len(fake.delivered) == 1


def test_the_sent_message_id_is_recorded(runtime, fake) -> None:
    line = line_reply(runtime)
    runtime.deliverer.deliver(line)
    fb = messenger_reply(runtime)
    runtime.deliverer.deliver(fb)
    assert {row_of(runtime, line.id).platform_id, row_of(runtime, fb.id).platform_id} == \
        {d["id"] for d in fake.delivered}


@pytest.mark.parametrize("fault", ["drop", "late500", 502])
def test_a_messenger_send_in_doubt_is_looked_up_before_it_is_sent_again(runtime, fake, fault) -> None:
    fake.fail("/v21.0/me/messages", fault)
    row = messenger_reply(runtime)
    runtime.deliverer.deliver(row)
    assert row_of(runtime, row.id).in_doubt
    settle(runtime)
    done = row_of(runtime, row.id)
    assert done.status == "sent" and not done.in_doubt
    assert len(fake.delivered) == 1 and done.platform_id == fake.delivered[0]["id"]
    assert fake.calls("/v21.0/me/conversations")  # looked up
    assert len(fake.calls("/v21.0/me/messages")) == (2 if fault == 502 else 1)


def test_a_messenger_send_in_doubt_that_cannot_be_checked_is_not_resent(runtime, fake, monkeypatch) -> None:
    monkeypatch.setattr("bot.storage.outbox.MAX_ATTEMPTS", 4)
    fake.fail("/v21.0/me/messages", "drop")
    fake.fail("/v21.0/me/conversations", *[500] * 10)
    row = messenger_reply(runtime)
    runtime.deliverer.deliver(row)
    settle(runtime)
    done = row_of(runtime, row.id)
    assert done.status == "failed" and done.in_doubt  # 'outcome unknown', for staff
    assert len(fake.calls("/v21.0/me/messages")) == 1 and len(fake.delivered) == 1


def test_the_same_text_sent_before_is_not_taken_for_the_send_in_doubt(runtime, fake) -> None:
    first = messenger_reply(runtime, "hello", "m.1")
    runtime.deliverer.deliver(first)
    fake.fail("/v21.0/me/messages", 500)  # refused: this one never arrived
    second = messenger_reply(runtime, "hello", "m.2")
    runtime.deliverer.deliver(second)
    settle(runtime)
    texts = [d["text"] for d in fake.delivered]
    assert len(texts) == 2 and texts[0] == texts[1]  # the same answer twice, as asked twice
    assert row_of(runtime, second.id).platform_id != row_of(runtime, first.id).platform_id


def test_a_connection_that_was_never_made_is_not_in_doubt(runtime, fake, monkeypatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise requests.ConnectTimeout("no connection")

    row = messenger_reply(runtime)
    channel = runtime.channels["messenger"]
    monkeypatch.setattr(channel.http, "post", refuse)
    runtime.deliverer.deliver(row)
    assert not row_of(runtime, row.id).in_doubt and row_of(runtime, row.id).status == "pending"
