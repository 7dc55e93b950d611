"""Entry point for gunicorn and `flask --app app ...`."""

import sys

from bot.app import create_app
from bot.settings import SettingsError

try:
    app = create_app()
except SettingsError as exc:  # a missing or wrong setting: one sentence, not a traceback
    sys.stderr.write(f"Tomoni cannot start: {exc}\n")
    raise SystemExit(3) from None  # 3: gunicorn stops (a boot error) instead of restarting the worker forever
