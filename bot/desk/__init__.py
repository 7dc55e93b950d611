"""The consultation desk: staff log in, read residents' messages in Japanese and reply in Japanese.

Server-rendered pages (Japanese), every page behind a login, CSRF on every form, resident text always escaped.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import Blueprint, abort, current_app, jsonify, redirect, render_template, request, session, url_for
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from .. import handoff
from ..mt import MachineTranslator
from ..pipeline import Bot
from ..store import URGENT, StaffUser, Store, utcnow

log = logging.getLogger(__name__)
blueprint = Blueprint("desk", __name__, url_prefix="/desk", template_folder="templates")
LOCK_AFTER = 5  # failed logins before each further attempt waits
MAX_LOCK = 3600.0


def _bot() -> Bot:
    from .. import current_bot

    return current_bot(current_app)


def _mt() -> MachineTranslator:
    from .. import current_translator

    return current_translator(current_app)


def login_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Redirect to the login page unless a staff member is logged in; check the CSRF token on every POST."""
    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if "staff_id" not in session:
            return redirect(url_for("desk.login", next=request.path))
        if request.method == "POST" and not secrets.compare_digest(
                str(request.form.get("csrf") or request.headers.get("X-CSRF-Token") or ""), str(session.get("csrf"))):
            abort(400, "CSRF token missing or wrong")
        return view(*args, **kwargs)
    return wrapped


@blueprint.app_context_processor
def _csrf() -> dict[str, Any]:
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(24)
    return {"csrf": session["csrf"], "staff_name": session.get("staff_name"), "urgent": URGENT}


# -- accounts --------------------------------------------------------------------------------------------------------
def add_user(store: Store, username: str, password: str, role: str = "staff") -> None:
    """Create a staff account (hashed password)."""
    if role not in ("staff", "admin"):
        raise ValueError("role must be staff or admin")
    if len(password) < 10:
        raise ValueError("the password needs at least 10 characters")
    with store.session() as s:
        s.add(StaffUser(username=username, password_hash=generate_password_hash(password), role=role))


def authenticate(store: Store, username: str, password: str) -> tuple[StaffUser | None, float]:
    """The staff member for a correct login; else (None, seconds to wait before the next try)."""
    now = utcnow()
    with store.session() as s:
        user = s.scalar(select(StaffUser).where(StaffUser.username == username))
        if user is None or not user.active:
            check_password_hash(generate_password_hash("x"), password)  # same cost as a real check
            return None, 0.0
        if user.locked_until and user.locked_until > now:
            return None, (user.locked_until - now).total_seconds()
        if check_password_hash(user.password_hash, password):
            user.failed_logins, user.locked_until = 0, None
            return user, 0.0
        user.failed_logins += 1
        if user.failed_logins >= LOCK_AFTER:
            wait = min(MAX_LOCK, 30.0 * 2 ** (user.failed_logins - LOCK_AFTER))
            user.locked_until = now + dt.timedelta(seconds=wait)
            log.warning("desk login locked after failed attempts", extra={"seconds": wait})
        return None, 0.0


@blueprint.route("/login", methods=["GET", "POST"])
def login() -> Any:
    """The login page."""
    error = None
    if request.method == "POST":
        if not secrets.compare_digest(str(request.form.get("csrf", "")), str(session.get("csrf"))):
            abort(400, "CSRF token missing or wrong")
        user, wait = authenticate(_bot().store, request.form.get("username", ""), request.form.get("password", ""))
        if user is not None:
            session.clear()
            session.update(staff_id=user.id, staff_name=user.username, role=user.role,
                           csrf=secrets.token_urlsafe(24))
            target = request.args.get("next", "")
            return redirect(target if target.startswith("/desk/") else url_for("desk.inbox"))
        error = f"しばらく待ってから({int(wait) + 1}秒後)もう一度ためしてください。" if wait else \
            "ユーザー名またはパスワードが違います。"
    return render_template("desk/login.html", error=error), 401 if error else 200


@blueprint.post("/logout")
@login_required
def logout() -> Any:
    """End the session."""
    session.clear()
    return redirect(url_for("desk.login"))


# -- inbox and tickets -----------------------------------------------------------------------------------------------
@blueprint.get("/")
@login_required
def inbox() -> Any:
    """Open tickets, the longest waiting first; the list refreshes itself."""
    return render_template("desk/inbox.html", rows=handoff.inbox(_bot().store, _mt()), now=utcnow(),
                           names=_language_names())


@blueprint.get("/inbox/rows")
@login_required
def inbox_rows() -> Any:
    """The inbox rows alone (the page fetches them every few seconds)."""
    return render_template("desk/_rows.html", rows=handoff.inbox(_bot().store, _mt()), now=utcnow(),
                           names=_language_names())


@blueprint.get("/tickets/<int:ticket_id>")
@login_required
def ticket(ticket_id: int) -> Any:
    """A conversation: each resident message with its Japanese translation, staff replies with their state."""
    bot = _bot()
    _resident(ticket_id)  # 404 for a ticket that does not exist
    tkt, user, lines = handoff.conversation(bot.store, _mt(), ticket_id)
    lang = _resident_language(user)
    answers = [(key, str(bot.catalog.get("ja", "intent_labels", key) or key)) for key in bot.kb.answers
               if bot.catalog.get("ja", "intent_labels", key)]
    return render_template("desk/ticket.html", ticket=tkt, user=user, lines=lines, lang=lang,
                           names=_language_names(), answers=answers,
                           coverage=_mt().coverage("ja", lang), coverage_in=_mt().coverage(lang, "ja"))


@blueprint.post("/tickets/<int:ticket_id>/preview")
@login_required
def preview(ticket_id: int) -> Any:
    """The staff member's Japanese, translated into the resident's language (to check and edit before sending)."""
    lang = _resident_language(_resident(ticket_id))
    result = _mt().translate(request.form.get("japanese", ""), "ja", lang)
    return jsonify(text=result.text, kind=result.kind, language=lang)


@blueprint.get("/tickets/<int:ticket_id>/answer")
@login_required
def curated_answer(ticket_id: int) -> Any:
    """A curated answer of the knowledge base, in the resident's language."""
    bot = _bot()
    key = request.args.get("key", "")
    if key not in bot.kb.answers:
        abort(404)
    lang = _resident_language(_resident(ticket_id))
    now = bot.now()
    return jsonify(text=bot.renderer.answer(key, lang, now.date(), now.time()).text, language=lang)


@blueprint.post("/tickets/<int:ticket_id>/reply")
@login_required
def send_reply(ticket_id: int) -> Any:
    """Send the (checked) text in the resident's language through the channel's outbox."""
    text = (request.form.get("text") or "").strip()
    if not text:
        abort(400, "empty reply")
    lang = _resident_language(_resident(ticket_id))
    handoff.reply(_bot().store, ticket_id, text[:5000], lang, int(session["staff_id"]))
    _deliver_now()
    return redirect(url_for("desk.ticket", ticket_id=ticket_id))


@blueprint.post("/tickets/<int:ticket_id>/close")
@login_required
def close(ticket_id: int) -> Any:
    """Close the ticket and return the resident to the bot (told in their language)."""
    bot = _bot()
    lang = _resident_language(_resident(ticket_id))
    handoff.close(bot.store, ticket_id, bot.renderer.ui(lang, "ticket_closed"), lang, int(session["staff_id"]))
    _deliver_now()
    return redirect(url_for("desk.inbox"))


def _deliver_now() -> None:
    """Send staff replies at once when this process delivers (a failure stays in the outbox for the retries)."""
    from .. import current_runtime

    current_runtime(current_app).deliverer.deliver_due()


def _resident(ticket_id: int) -> Any:
    """The resident of a ticket (404 when there is no such ticket)."""
    found = handoff.resident(_bot().store, ticket_id)
    if found is None:
        abort(404)
    return found[1]


def _resident_language(user: Any) -> str:
    from ..language import SERVED

    return str(user.language) if user.language in SERVED else "en"


def _language_names() -> dict[str, str]:
    bot = _bot()
    return {code: str(name) for code, name in (bot.catalog.get("ja", "ui", "language_names") or {}).items()}


from . import announcements, hours, insight  # noqa: E402,F401 - register the other desk pages
