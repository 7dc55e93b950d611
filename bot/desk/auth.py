"""Desk accounts and sessions: Flask-Login reloads the staff member from the database on every request, so a
deactivated account or a demoted admin loses access on the next request; a session names the account's current
nonce, so logging out (or a new password, or deactivation) ends every session of that account on the server side.
Sessions also end after a time without use and after a fixed time since login."""

from __future__ import annotations

import datetime as dt
import functools
import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from flask import abort, current_app, jsonify, redirect, render_template, request, session, url_for
from flask_login import LoginManager, current_user, login_required, login_user, logout_user
from itsdangerous import BadData, URLSafeSerializer
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from ..storage.models import LoginThrottle, StaffUser, utcnow
from ..storage.store import Store
from .common import _bot, blueprint, csrf

log = logging.getLogger(__name__)
ADDRESS_LIMIT = 10  # failed logins from one address (any usernames) in WINDOW before its attempts wait
ACCOUNT_LIMIT = 5  # failed logins on one account (from anywhere) before attempts from unknown browsers wait
DEVICE_LIMIT = 5  # failed logins from a browser known to the account before it counts as unknown
WINDOW = 900.0  # seconds over which failures are counted
BASE_WAIT, MAX_WAIT = 30.0, 900.0  # the first wait, doubling with each further failure, up to this
DEVICE_COOKIE = "desk_device"
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


@functools.cache
def dummy_hash() -> str:
    """A hash made like every account's, checked for unknown and inactive accounts so that a login costs the same
    whether the username exists or not."""
    return generate_password_hash(secrets.token_hex(16))


def authenticate(store: Store, username: str, password: str, address: str = "?",
                 device: str | None = None) -> tuple[DeskUser | None, float]:
    """The staff member for a correct login; else (None, seconds to wait before the next try).

    Guessing is slowed down per address (ADDRESS_LIMIT failures, any usernames: spraying one password) and per
    account (ACCOUNT_LIMIT failures, from anywhere), with waits that double up to MAX_WAIT, never a lock: a browser
    that has logged into the account before (`device`, its signed cookie) is not held back by either, so a stranger
    cannot keep a staff member out; such a browser has its own limit (DEVICE_LIMIT) in case its cookie is taken.
    While waiting, no password is checked. Every check costs one password hash, known username or not."""
    now = utcnow()
    name = username.strip().lower()[:64]
    keys = {"addr": f"addr:{address}"[:160], "user": f"user:{name}"[:160]}
    if device:
        keys["device"] = f"device:{device}"[:160]
    with store.session() as s:
        known = bool(device) and _waiting(s, keys["device"], now) == 0
        if not known:
            wait = max(_waiting(s, keys["addr"], now), _waiting(s, keys["user"], now))
            if wait:
                return None, wait
        user = s.scalar(select(StaffUser).where(StaffUser.username == username))
        usable = user is not None and user.active
        correct = check_password_hash(user.password_hash if user is not None and usable else dummy_hash(), password)
        if usable and correct and user is not None:
            for key in keys.values():
                row = s.get(LoginThrottle, key)
                if row is not None and key != keys["addr"]:
                    s.delete(row)
            user.session_nonce = user.session_nonce or secrets.token_hex(16)
            return DeskUser(user.id, user.username, user.role, user.session_nonce), 0.0
        limits = {"addr": ADDRESS_LIMIT, "user": ACCOUNT_LIMIT, "device": DEVICE_LIMIT}
        for kind, key in keys.items():
            _failed(s, key, limits[kind], now)
        return None, 0.0


def _waiting(s: Any, key: str, now: dt.datetime) -> float:
    row = s.get(LoginThrottle, key)
    if row is None or row.blocked_until is None or row.blocked_until <= now:
        return 0.0
    return float((row.blocked_until - now).total_seconds())


def _failed(s: Any, key: str, limit: int, now: dt.datetime) -> None:
    row = s.get(LoginThrottle, key)
    if row is None:
        row = LoginThrottle(key=key, failures=0, window_start=now)
        s.add(row)
    if row.window_start < now - dt.timedelta(seconds=WINDOW):
        row.failures, row.window_start, row.blocked_until = 0, now, None
    row.failures += 1
    if row.failures >= limit:
        wait = min(MAX_WAIT, BASE_WAIT * 2 ** (row.failures - limit))
        row.blocked_until = now + dt.timedelta(seconds=wait)
        log.warning("desk logins slowed down", extra={"kind": key.split(":")[0], "seconds": wait})


def _devices() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="tomoni-desk-device")


def _device(username: str) -> str | None:
    """This browser's id when it has logged into this account before (its signed cookie says so)."""
    try:
        data = _devices().loads(request.cookies.get(DEVICE_COOKIE, ""))
    except BadData:
        return None
    if isinstance(data, dict) and username.strip().lower() in data.get("users", []):
        return str(data.get("id", ""))[:64] or None
    return None


def _remember_device(response: Any, username: str) -> None:
    try:
        data = _devices().loads(request.cookies.get(DEVICE_COOKIE, ""))
    except BadData:
        data = {}
    if not isinstance(data, dict):
        data = {}
    users = [u for u in data.get("users", []) if isinstance(u, str) and u != username.lower()][-4:]
    value = _devices().dumps({"id": str(data.get("id") or secrets.token_hex(16)), "users": [*users, username.lower()]})
    response.set_cookie(DEVICE_COOKIE, value, max_age=365 * 86400, path=url_for("desk.login"), httponly=True,
                        secure=current_app.config.get("SESSION_COOKIE_SECURE", False), samesite="Strict")


def end_sessions(store: Store, user_id: int) -> None:
    """A new nonce for the account: every session cookie it had stops working."""
    with store.session() as s:
        s.get_one(StaffUser, user_id).session_nonce = secrets.token_hex(16)


@blueprint.route("/login", methods=["GET", "POST"])
def login() -> Any:
    """The login page."""
    error = None
    if request.method == "POST":
        username = request.form.get("username", "")
        user, wait = authenticate(_bot().store, username, request.form.get("password", ""),
                                  request.remote_addr or "?", _device(username))
        if user is not None:
            session.clear()  # a new session (and CSRF token) after login: no fixation
            login_user(user)
            session["desk_login_at"] = session["desk_seen_at"] = clock()
            target = request.args.get("next", "")
            response = redirect(target if target.startswith("/desk/") and not target.startswith("//")
                                else url_for("desk.inbox"))
            _remember_device(response, user.username)
            return response
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
