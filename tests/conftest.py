"""Fixtures: the data loaded once, a bot on a fresh SQLite file per test, `say` for conversation tests, the Flask app
and its command-line runner, the app with LINE or Messenger on against the fake APIs, logged-in desk browsers, copies
of the data folders, and running a function in several threads at once. Shared helpers: tests/helpers.py; webhook
bodies: tests/payloads.py."""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import select

# argostranslate reads its folders at import time: keep the tests' packages away from the user's (one folder per
# process: pytest-xdist's workers each have their own).
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
from bot.storage.models import Ticket, User
from bot.storage.store import upgrade

from .fakes import FakeAPI
from .helpers import ADMIN_PASSWORD, MONDAY, PASSWORD, Desk, channel_app, log_in, run_at_once
from .payloads import FB_SECRET, FB_TOKEN, FB_VERIFY, LINE_SECRET, LINE_TOKEN, line_body, line_post, text_event

Say = Callable[..., Reply]


@pytest.fixture(scope="session", autouse=True)
def _argos_folders() -> Iterator[None]:
    """argostranslate's folders of this process, removed at the end."""
    yield
    shutil.rmtree(_ARGOS, ignore_errors=True)


@pytest.fixture(autouse=True)
def _quick_password_hashes(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Desk passwords hashed with one PBKDF2 round instead of scrypt (0.1 s of CPU per hash and per login, about
    200 of them in the suite): the same werkzeug functions and login paths, only cheaper. A test marked
    `real_password_hashing` keeps the shipped method."""
    from bot.desk import auth

    if request.node.get_closest_marker("real_password_hashing"):
        yield
        return
    shipped = auth.generate_password_hash
    monkeypatch.setattr(auth, "generate_password_hash", lambda password: shipped(password, method="pbkdf2:sha256:1"))
    auth.dummy_hash.cache_clear()  # made again, the same way as the accounts' hashes
    yield
    auth.dummy_hash.cache_clear()


@pytest.fixture(scope="session")
def data() -> Data:
    """knowledge/, intents/ and translations/, loaded and checked once (read-only: tests never change it)."""
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
    def _say(text: str = "", user: str = "u1", at: dt.datetime = MONDAY, **fields: Any) -> Reply:
        reply = bot.handle(Inbound(channel="test", user_id=user, text=text, **fields), now=at)
        assert reply is not None
        return reply
    return _say


@pytest.fixture()
def app(settings: Settings, bot: Bot) -> Flask:
    """The Flask app around the test bot (no channel on)."""
    app = create_app(settings, bot=bot)
    app.config.update(TESTING=True)
    return app


@pytest.fixture()
def client(app: Flask) -> FlaskClient:
    """A test client."""
    return app.test_client()


@pytest.fixture()
def runner(app: Flask) -> FlaskCliRunner:
    """The app's command line (`flask --app app …`), run in this process."""
    return app.test_cli_runner()


@pytest.fixture()
def data_copy(tmp_path: Path) -> Path:
    """A folder with copies of knowledge/, intents/ and translations/ to edit (Settings(data_dir=...))."""
    for name in ("knowledge", "intents", "translations"):
        shutil.copytree(ROOT / name, tmp_path / name)
    return tmp_path


@pytest.fixture()
def copy_runner(settings: Settings, data_copy: Path, monkeypatch: pytest.MonkeyPatch) -> FlaskCliRunner:
    """The command line as `flask --app app` runs it (the bot built only if a command needs it, so that check-data
    runs on broken data), on the copies of the data folders."""
    monkeypatch.setenv("FLASK_RUN_FROM_CLI", "true")
    return create_app(dataclasses.replace(settings, data_dir=data_copy)).test_cli_runner()


@pytest.fixture()
def fake() -> Iterator[FakeAPI]:
    """A local fake LINE / Graph API on 127.0.0.1 (tests/fakes.py)."""
    api = FakeAPI()
    yield api
    api.close()


@pytest.fixture()
def line_app(settings: Settings, bot: Bot, fake: FakeAPI) -> Iterator[Flask]:
    """The app with LINE on against the fake API, its worker thread running."""
    with channel_app(settings, bot, line_channel_secret=LINE_SECRET, line_channel_access_token=LINE_TOKEN,
                     line_api_base_url=fake.url) as app:
        yield app


@pytest.fixture()
def fb_app(settings: Settings, bot: Bot, fake: FakeAPI) -> Iterator[Flask]:
    """The app with Messenger on against the fake Graph API, its worker thread running."""
    with channel_app(settings, bot, messenger_app_secret=FB_SECRET, messenger_verify_token=FB_VERIFY,
                     messenger_page_access_token=FB_TOKEN, graph_api_base_url=fake.url) as app:
        yield app


@pytest.fixture()
def desk_app(line_app: Flask, bot: Bot) -> Flask:
    """The LINE app with two desk accounts: staff member "sato" and admin "boss" (helpers.PASSWORD, ADMIN_PASSWORD)."""
    from bot.desk import add_user

    add_user(bot.store, "sato", PASSWORD)
    add_user(bot.store, "boss", ADMIN_PASSWORD, "admin")
    return line_app


@pytest.fixture()
def hand_off(line_app: Flask, bot: Bot, fake: FakeAPI) -> Callable[..., int]:
    """hand_off(text, user="U1", n=1) -> the ticket id: a resident's LINE message that the bot hands to the desk."""
    def _hand_off(text: str, user: str = "U1", n: int = 1) -> int:
        replies = len(fake.calls("/v2/bot/message/reply"))
        event = text_event(text, user=user, event_id=f"01J00000000000000000000{n:03d}")
        assert line_post(line_app.test_client(), line_body(event)).status_code == 200
        assert fake.wait_for(lambda: len(fake.calls("/v2/bot/message/reply")) > replies)
        with bot.store.session() as s:
            return int(s.scalars(select(Ticket.id).join(User, User.id == Ticket.user_id).where(User.external_id == user)
                                 .where(Ticket.status == "open")).one())
    return _hand_off


@pytest.fixture()
def staff(desk_app: Flask) -> Desk:
    """A browser logged in to the desk as the staff member "sato"."""
    return log_in(desk_app)


@pytest.fixture()
def admin(desk_app: Flask) -> Desk:
    """A browser logged in to the desk as the admin "boss"."""
    return log_in(desk_app, "boss", ADMIN_PASSWORD)


@pytest.fixture()
def at_once() -> Callable[..., list[Any]]:
    """at_once(work, times) -> the results of `work` run in `times` threads released together (helpers.run_at_once)."""
    return run_at_once


@pytest.fixture()
def postgres_url() -> str:
    """A PostgreSQL URL from TOMONI_TEST_POSTGRES_URL, or skip."""
    url = os.environ.get("TOMONI_TEST_POSTGRES_URL")
    if not url:
        pytest.skip("TOMONI_TEST_POSTGRES_URL is not set (.ci/run sets it)")
    return url


@pytest.fixture()
def redis_url() -> str:
    """A Redis URL from TOMONI_TEST_REDIS_URL, or skip."""
    url = os.environ.get("TOMONI_TEST_REDIS_URL")
    if not url:
        pytest.skip("TOMONI_TEST_REDIS_URL is not set (.ci/run sets it)")
    return url
