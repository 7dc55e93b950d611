"""Webhook bodies as LINE and Messenger send them, signed with the tests' secrets, and posted to the app.

One module for every test that speaks a platform's protocol (the events' shapes follow the platforms' documentation:
https://developers.line.biz/en/reference/messaging-api/#webhook-event-objects and
https://developers.facebook.com/docs/messenger-platform/webhooks).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any, Literal

from flask.testing import FlaskClient
from werkzeug.test import TestResponse

LINE_SECRET, LINE_TOKEN = "line-test-secret", "test-token"
FB_SECRET, FB_VERIFY, FB_TOKEN = "fb-app-secret", "verify-me", "page-token"


# -- LINE ------------------------------------------------------------------------------------------------------------
def line_sign(body: bytes, secret: str = LINE_SECRET) -> str:
    """The X-Line-Signature of a body: base64 of its HMAC-SHA256."""
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def line_event(kind: str, user: str = "U1", event_id: str = "01J000000000000000000000A1", *,
               redelivery: bool = False, age: float = 0.0, **fields: Any) -> dict[str, Any]:
    """A LINE webhook event from a user's chat, `age` seconds old, with its reply token."""
    return {"type": kind, "mode": "active", "timestamp": int((time.time() - age) * 1000),
            "source": {"type": "user", "userId": user}, "webhookEventId": event_id,
            "deliveryContext": {"isRedelivery": redelivery}, "replyToken": f"rt-{event_id}", **fields}


def redelivered(event: dict[str, Any]) -> dict[str, Any]:
    """The same event as LINE sends it again (same id, same timestamp), marked as a redelivery."""
    return {**event, "deliveryContext": {"isRedelivery": True}}


def text_event(text: str, user: str = "U1", event_id: str = "01J000000000000000000000A1", *,
               redelivery: bool = False, age: float = 0.0) -> dict[str, Any]:
    """A LINE text message event."""
    return line_event("message", user, event_id, redelivery=redelivery, age=age,
                      message={"id": f"m-{event_id}", "type": "text", "text": text, "quoteToken": "q"})


def postback_event(data: str, user: str = "U1", event_id: str = "01J000000000000000000000P1") -> dict[str, Any]:
    """A LINE postback event (a button or quick reply tapped)."""
    return line_event("postback", user, event_id, postback={"data": data})


def follow_event(user: str = "U1", event_id: str = "01J000000000000000000000F1") -> dict[str, Any]:
    """A LINE follow event (the resident added the bot as a friend)."""
    return line_event("follow", user, event_id, follow={"isUnblocked": False})


def line_body(*events: dict[str, Any]) -> bytes:
    """A LINE webhook request body."""
    return json.dumps({"destination": "Ubot", "events": list(events)}).encode()


def line_post(client: FlaskClient, body: bytes, signature: str | Literal[False] | None = None) -> TestResponse:
    """POST a body to the LINE webhook, signed (None), with a given signature, or without one (False)."""
    headers = {"Content-Type": "application/json"}
    if signature is not False:
        headers["X-Line-Signature"] = line_sign(body) if signature is None else signature
    return client.post("/webhooks/line", data=body, headers=headers)


# -- Messenger -------------------------------------------------------------------------------------------------------
def fb_sign(body: bytes, secret: str = FB_SECRET) -> str:
    """The X-Hub-Signature-256 of a body."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def fb_item(psid: str, mid: str, text: str | None = None, **message: Any) -> dict[str, Any]:
    """One messaging item: a message from a resident to the page."""
    msg: dict[str, Any] = {"mid": mid, **message}
    if text is not None:
        msg["text"] = text
    return {"sender": {"id": psid}, "recipient": {"id": "PAGE"}, "timestamp": int(time.time() * 1000), "message": msg}


def fb_body(*entries: list[Any]) -> bytes:
    """A Messenger webhook body: one entry per list of messaging items."""
    return json.dumps({"object": "page", "entry": [{"id": "PAGE", "time": 1, "messaging": e} for e in entries]},
                      ensure_ascii=False).encode()


def fb_post(client: FlaskClient, body: bytes, signature: str | None = None) -> TestResponse:
    """POST a body to the Messenger webhook, signed unless a signature is given."""
    return client.post("/webhooks/messenger", data=body, headers={
        "Content-Type": "application/json", "X-Hub-Signature-256": fb_sign(body) if signature is None else signature})
