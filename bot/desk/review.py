"""Desk pages for reviewing: suggestions made from tickets (approved ones teach the bot), the figures of the service,
and one resident's data (export, delete)."""

from __future__ import annotations

import json
import logging
from typing import Any

from flask import abort, current_app, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from ..answering.privacy import export, forget_by_id
from ..answering.reminders import monthly_pushes
from ..storage.figures import compute
from ..storage.models import Message, Suggestion, utcnow
from .auth import admin_required
from .common import _bot, _mt, answer_labels, blueprint, language_names

log = logging.getLogger(__name__)


def intent_of(answer_key: str) -> str:
    """The intent an answer key belongs to (garbage.rules.time -> garbage.rules)."""
    parts = answer_key.split(".")
    return ".".join(parts[:2])


@blueprint.post("/tickets/<int:ticket_id>/suggest")
@login_required
def suggest(ticket_id: int) -> Any:
    """Turn a resident's question into a suggestion: the question and the answer that fits it."""
    bot = _bot()
    key = request.form.get("answer", "")
    if key not in bot.kb.answers:
        abort(400, "choose an answer")
    with bot.store.session() as s:
        raw_id = request.form.get("message_id", "")
        msg = s.get(Message, int(raw_id)) if raw_id.isdigit() and len(raw_id) < 12 else None
        if msg is None or msg.ticket_id != ticket_id or msg.direction != "in":
            abort(400, "not a message of this ticket")
        s.add(Suggestion(text=msg.text[:1000], language=msg.language, intent=intent_of(key), answer=key,
                         created_by=int(current_user.id)))
    return redirect(url_for("desk.ticket", ticket_id=ticket_id))


@blueprint.get("/suggestions")
@login_required
@admin_required
def suggestions() -> Any:
    """Pending suggestions, for an admin to approve or reject."""
    bot = _bot()
    with bot.store.session() as s:
        pending = list(s.scalars(select(Suggestion).where(Suggestion.status == "pending").order_by(Suggestion.id)))
    return render_template("desk/suggestions.html", pending=pending, labels=answer_labels(), names=language_names())


@blueprint.post("/suggestions/<int:suggestion_id>/<decision>")
@login_required
@admin_required
def decide(suggestion_id: int, decision: str) -> Any:
    """Approve (this phrasing gets the chosen answer, before the rules; similar ones through the examples; at once
    here and within seconds in every other process) or reject."""
    if decision not in ("approve", "reject"):
        abort(404)
    bot = _bot()
    with bot.store.session() as s:
        item = s.get(Suggestion, suggestion_id)
        if item is None or item.status != "pending":
            abort(404)
        item.status = "approved" if decision == "approve" else "rejected"
        item.decided_by, item.decided_at = int(current_user.id), utcnow()
    if decision == "approve":
        bot.learn()
    return redirect(url_for("desk.suggestions"))


@blueprint.get("/stats")
@login_required
def stats() -> Any:
    """Tickets per language and week, median time to first reply, the topics most often handed off."""
    bot = _bot()
    figures = compute(bot.store, bot.timezone)
    names = language_names()
    pushes = monthly_pushes(bot.store, bot.calendar, bot.now().date()) if bot.calendar else 0
    return render_template("desk/stats.html", f=figures, names=names, pushes=pushes, problems=bot.store.problems())


@blueprint.get("/residents/<int:user_id>/export")
@login_required
@admin_required
def export_resident(user_id: int) -> Any:
    """Everything stored about one resident, as JSON (on their request; the export is logged)."""
    data = export(_bot().store, user_id)
    log.warning("resident data exported", extra={"staff": current_user.id, "user": user_id})
    return current_app.response_class(json.dumps(data, ensure_ascii=False, indent=1), mimetype="application/json",
                                      headers={"Content-Disposition": f"attachment; filename=resident-{user_id}.json"})


@blueprint.post("/residents/<int:user_id>/delete")
@login_required
@admin_required
def delete_resident(user_id: int) -> Any:
    """Delete one resident's data (their words and profile; anonymous counts stay); logged."""
    bot = _bot()
    _mt().drop(forget_by_id(bot.store, user_id))
    bot.learn()
    log.warning("resident data deleted by the desk", extra={"staff": current_user.id, "user": user_id})
    return redirect(url_for("desk.inbox"))
