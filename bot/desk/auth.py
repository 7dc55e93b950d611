"""Desk accounts and sessions: Flask-Login reloads the staff member from the database on every request, so a
deactivated account or a demoted admin loses access on the next request; a session names the account's current
nonce, so logging out (or a new password, or deactivation) ends every session of that account on the server side.
Sessions also end after a time without use and after a fixed time since login."""

from __future__ import annotations

import datetime as dt
import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from flask import abort, current_app, jsonify, redirect, render_template, request, session, url_for
from flask_login import LoginManager, current_user, login_required, login_user, logout_user
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from ..store import StaffUser, Store, utcnow
from . import _bot, blueprint

log = logging.getLogger(__name__)
LOCK_AFTER = 5  # failed logins before each further attempt waits
MAX_LOCK = 3600.0
POLLING = ("desk.inbox_rows",)  # requests the page makes by itself: they do not count as use
login_manager = LoginManager()
login_manager.login_view = "desk.login"


def clock() -> float:
    """Seconds since the epoch (session ages; a test moves it)."""
    return time.time()


@dataclass(frozen=True)
class DeskUser:
    """The logged-in staff member as Flask-Login sees them (read from the database on each request)."""

    id: int
    username: str
    role: str
    nonce: str
    is_authenticated = True
    is_active = True
    is_anonymous = False

    def get_id(self) -> str:
        """What the session cookie holds: the account and its current nonce."""
        return f"{self.id}:{self.nonce}"

    @property
    def admin(self) -> bool:
        return self.role == "admin"


@login_manager.user_loader
def load_user(session_id: str) -> DeskUser | None:
    """The staff member of a session, or None when the account is gone, inactive, or the nonce has changed."""
    user_id, _, nonce = session_id.partition(":")
    if not user_id.isdigit() or not nonce:
        return None
    with _bot().store.session() as s:
        row = s.get(StaffUser, int(user_id))
    if row is None or not row.active or not secrets.compare_digest(nonce, row.session_nonce or ""):
        return None
    return DeskUser(row.id, row.username, row.role, row.session_nonce)


@login_manager.unauthorized_handler
def _unauthorized() -> Any:
    if request.endpoint in POLLING or request.accept_mimetypes.best == "application/json":
        return jsonify(error="login required"), 401
    return redirect(url_for("desk.login", next=request.path))


def admin_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Only admins (after login_required); the role is read from the database on every request."""
    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not current_user.is_authenticated or current_user.role != "admin":
            abort(403)
        return view(*args, **kwargs)
    return wrapped


@blueprint.before_request
def _limits() -> Any:
    """Every desk POST carries the CSRF token; a session ends after idle or absolute time."""
    from . import csrf

    if request.method == "POST":
        csrf.protect()
    if not current_user.is_authenticated:
        return None
    settings, now = current_app.config["TOMONI"], clock()
    started, seen = float(session.get("desk_login_at", 0)), float(session.get("desk_seen_at", 0))
    if now - started > settings.desk_session_hours * 3600 or now - seen > settings.desk_idle_minutes * 60:
        logout_user()
        session.clear()
        if request.endpoint in POLLING:
            return jsonify(error="session expired"), 401
        return redirect(url_for("desk.login", expired=1))
    if request.endpoint not in POLLING:
        session["desk_seen_at"] = now
    return None


# -- accounts --------------------------------------------------------------------------------------------------------
def add_user(store: Store, username: str, password: str, role: str = "staff") -> None:
    """Create a staff account (hashed password)."""
    if role not in ("staff", "admin"):
        raise ValueError("role must be staff or admin")
    _check_password(password)
    with store.session() as s:
        s.add(StaffUser(username=username, password_hash=generate_password_hash(password), role=role,
                        session_nonce=secrets.token_hex(16)))


def _check_password(password: str) -> None:
    if len(password) < 10:
        raise ValueError("the password needs at least 10 characters")


def change_account(store: Store, username: str, *, role: str | None = None, active: bool | None = None,
                   password: str | None = None) -> None:
    """Change a role, (de)activate, or set a new password; a deactivation or new password ends every session."""
    if role is not None and role not in ("staff", "admin"):
        raise ValueError("role must be staff or admin")
    with store.session() as s:
        user = s.scalar(select(StaffUser).where(StaffUser.username == username))
        if user is None:
            raise ValueError(f"no desk user {username!r}")
        if role is not None:
            user.role = role
        if active is not None:
            user.active = active
        if password is not None:
            _check_password(password)
            user.password_hash, user.failed_logins, user.locked_until = generate_password_hash(password), 0, None
        if active is False or password is not None:
            user.session_nonce = secrets.token_hex(16)


def authenticate(store: Store, username: str, password: str) -> tuple[DeskUser | None, float]:
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
            user.session_nonce = user.session_nonce or secrets.token_hex(16)
            return DeskUser(user.id, user.username, user.role, user.session_nonce), 0.0
        user.failed_logins += 1
        if user.failed_logins >= LOCK_AFTER:
            wait = min(MAX_LOCK, 30.0 * 2 ** (user.failed_logins - LOCK_AFTER))
            user.locked_until = now + dt.timedelta(seconds=wait)
            log.warning("desk login locked after failed attempts", extra={"seconds": wait})
        return None, 0.0


def end_sessions(store: Store, user_id: int) -> None:
    """A new nonce for the account: every session cookie it had stops working."""
    with store.session() as s:
        s.get_one(StaffUser, user_id).session_nonce = secrets.token_hex(16)


@blueprint.route("/login", methods=["GET", "POST"])
def login() -> Any:
    """The login page."""
    error = None
    if request.method == "POST":
        user, wait = authenticate(_bot().store, request.form.get("username", ""), request.form.get("password", ""))
        if user is not None:
            session.clear()  # a new session (and CSRF token) after login: no fixation
            login_user(user)
            session["desk_login_at"] = session["desk_seen_at"] = clock()
            target = request.args.get("next", "")
            return redirect(target if target.startswith("/desk/") and not target.startswith("//")
                            else url_for("desk.inbox"))
        error = f"しばらく待ってから({int(wait) + 1}秒後)もう一度ためしてください。" if wait else \
            "ユーザー名またはパスワードが違います。"
    expired = request.args.get("expired") and "一定時間が過ぎたため、ログアウトしました。もう一度ログインしてください。"
    return render_template("desk/login.html", error=error, expired=expired), 401 if error else 200


@blueprint.post("/logout")
@login_required
def logout() -> Any:
    """End the session, and every other session of this account (the nonce changes)."""
    end_sessions(_bot().store, int(current_user.id))
    logout_user()
    session.clear()
    return redirect(url_for("desk.login"))
