"""The app's services, built once per app on first use: `current_bot(app)`, `current_translator(app)`,
`current_runtime(app)`. The pages, the desk and the command-line commands reach the bot through these, never through
the app factory (bot.app), so every arrow points down."""

from __future__ import annotations

from flask import Flask

from .answering.assembly import build_bot
from .answering.mt import MachineTranslator
from .answering.pipeline import Bot
from .runtime import Runtime, build_runtime


def current_bot(app: Flask) -> Bot:
    """The bot of an app, built on first use under the `flask` command (so `check-data` runs on broken data)."""
    if app.extensions["tomoni"] is None:
        with app.extensions["tomoni_lock"]:
            if app.extensions["tomoni"] is None:
                app.extensions["tomoni"] = build_bot(app.config["TOMONI"], channels=app.extensions["tomoni_channels"])
    bot: Bot = app.extensions["tomoni"]
    return bot


def current_translator(app: Flask) -> MachineTranslator:
    """The app's machine translation service (packages discovered once; models load on first use)."""
    if "tomoni_mt" not in app.extensions:
        with app.extensions["tomoni_lock"]:
            if "tomoni_mt" not in app.extensions:
                bot = current_bot(app)
                app.extensions["tomoni_mt"] = bot.translator or MachineTranslator(bot.catalog, bot.store)
    service: MachineTranslator = app.extensions["tomoni_mt"]
    return service


def current_runtime(app: Flask) -> Runtime:
    """The app's runtime (channels wired into the bot, outbox, work queue), built once."""
    if "tomoni_runtime" not in app.extensions:
        with app.extensions["tomoni_lock"]:
            if "tomoni_runtime" not in app.extensions:
                app.extensions["tomoni_runtime"] = build_runtime(
                    app.config["TOMONI"], current_bot(app), app.extensions.get("tomoni_channels"))
    runtime: Runtime = app.extensions["tomoni_runtime"]
    return runtime
