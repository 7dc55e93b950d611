"""Facebook Messenger channel: plain HTTP against the Graph API (no maintained SDK exists).

Webhook (https://developers.facebook.com/docs/messenger-platform/webhooks): GET is the verification handshake;
POST carries `X-Hub-Signature-256: sha256=<HMAC-SHA256(app secret, raw body)>`, checked on the raw bytes in
constant time (bad -> 403, nothing stored). Every entry and every messaging item is taken; echoes are skipped; `mid`
de-duplicates. Sending (https://developers.facebook.com/docs/messenger-platform/send-messages): within 24 hours of
the resident's last message anything may be sent; after that only a human agent's reply, with the HUMAN_AGENT tag,
up to 7 days; past that the send is refused with a reason the desk can show.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
from collections.abc import Callable
from typing import Any

import requests
from flask import Blueprint, abort, request

from ..messages import Inbound
from ..outbox import SendResult
from ..store import Outbox, Store, utcnow

log = logging.getLogger(__name__)
NAME = "messenger"
GRAPH_VERSION = "v21.0"
STANDARD_WINDOW = dt.timedelta(hours=24)
HUMAN_AGENT_WINDOW = dt.timedelta(days=7)
MAX_TEXT = 2000
MAX_CHOICES = 13
LABEL = 20
ATTACHMENT_KINDS = {"image": "image", "video": "video", "audio": "audio", "file": "file", "location": "location"}


class MessengerChannel:
    """The Messenger adapter: webhook blueprint and sender."""

    def __init__(self, app_secret: str, verify_token: str, page_token: str, base_url: str) -> None:
        self.app_secret = app_secret.encode()
        self.verify_token = verify_token
        self.page_token = page_token
        self.url = f"{base_url.rstrip('/')}/{GRAPH_VERSION}/me/messages"
        self.http = requests.Session()

    # -- in ----------------------------------------------------------------------------------------------------------
    def blueprint(self, receive: Callable[[Inbound], int | None], submit: Callable[[int], None]) -> Blueprint:
        """GET and POST /webhooks/messenger."""
        bp = Blueprint("messenger", __name__)

        @bp.get("/webhooks/messenger")
        def verify() -> tuple[str, int, dict[str, str]]:
            mode, token = request.args.get("hub.mode"), request.args.get("hub.verify_token", "")
            if mode == "subscribe" and hmac.compare_digest(token.encode(), self.verify_token.encode()):
                return request.args.get("hub.challenge", ""), 200, {"Content-Type": "text/plain"}
            log.warning("Messenger verification with a wrong token refused")
            return "forbidden", 403, {"Content-Type": "text/plain"}

        @bp.post("/webhooks/messenger")
        def webhook() -> tuple[str, int]:
            raw = request.get_data()
            if not self.signature_ok(raw, request.headers.get("X-Hub-Signature-256", "")):
                log.warning("Messenger webhook with a bad or missing signature refused")
                abort(403)
            try:
                payload = json.loads(raw)
            except ValueError:
                log.warning("Messenger webhook with a malformed body refused")
                abort(400)
            for inbound in self.parse(payload):
                message_id = receive(inbound)
                if message_id is not None:
                    submit(message_id)
            return "EVENT_RECEIVED", 200

        return bp

    def signature_ok(self, raw: bytes, header: str) -> bool:
        """Constant-time check of X-Hub-Signature-256 over the raw body; only sha256 is accepted."""
        if not header.startswith("sha256="):
            return False
        expected = hmac.new(self.app_secret, raw, hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, header.removeprefix("sha256="))

    def parse(self, payload: Any) -> list[Inbound]:
        """Every messaging item of every entry, as Inbounds (echoes, reads and deliveries are skipped)."""
        if not isinstance(payload, dict) or payload.get("object") != "page":
            log.info("Messenger webhook for another object ignored")
            return []
        out = []
        for entry in payload.get("entry") or []:
            for item in (entry or {}).get("messaging") or []:
                inbound = self.to_inbound(item)
                if inbound is not None:
                    out.append(inbound)
        return out

    def to_inbound(self, item: Any) -> Inbound | None:
        """One messaging item as an Inbound, or None (logged)."""
        sender = ((item or {}).get("sender") or {}).get("id")
        if not sender:
            return None
        message, postback = item.get("message"), item.get("postback")
        if isinstance(message, dict):
            if message.get("is_echo"):
                return None
            base: dict[str, Any] = {"channel": NAME, "user_id": str(sender), "event_id": message.get("mid")}
            quick = message.get("quick_reply") or {}
            if quick.get("payload"):
                return Inbound(kind="postback", payload=str(quick["payload"]), text=str(message.get("text", "")), **base)
            if isinstance(message.get("text"), str):
                return Inbound(kind="text", text=message["text"], **base)
            attachments = message.get("attachments") or [{}]
            kind = ATTACHMENT_KINDS.get(str((attachments[0] or {}).get("type")), "other")
            return Inbound(kind="sticker" if message.get("sticker_id") else kind, **base)
        if isinstance(postback, dict):
            event_id = postback.get("mid") or f"postback:{sender}:{item.get('timestamp')}"
            return Inbound(channel=NAME, user_id=str(sender), kind="postback", payload=str(postback.get("payload", "")),
                           event_id=event_id)
        log.info("Messenger item ignored", extra={"keys": sorted((item or {}).keys())[:5]})
        return None

    # -- out ---------------------------------------------------------------------------------------------------------
    def send(self, row: Outbox, body: dict[str, Any], store: Store) -> SendResult:
        """Send within Messenger's messaging window, or refuse with the reason."""
        last = store.last_inbound_at(row.user_id) if row.user_id else None
        age = utcnow() - last if last else None
        payload: dict[str, Any] = {"recipient": {"id": row.recipient}, "message": to_message(body)}
        if age is not None and age <= STANDARD_WINDOW:
            payload["messaging_type"] = "RESPONSE" if row.origin == "bot" else "UPDATE"
        elif age is not None and age <= HUMAN_AGENT_WINDOW and row.origin == "staff":
            payload.update(messaging_type="MESSAGE_TAG", tag="HUMAN_AGENT")
        else:
            return SendResult.refused("outside Messenger's messaging window: the resident last wrote more than "
                                      + ("7 days" if row.origin == "staff" else "24 hours") + " ago")
        try:
            res = self.http.post(self.url, params={"access_token": self.page_token}, json=payload, timeout=10)
        except requests.RequestException as exc:
            return SendResult.retry(f"network: {type(exc).__name__}")
        if res.status_code < 300:
            return SendResult.sent()
        reason = f"Graph {res.status_code}: {res.text[:200]}"
        if res.status_code >= 500 or res.status_code == 429:
            return SendResult.retry(reason)
        return SendResult.refused(reason)


def to_message(body: dict[str, Any]) -> dict[str, Any]:
    """A channel-neutral body as a Send API message with quick replies."""
    message: dict[str, Any] = {"text": str(body["text"])[:MAX_TEXT]}
    # Messenger's quick replies only post back: help lines to dial stay in the text (Messenger links numbers).
    choices = [c for c in body.get("choices", []) if not str(c["payload"]).startswith(("tel:", "https:", "http:"))]
    choices = choices[:MAX_CHOICES]
    if choices:
        message["quick_replies"] = [{"content_type": "text", "title": c["label"][:LABEL], "payload": c["payload"]}
                                    for c in choices]
    return message
