"""The app's services, built once per app on first use: `current_bot(app)`, `current_translator(app)`,
`current_runtime(app)`. The pages, the desk and the command-line commands reach the bot through these, never through
the app factory (bot.app), so every arrow points down."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import Flask

from .answering.assembly import build_bot
from .answering.mt import MachineTranslator
from .answering.pipeline import Bot
from .runtime import Runtime, build_runtime

T = TypeVar("T")


def _once(app: Flask, key: str, build: Callable[[], T]) -> T:
    """app.extensions[key], built by `build` the first time (under the app's lock: two threads build it once)."""
    if app.extensions.get(key) is None:
        with app.extensions["tomoni_lock"]:
            if app.extensions.get(key) is None:
                app.extensions[key] = build()
    value: T = app.extensions[key]
    return value


def current_bot(app: Flask) -> Bot:
    """The bot of an app, built on first use under the `flask` command (so `check-data` runs on broken data)."""
    return _once(app, "tomoni", lambda: build_bot(app.config["TOMONI"], channels=app.extensions["tomoni_channels"]))


def current_translator(app: Flask) -> MachineTranslator:
    """The app's machine translation service (packages discovered once; models load on first use)."""
    def build() -> MachineTranslator:
        bot = current_bot(app)
        return bot.translator or MachineTranslator(bot.catalog, bot.store)
    return _once(app, "tomoni_mt", build)


def current_runtime(app: Flask) -> Runtime:
    """The app's runtime (channels wired into the bot, outbox, work queue), built once."""
    return _once(app, "tomoni_runtime", lambda: build_runtime(app.config["TOMONI"], current_bot(app),
                                                               app.extensions.get("tomoni_channels")))
