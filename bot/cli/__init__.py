"""Command-line commands, one module per area; `register(app)` adds them all to `flask --app app`.

talk: ask, chat, explain · data: check-data, check-facts, calendar · service: worker, clock, retention, db-upgrade,
line-richmenu · accounts: desk · translations: translations.
"""

from __future__ import annotations

from flask import Flask

from . import accounts, data, service, talk, translations


def register(app: Flask) -> None:
    """Add the commands to the app."""
    for area in (talk.commands, data.commands, service.commands):
        for command in area.commands.values():
            app.cli.add_command(command)
    for group in (accounts.desk, translations.translations, data.calendar):
        app.cli.add_command(group)
