"""The local chat page (talk to the bot as a resident would) and the health check."""

from __future__ import annotations

import logging
import secrets
from typing import Any

from flask import Blueprint, abort, current_app, jsonify, render_template, request
from sqlalchemy import select, text

from .answering.pipeline import Bot
from .current import current_bot
from .messages import Inbound
from .observability import exposition
from .storage.models import Message, User
from .understanding.language import SERVED

log = logging.getLogger(__name__)
blueprint = Blueprint("web", __name__)
MAX_TEXT = 10_000


def _bot() -> Bot:
    return current_bot(current_app)


def _chat_on() -> bool:
    settings = current_app.config["TOMONI"]
    return bool(settings.development or settings.web_chat)


@blueprint.get("/")
def chat_page() -> Any:
    """The chat page: choose a simulated resident and a language, then talk."""
    if not _chat_on():
        abort(404)
    bot = _bot()
    languages = [(code, bot.catalog.name(code)) for code in SERVED]
    return render_template("chat.html", languages=languages, retention=bot.retention_days)


@blueprint.post("/chat/api/message")
def chat_message() -> Any:
    """One message from the chat page: {user, text | payload, lang?} -> the reply as `ask --json` prints it."""
    if not _chat_on():
        abort(404)
    data = request.get_json(silent=True)
    if not isinstance(data, dict) or not isinstance(data.get("user"), str) or not data["user"].strip():
        return jsonify(error="send JSON with 'user' and 'text' (or 'payload')"), 400
    body = str(data.get("text") or "")[:MAX_TEXT]
    payload = data.get("payload") if isinstance(data.get("payload"), str) else None
    inbound = Inbound(channel="web", user_id=data["user"][:64], kind="postback" if payload else "text", text=body,
                      payload=payload, preferred_language=data.get("lang") if isinstance(data.get("lang"), str) else None,
                      meta={"desk": True} if data.get("desk") is True else {})
    bot = _bot()
    reply = bot.handle(inbound)
    if reply is None:
        return jsonify(text="", options=[], handoff=False, silent=True)
    out = reply.as_json(None)
    # Beyond `ask --json`: the desk ticket (none for test traffic unless asked), and for a message filed silently
    # under a ticket while staff talk with the resident, the line that says it was passed on.
    out["ticket"] = reply.ticket_id
    if reply.silent:
        out["notice"] = bot.renderer.ui(reply.reply_language, "added_to_ticket")
    return jsonify(out)


def _machine() -> dict[str, Any]:
    service = current_app.extensions.get("tomoni_mt")
    if service is None:
        return {"installed": [], "models": []}
    return {"installed": sorted(p.name for p in service.packages.values()), "models": service.loaded()}


@blueprint.get("/chat/api/updates")
def chat_updates() -> Any:
    """Messages the desk staff sent to a chat-page resident after message id `after` (the page polls this)."""
    if not _chat_on():
        abort(404)
    user_id, after = request.args.get("user", ""), request.args.get("after", "0")
    if not after.isdigit():
        return jsonify(error="after must be a message id"), 400
    with _bot().store.session() as s:
        rows = s.execute(select(Message.id, Message.text).join(User, User.id == Message.user_id)
                         .where(User.channel == "web", User.external_id == user_id[:64], Message.direction == "out",
                                Message.staff_id.is_not(None), Message.id > int(after)).order_by(Message.id)).all()
    return jsonify(messages=[{"id": r.id, "text": r.text} for r in rows])


@blueprint.get("/metrics")
def metrics() -> Any:
    """Prometheus metrics; off unless TOMONI_METRICS_TOKEN is set, and then only with that bearer token."""
    token = current_app.config["TOMONI"].metrics_token
    given = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    if not token or not secrets.compare_digest(given, token):
        abort(404)
    bot = _bot()
    return current_app.response_class(exposition(bot.store, bot.latency), mimetype="text/plain; version=0.0.4")


@blueprint.get("/healthz")
def healthz() -> Any:
    """200 with the state of the database, the channels and translation; 503 when the database is unreachable."""
    bot = _bot()
    settings = current_app.config["TOMONI"]
    try:
        with bot.store.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        database = True
    except Exception:  # noqa: BLE001 - any failure means "not reachable"
        log.exception("health check: database unreachable")
        database = False
    body = {"status": "ok" if database else "error", "database": database,
            "channels": {"line": settings.line_on, "messenger": settings.messenger_on},
            "translation": {"curated": bot.catalog.languages, **_machine()}}
    return jsonify(body), 200 if database else 503
