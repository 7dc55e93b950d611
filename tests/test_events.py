"""Events taken one by one: a bad event never costs its neighbours, the platform gets 200 for any signed body, and a
poison event is given up after a bounded number of tries, shown to staff, logged once without the resident's words.
On SQLite and, with TOMONI_TEST_POSTGRES_URL, on PostgreSQL (where NUL bytes and long ids used to fail whole batches)."""

from __future__ import annotations

import dataclasses
import json
import logging
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import select

from bot.answering.assembly import build_bot
from bot.app import create_app
from bot.messages import Inbound
from bot.storage.models import Message, RejectedEvent

from .helpers import PASSWORD, count, fresh_postgres, log_in, taken
from .payloads import (
    FB_SECRET,
    FB_TOKEN,
    FB_VERIFY,
    LINE_SECRET,
    LINE_TOKEN,
    fb_body,
    fb_item,
    fb_post,
    line_post,
    text_event,
)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_settings(request, settings) -> Iterator[Any]:
    """The test settings on SQLite, or on a fresh PostgreSQL database."""
    if request.param == "sqlite":
        yield settings
        return
    with fresh_postgres(request.getfixturevalue("postgres_url")) as url:
        yield dataclasses.replace(settings, auto_migrate=True, database_url=url)


@pytest.fixture()
def apps(db_settings, data, fake):
    """The app with LINE and Messenger on, on the chosen database, with its worker thread."""
    bot = build_bot(db_settings, data)
    app = create_app(dataclasses.replace(
        db_settings, line_channel_secret=LINE_SECRET, line_channel_access_token=LINE_TOKEN, line_api_base_url=fake.url,
        messenger_app_secret=FB_SECRET, messenger_verify_token=FB_VERIFY, messenger_page_access_token=FB_TOKEN,
        graph_api_base_url=fake.url), bot=bot)
    yield app, bot
    from bot.current import current_runtime

    runtime = current_runtime(app)
    if runtime.worker:
        runtime.worker.stop()
    bot.store.engine.dispose()


def _line_bad(kind: str) -> Any:
    event = text_event("onde jogo pilhas?", user="U2", event_id="01J0000000000000000000BAD")
    if kind == "nul in the user id":
        event["source"]["userId"] = "U\x002"
    elif kind == "user id too long":
        event["source"]["userId"] = "U" * 300
    elif kind == "lone surrogate in the user id":
        event["source"]["userId"] = "U\ud8002"
    elif kind == "no message":
        del event["message"]
    elif kind == "message is a list":
        event["message"] = [1, 2]
    elif kind == "source is text":
        event["source"] = "user"
    elif kind == "timestamp is text":
        event["timestamp"] = "yesterday"
    elif kind == "event is a number":
        return 42
    return event


LINE_BAD = ["nul in the user id", "user id too long", "lone surrogate in the user id", "no message",
            "message is a list", "source is text", "timestamp is text", "event is a number"]


@pytest.mark.parametrize("bad", LINE_BAD)
def test_a_bad_line_event_is_rejected_and_its_neighbours_are_answered(apps, fake, bad) -> None:
    app, bot = apps
    body = json.dumps({"destination": "Ubot", "events": [
        text_event("onde jogo pilhas?", user="U1", event_id="01J0000000000000000000GD1"), _line_bad(bad),
        text_event("Khi nào đổ rác nhựa?", user="U3", event_id="01J0000000000000000000GD3")]}).encode()
    client = app.test_client()
    assert line_post(client, body).status_code == 200
    assert line_post(client, body).status_code == 200  # LINE sends it again: nothing more is stored
    assert taken(bot)
    assert count(bot, Message, direction="in") == 2
    with bot.store.session() as s:
        rejected = list(s.scalars(select(RejectedEvent)))
    assert len(rejected) == 1 and rejected[0].channel == "line" and rejected[0].reason
    assert fake.wait_for(lambda: len(fake.delivered) == 2)
    assert {d["replyToken"] for d in fake.delivered} == {"rt-01J0000000000000000000GD1", "rt-01J0000000000000000000GD3"}


def test_a_nul_byte_or_a_lone_surrogate_in_the_text_is_stored_cleaned_and_answered(apps, fake) -> None:
    app, bot = apps
    body = json.dumps({"destination": "Ubot", "events": [
        text_event("onde jogo\x00 pilhas?", user="U1", event_id="01J0000000000000000000NU1"),
        text_event("onde jogo pilhas?\ud800", user="U2", event_id="01J0000000000000000000NU2")]}).encode()
    assert line_post(app.test_client(), body).status_code == 200
    assert fake.wait_for(lambda: len(fake.delivered) == 2)
    with bot.store.session() as s:
        texts = set(s.scalars(select(Message.text).where(Message.direction == "in")))
    assert "onde jogo pilhas?" in texts and len(texts) == 2
    assert all(t.startswith("onde jogo pilhas?") and "\x00" not in t and "\ud800" not in t for t in texts)
    assert all("pilha" in str(d["text"]).lower() for d in fake.delivered)


@pytest.mark.parametrize("bad", [
    {"sender": {"id": "P\x002"}, "message": {"mid": "m.bad", "text": "hi"}},
    {"sender": {"id": "P2"}, "message": {"mid": "m" * 400, "text": "hi"}},
    {"sender": {"id": ["P2"]}, "message": {"mid": "m.bad", "text": "hi"}},
    {"sender": {"id": "P2"}, "message": {"mid": "m.bad", "text": "hi", "quick_reply": "lang:vi"}},
    {"sender": "P2", "message": {"mid": "m.bad", "text": "hi"}},
    "not an item",
])
def test_a_bad_messenger_item_is_rejected_and_its_neighbours_are_answered(apps, fake, bad) -> None:
    app, bot = apps
    body = fb_body([fb_item("P1", "m.1", "onde jogo pilhas?"), bad, fb_item("P3", "m.3", "Khi nào đổ rác nhựa?")])
    client = app.test_client()
    assert fb_post(client, body).status_code == 200
    assert fb_post(client, body).status_code == 200
    assert taken(bot)
    assert count(bot, Message, direction="in") == 2 and count(bot, RejectedEvent) == 1
    assert fake.wait_for(lambda: len(fake.delivered) == 2)
    assert {d["to"] for d in fake.delivered} == {"P1", "P3"}


def test_a_poison_event_is_given_up_after_its_tries_shown_to_staff_and_logged_once_without_words(
        bot, monkeypatch, caplog) -> None:
    from bot.storage.outbox import Deliverer
    from bot.worker import MemoryQueue, Worker

    words = "my secret address 1-2-3 Isesaki"

    def explode(*args: Any, **kwargs: Any) -> Any:
        raise ValueError(f"cannot read {words}")

    monkeypatch.setattr(bot, "_dispatch", explode)
    message_id = bot.receive(Inbound(channel="line", user_id="U-poison", text=words, event_id="poison"))
    assert message_id is not None
    worker = Worker(bot, Deliverer(bot.store, senders={}), MemoryQueue())
    caplog.set_level(logging.DEBUG)
    for _ in range(bot.max_tries + 2):
        with bot.store.session() as s:  # time passes: the claim of the last try has lapsed
            s.get_one(Message, message_id).claimed_at = None
        worker._process(message_id)
    with bot.store.session() as s:
        msg = s.get_one(Message, message_id)
    assert msg.processed and msg.attempts == bot.max_tries  # given up: no more tries
    assert msg.error and msg.error.startswith("ValueError at ") and words not in msg.error
    assert bot.store.unprocessed(older_than=-1) == []
    records = [r for r in caplog.records if r.name.startswith("bot")]
    assert sum(r.levelno >= logging.ERROR for r in records) == 1
    for r in records:
        rendered = r.getMessage() + json.dumps({k: str(v) for k, v in r.__dict__.items()}) + str(r.exc_text)
        assert words not in rendered and "U-poison" not in rendered


def test_delivery_problems_and_rejected_events_are_shown_to_staff(settings, bot, fake) -> None:
    from bot.desk import add_user
    from bot.storage.store import Delivery

    bot.store.reject("line", "abc", "user id longer than 128 characters")
    # an id long enough that a random CSRF token on the page never contains it by chance ("U9" did, 1 run in ~50)
    message_id = bot.receive(Inbound(channel="line", user_id="Uresident9private", text="private words", event_id="e9"))
    assert message_id is not None
    bot.store.claim(message_id)
    bot.store.failed(message_id, "ValueError at pipeline.py:1 x", max_tries=1)
    row = bot.store.enqueue(Delivery("Uresident9private", {"text": "private answer", "choices": []}), "line", None)
    bot.store.mark(row, sent=False, error="LINE reply: outcome unknown", in_doubt=True)
    app = create_app(settings, bot=bot)
    add_user(bot.store, "sato", PASSWORD)
    html = log_in(app).page("/desk/stats")
    assert "user id longer than 128 characters" in html and "ValueError at pipeline.py:1 x" in html
    assert "LINE reply: outcome unknown" in html and "届いたか不明" in html
    assert "private words" not in html and "private answer" not in html and "Uresident9private" not in html
    assert "<title>統計 — Tomoni</title>" in html and html.count('id="problems"') == 1  # in the page, once
