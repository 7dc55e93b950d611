"""Operations: the health check, metrics that are not public by default, JSON logs without residents' words."""

from __future__ import annotations

import dataclasses
import io
import json
import logging

from bot.app import create_app
from bot.observability import JsonFormatter

from .helpers import MONDAY


def test_metrics_are_off_without_a_token_and_count_from_the_database(settings, bot, say) -> None:
    assert create_app(settings, bot=bot).test_client().get("/metrics").status_code == 404
    app = create_app(dataclasses.replace(settings, metrics_token="s3cret"), bot=bot)
    client = app.test_client()
    assert client.get("/metrics").status_code == 404
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 404
    say("onde jogo pilhas?")
    say("I want to talk to a real person", user="u2")
    body = client.get("/metrics", headers={"Authorization": "Bearer s3cret"}).get_data(as_text=True)
    assert 'tomoni_messages_total{direction="in",language="pt",intent="garbage.sorting"} 1' in body
    assert "tomoni_handoffs_total 1" in body and 'tomoni_outbox{status="failed"} 0' in body
    assert "tomoni_answer_seconds_count 2" in body


def test_json_logs_one_object_per_line_with_extra_fields() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    log = logging.getLogger("tomoni-test-json")
    log.addHandler(handler)
    log.propagate = False
    log.warning("send will be retried", extra={"outbox": 7, "attempt": 2})
    line = json.loads(stream.getvalue())
    assert (line["level"], line["message"], line["outbox"], line["attempt"]) == ("WARNING", "send will be retried", 7, 2)


def test_no_words_names_or_platform_ids_in_logs_at_info(settings, bot, caplog) -> None:
    from bot.messages import Inbound

    caplog.set_level(logging.INFO)
    secret_words, platform_id = "my passport number is TK1234567", "U4f2a9c3b1d"
    bot.handle(Inbound(channel="line", user_id=platform_id, text=secret_words, event_id="e1"), now=MONDAY)
    bot.handle(Inbound(channel="line", user_id=platform_id, text="delete my data", event_id="e2"), now=MONDAY)
    bot.handle(Inbound(channel="line", user_id=platform_id, kind="postback", payload="privacy:delete-yes",
                       event_id="e3"), now=MONDAY)
    assert any("deleted on request" in r.getMessage() for r in caplog.records)  # the records were captured
    for record in caplog.records:
        text = record.getMessage() + json.dumps({k: str(v) for k, v in vars(record).items()})
        assert "TK1234567" not in text and platform_id not in text


def test_cookies_are_http_only_and_secure_outside_development(settings, bot) -> None:
    app = create_app(dataclasses.replace(settings, development=False), bot=bot)
    assert app.config["SESSION_COOKIE_HTTPONLY"] and app.config["SESSION_COOKIE_SECURE"]
    res = app.test_client().get("/desk/login")
    cookie = res.headers.get("Set-Cookie", "")
    assert "HttpOnly" in cookie and "Secure" in cookie and "SameSite=Lax" in cookie
