"""Entry point for gunicorn and `flask --app app ...`."""

from bot import create_app

app = create_app()
