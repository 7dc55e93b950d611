"""The consultation desk: staff log in, read residents' messages in Japanese and reply in Japanese.

Server-rendered pages (Japanese), every page behind a login (Flask-Login, bot.desk.auth), Flask-WTF's CSRF check on
every POST, resident text always escaped, times in the city's time zone.
"""

from __future__ import annotations

from flask import Flask

from . import announcements, hours, review, tickets
from .auth import add_user, login_manager
from .common import blueprint, csrf

__all__ = ["add_user", "init_app"]
PAGES = (announcements, hours, review, tickets)  # each registers its pages on the blueprint when imported


def init_app(app: Flask) -> None:
    """Register the desk: its pages, the login manager and CSRF protection (checked on the desk's POSTs only:
    webhooks are authenticated by the platforms' signatures, the chat page holds no session)."""
    app.config.update(WTF_CSRF_CHECK_DEFAULT=False, WTF_CSRF_TIME_LIMIT=None)
    csrf.init_app(app)
    login_manager.init_app(app)
    app.register_blueprint(blueprint)
