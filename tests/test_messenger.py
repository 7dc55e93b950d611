"""Messenger end to end: signed webhooks in, the Send API out to a fake Graph API on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from sqlalchemy import select

from bot.current import current_runtime
from bot.storage.models import Inbox, Message, Outbox, Ticket, User
from bot.storage.store import Delivery

from .helpers import count, taken
from .payloads import fb_body, fb_item, fb_post, fb_sign


def test_verification_handshake(fb_app) -> None:
    client = fb_app.test_client()
    ok = client.get("/webhooks/messenger?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=1158201444")
    assert ok.status_code == 200 and ok.get_data(as_text=True) == "1158201444"
    assert client.get("/webhooks/messenger?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1").status_code == 403


@pytest.mark.parametrize("signature", ["sha256=00", "", "sha1=" + "0" * 40, None])
def test_bad_signatures_get_403_and_nothing_is_stored(fb_app, bot, signature) -> None:
    body = fb_body([fb_item("P1", "m1", "hello")])
    sig = fb_sign(body, "wrong-secret") if signature is None else signature
    assert fb_post(fb_app.test_client(), body, sig).status_code == 403
    assert count(bot, Inbox) == 0 and count(bot, Message) == 0 and count(bot, User) == 0


def test_a_batch_is_taken_whole_echoes_skipped_and_answered(fb_app, bot, fake) -> None:
    body = fb_body([fb_item("P1", "m.1", "Khi nào đổ rác nhựa?"), fb_item("PAGE", "m.echo", "echo", is_echo=True)],
                [fb_item("P2", "m.2", "ok", quick_reply={"payload": "lang:tl"}),
                 {"sender": {"id": "P3"}, "recipient": {"id": "PAGE"}, "timestamp": 1,
                  "postback": {"title": "Talk to staff", "payload": "intent:human", "mid": "m.3"}},
                 fb_item("P4", "m.4", None, attachments=[{"type": "image", "payload": {"url": "https://x"}}])])
    assert fb_post(fb_app.test_client(), body).status_code == 200
    assert taken(bot)
    assert count(bot, Message, direction="in") == 4  # the echo is skipped
    assert fake.wait_for(lambda: len(fake.calls("/v21.0/me/messages")) == 4)
    sent = {c["json"]["recipient"]["id"]: c for c in fake.calls("/v21.0/me/messages")}
    assert sent["P1"]["json"]["messaging_type"] == "RESPONSE"
    assert "rác" in sent["P1"]["json"]["message"]["text"] or "nhựa" in sent["P1"]["json"]["message"]["text"]
    assert "access_token=page-token" in sent["P1"]["path"]
    assert "Tagalog" in sent["P2"]["json"]["message"]["text"]
    assert sent["P3"]["json"]["message"]["text"].startswith("I have passed your message to the consultation desk")
    assert count(bot, Ticket, status="open") == 1  # P3's button: a ticket for the desk
    assert sent["P4"]["json"]["message"]["text"]  # the image gets the friendly line (tests/test_pipeline.py: its words)


def test_a_repeated_mid_is_processed_once(fb_app, bot, fake) -> None:
    body = fb_body([fb_item("P1", "m.same", "hello")])
    client = fb_app.test_client()
    fb_post(client, body)
    fb_post(client, body)
    assert fake.wait_for(lambda: count(bot, Outbox, status="sent") == 1)
    time.sleep(0.3)
    assert count(bot, Message, direction="in") == 1 and len(fake.calls("/v21.0/me/messages")) == 1


def test_quick_replies_are_sent(fb_app, fake) -> None:
    fb_post(fb_app.test_client(), fb_body([fb_item("P9", "m.9", "change language")]))
    assert fake.wait_for(lambda: fake.calls("/v21.0/me/messages"))
    quick = fake.calls("/v21.0/me/messages")[0]["json"]["message"]["quick_replies"]
    assert len(quick) == 9 and all(q["content_type"] == "text" and len(q["title"]) <= 20 for q in quick)


def _age_user(bot, psid: str, hours: float) -> int:
    with bot.store.session() as s:
        user = s.scalars(select(User).where(User.external_id == psid)).one()
        for m in s.scalars(select(Message).where(Message.user_id == user.id)):
            m.created_at -= dt.timedelta(hours=hours)
        return user.id


def test_the_messaging_window(fb_app, bot, fake) -> None:
    fb_post(fb_app.test_client(), fb_body([fb_item("P5", "m.5", "hello")]))
    assert fake.wait_for(lambda: count(bot, Outbox, status="sent") == 1)
    user_id = _age_user(bot, "P5", 30)
    runtime = current_runtime(fb_app)
    staff = bot.store.enqueue(Delivery("P5", {"text": "スタッフより", "choices": []}), "messenger", user_id, "staff")
    auto = bot.store.enqueue(Delivery("P5", {"text": "reminder", "choices": []}), "messenger", user_id, "bot")
    runtime.deliverer.deliver_due()
    assert fake.wait_for(lambda: count(bot, Outbox, status="failed") == 1)
    with bot.store.session() as s:
        rows = {r.id: r for r in s.scalars(select(Outbox))}
    assert rows[staff].status == "sent" and rows[auto].status == "failed"
    assert "24 hours" in (rows[auto].last_error or "")
    tagged = [c["json"] for c in fake.calls("/v21.0/me/messages") if c["json"]["message"]["text"] == "スタッフより"]
    assert tagged[0]["messaging_type"] == "MESSAGE_TAG" and tagged[0]["tag"] == "HUMAN_AGENT"
    _age_user(bot, "P5", 24 * 7)
    late = bot.store.enqueue(Delivery("P5", {"text": "late", "choices": []}), "messenger", user_id, "staff")
    runtime.deliverer.deliver_due()
    with bot.store.session() as s:
        row = s.get_one(Outbox, late)
    assert row.status == "failed" and "7 days" in (row.last_error or "")


def test_graph_5xx_is_retried(fb_app, bot, fake, monkeypatch) -> None:
    monkeypatch.setattr("bot.storage.outbox.backoff", lambda attempts: 0.05)
    fake.fail("/v21.0/me/messages", 502)
    fb_post(fb_app.test_client(), fb_body([fb_item("P6", "m.6", "hello")]))
    assert fake.wait_for(lambda: count(bot, Outbox, status="sent") == 1, timeout=15)
    assert len(fake.calls("/v21.0/me/messages")) == 2


def test_malformed_json_with_a_valid_signature_is_200_and_nothing_is_stored(fb_app, bot) -> None:
    for body in (b"{not json", b"\xff", b"[]", b'{"object": "page", "entry": 5}', b'{"object": "page", "entry": [7]}'):
        assert fb_post(fb_app.test_client(), body).status_code == 200
    assert taken(bot)
    assert count(bot, Message) == 0
