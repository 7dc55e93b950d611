"""Tomoni: a multilingual help bot for the foreign residents of Isesaki.

`create_app(settings)` wires the bot (bot.core), its web pages and its command-line commands into one Flask app.
"""

from __future__ import annotations

import logging
import os
import threading

from flask import Flask

from .core import build_bot
from .pipeline import Bot
from .settings import Settings

log = logging.getLogger(__name__)


def create_app(settings: Settings | None = None, bot: Bot | None = None) -> Flask:
    """The Flask app: chat page, health check, CLI (`flask --app app ask|chat|check-data|db-upgrade`)."""
    settings = settings or Settings.from_env()
    app = Flask(__name__, instance_path=str(settings.data_dir / "instance"))
    app.config.update(SECRET_KEY=settings.secret_key, TOMONI=settings)
    app.extensions["tomoni"] = bot
    app.extensions["tomoni_lock"] = threading.Lock()
    if bot is None and not os.environ.get("FLASK_RUN_FROM_CLI"):
        current_bot(app)  # a server fails at start-up on broken data, not at the first message

    from . import cli, web

    app.register_blueprint(web.blueprint)
    cli.register(app)
    log.info("Tomoni started: database %s, LINE %s, Messenger %s", settings.database_url.split(":")[0],
             "on" if settings.line_on else "off", "on" if settings.messenger_on else "off")
    return app


def current_bot(app: Flask) -> Bot:
    """The bot of an app, built on first use under the `flask` command (so `check-data` runs on broken data)."""
    if app.extensions["tomoni"] is None:
        with app.extensions["tomoni_lock"]:
            if app.extensions["tomoni"] is None:
                app.extensions["tomoni"] = build_bot(app.config["TOMONI"])
    bot: Bot = app.extensions["tomoni"]
    return bot
