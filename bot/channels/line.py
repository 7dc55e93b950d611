"""LINE Messaging API channel, on the official line-bot-sdk v3.

Webhook (https://developers.line.biz/en/reference/messaging-api/#webhooks): the signature is checked on the raw
body (the SDK compares in constant time); a bad or missing one is 400 and nothing is stored. Every event of the batch
becomes a channel-neutral `Inbound`, stored before the 200 goes back; the work happens in a worker.
Sending: the reply token while it is fresh (about a minute), else a push with `X-Line-Retry-Key` so a retried push is
delivered once (https://developers.line.biz/en/docs/messaging-api/retrying-api-request/).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
from collections.abc import Callable
from typing import Any

from flask import Blueprint, abort, request
from linebot.v3 import WebhookParser
from linebot.v3.exceptions import InvalidSignatureError
from linebot.v3.messaging import (
    ApiClient,
    ApiException,
    Configuration,
    MessagingApi,
    MulticastRequest,
    PostbackAction,
    PushMessageRequest,
    QuickReply,
    QuickReplyItem,
    ReplyMessageRequest,
    ShowLoadingAnimationRequest,
    TextMessage,
    URIAction,
)
from linebot.v3.webhooks import (
    FollowEvent,
    MessageEvent,
    PostbackEvent,
    TextMessageContent,
    UnfollowEvent,
    UserSource,
)

from ..messages import Inbound
from ..outbox import SendResult
from ..store import Outbox, Store

log = logging.getLogger(__name__)
NAME = "line"
REPLY_WINDOW = dt.timedelta(seconds=50)  # LINE: use the reply token "within one minute"; keep a margin
MAX_TEXT = 5000  # LINE's limit for one text message
MAX_CHOICES = 13  # quick-reply items
LABEL = 20  # quick-reply label length


class LineChannel:
    """The LINE adapter: webhook blueprint, sender, profile language and loading animation."""

    def __init__(self, secret: str, token: str, base_url: str) -> None:
        self.parser = WebhookParser(secret)
        self.config = Configuration(host=base_url.rstrip("/"), access_token=token)
        self.client = ApiClient(self.config)
        self.api = MessagingApi(self.client)

    # -- in ----------------------------------------------------------------------------------------------------------
    def blueprint(self, receive: Callable[[Inbound], int | None], submit: Callable[[int], None]) -> Blueprint:
        """POST /webhooks/line."""
        bp = Blueprint("line", __name__)

        @bp.post("/webhooks/line")
        def webhook() -> tuple[str, int]:
            body = request.get_data(as_text=True)
            signature = request.headers.get("X-Line-Signature", "")
            try:
                payload = self.parser.parse(body, signature, as_payload=True)
            except InvalidSignatureError:
                log.warning("LINE webhook with a bad or missing signature refused")
                abort(400, "invalid signature")
            except ValueError:
                log.warning("LINE webhook with a malformed body refused")
                abort(400, "malformed body")
            for event in payload.events or []:
                inbound = self.to_inbound(event)
                if inbound is None:
                    continue
                message_id = receive(inbound)
                if message_id is not None:
                    submit(message_id)
            return "OK", 200

        return bp

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
        language: str | None = self.api.get_profile(user_id, _request_timeout=5).language
        return language

    def show_loading(self, user_id: str, seconds: int = 10) -> None:
        """LINE's typing animation while a slow answer is being prepared."""
        self.api.show_loading_animation(ShowLoadingAnimationRequest(chatId=user_id, loadingSeconds=seconds),
                                        _request_timeout=5)

    # -- out ---------------------------------------------------------------------------------------------------------
    def send(self, row: Outbox, body: dict[str, Any], store: Store) -> SendResult:
        """Reply with the token while it is fresh, else (or if the reply fails) push with the row's retry key;
        an announcement's row (a list of recipients, at most 500) is one multicast."""
        messages = [to_message(body)]
        if row.recipient.startswith("["):
            return _attempt(lambda: self.api.multicast(
                MulticastRequest(to=json.loads(row.recipient), messages=messages), x_line_retry_key=row.retry_key,
                _request_timeout=10))
        fresh = row.reply_token and row.reply_deadline and dt.datetime.utcnow() < row.reply_deadline  # noqa: DTZ003
        if fresh and row.attempts == 0:
            try:
                self.api.reply_message(ReplyMessageRequest(replyToken=row.reply_token, messages=messages),
                                       _request_timeout=10)
                return SendResult.sent()
            except ApiException as exc:
                log.info("LINE reply failed, pushing instead", extra={"status": exc.status})
        return _attempt(lambda: self.api.push_message(PushMessageRequest(to=row.recipient, messages=messages),
                                                      x_line_retry_key=row.retry_key, _request_timeout=10))


def _attempt(call: Callable[[], Any]) -> SendResult:
    """One API call with a retry key, as a SendResult."""
    try:
        call()
        return SendResult.sent()
    except ApiException as exc:
        return _result(exc)
    except Exception as exc:  # noqa: BLE001 - connection refused, timeout …: retry later
        return SendResult.retry(f"network: {type(exc).__name__}")


def _result(exc: ApiException) -> SendResult:
    status = int(exc.status or 0)
    if status == 409:  # the retry key was accepted before: the push was delivered
        return SendResult.sent()
    reason = f"LINE {status}: {(exc.body or '')[:200] if isinstance(exc.body, str) else exc.reason}"
    if status >= 500 or status == 429:
        return SendResult.retry(reason)
    return SendResult.refused(reason)


URI_SCHEMES = ("tel:", "https:", "http:")


def to_message(body: dict[str, Any]) -> TextMessage:
    """A channel-neutral body as a LINE text message with quick-reply buttons."""
    items = [QuickReplyItem(action=_action(c)) for c in body.get("choices", [])[:MAX_CHOICES]]
    return TextMessage(text=str(body["text"])[:MAX_TEXT], quickReply=QuickReply(items=items) if items else None)


def _action(choice: dict[str, Any]) -> PostbackAction | URIAction:
    """A button: a help line to dial (tel:) or a chat page to open (https:) is a URI action; the rest post back."""
    label, payload = choice["label"][:LABEL], str(choice["payload"])
    if payload.startswith(URI_SCHEMES):
        return URIAction(label=label, uri=payload)
    return PostbackAction(label=label, data=payload, displayText=choice["label"][:300])


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
