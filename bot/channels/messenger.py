"""Facebook Messenger channel: plain HTTP against the Graph API (no maintained SDK exists).

Webhook (https://developers.facebook.com/docs/messenger-platform/webhooks): GET is the verification handshake;
POST carries `X-Hub-Signature-256: sha256=<HMAC-SHA256(app secret, raw body)>`, checked on the raw bytes in
constant time (bad -> 403, nothing stored). Every entry and every messaging item is taken on its own; echoes are
skipped; `mid` de-duplicates; an item that cannot be read is kept as rejected with its reason and the rest go on; a
signed body always gets 200.
Sending (https://developers.facebook.com/docs/messenger-platform/send-messages): within 24 hours of the resident's
last message anything may be sent; after that only a human agent's reply, with the HUMAN_AGENT tag, up to 7 days;
past that the send is refused with a reason the desk can show.
The Send API has no idempotency key. What Graph accepted is recorded (its message id). A send whose answer never
came (a timeout, a dropped connection, a 5xx, the process killed mid-call) is in doubt: before sending again, the
conversation is read (Conversations API) for a message of the page with the same text since the row was made; found,
the row is sent; not found, it is sent again; when it cannot be read, the row ends 'outcome unknown' for staff to see.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import logging
from typing import Any

import requests
from flask import Blueprint, abort, request

from ..messages import STANDARD_WINDOW, Accept, Inbound, Rejected, event_ref, problem
from ..storage.models import Outbox, utcnow
from ..storage.outbox import SendResult
from ..storage.store import Delivery, Store
from .base import BaseChannel

log = logging.getLogger(__name__)
NAME = "messenger"
GRAPH_VERSION = "v21.0"
HUMAN_AGENT_WINDOW = dt.timedelta(days=7)
MAX_TEXT = 2000
MAX_CHOICES = 13
LABEL = 20
SEND_LEASE = 30.0  # seconds a send may take (timeout 10 s) before another worker looks at a row in doubt
CHECK_SLACK = dt.timedelta(seconds=5)  # clock differences between Graph and this server
ATTACHMENT_KINDS = {"image": "image", "video": "video", "audio": "audio", "file": "file", "location": "location"}


class MessengerChannel(BaseChannel):
    """The Messenger adapter: webhook blueprint and sender."""

    name = NAME
    window = STANDARD_WINDOW  # announcements reach only the residents who wrote within it

    def __init__(self, app_secret: str, verify_token: str, page_token: str, base_url: str) -> None:
        self.app_secret = app_secret.encode()
        self.verify_token = verify_token
        self.page_token = page_token
        self.url = f"{base_url.rstrip('/')}/{GRAPH_VERSION}/me/messages"
        self.http = requests.Session()

    # -- in ----------------------------------------------------------------------------------------------------------
    def blueprint(self, accept: Accept) -> Blueprint:
        """GET and POST /webhooks/messenger: a POST's signature checked, its body kept as it came (`accept`: one
        insert), 200. The items are read by a worker (`read`)."""
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
                body = raw.decode("utf-8")
                payload = json.loads(body)
            except ValueError:  # not UTF-8 or not JSON: nothing to take, and sending it again would not help
                log.warning("signed Messenger webhook that is not JSON ignored")
                return "EVENT_RECEIVED", 200
            if not isinstance(payload, dict) or payload.get("object") != "page":
                log.info("Messenger webhook for another object ignored")
                return "EVENT_RECEIVED", 200
            accept(NAME, body, _sender(payload))
            return "EVENT_RECEIVED", 200

        return bp

    def signature_ok(self, raw: bytes, header: str) -> bool:
        """Constant-time check of X-Hub-Signature-256 over the raw body; only sha256 is accepted."""
        if not header.startswith("sha256="):
            return False
        expected = hmac.new(self.app_secret, raw, hashlib.sha256).hexdigest()
        return hmac.compare_digest(expected, header.removeprefix("sha256="))

    def read(self, body: str) -> list[Inbound | Rejected]:
        """The items of a kept webhook body (see `parse`)."""
        return self.parse(json.loads(body))

    def parse(self, payload: Any) -> list[Inbound | Rejected]:
        """Every messaging item of every entry, as Inbounds (echoes, reads and deliveries are skipped); an item that
        cannot be read as Rejected, with its reason."""
        if not isinstance(payload, dict) or payload.get("object") != "page":
            log.info("Messenger webhook for another object ignored")
            return []
        out: list[Inbound | Rejected] = []
        entries = payload.get("entry")
        for entry in entries if isinstance(entries, list) else []:
            items = entry.get("messaging") if isinstance(entry, dict) else None
            for item in items if isinstance(items, list) else []:
                try:
                    inbound = self.to_inbound(item)
                    reason = problem(inbound)
                except Exception as exc:  # noqa: BLE001 - any shape this parser cannot read
                    inbound, reason = None, f"malformed item ({type(exc).__name__})"
                if reason is None and inbound is not None:
                    out.append(inbound)
                elif reason is not None:
                    out.append(Rejected(NAME, event_ref(item), reason))
        return out

    def to_inbound(self, item: Any) -> Inbound | None:
        """One messaging item as an Inbound, or None (logged)."""
        if not isinstance(item, dict):
            raise TypeError("a messaging item is not an object")
        sender = (item.get("sender") or {}).get("id")
        if not sender:
            return None
        if not isinstance(sender, (str, int)) or isinstance(sender, bool):
            raise TypeError("the sender id is not text")
        message, postback = item.get("message"), item.get("postback")
        if isinstance(message, dict):
            if message.get("is_echo"):
                return None
            mid = message.get("mid")
            base: dict[str, Any] = {"channel": NAME, "user_id": str(sender),
                                    "event_id": mid if isinstance(mid, str) or mid is None else str(mid)}
            quick = message.get("quick_reply") or {}
            if quick.get("payload"):
                return Inbound(kind="postback", payload=str(quick["payload"]), text=str(message.get("text", "")), **base)
            if isinstance(message.get("text"), str):
                return Inbound(kind="text", text=message["text"], **base)
            attachments = message.get("attachments") or [{}]
            first = attachments[0] if isinstance(attachments, list) and isinstance(attachments[0], dict) else {}
            kind = ATTACHMENT_KINDS.get(str(first.get("type")), "other")
            return Inbound(kind="sticker" if message.get("sticker_id") else kind, **base)
        if isinstance(postback, dict):
            event_id = str(postback.get("mid") or f"postback:{sender}:{item.get('timestamp')}")
            return Inbound(channel=NAME, user_id=str(sender), kind="postback", payload=str(postback.get("payload", "")),
                           event_id=event_id)
        log.info("Messenger item ignored", extra={"keys": sorted(str(k) for k in item)[:5]})
        return None

    # -- out ---------------------------------------------------------------------------------------------------------
    def first_call_lease(self, delivery: Delivery) -> float | None:
        """A send is a call Graph cannot de-duplicate: its row is written in doubt (see `send`)."""
        return SEND_LEASE

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
        if row.in_doubt and not row.call_begun:  # an earlier send may have arrived: look before sending again
            found = self.find_sent(row, payload["message"]["text"], store.platform_ids(row.channel, row.recipient))
            if found is None:
                return SendResult.retry("Messenger: an earlier send may have arrived and the conversation could not "
                                        "be read to find out", in_doubt=True)
            if found:
                return SendResult.sent(found, note="the earlier send had arrived (found in the conversation)")
        if not row.call_begun:  # Store.finish wrote it in doubt already (first_call_lease)
            store.begin_call(row.id, SEND_LEASE)
        try:
            res = self.http.post(self.url, params={"access_token": self.page_token}, json=payload, timeout=10)
        except requests.ConnectTimeout:  # no connection was made: nothing was sent
            return SendResult.retry("network: ConnectTimeout", in_doubt=False)
        except requests.RequestException as exc:  # sent, perhaps: a timeout or a dropped connection
            return SendResult.retry(f"network: {type(exc).__name__}, outcome unknown", in_doubt=True)
        if res.status_code < 300:
            mid = _json(res).get("message_id")
            return SendResult.sent(str(mid) if mid else None)
        reason = f"Graph {res.status_code}: {res.text[:200]}"
        if res.status_code >= 500:  # Graph may or may not have sent it
            return SendResult.retry(reason + ", outcome unknown", in_doubt=True)
        if res.status_code == 429:
            return SendResult.retry(reason, in_doubt=False)
        return SendResult.refused(reason)

    def find_sent(self, row: Outbox, text: str, known: set[str]) -> str | None:
        """The id of a message of the page to this resident, with this text, since the row was made, that no other
        row recorded as its own (`known`): '' when there is none, None when the conversation cannot be read
        (Conversations API, page token with pages_messaging)."""
        fields = "messages.limit(25){id,message,created_time,from}"
        try:
            res = self.http.get(f"{self.url.removesuffix('/messages')}/conversations", timeout=10, params={
                "platform": "messenger", "user_id": row.recipient, "fields": fields,
                "access_token": self.page_token})
        except requests.RequestException:
            return None
        if res.status_code != 200:
            return None
        since = row.created_at - CHECK_SLACK
        try:
            for conversation in _json(res).get("data") or []:
                for message in (conversation.get("messages") or {}).get("data") or []:
                    sender = str((message.get("from") or {}).get("id", ""))
                    when = dt.datetime.strptime(str(message.get("created_time")), "%Y-%m-%dT%H:%M:%S%z")
                    if message.get("message") == text and sender != row.recipient and \
                            str(message.get("id")) not in known and \
                            when.astimezone(dt.UTC).replace(tzinfo=None) >= since:
                        return str(message.get("id") or "?")
        except (AttributeError, TypeError, ValueError):
            return None
        return ""


def _json(res: requests.Response) -> dict[str, Any]:
    try:
        data = res.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


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


def _sender(payload: dict[str, Any]) -> str:
    """The PSID of the first messaging item's sender ("" when there is none, or the body has another shape)."""
    entries = payload.get("entry")
    entry = entries[0] if isinstance(entries, list) and entries and isinstance(entries[0], dict) else {}
    items = entry.get("messaging")
    item = items[0] if isinstance(items, list) and items and isinstance(items[0], dict) else {}
    sender = item.get("sender")
    psid = sender.get("id") if isinstance(sender, dict) else None
    return psid if isinstance(psid, str) else ""
