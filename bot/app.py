"""The app factory: `create_app(settings)` wires the bot (bot.answering.assembly), its web pages, the desk, the channels
and the command-line commands into one Flask app (what `app.py` at the root gives gunicorn and `flask --app app`)."""

from __future__ import annotations

import logging
import os
import secrets
import threading
from typing import Any

from flask import Flask, abort, g, request
from werkzeug.middleware.proxy_fix import ProxyFix

from . import channels as channel_mod
from . import cli, desk, redact, web
from .answering.pipeline import Bot
from .current import current_bot, current_runtime
from .observability import configure_logging
from .settings import Settings

log = logging.getLogger(__name__)
redact.install()  # no resident text, platform ids or SQL parameters in any log record (bot/redact.py)


def create_app(settings: Settings | None = None, bot: Bot | None = None) -> Flask:
    """The Flask app: chat page, health check, CLI (`flask --app app ask|chat|check-data|db-upgrade`)."""
    settings = settings or Settings.from_env()
    if settings.log_format:
        configure_logging(settings.log_format, settings.log_level)
    app = Flask(__name__, instance_path=str(settings.data_dir / "instance"))
    app.config.update(SECRET_KEY=settings.secret_key, TOMONI=settings, SESSION_COOKIE_HTTPONLY=True,
                      SESSION_COOKIE_SAMESITE="Lax", SESSION_COOKIE_SECURE=not settings.development)
    app.extensions["tomoni"] = bot
    app.extensions["tomoni_channels"] = channel_mod.build(settings)  # the platforms whose credentials are set
    app.extensions["tomoni_lock"] = threading.RLock()  # current_runtime holds it while it builds the bot
    if bot is None and not os.environ.get("FLASK_RUN_FROM_CLI"):
        current_bot(app)  # a server fails at start-up on broken data, not at the first message

    _protect(app, settings)
    app.register_blueprint(web.blueprint)
    desk.init_app(app)
    cli.register(app)
    if app.extensions["tomoni_channels"]:
        _add_channels(app, settings)
    log.info("Tomoni started: database %s, LINE %s, Messenger %s", settings.database_url.split(":")[0],
             "on" if settings.line_on else "off", "on" if settings.messenger_on else "off")
    return app


def _protect(app: Flask, settings: Settings) -> None:
    """Request size limit, the client's address behind trusted proxies, and security headers (docs/security.md)."""
    app.config["MAX_CONTENT_LENGTH"] = settings.max_request_bytes
    if settings.trusted_proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=settings.trusted_proxies,  # type: ignore[method-assign]
                                x_proto=settings.trusted_proxies)

    @app.before_request
    def _size_limit() -> None:
        """A body announced larger than the limit is refused before a byte of it is read. A body without a length
        (chunked) is read by Werkzeug up to the limit only (MAX_CONTENT_LENGTH), then fails its check."""
        if request.content_length is not None and request.content_length > settings.max_request_bytes:
            abort(413)

    def csp_nonce() -> str:
        if "csp_nonce" not in g:
            g.csp_nonce = secrets.token_urlsafe(16)
        return str(g.csp_nonce)

    app.jinja_env.globals["csp_nonce"] = csp_nonce

    @app.after_request
    def _headers(response: Any) -> Any:
        headers = response.headers
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "same-origin")
        if request.blueprint == "desk" or request.path.startswith("/desk/"):
            nonce = csp_nonce()
            headers["Content-Security-Policy"] = (
                f"default-src 'self'; script-src 'nonce-{nonce}'; style-src 'nonce-{nonce}'; img-src 'self' data:; "
                "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
            headers["Cache-Control"] = "no-store"
            headers["Pragma"] = "no-cache"
        return response


def _add_channels(app: Flask, settings: Settings) -> None:
    """Webhook blueprints; the runtime (bot, outbox, queue) is built when the first webhook arrives or at start-up."""
    for channel in app.extensions["tomoni_channels"].values():
        app.register_blueprint(channel.blueprint(
            lambda name, body, resident="": current_runtime(app).accept(name, body, resident)))
    if not settings.in_process_worker:
        return
    if not os.environ.get("FLASK_RUN_FROM_CLI"):
        current_runtime(app).start_worker()
        return

    # Under the `flask` command no worker starts with the app (`flask worker`, `flask ask` … must not run one);
    # the development server (`flask run`) starts it with the first request it serves, like production.
    @app.before_request
    def _start_worker() -> None:
        current_runtime(app).start_worker()
