"""Fixtures: the data loaded once, a bot on a fresh SQLite file per test, `say` for conversation tests, the Flask app."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import shutil
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from flask import Flask

# argostranslate reads its folders at import time: keep the tests' packages away from the user's.
_ARGOS = Path(os.environ.get("TMPDIR", "/tmp")) / f"tomoni-argos-{os.getpid()}"
for _var, _sub in (("XDG_DATA_HOME", "data"), ("XDG_CACHE_HOME", "cache"), ("XDG_CONFIG_HOME", "config"),
                   ("ARGOS_PACKAGES_DIR", "packages")):
    os.environ[_var] = str(_ARGOS / _sub)
os.environ.setdefault("ARGOS_DEVICE_TYPE", "cpu")

from bot.answering.assembly import Data, build_bot, load_data
from bot.answering.pipeline import Bot
from bot.app import create_app
from bot.messages import Inbound, Reply
from bot.settings import ROOT, Settings
from bot.storage.store import upgrade

TOKYO = ZoneInfo("Asia/Tokyo")
# A Monday morning, when the Multicultural Center is open (tests that need another day say so).
MONDAY = dt.datetime(2026, 11, 30, 10, 0, tzinfo=TOKYO)

Say = Callable[..., Reply]


@pytest.fixture(scope="session")
def data() -> Data:
    """knowledge/, intents/ and translations/, loaded and checked once."""
    return load_data(ROOT)


@pytest.fixture(scope="session")
def migrated_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty database at the newest migration, made once and copied for each test (migrations cost ~0.5 s)."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture()
def settings(tmp_path: Path, migrated_db: Path) -> Settings:
    """Zero-setup settings on a fresh SQLite file."""
    shutil.copy(migrated_db, tmp_path / "test.sqlite")
    return Settings(database_url=f"sqlite:///{tmp_path / 'test.sqlite'}", secret_key="test-secret", auto_migrate=False)


@pytest.fixture()
def bot(settings: Settings, data: Data) -> Bot:
    """A bot with its own empty database."""
    return build_bot(settings, data)


@pytest.fixture()
def say(bot: Bot) -> Say:
    """say(text, user="u1", at=MONDAY, **inbound fields) -> the bot's reply; one user = one conversation."""
    def _say(text: str = "", user: str = "u1", at: dt.datetime = MONDAY, **fields: object) -> Reply:
        reply = bot.handle(Inbound(channel="test", user_id=user, text=text, **fields), now=at)  # type: ignore[arg-type]
        assert reply is not None
        return reply
    return _say


@pytest.fixture()
def app(settings: Settings, bot: Bot):  # type: ignore[no-untyped-def]
    """The Flask app around the test bot."""
    app = create_app(settings, bot=bot)
    app.config.update(TESTING=True)
    return app


@pytest.fixture()
def client(app):  # type: ignore[no-untyped-def]
    """A test client."""
    return app.test_client()


@contextmanager
def fresh_postgres(base: str, prefix: str = "tomoni_test") -> Iterator[str]:
    """A new, empty PostgreSQL database on the server of `base` (its URL), dropped afterwards."""
    import uuid

    from sqlalchemy import create_engine, make_url, text

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


@pytest.fixture()
def postgres_url() -> str:
    """A PostgreSQL URL from TOMONI_TEST_POSTGRES_URL, or skip."""
    url = os.environ.get("TOMONI_TEST_POSTGRES_URL")
    if not url:
        pytest.skip("TOMONI_TEST_POSTGRES_URL is not set (.ci/run sets it)")
    return url


@pytest.fixture()
def fake():  # type: ignore[no-untyped-def]
    """A local fake LINE / Graph API on 127.0.0.1 (tests/fakes.py)."""
    from .fakes import FakeAPI

    api = FakeAPI()
    yield api
    api.close()


def count(bot: Bot, model: type, **where: object) -> int:
    """Rows of a table matching column values."""
    from sqlalchemy import func, select

    with bot.store.session() as s:
        q = select(func.count()).select_from(model)
        for column, value in where.items():
            q = q.where(getattr(model, column) == value)
        return int(s.scalar(q))


def taken(bot: Bot, timeout: float = 15.0) -> bool:
    """Wait (bounded) until the worker has taken every webhook body kept in the inbox (stored its events as messages
    or rejected them): webhooks answer before that happens."""
    import time

    from bot.storage.models import Inbox

    deadline = time.monotonic() + timeout
    while count(bot, Inbox) and time.monotonic() < deadline:
        time.sleep(0.02)
    return count(bot, Inbox) == 0


@contextmanager
def channel_app(settings: Settings, bot: Bot, **channel_settings: object) -> Iterator[Flask]:
    """The app with a channel on (its credentials in `channel_settings`), its worker thread stopped afterwards."""
    from bot.current import current_runtime

    app = create_app(dataclasses.replace(settings, **channel_settings), bot=bot)  # type: ignore[arg-type]
    try:
        yield app
    finally:
        runtime = current_runtime(app)
        if runtime.worker:
            runtime.worker.stop()
