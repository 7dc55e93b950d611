"""Operations under faults: one migration runner at a time, loops that survive database errors, the development
server answering webhooks, no deprecated UTC calls, and desk input that is a message, never a 500."""

from __future__ import annotations

import dataclasses
import re
import subprocess
import sys
import uuid
from typing import Any

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from bot.app import create_app
from bot.current import current_runtime
from bot.desk import add_user
from bot.settings import ROOT
from bot.storage.models import Announcement
from bot.storage.store import upgrade

from .test_desk import csrf_of, login, resident_hands_off
from .test_line import SECRET, payload, post, text_event

DOWN = OperationalError("SELECT 1", {}, Exception("server closed the connection unexpectedly"))


def _migrate_at_once(url: str, processes: int = 4) -> list[subprocess.CompletedProcess[str]]:
    code = "import sys; from bot.storage.store import upgrade; upgrade(sys.argv[1])"
    procs = [subprocess.Popen([sys.executable, "-c", code, url], cwd=ROOT, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(processes)]
    return [subprocess.CompletedProcess(p.args, p.wait(timeout=120), *p.communicate()) for p in procs]


def test_processes_starting_together_on_a_fresh_sqlite_file_migrate_once(tmp_path) -> None:  # type: ignore[no-untyped-def]
    url = f"sqlite:///{tmp_path / 'fresh.sqlite'}"
    for result in _migrate_at_once(url):
        assert result.returncode == 0, result.stderr[-2000:]
    engine = create_engine(url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == ["0011_inbox"]
    engine.dispose()


@pytest.mark.postgres
def test_processes_starting_together_on_a_fresh_postgres_database_migrate_once(postgres_url) -> None:  # type: ignore[no-untyped-def]
    name = f"tomoni_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(postgres_url).set(database=name).render_as_string(hide_password=False)
    try:
        for result in _migrate_at_once(url):
            assert result.returncode == 0, result.stderr[-2000:]
        upgrade(url)  # and once more: nothing to do
        engine = create_engine(url)
        with engine.connect() as conn:
            assert conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == ["0011_inbox"]
        engine.dispose()
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def test_the_worker_loop_goes_on_after_database_errors_waiting_longer_each_time(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from bot.worker import Worker

    rounds: list[int] = []

    class Queue:
        def get(self, timeout: float) -> None:
            return None

    class Deliverer:
        def deliver_due(self) -> None:
            rounds.append(1)
            if len(rounds) <= 4:
                raise DOWN
            worker.stop()

    worker = Worker(bot=None, deliverer=Deliverer(), work=Queue())  # type: ignore[arg-type]
    worker._last_sweep = float("inf")  # no sweep in this test
    waits: list[float] = []
    monkeypatch.setattr(worker._stop, "wait", lambda seconds: waits.append(seconds))
    worker.run()
    assert len(rounds) == 5 and waits == [1.0, 2.0, 4.0, 8.0]


def test_the_clock_goes_on_after_a_database_error(app, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from bot.cli import service as cli

    rounds: list[int] = []

    def clock_round(_app: Any) -> None:
        rounds.append(1)
        if len(rounds) <= 2:
            raise DOWN
        if len(rounds) == 4:
            raise SystemExit(0)  # end the test's loop

    monkeypatch.setattr(cli, "clock_round", clock_round)
    monkeypatch.setattr("time.sleep", lambda seconds: None)
    result = app.test_cli_runner().invoke(args=["clock", "--every", "60"])
    assert len(rounds) == 4 and result.exit_code == 0, result.output


def test_the_development_server_answers_line_webhooks(settings, bot, fake, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """`flask --app app run` sets FLASK_RUN_FROM_CLI: no worker starts with the app, but with the first request."""
    monkeypatch.setenv("FLASK_RUN_FROM_CLI", "true")
    app = create_app(dataclasses.replace(settings, line_channel_secret=SECRET, line_channel_access_token="t",
                                         line_api_base_url=fake.url), bot=bot)
    try:
        assert current_runtime(app).worker is None
        assert post(app.test_client(), payload(text_event("onde jogo pilhas?"))).status_code == 200
        assert fake.wait_for(lambda: fake.calls("/v2/bot/message/reply"))
    finally:
        if current_runtime(app).worker:
            current_runtime(app).worker.stop()  # type: ignore[union-attr]


def test_no_deprecated_utc_calls() -> None:
    """The datetime module's utcnow and utcfromtimestamp are deprecated since Python 3.12 (bot.store.utcnow is used)."""
    deprecated = re.compile(r"datetime\.(?:utcnow|utcfromtimestamp)\(")
    found = [f"{path.relative_to(ROOT)}:{n}" for folder in ("bot", "tests", "bench")
             for path in (ROOT / folder).rglob("*.py")
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if deprecated.search(line)]
    assert found == []


ODD = ["", " ", "abc", "-1", "0", "99999999999999999999", "2026-13-45", "2026-12-28T25:61", "\x00", "<script>",
       "9" * 5000]


@pytest.fixture()
def admin_desk(settings, bot, fake):  # type: ignore[no-untyped-def]
    from .conftest import channel_app

    with channel_app(settings, bot, line_channel_secret=SECRET, line_channel_access_token="t",
                     line_api_base_url=fake.url) as app:
        add_user(bot.store, "sato", "correct horse battery")
        add_user(bot.store, "boss", "an admin password", "admin")
        yield app


def test_scheduling_an_announcement_with_an_empty_or_wrong_date_is_a_message(admin_desk, bot) -> None:  # type: ignore[no-untyped-def]
    client = admin_desk.test_client()
    login(client, "an admin password", "boss")
    token = csrf_of(client.get("/desk/announcements").get_data(as_text=True))
    page = client.post("/desk/announcements", data={"csrf_token": token, "title": "t", "body_ja": "本文"})
    url = page.headers["Location"]
    for when in ("", "tomorrow", "2026-13-45T10:00"):
        res = client.post(url, data={"csrf_token": token, "audience": "all", "action": "schedule", "send_at": when})
        assert res.status_code == 400, when
        assert "送信日時" in res.get_data(as_text=True)
    with bot.store.session() as s:
        assert {a.status for a in s.query(Announcement)} == {"draft"}
    ok = client.post(url, data={"csrf_token": token, "audience": "all", "action": "schedule",
                                "send_at": "2030-01-05T09:00"})
    assert ok.status_code == 302


def test_odd_input_on_every_desk_form_is_never_a_server_error(admin_desk, bot, fake) -> None:  # type: ignore[no-untyped-def]
    ticket = resident_hands_off(admin_desk, fake, "I want to talk to a real person")
    client = admin_desk.test_client()
    login(client, "an admin password", "boss")
    token = csrf_of(client.get("/desk/announcements").get_data(as_text=True))
    client.post("/desk/announcements", data={"csrf_token": token, "title": "t", "body_ja": "本文"})
    fields = ["text", "japanese", "mode", "answer", "message_id", "title", "body_ja", "source_url", "audience",
              "action", "send_at", "community", "value_area", "value_language", "value_topic", "action"]
    rules = [r.rule for r in admin_desk.url_map.iter_rules()
             if r.rule.startswith("/desk/") and "POST" in (r.methods or ()) and "logout" not in r.rule
             and "login" not in r.rule and "delete" not in r.rule]
    errors = []
    for rule in rules:
        path = rule.replace("<int:ticket_id>", str(ticket)).replace("<int:suggestion_id>", "1").replace(
            "<int:user_id>", "1").replace("<int:announcement_id>", "1").replace("<decision>", "approve")
        for value in ODD:
            for action in ("save", "schedule", "reset", value):
                for audience in ("all", "area", value):
                    form = {name: value for name in fields} | {"action": action, "csrf_token": token,
                                                               "audience": audience}
                    res = client.post(path, data=form)
                    if res.status_code >= 500:
                        errors.append((path, action, audience[:20], value[:20], res.status_code))
    assert errors == []
