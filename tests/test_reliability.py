"""Operations under faults: one migration runner at a time, loops that survive database errors, the development
server answering webhooks, no deprecated UTC calls, and desk input that is a message, never a 500."""

from __future__ import annotations

import dataclasses
import itertools
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
from bot.settings import ROOT
from bot.storage.models import Announcement
from bot.storage.store import upgrade

from .payloads import LINE_SECRET, line_body, line_post, text_event

DOWN = OperationalError("SELECT 1", {}, Exception("server closed the connection unexpectedly"))


def _migrate_at_once(url: str, processes: int = 4) -> list[subprocess.CompletedProcess[str]]:
    code = "import sys; from bot.storage.store import upgrade; upgrade(sys.argv[1])"
    procs = [subprocess.Popen([sys.executable, "-c", code, url], cwd=ROOT, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(processes)]
    return [subprocess.CompletedProcess(p.args, p.wait(timeout=120), *p.communicate()) for p in procs]


def test_processes_starting_together_on_a_fresh_sqlite_file_migrate_once(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.sqlite'}"
    for result in _migrate_at_once(url):
        assert result.returncode == 0, result.stderr[-2000:]
    engine = create_engine(url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all() == ["0011_inbox"]
    engine.dispose()


@pytest.mark.postgres
def test_processes_starting_together_on_a_fresh_postgres_database_migrate_once(postgres_url) -> None:
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


def test_the_worker_loop_goes_on_after_database_errors_waiting_longer_each_time(bot, monkeypatch) -> None:
    from bot.storage.outbox import Deliverer
    from bot.worker import MemoryQueue, Worker

    rounds: list[int] = []

    def deliver_due() -> None:
        rounds.append(1)
        if len(rounds) <= 4:
            raise DOWN
        worker.stop()

    deliverer, queue = Deliverer(bot.store, {}), MemoryQueue()
    monkeypatch.setattr(deliverer, "deliver_due", deliver_due)
    monkeypatch.setattr(queue, "get", lambda timeout: None)  # nothing queued, no waiting
    worker = Worker(bot, deliverer, queue)
    worker._last_sweep = float("inf")  # no sweep in this test
    waits: list[float] = []
    monkeypatch.setattr(worker._stop, "wait", lambda seconds: waits.append(seconds))
    worker.run()
    assert len(rounds) == 5 and waits == [1.0, 2.0, 4.0, 8.0]


def test_the_clock_goes_on_after_a_database_error(app, monkeypatch) -> None:
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


def test_the_development_server_answers_line_webhooks(settings, bot, fake, monkeypatch) -> None:
    """`flask --app app run` sets FLASK_RUN_FROM_CLI: no worker starts with the app, but with the first request."""
    monkeypatch.setenv("FLASK_RUN_FROM_CLI", "true")
    app = create_app(dataclasses.replace(settings, line_channel_secret=LINE_SECRET, line_channel_access_token="t",
                                         line_api_base_url=fake.url), bot=bot)
    try:
        assert current_runtime(app).worker is None
        assert line_post(app.test_client(), line_body(text_event("onde jogo pilhas?"))).status_code == 200
        assert fake.wait_for(lambda: fake.calls("/v2/bot/message/reply"))
    finally:
        worker = current_runtime(app).worker
        if worker:
            worker.stop()


def test_no_deprecated_utc_calls() -> None:
    """The datetime module's utcnow and utcfromtimestamp are deprecated since Python 3.12 (bot.store.utcnow is used)."""
    deprecated = re.compile(r"datetime\.(?:utcnow|utcfromtimestamp)\(")
    found = [f"{path.relative_to(ROOT)}:{n}" for folder in ("bot", "tests", "bench")
             for path in (ROOT / folder).rglob("*.py")
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if deprecated.search(line)]
    assert found == []


ODD = ["", " ", "abc", "-1", "0", "99999999999999999999", "2026-13-45", "2026-12-28T25:61", "\x00", "<script>",
       "9" * 5000]


def test_scheduling_an_announcement_with_an_empty_or_wrong_date_is_a_message(admin, bot) -> None:
    page = admin.post("/desk/announcements", title="t", body_ja="本文")
    url = page.headers["Location"]
    for when in ("", "tomorrow", "2026-13-45T10:00"):
        res = admin.post(url, audience="all", action="schedule", send_at=when)
        assert res.status_code == 400, when
        assert "送信日時" in res.get_data(as_text=True)
    with bot.store.session() as s:
        assert {a.status for a in s.query(Announcement)} == {"draft"}
    ok = admin.post(url, audience="all", action="schedule", send_at="2030-01-05T09:00")
    assert ok.status_code == 302
    with bot.store.session() as s:
        assert {a.status for a in s.query(Announcement)} == {"scheduled"}


def test_odd_input_on_every_desk_form_is_never_a_server_error(admin, hand_off, desk_app) -> None:
    ticket = hand_off("I want to talk to a real person")
    assert admin.post("/desk/announcements", title="t", body_ja="本文").status_code == 302
    fields = ["text", "japanese", "mode", "answer", "message_id", "title", "body_ja", "source_url", "audience",
              "action", "send_at", "community", "value_area", "value_language", "value_topic", "action"]
    rules = [r.rule for r in desk_app.url_map.iter_rules()
             if r.rule.startswith("/desk/") and "POST" in (r.methods or ()) and "logout" not in r.rule
             and "login" not in r.rule and "delete" not in r.rule]
    errors = []
    for rule in rules:
        path = rule.replace("<int:ticket_id>", str(ticket)).replace("<int:suggestion_id>", "1").replace(
            "<int:user_id>", "1").replace("<int:announcement_id>", "1").replace("<decision>", "approve")
        # the forms that read `action` and `audience` (announcements, hours) get every pair of them
        branches = path.startswith(("/desk/announcements", "/desk/admin/hours"))
        for value in ODD:
            pairs = itertools.product(("save", "schedule", "reset", value), ("all", "area", value)) if branches \
                else [(value, value)]
            for action, audience in pairs:
                form = {name: value for name in fields} | {"action": action, "audience": audience}
                res = admin.post(path, **form)
                if res.status_code >= 500:
                    errors.append((path, action, audience[:20], value[:20], res.status_code))
    assert errors == []


def test_a_stopping_worker_is_not_held_by_its_queues_wait(bot, monkeypatch) -> None:
    """stop() wakes the in-process queue: the loop ends at once, not when its wait for the next event runs out."""
    import threading

    from bot.storage.outbox import Deliverer
    from bot.worker import MemoryQueue, Worker

    queue = MemoryQueue()
    worker = Worker(bot, Deliverer(bot.store, {}), queue)
    worker._last_sweep = float("inf")  # no sweep in this test
    waiting = threading.Event()
    real_get = queue.get

    def get(timeout: float) -> int | None:
        waiting.set()
        return real_get(600)  # a wait far longer than the test

    monkeypatch.setattr(queue, "get", get)
    worker.start()
    assert waiting.wait(10)
    worker.stop()  # joins the thread for at most 5 s
    assert worker.thread is not None and not worker.thread.is_alive()
