"""LINE Messaging API channel, on the official line-bot-sdk v3.

Webhook (https://developers.line.biz/en/reference/messaging-api/#webhooks): the signature is checked on the raw
body in constant time; a bad or missing one is 400 and nothing is stored. Every event of a validly signed batch is
taken on its own: it becomes a channel-neutral `Inbound`, stored before the 200 goes back (the work happens in a
worker), or, when it cannot be read (a shape the SDK refuses, an id too long, a NUL byte), it is kept as rejected with
its reason and the rest of the batch goes on. A signed body always gets 200: LINE would only send it again.
Sending: the reply token while it is fresh (about a minute), else a push with `X-Line-Retry-Key` so a retried push is
delivered once (https://developers.line.biz/en/docs/messaging-api/retrying-api-request/). A reply has no retry key:
when its answer never comes (a timeout, a 5xx, the process killed mid-call) the same token is tried again while it is
valid — LINE refuses a used token, which then means the first reply arrived — and it is never turned into a push,
which would be a second copy. Past the token's life the row ends 'outcome unknown', for staff to see.

The calls made for every message (reply, push, multicast, profile, loading animation) go out as plain JSON through
`LineApi`, over keep-alive connections (http.client, one per thread), without the SDK's per-call models and
urllib3: the same requests, a fraction of the CPU. The SDK still reads the webhook's events and manages the rich menus
(bot.channels.line_menu), which are rare calls.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import http.client
import json
import logging
import select
import socket
import threading
from collections.abc import Callable
from typing import Any
from urllib.parse import quote, urlsplit

from flask import Blueprint, abort, request
from linebot.v3.messaging import ApiClient, ApiException, Configuration, MessagingApi
from linebot.v3.webhooks import (
    Event,
    FollowEvent,
    MessageEvent,
    PostbackEvent,
    TextMessageContent,
    UnfollowEvent,
    UserSource,
)

from ..messages import Accept, Inbound, Rejected, event_ref, problem
from ..storage.models import Outbox, utcnow
from ..storage.outbox import SendResult
from ..storage.store import Delivery, Store
from .base import BaseChannel
from .line_menu import MenuLinker

log = logging.getLogger(__name__)
NAME = "line"
REPLY_WINDOW = dt.timedelta(seconds=50)  # LINE: use the reply token "within one minute"; keep a margin
MAX_TEXT = 5000  # LINE's limit for one text message
MULTICAST = 500  # recipients of one multicast call (the API's limit)
MAX_CHOICES = 13  # quick-reply items
LABEL = 20  # quick-reply label length
REPLY_LEASE = 20.0  # seconds a reply call may take (timeout 10 s) before another worker may try the token again
REPLY_RETRY = 1.0  # seconds between tries of a reply in doubt (the token lives about a minute)


class LineChannel(BaseChannel):
    """The LINE adapter: webhook blueprint, sender, profile language, loading animation and rich menus."""

    name = NAME
    multicast_limit = MULTICAST  # an announcement's batch: one multicast call

    def __init__(self, secret: str, token: str, base_url: str) -> None:
        self.secret = secret.encode()
        self.config = Configuration(host=base_url.rstrip("/"), access_token=token)
        self.client = ApiClient(self.config)
        self.api = MessagingApi(self.client)  # the rich menus' calls (line_menu)
        self.http = LineApi(base_url, token)  # the calls made for every message
        self.menus = MenuLinker(self)

    # -- in ----------------------------------------------------------------------------------------------------------
    def blueprint(self, accept: Accept) -> Blueprint:
        """POST /webhooks/line: the signature checked, the body kept as it came (`accept`: one insert), 200. The
        events are read by a worker (`read`)."""
        bp = Blueprint("line", __name__)

        @bp.post("/webhooks/line")
        def webhook() -> tuple[str, int]:
            raw = request.get_data()
            if not self.signature_ok(raw, request.headers.get("X-Line-Signature", "")):
                log.warning("LINE webhook with a bad or missing signature refused")
                abort(400, "invalid signature")
            try:
                body = raw.decode("utf-8")
                payload = json.loads(body)
            except ValueError:  # not UTF-8 or not JSON: nothing to take, and sending it again would not help
                log.warning("signed LINE webhook that is not JSON ignored")
                return "OK", 200
            events = payload.get("events") if isinstance(payload, dict) else None
            if not isinstance(events, list):
                log.warning("signed LINE webhook without an event list ignored")
                return "OK", 200
            if events:  # LINE's "Verify" button sends an empty list
                accept(NAME, body, _sender(events[0]))
            return "OK", 200

        return bp

    def signature_ok(self, raw: bytes, signature: str) -> bool:
        """X-Line-Signature: base64(HMAC-SHA256(channel secret, raw body)), compared in constant time."""
        expected = base64.b64encode(hmac.new(self.secret, raw, hashlib.sha256).digest())
        return hmac.compare_digest(expected, signature.encode("utf-8", "replace"))

    def read(self, body: str) -> list[Inbound | Rejected]:
        """The events of a kept webhook body, each on its own: an Inbound, or Rejected with its reason when it cannot
        be read (a shape the SDK refuses, an id too long, a NUL byte). Events the bot does not act on are left out
        (logged)."""
        payload = json.loads(body)
        events = payload.get("events") if isinstance(payload, dict) else None
        return [e for e in (self.take(item) for item in (events if isinstance(events, list) else [])) if e is not None]

    def take(self, item: Any) -> Inbound | Rejected | None:
        """One event of a batch: an Inbound, Rejected with its reason, or None (an event the bot does not act on)."""
        try:
            inbound = self.to_inbound(Event.from_dict(item)) if isinstance(item, dict) else None
            reason = "not an event object" if not isinstance(item, dict) else problem(inbound)
        except Exception as exc:  # noqa: BLE001 - any shape the SDK or this adapter cannot read
            inbound, reason = None, f"malformed event ({type(exc).__name__})"
        if reason is not None:
            return Rejected(NAME, event_ref(item, ignore=("deliveryContext",)), str(reason))
        return inbound

    def to_inbound(self, event: Any) -> Inbound | None:
        """A webhook event as an Inbound; None (logged) for events the bot does not act on."""
        source = getattr(event, "source", None)
        if not isinstance(source, UserSource) or not source.user_id:
            log.info("LINE event ignored (not from a user chat)", extra={"type": getattr(event, "type", "?")})
            return None
        meta: dict[str, Any] = {"redelivery": bool(getattr(getattr(event, "delivery_context", None),
                                                           "is_redelivery", False))}
        token = getattr(event, "reply_token", None)
        if token and not meta["redelivery"]:
            sent_at = dt.datetime.fromtimestamp(event.timestamp / 1000, dt.UTC)
            meta.update(reply_token=token, reply_until=(sent_at + REPLY_WINDOW).isoformat())
        base = {"channel": NAME, "user_id": source.user_id, "event_id": event_key(event), "meta": meta}
        if isinstance(event, MessageEvent):
            if isinstance(event.message, TextMessageContent):
                return Inbound(kind="text", text=event.message.text, **base)
            kind = event.message.type if event.message.type in ("sticker", "image", "video", "audio", "file",
                                                                 "location") else "other"
            return Inbound(kind=kind, **base)
        if isinstance(event, PostbackEvent):
            return Inbound(kind="postback", payload=event.postback.data, **base)
        if isinstance(event, FollowEvent):
            return Inbound(kind="follow", **base)
        if isinstance(event, UnfollowEvent):
            return Inbound(kind="unfollow", **base)
        log.info("LINE event ignored", extra={"type": getattr(event, "type", "?")})
        return None

    def profile_language(self, user_id: str) -> str | None:
        """The user's LINE app language (BCP 47), if they consented to share it."""
        language = self.http.call("GET", f"/v2/bot/profile/{quote(user_id, safe='')}", timeout=5).get("language")
        return str(language) if language else None

    def show_loading(self, user_id: str, seconds: int = 10) -> None:
        """LINE's typing animation while a slow answer is being prepared."""
        self.http.call("POST", "/v2/bot/chat/loading/start", {"chatId": user_id, "loadingSeconds": seconds}, timeout=5)

    def language_set(self, user_id: str, lang: str) -> None:
        """Show the resident the rich menu of their language (bot.channels.line_menu)."""
        self.menus.link(user_id, lang)

    def first_call_lease(self, delivery: Delivery) -> float | None:
        """A reply with a token still fresh is a call LINE cannot de-duplicate: written in doubt (see `send`)."""
        fresh = delivery.reply_token and delivery.reply_deadline and utcnow() < delivery.reply_deadline
        return REPLY_LEASE if fresh else None

    # -- out ---------------------------------------------------------------------------------------------------------
    def send(self, row: Outbox, body: dict[str, Any], store: Store) -> SendResult:
        """Reply with the token while it is fresh, else (or if LINE refuses the reply) push with the row's retry key;
        a reply in doubt is tried again with its token, never pushed; an announcement's row (a list of recipients,
        at most MULTICAST) is one multicast."""
        messages = [to_message(body)]
        if row.recipient.startswith("["):
            return _attempt(lambda: self.http.call(
                "POST", "/v2/bot/message/multicast", {"to": json.loads(row.recipient), "messages": messages},
                retry_key=row.retry_key))
        fresh = bool(row.reply_token and row.reply_deadline and utcnow() < row.reply_deadline)
        if row.reply_token and row.in_doubt and not row.call_begun:
            if not fresh:
                return SendResult.unknown("LINE reply: no answer came and the reply token has expired, so whether it "
                                          "arrived is unknown; not pushed, which could send it twice")
            result = self._reply(row, messages, store)
            if result is not None:
                return result
        elif fresh and row.attempts == 0:
            result = self._reply(row, messages, store)
            if result is not None:
                return result
        return _attempt(lambda: self.http.call("POST", "/v2/bot/message/push",
                                               {"to": row.recipient, "messages": messages}, retry_key=row.retry_key))

    def _reply(self, row: Outbox, messages: list[dict[str, Any]], store: Store) -> SendResult | None:
        """One reply call; None when LINE refused it for sure (then a push may follow). The row is in doubt from
        before the call (marked here, or already when Store.finish wrote it: `call_begun`)."""
        tried_before = row.in_doubt and not row.call_begun
        if not row.call_begun:
            store.begin_call(row.id, REPLY_LEASE)
        try:
            response = self.http.call("POST", "/v2/bot/message/reply",
                                      {"replyToken": row.reply_token, "messages": messages})
            return SendResult.sent(_sent_id(response))
        except ApiException as exc:
            status = int(exc.status or 0)
            if status >= 500:
                return SendResult.retry(f"LINE reply {status}: outcome unknown", in_doubt=True, delay=REPLY_RETRY)
            if tried_before and status == 400 and "reply token" in str(exc.body or "").lower():
                # The token is within its life and LINE says it is used: the earlier call delivered the reply.
                return SendResult.sent(note="reply token already used: the earlier reply arrived")
            log.info("LINE reply refused, pushing instead", extra={"status": status})
            return None
        except Exception as exc:  # noqa: BLE001 - a timeout or a dropped connection: the reply may have arrived
            return SendResult.retry(f"LINE reply: {type(exc).__name__}, outcome unknown", in_doubt=True,
                                    delay=REPLY_RETRY)


class LineApi:
    """The Messaging API calls made for every message, as plain JSON over keep-alive connections (http.client): one
    connection per thread (the worker's answering threads call at once), kept open between calls, opened again when
    the server has closed it. A status outside 2xx raises the SDK's ApiException (status, reason, body as text), as
    its own client did, so callers read errors the same way. urllib3, under the SDK, cost twice the CPU per call."""

    def __init__(self, base_url: str, token: str) -> None:
        url = urlsplit(base_url.rstrip("/"))
        self.https = url.scheme == "https"
        self.host, self.port, self.prefix = url.hostname or "", url.port, url.path
        self.headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json", "User-Agent": "tomoni"}
        self.local = threading.local()

    def _connection(self, timeout: float) -> http.client.HTTPConnection:
        conn: http.client.HTTPConnection | None = getattr(self.local, "conn", None)
        if conn is not None and conn.sock is not None and _closed(conn.sock):
            conn.close()  # the server ended the kept-alive connection while it was idle: a new one
        if conn is None:
            kind = http.client.HTTPSConnection if self.https else http.client.HTTPConnection
            conn = self.local.conn = kind(self.host, self.port, timeout=timeout)
        conn.timeout = timeout
        if conn.sock is not None:
            conn.sock.settimeout(timeout)
        return conn

    def call(self, method: str, path: str, body: dict[str, Any] | None = None, *, timeout: float = 10.0,
             retry_key: str | None = None) -> dict[str, Any]:
        """One call; the answer's JSON object ({} when it has none). A network error or timeout raises (OSError,
        http.client.HTTPException), the connection closed."""
        headers = self.headers if retry_key is None else {**self.headers, "X-Line-Retry-Key": retry_key}
        data = None if body is None else json.dumps(body, ensure_ascii=False).encode()
        conn = self._connection(timeout)
        try:
            conn.request(method, self.prefix + path, body=data, headers=headers)
            res = conn.getresponse()
            raw = res.read()
        except BaseException:
            conn.close()
            raise
        if res.will_close:
            conn.close()
        if not 200 <= res.status <= 299:
            exc = ApiException(status=res.status, reason=res.reason)
            exc.body, exc.headers = raw.decode("utf-8", "replace"), res.headers
            raise exc
        try:
            answer = json.loads(raw) if raw else {}
        except ValueError:
            answer = {}
        return answer if isinstance(answer, dict) else {}


def _sender(event: Any) -> str:
    """The user id of an event as sent ("" when it has none: a group's event, a malformed one)."""
    source = event.get("source") if isinstance(event, dict) else None
    user = source.get("userId") if isinstance(source, dict) else None
    return user if isinstance(user, str) else ""


def _closed(sock: socket.socket) -> bool:
    """Whether an idle kept-alive connection was closed by the server (readable with nothing asked: an end of file
    or an error), as urllib3 checks before reusing one."""
    try:
        if hasattr(select, "poll"):  # any file number (select.select stops at 1024)
            poller = select.poll()
            poller.register(sock, select.POLLIN)
            return bool(poller.poll(0))
        readable, _, _ = select.select([sock], [], [], 0)
    except (OSError, ValueError):
        return True
    return bool(readable)


def _sent_id(response: Any) -> str | None:
    """The id of the first message LINE says it sent."""
    sent = response.get("sentMessages") if isinstance(response, dict) else None
    first = sent[0] if isinstance(sent, list) and sent and isinstance(sent[0], dict) else {}
    return str(first["id"]) if first.get("id") else None


def _attempt(call: Callable[[], Any]) -> SendResult:
    """One API call with a retry key, as a SendResult (never in doubt: LINE drops a repeated key with a 409)."""
    try:
        return SendResult.sent(_sent_id(call()))
    except ApiException as exc:
        return _result(exc)
    except Exception as exc:  # noqa: BLE001 - connection refused, timeout …: retry later
        return SendResult.retry(f"network: {type(exc).__name__}", in_doubt=False)


def _result(exc: ApiException) -> SendResult:
    status = int(exc.status or 0)
    if status == 409:  # the retry key was accepted before: the push was delivered
        return SendResult.sent()
    reason = f"LINE {status}: {(exc.body or '')[:200] if isinstance(exc.body, str) else exc.reason}"
    if status >= 500 or status == 429:
        return SendResult.retry(reason, in_doubt=False)
    return SendResult.refused(reason)


URI_SCHEMES = ("tel:", "https:", "http:")


def to_message(body: dict[str, Any]) -> dict[str, Any]:
    """A channel-neutral body as a LINE text message (JSON) with quick-reply buttons."""
    message: dict[str, Any] = {"type": "text", "text": str(body["text"])[:MAX_TEXT]}
    items = [{"type": "action", "action": _action(c)} for c in body.get("choices", [])[:MAX_CHOICES]]
    if items:
        message["quickReply"] = {"items": items}
    return message


def _action(choice: dict[str, Any]) -> dict[str, str]:
    """A button: a help line to dial (tel:) or a chat page to open (https:) is a URI action; the rest post back."""
    label, payload = str(choice["label"])[:LABEL], str(choice["payload"])
    if payload.startswith(URI_SCHEMES):
        return {"type": "uri", "label": label, "uri": payload}
    return {"type": "postback", "label": label, "data": payload, "displayText": str(choice["label"])[:300]}


def event_key(event: Any) -> str:
    """A de-duplication key that is the same when LINE redelivers an event.

    `webhookEventId` alone identifies an event for LINE; the message id and timestamp are added so that payloads
    written by others with a repeated id (the SDK's own sample) are still told apart."""
    message = getattr(event, "message", None)
    parts = [str(getattr(event, "webhook_event_id", "") or ""), str(getattr(event, "type", "")),
             str(getattr(message, "type", "") or ""), str(getattr(message, "id", "") or ""),
             str(getattr(event, "timestamp", ""))]
    postback = getattr(event, "postback", None)
    if postback is not None:
        detail = f"{postback.data}|{postback.params}"
        parts.append(hashlib.sha256(detail.encode()).hexdigest()[:12])
    return ":".join(parts)[:128]
