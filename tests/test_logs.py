"""No resident words, platform ids, tokens or SQL parameters in any log record at any level, database errors included:
residents write through signed LINE webhooks, the desk reads and answers, one resident deletes their data, and the
database refuses some writes (a trigger: the webhook's insert, the worker's delivery row) so that errors are logged
at ERROR with their tracebacks. Every record of every logger is captured at DEBUG (SQLAlchemy's SQL log included)."""

from __future__ import annotations

import dataclasses
import logging

import pytest
from sqlalchemy import text

from bot import redact
from bot.answering.assembly import build_bot

from .helpers import channel_app, fresh_postgres
from .payloads import LINE_SECRET
from .residents import Town, resident


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def any_bot(request, settings, data):
    """A bot on SQLite, and on a fresh PostgreSQL database when TOMONI_TEST_POSTGRES_URL is set."""
    if request.param == "sqlite":
        yield settings, build_bot(settings, data)
        return
    with fresh_postgres(request.getfixturevalue("postgres_url"), "tomoni_logs") as url:
        pg = dataclasses.replace(settings, database_url=url, auto_migrate=True)
        bot = build_bot(pg, data)
        try:
            yield pg, bot
        finally:
            bot.store.engine.dispose()


def refuse(engine, table: str, column: str, value: str) -> None:
    """The database refuses inserts into `table` whose `column` contains `value` (a trigger)."""
    name = f"refuse_{table}"
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            conn.execute(text(f"CREATE TRIGGER {name} BEFORE INSERT ON {table} WHEN NEW.{column} LIKE '%{value}%' "
                              f"BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"))
        else:
            conn.execute(text(f"CREATE FUNCTION {name}() RETURNS trigger AS $$ BEGIN IF NEW.{column} LIKE "
                              f"'%{value}%' THEN RAISE EXCEPTION 'refused by the test'; END IF; RETURN NEW; END $$ "
                              f"LANGUAGE plpgsql"))
            conn.execute(text(f"CREATE TRIGGER {name} BEFORE INSERT ON {table} FOR EACH ROW EXECUTE FUNCTION {name}()"))


def everything(record: logging.LogRecord) -> str:
    return " ".join([record.getMessage(), record.exc_text or "", record.stack_info or "",
                     " ".join(f"{k}={v!s}" for k, v in vars(record).items())])


def test_no_resident_data_in_any_log_record_at_any_level(any_bot, fake, caplog) -> None:
    settings, bot = any_bot
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.INFO, logger="sqlalchemy.engine")  # every statement, as echo=True would log it
    with channel_app(settings, bot, line_channel_secret=LINE_SECRET, line_channel_access_token="t",
                     line_api_base_url=fake.url) as app:
        town = Town(app, bot, fake)
        town.log_in()
        talker, refused, undeliverable = resident("A", "1"), resident("B", "2"), resident("C", "3")
        town.send(talker, f"I want to talk to a real person. I live at {talker.markers[0]}, call {talker.markers[1]}")
        ticket = town.ticket_of(talker)
        town.staff.get(f"/desk/tickets/{ticket}")
        town.staff.post(f"/desk/tickets/{ticket}/reply", text="Please come on Monday.", mode="direct")
        town.send(talker, f"my passport number is {talker.markers[2]}")
        # the database refuses a resident's message: the webhook keeps the body (200); the worker cannot store the
        # event and rejects it (logged at ERROR with its traceback)
        refuse(bot.store.engine, "messages", "text", refused.markers[2][:5])  # a part: the DDL is logged too
        town.send(refused, f"hello, my passport number is {refused.markers[2]} and I live at {refused.markers[0]}",
                  wait=False)
        # the database refuses the delivery of an answer: the worker's transaction fails (logged at ERROR)
        refuse(bot.store.engine, "outbox", "recipient", undeliverable.platform_id[:12])
        town.send(undeliverable, f"where do I throw batteries? I am at {undeliverable.markers[0]}", wait=False)
        # the webhook's failure logged at ERROR with its traceback; the worker's as a retry (WARNING, its type only)
        assert fake.wait_for(lambda: any(r.levelno >= logging.ERROR and bool(r.exc_text) for r in caplog.records)
                             and any(r.name == "bot.worker" and r.levelno >= logging.WARNING for r in caplog.records),
                             timeout=20)
        town.send(talker, "delete my data")
        town.send(talker, postback="privacy:delete-yes", wait=False)
        assert fake.wait_for(lambda: any("deleted on request" in r.getMessage() for r in caplog.records))
        town.wait_delivered()

    records = list(caplog.records)
    errors = [r for r in records if r.levelno >= logging.ERROR and r.exc_text]
    assert len(errors) >= 1 and all("Traceback" in r.exc_text for r in errors)  # the refusal's traceback is kept
    assert any(r.name.startswith("sqlalchemy.engine") for r in records)  # the SQL log was on
    needles = [n for r in (talker, refused, undeliverable) for n in r.needles()]
    leaks = [(r.levelname, r.name, n) for r in records for n in needles if n in everything(r)]
    assert leaks == []


def test_database_errors_keep_the_statement_and_withhold_values() -> None:
    from sqlalchemy.exc import IntegrityError

    class UniqueViolation(Exception):
        sqlstate = "23505"

    UniqueViolation.__module__ = "psycopg.errors"
    orig = UniqueViolation('duplicate key value violates unique constraint "uq_users_channel_external"\n'
                           'DETAIL:  Key (channel, external_id)=(line, Uabc) already exists.')
    error = IntegrityError("INSERT INTO users (channel, external_id) VALUES (%(channel)s, %(external_id)s)",
                           {"channel": "line", "external_id": "U" + "9" * 32}, orig)
    shown = redact.format_exception(error)
    assert "uq_users_channel_external" in shown and "INSERT INTO users" in shown and "23505" in shown
    assert "Uabc" not in shown and "9" * 32 not in shown and "DETAIL" not in shown
    other = redact.format_exception(ValueError('invalid input syntax for type integer: "my address"'))
    assert "ValueError" in other


@pytest.mark.parametrize(("line", "secret"), [
    ('GET /webhooks/messenger?hub.mode=subscribe&hub.verify_token=s3cr3t-verify&hub.challenge=42 HTTP/1.1', "s3cr3t-verify"),
    ("sent to U0123456789abcdef0123456789abcdef", "U0123456789abcdef0123456789abcdef"),
    ("recipient 6654321987654321", "6654321987654321"),
    ('body {"text": "my address is 3-14 Kotobuki", "choices": []}', "Kotobuki"),
])
def test_patterns_are_withheld_in_every_record(caplog, line: str, secret: str) -> None:
    caplog.set_level(logging.INFO)
    logging.getLogger("gunicorn.access").info("%s", line)
    logging.getLogger("anything").warning("x", extra={"detail": line})
    assert len(caplog.records) == 2 and all(secret not in everything(r) for r in caplog.records)


def test_values_of_the_event_being_handled_are_withheld_even_after_the_block(caplog) -> None:
    caplog.set_level(logging.INFO)
    log = logging.getLogger("tomoni-test")
    street = "Rua das " + "Flores 12"  # not in this file's source, which tracebacks show
    with pytest.raises(KeyError), redact.sensitive(f"meu endereço é {street}"):
        log.info("handling meu endereço é %s", street)
        raise KeyError(street)
    try:
        with redact.sensitive(street):
            raise ValueError(f"could not parse {street!r}")
    except ValueError:
        log.exception("processing failed")  # logged by the caller, outside the block
    assert len(caplog.records) == 2  # the info line and the exception
    assert all("Flores" not in everything(r) for r in caplog.records), [everything(r) for r in caplog.records]

