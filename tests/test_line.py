"""LINE end to end: signed webhooks in, the real line-bot-sdk out to a fake LINE API on 127.0.0.1."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from linebot.v3.webhooks import Event
from sqlalchemy import select

from bot.answering.assembly import Data
from bot.app import create_app
from bot.channels.line import LineChannel
from bot.current import current_runtime
from bot.settings import ROOT
from bot.storage.models import Inbox, Message, Outbox, User

from .helpers import count, taken
from .payloads import LINE_SECRET, follow_event, line_body, line_post, line_sign, postback_event, redelivered, text_event

# The official LINE SDK's sample webhook: 28 events of every type, from users, groups and rooms, all with the same
# webhookEventId (line/line-bot-sdk-python, tests/v3/text/webhook.json, Apache-2.0).
SDK_SAMPLE = ROOT / "tests" / "data" / "line-sdk-webhook.json"


def test_a_text_message_is_answered_with_the_reply_token(line_app, bot, fake) -> None:
    res = line_post(line_app.test_client(), line_body(text_event("onde jogo pilhas?")))
    assert res.status_code == 200
    assert fake.wait_for(lambda: fake.calls("/v2/bot/message/reply"))
    call = fake.calls("/v2/bot/message/reply")[0]
    assert call["headers"]["Authorization"] == "Bearer test-token"
    assert call["json"]["replyToken"] == "rt-01J000000000000000000000A1"
    assert "pilha" in call["json"]["messages"][0]["text"].lower()
    assert fake.wait_for(lambda: count(bot, Outbox, status="sent") == 1)
    assert not fake.calls("/v2/bot/message/push")


@pytest.mark.parametrize("signature", [None, False, "bm90IHRoZSBzaWduYXR1cmU=", ""])
def test_bad_or_missing_signatures_get_400_and_nothing_is_stored(line_app, bot, signature) -> None:
    body = line_body(text_event("hello"))
    sig = line_sign(body, "another-secret") if signature is None else signature
    res = line_post(line_app.test_client(), body, sig)
    assert res.status_code == 400
    assert count(bot, Inbox) == 0 and count(bot, Message) == 0 and count(bot, User) == 0


def test_malformed_json_with_a_valid_signature_is_200_and_nothing_is_stored(line_app, bot) -> None:
    """LINE sends a body again only when it did not get 2xx: a signed body that cannot be read would come back
    forever; it is logged and acknowledged."""
    for body in (b'{"events": [ {"type": "message",', b"\xff\xfe", b"[1, 2]", b'{"events": "x"}'):
        assert line_post(line_app.test_client(), body).status_code == 200
    assert taken(bot)
    assert count(bot, Message) == 0


def test_a_redelivered_event_is_answered_once(line_app, bot, fake) -> None:
    client = line_app.test_client()
    first = text_event("hello", event_id="01J000000000000000000000B1")
    again = redelivered(first)  # a text_event built a millisecond later would carry another timestamp
    assert line_post(client, line_body(first)).status_code == 200
    assert line_post(client, line_body(again)).status_code == 200
    assert fake.wait_for(lambda: count(bot, Outbox, status="sent") == 1)
    time.sleep(0.3)
    assert count(bot, Message, direction="in") == 1
    assert len(fake.calls("/v2/bot/message/")) == 1


def test_an_expired_reply_token_means_a_push_with_a_retry_key(line_app, fake) -> None:
    line_post(line_app.test_client(), line_body(text_event("hello", event_id="01J0000000000000000000C1", age=120)))
    assert fake.wait_for(lambda: fake.calls("/v2/bot/message/push"))
    push = fake.calls("/v2/bot/message/push")[0]
    assert push["json"]["to"] == "U1" and push["headers"]["X-Line-Retry-Key"]
    assert not fake.calls("/v2/bot/message/reply")


def test_a_failed_reply_falls_back_to_push(line_app, fake) -> None:
    fake.fail("/v2/bot/message/reply", 400)
    line_post(line_app.test_client(), line_body(text_event("hello", event_id="01J0000000000000000000D1")))
    assert fake.wait_for(lambda: len(fake.calls("/v2/bot/message/push")) == 1)


def test_5xx_is_retried_with_the_same_retry_key_and_delivered_once(line_app, bot, fake, monkeypatch) -> None:
    monkeypatch.setattr("bot.storage.outbox.backoff", lambda attempts: 0.05)
    fake.fail("/v2/bot/message/push", 500, 503)
    line_post(line_app.test_client(), line_body(text_event("hello", event_id="01J0000000000000000000E1", age=120)))
    assert fake.wait_for(lambda: count(bot, Outbox, status="sent") == 1, timeout=15)
    keys = {c["headers"]["X-Line-Retry-Key"] for c in fake.calls("/v2/bot/message/push")}
    assert len(fake.calls("/v2/bot/message/push")) == 3 and len(keys) == 1
    with bot.store.session() as s:
        row = s.scalars(select(Outbox)).one()
    assert row.attempts == 3


def test_a_4xx_is_recorded_with_its_reason_and_not_retried(line_app, bot, fake) -> None:
    fake.fail("/v2/bot/message/push", 400)
    line_post(line_app.test_client(), line_body(text_event("hello", event_id="01J0000000000000000000F1", age=120)))
    assert fake.wait_for(lambda: count(bot, Outbox, status="failed") == 1)
    with bot.store.session() as s:
        row = s.scalars(select(Outbox)).one()
    assert row.last_error and row.last_error.startswith("LINE 400")
    time.sleep(0.3)
    assert len(fake.calls("/v2/bot/message/push")) == 1


def test_follow_welcomes_in_the_profile_language_with_a_language_picker(line_app, fake) -> None:
    line_post(line_app.test_client(), line_body(follow_event("U77", "01J0000000000000000000G1")))
    assert fake.wait_for(lambda: fake.calls("/v2/bot/message/reply"))
    assert fake.calls("/v2/bot/profile/U77")
    message = fake.calls("/v2/bot/message/reply")[0]["json"]["messages"][0]
    assert "Olá" in message["text"] or "Oi" in message["text"]
    items = message["quickReply"]["items"]
    assert {i["action"]["data"] for i in items} >= {"lang:vi", "lang:ne", "privacy:delete"} and len(items) == 10
    assert "Privacidade" in message["text"]  # the privacy notice, in the resident's language
    assert all(len(i["action"]["label"]) <= 20 for i in items)


def test_a_quick_reply_postback_switches_the_language(line_app, fake) -> None:
    line_post(line_app.test_client(), line_body(postback_event("lang:vi", "U8", "01J0000000000000000000H1")))
    assert fake.wait_for(lambda: fake.calls("/v2/bot/message/reply"))
    assert "tiếng việt" in fake.calls("/v2/bot/message/reply")[0]["json"]["messages"][0]["text"].lower()


def test_the_sdk_sample_payload_is_taken_whole(line_app, bot, fake) -> None:
    body = SDK_SAMPLE.read_bytes()
    assert len(json.loads(body)["events"]) == 28
    res = line_post(line_app.test_client(), body)
    assert res.status_code == 200
    # user-chat events only (13): text, video, audio, location, sticker, follow, unfollow, 4 postbacks, file, image;
    # the edited message is not a message event of its own; group/room, beacon, join … are logged and ignored.
    assert taken(bot)
    assert count(bot, Message, direction="in") == 13
    assert fake.wait_for(lambda: count(bot, Message, processed=False, direction="in") == 0)
    assert fake.wait_for(lambda: count(bot, Outbox, status="pending") + count(bot, Outbox, status="sending") == 0)


def test_an_unprocessed_message_left_by_a_dead_process_is_answered(line_app, bot, fake, monkeypatch) -> None:
    line = current_runtime(line_app).channels["line"]
    assert isinstance(line, LineChannel)
    inbound = line.to_inbound(Event.from_dict(text_event("hello", event_id="01J0000000000000000000J1", age=120)))
    assert inbound is not None
    message_id = bot.receive(inbound)  # stored, never submitted: the process "died" here
    assert message_id is not None
    with bot.store.session() as s:
        s.get_one(Message, message_id).created_at -= dt.timedelta(minutes=5)
    monkeypatch.setattr("bot.worker.SWEEP_EVERY", 0.1)
    assert fake.wait_for(lambda: fake.calls("/v2/bot/message/push"), timeout=15)
    assert fake.calls("/v2/bot/message/push")[0]["json"]["to"] == "U1"
    assert fake.wait_for(lambda: count(bot, Message, processed=False) == 0)


def test_two_workers_racing_for_one_message_answer_it_once(bot, at_once) -> None:
    from bot.messages import Inbound

    message_id = bot.receive(Inbound(channel="test", user_id="U1", text="hello", event_id="race"))
    results = at_once(lambda: bot.process(message_id), 4)
    assert len(results) == 4 and sum(r is not None for r in results) == 1
    assert count(bot, Message, direction="out") == 1


def test_loading_animation_when_an_event_waited(line_app, bot, fake, monkeypatch) -> None:
    monkeypatch.setattr("bot.answering.pipeline.SLOW", -1.0)
    line_post(line_app.test_client(), line_body(text_event("hello", event_id="01J0000000000000000000K1")))
    assert fake.wait_for(lambda: fake.calls("/v2/bot/chat/loading"))
    assert fake.calls("/v2/bot/chat/loading")[0]["json"]["chatId"] == "U1"


def test_rich_menus_are_installed_per_language_and_linked_when_a_language_is_chosen(line_app, bot, fake) -> None:
    result = line_app.test_cli_runner().invoke(args=["line-richmenu"])
    assert result.exit_code == 0, result.output
    created = [c["json"] for c in fake.calls("/v2/bot/richmenu") if c["path"] == "/v2/bot/richmenu"]
    assert len(created) == 9
    vi = next(m for m in created if m["name"] == "tomoni-vi")
    assert {a["action"]["data"] for a in vi["areas"]} >= {"intent:garbage.rules", "intent:human", "menu:language"}
    assert all(len(a["action"]["label"]) <= 20 for m in created for a in m["areas"])
    uploads = [c for c in fake.calls("/v2/bot/richmenu/") if c["path"].endswith("/content")]
    assert len(uploads) == 9 and uploads[0]["headers"]["Content-Type"] == "image/png"
    assert fake.calls("/v2/bot/user/all/richmenu/rm-tomoni-en")  # English is the default menu
    line_post(line_app.test_client(), line_body(postback_event("lang:ne", "U42", "01J0000000000000000000M1")))
    assert fake.wait_for(lambda: fake.calls("/v2/bot/user/U42/richmenu/rm-tomoni-ne"))


def test_the_menu_language_button_offers_the_languages(line_app, fake) -> None:
    line_post(line_app.test_client(), line_body(postback_event("menu:language", "U43", "01J0000000000000000000N1")))
    assert fake.wait_for(lambda: fake.calls("/v2/bot/message/reply"))
    items = fake.calls("/v2/bot/message/reply")[0]["json"]["messages"][0]["quickReply"]["items"]
    assert len(items) == 10 and items[-1]["action"]["data"] == "privacy:delete"  # the menu's way to delete data


def test_the_runtime_builds_lazily_under_the_flask_command(settings, data, fake, monkeypatch) -> None:
    """`flask worker` builds bot and runtime on first use (a lock held by both must not deadlock)."""
    loaded: list[Path] = []

    def load_data(root: Path) -> Data:  # the same files, already loaded by the session
        loaded.append(root)
        return data

    monkeypatch.setattr("bot.answering.assembly.load_data", load_data)
    monkeypatch.setenv("FLASK_RUN_FROM_CLI", "true")
    s = dataclasses.replace(settings, line_channel_secret=LINE_SECRET, line_channel_access_token="t",
                            line_api_base_url=fake.url)
    app = create_app(s)
    assert loaded == []  # nothing built yet
    done = threading.Event()

    def first_use() -> None:
        current_runtime(app)
        done.set()

    threading.Thread(target=first_use, daemon=True).start()
    assert done.wait(30)
    assert "line" in current_runtime(app).channels and current_runtime(app).worker is None
    assert loaded == [settings.data_dir]


def test_an_outbox_row_left_sending_by_a_killed_process_is_sent_after_its_lease(line_app, bot, fake) -> None:
    from bot.storage.models import utcnow
    from bot.storage.store import Delivery

    row_id = bot.store.enqueue(Delivery("U1", {"text": "from before the restart", "choices": []}), "line", None)
    with bot.store.session() as s:  # as a worker that claimed it and then died
        row = s.get_one(Outbox, row_id)
        row.status, row.next_attempt_at = "sending", utcnow() - dt.timedelta(seconds=1)
    assert fake.wait_for(lambda: count(bot, Outbox, status="sent") == 1)
    push = fake.calls("/v2/bot/message/push")[0]
    assert push["json"]["messages"][0]["text"] == "from before the restart"


def test_the_messages_sent_as_plain_json_are_what_the_sdk_models_would_send() -> None:
    """LineApi sends hand-built JSON instead of the SDK's models: the same JSON, buttons and limits included."""
    from linebot.v3.messaging import (
        ApiClient,
        Configuration,
        PostbackAction,
        PushMessageRequest,
        QuickReply,
        QuickReplyItem,
        TextMessage,
        URIAction,
    )

    from bot.channels.line import to_message

    choices = [{"label": "Português (Brasil) e mais", "payload": "lang:pt"}, {"label": "110", "payload": "tel:110"},
               {"label": "chat", "payload": "https://example.org/chat"}] * 5
    body: dict[str, Any] = {"text": "x" * 6000, "choices": choices}
    items = [QuickReplyItem(action=URIAction(label=c["label"][:20], uri=c["payload"])
                            if c["payload"].startswith(("tel:", "https:")) else
                            PostbackAction(label=c["label"][:20], data=c["payload"], displayText=c["label"]))
             for c in choices[:13]]
    sdk = ApiClient(Configuration(host="http://127.0.0.1:9", access_token="t")).sanitize_for_serialization
    for given, model in ((body, TextMessage(text="x" * 5000, quickReply=QuickReply(items=items))),
                         ({"text": "hello", "choices": []}, TextMessage(text="hello"))):
        assert to_message(given) == sdk(model)
        pushed = sdk(PushMessageRequest(to="U1", messages=[model]))
        assert pushed == {"to": "U1", "messages": [to_message(given)], "notificationDisabled": False}


def test_line_api_errors_carry_the_status_and_body_as_the_sdk_did(fake) -> None:
    from linebot.v3.messaging import ApiException

    from bot.channels.line import LineApi

    api = LineApi(fake.url, "tok")
    assert api.call("GET", "/v2/bot/profile/U%2F1", timeout=5)["userId"] == "U%2F1"
    fake.fail("/v2/bot/message/push", 400)
    with pytest.raises(ApiException) as raised:
        api.call("POST", "/v2/bot/message/push", {"to": "U1", "messages": []}, retry_key="k1")
    assert raised.value.status == 400 and "scripted failure" in raised.value.body
    push = fake.calls("/v2/bot/message/push")[0]
    assert push["headers"]["X-Line-Retry-Key"] == "k1" and push["headers"]["Authorization"] == "Bearer tok"


def test_line_api_keeps_one_connection_per_thread_and_opens_a_new_one_when_the_server_closed_it(fake) -> None:
    import socket

    from bot.channels.line import LineApi, _closed

    fake.server.RequestHandlerClass.protocol_version = "HTTP/1.1"  # keep-alive, as LINE's servers
    api = LineApi(fake.url, "tok")
    api.call("GET", "/v2/bot/profile/U1")
    first = api.local.conn.sock
    api.call("GET", "/v2/bot/profile/U2")
    assert api.local.conn.sock is first  # kept alive
    first.shutdown(socket.SHUT_RDWR)  # as if the server had closed it while idle: readable, at its end
    assert _closed(first)
    assert api.call("GET", "/v2/bot/profile/U3")["userId"] == "U3"
    assert api.local.conn.sock is not first
    api.local.conn.close()
    here, there = socket.socketpair()
    assert not _closed(here)
    there.close()
    assert _closed(here)
    here.close()


def test_a_kept_alive_call_to_the_fake_api_does_not_wait_for_a_delayed_ack(fake) -> None:
    """The fake answers without Nagle's wait: headers and body written apart otherwise held the body back until the
    caller's delayed ACK, ~40 ms on every kept-alive call, and the webhook bench measured that instead of Tomoni."""
    from bot.channels.line import LineApi

    fake.server.RequestHandlerClass.protocol_version = "HTTP/1.1"
    api = LineApi(fake.url, "tok")
    took = []
    for n in range(6):
        started = time.perf_counter()
        api.call("GET", f"/v2/bot/profile/U{n}")
        took.append(time.perf_counter() - started)
    api.local.conn.close()
    assert min(took[1:]) < 0.02  # every call after the first one waited >= 40 ms before
