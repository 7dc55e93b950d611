"""Storage on SQLite and, when TOMONI_TEST_POSTGRES_URL is set, on PostgreSQL: migrations, de-duplication under
concurrency, and the whole bot on each database."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import func, inspect, select

from bot.answering.assembly import build_bot
from bot.messages import Inbound
from bot.settings import Settings
from bot.storage.models import Message
from bot.storage.store import Store, make_engine, upgrade

from .helpers import MONDAY, fresh_postgres


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request, tmp_path) -> Iterator[str]:
    """A fresh, empty database of each kind."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.sqlite'}"
        return
    with fresh_postgres(request.getfixturevalue("postgres_url")) as url:
        yield url


def test_migrations_create_the_schema(database_url: str) -> None:
    upgrade(database_url)
    upgrade(database_url)  # idempotent
    engine = make_engine(database_url)
    names = set(inspect(engine).get_table_names())
    assert {"users", "messages", "tickets", "alembic_version"} <= names
    engine.dispose()


def test_the_same_event_from_many_threads_is_stored_once(database_url: str, at_once) -> None:
    upgrade(database_url)
    store = Store(make_engine(database_url))
    results = at_once(lambda: store.receive("line", "U-race", "evt-1", "text", "hello"), 8)
    assert len(results) == 8 and sum(r is not None for r in results) == 1
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(Message)) == 1
    store.engine.dispose()


def test_the_whole_bot_runs_on_the_database(database_url: str, data) -> None:
    bot = build_bot(Settings(database_url=database_url), data)
    reply = bot.handle(Inbound(channel="line", user_id="U1", text="onde jogo pilhas?", event_id="e1"), now=MONDAY)
    assert reply and reply.category == "hazardous"
    handoff = bot.handle(Inbound(channel="line", user_id="U1", text="quero falar com uma pessoa", event_id="e2"),
                         now=MONDAY)
    assert handoff and handoff.handoff and handoff.ticket_id
    again = bot.handle(Inbound(channel="line", user_id="U1", text="onde jogo pilhas?", event_id="e1"), now=MONDAY)
    assert again and again.duplicate
    bot.store.engine.dispose()


@pytest.mark.postgres
@pytest.mark.parametrize("idle_ping", [0.0, 3600.0])
def test_a_connection_the_server_closed_is_replaced(postgres_url: str, monkeypatch: pytest.MonkeyPatch,
                                                    idle_ping: float) -> None:
    """A pooled connection that rested longer than IDLE_PING is pinged and replaced when the server closed it; one
    used more recently is handed out unpinged: its first statement fails, the pool starts again, the next one works."""
    from sqlalchemy import text as sql
    from sqlalchemy.exc import OperationalError

    from bot.storage import store

    monkeypatch.setattr(store, "IDLE_PING", idle_ping)
    engine = store.make_engine(postgres_url)
    admin = store.make_engine(postgres_url)
    try:
        with engine.connect() as conn:
            first = conn.execute(sql("SELECT pg_backend_pid()")).scalar_one()
        with admin.connect() as conn:  # the server ends that session (a restart, an idle timeout)
            conn.execute(sql("SELECT pg_terminate_backend(:pid)"), {"pid": first})
            conn.commit()
        if idle_ping:
            with pytest.raises(OperationalError), engine.connect() as conn:
                conn.execute(sql("SELECT 1"))
        with engine.connect() as conn:
            assert conn.execute(sql("SELECT pg_backend_pid()")).scalar_one() != first
    finally:
        engine.dispose()
        admin.dispose()


@pytest.mark.postgres
def test_a_rested_connection_is_pinged_and_still_reads_outside_a_transaction(postgres_url: str,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """The ping of a rested connection left a transaction open, and the open-ticket read (outside a transaction)
    failed on it with psycopg's "can't change autocommit" (a message then waited 30 s for the sweep)."""
    from bot.storage import store

    monkeypatch.setattr(store, "IDLE_PING", 0.0)  # every checkout pings
    with fresh_postgres(postgres_url) as url:
        store.upgrade(url)
        db = Store(store.make_engine(url))
        try:
            for _ in range(3):
                assert db.open_ticket_id(1) is None
        finally:
            db.engine.dispose()
