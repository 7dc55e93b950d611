"""What tests share besides fixtures: the frozen clock, row counts, a fresh PostgreSQL database, the app with a
channel on, a logged-in desk browser, and running a function in several threads at once. Fixtures live in
conftest.py; webhook bodies in payloads.py; the fake platform APIs in fakes.py."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import create_engine, func, make_url, select, text
from werkzeug.serving import make_server
from werkzeug.test import TestResponse

from bot.answering.pipeline import Bot
from bot.app import create_app
from bot.current import current_runtime
from bot.settings import Settings

TOKYO = ZoneInfo("Asia/Tokyo")
# A Monday morning, when the Multicultural Center is open (tests that need another day say so).
MONDAY = dt.datetime(2026, 11, 30, 10, 0, tzinfo=TOKYO)
# The desk's accounts that the desk_app fixture makes: a staff member and an admin.
PASSWORD, ADMIN_PASSWORD = "correct horse battery", "an admin password"

T = TypeVar("T")


def count(bot: Bot, model: type, **where: object) -> int:
    """Rows of a table matching column values."""
    with bot.store.session() as s:
        q = select(func.count()).select_from(model)
        for column, value in where.items():
            q = q.where(getattr(model, column) == value)
        return int(s.scalar(q) or 0)



def taken(bot: Bot, timeout: float = 15.0) -> bool:
    """Wait (bounded) until the worker has taken every webhook body kept in the inbox (stored its events as messages
    or rejected them): webhooks answer before that happens."""
    from bot.storage.models import Inbox

    deadline = time.monotonic() + timeout
    while count(bot, Inbox) and time.monotonic() < deadline:
        time.sleep(0.02)
    return count(bot, Inbox) == 0

@contextmanager
def fresh_postgres(base: str, prefix: str = "tomoni_test") -> Iterator[str]:
    """A new, empty PostgreSQL database on the server of `base` (its URL), dropped afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(base).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@contextmanager
def channel_app(settings: Settings, bot: Bot, **channel_settings: Any) -> Iterator[Flask]:
    """The app with a channel on (its credentials in `channel_settings`), its worker thread stopped afterwards."""
    app = create_app(dataclasses.replace(settings, **channel_settings), bot=bot)
    try:
        yield app
    finally:
        runtime = current_runtime(app)
        if runtime.worker:
            runtime.worker.stop()


@contextmanager
def serve_http(app: Flask) -> Iterator[str]:
    """The app over real HTTP on 127.0.0.1 (werkzeug's threaded server): its base URL. The server stops within
    50 ms (serve_forever's default poll of 0.5 s made every stop wait that long)."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def run_at_once(work: Callable[[], T], times: int) -> list[T]:
    """Run `work` in `times` threads released together (a barrier); their results, or the first error raised."""
    barrier = threading.Barrier(times)
    results: list[T] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def run() -> None:
        barrier.wait()
        try:
            result = work()
        except BaseException as exc:  # noqa: BLE001 - handed to the test's thread below
            with lock:
                errors.append(exc)
            return
        with lock:
            results.append(result)

    threads = [threading.Thread(target=run) for _ in range(times)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    return results


# -- the desk --------------------------------------------------------------------------------------------------------
def csrf_of(html: str) -> str:
    """The CSRF token of a desk page's forms."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the page has no form with a CSRF token"
    return found.group(1)


def login_form(client: FlaskClient, password: str = PASSWORD, username: str = "sato") -> TestResponse:
    """Fill in the desk's login form as a browser does (its CSRF token first); the response, whatever it is."""
    token = csrf_of(client.get("/desk/login").get_data(as_text=True))
    return client.post("/desk/login", data={"username": username, "password": password, "csrf_token": token})


@dataclasses.dataclass
class Desk:
    """A browser logged in to the desk, with the CSRF token of its session: `post` sends it with every form."""

    client: FlaskClient
    token: str

    def get(self, path: str) -> TestResponse:
        return self.client.get(path)

    def page(self, path: str) -> str:
        """The HTML of a page that must answer 200."""
        res = self.client.get(path)
        assert res.status_code == 200, (path, res.status_code)
        return res.get_data(as_text=True)

    def post(self, path: str, **form: Any) -> TestResponse:
        return self.client.post(path, data={"csrf_token": self.token, **form})


def log_in(app: Flask, username: str = "sato", password: str = PASSWORD, **environ: Any) -> Desk:
    """A new browser logged in to the desk (the login must succeed)."""
    client = app.test_client()
    client.environ_base.update(environ)
    res = login_form(client, password, username)
    assert res.status_code == 302, (username, res.status_code)
    return Desk(client, csrf_of(client.get("/desk/").get_data(as_text=True)))
