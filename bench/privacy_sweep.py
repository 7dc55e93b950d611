"""Privacy sweep: two residents through every flow, one asks "delete my data", then every table and every log record
is searched for what that resident gave the bot.

    .venv/bin/python bench/privacy_sweep.py [--database-url URL] [--code DIR] [--dump FILE]

The flows are tests/residents.py's (signed LINE webhooks into the app, the local fake LINE API, the desk over the
Flask client with staff and admin, tiny real Argos models for machine translation, reminders, announcements,
suggestions approved, rejected and pending). What is searched for: the resident's platform id, every text they
sent, their address, phone and passport number, event ids, reply tokens, LINE message ids, the community the desk
filed them under, the translation cache's keys of their texts and the translations of their texts. Every row of
every table is read from the database itself (reflected, not from the models), and every log record of every logger
at DEBUG (SQLAlchemy's SQL log on) is captured.

--code DIR runs the sweep on another checkout's bot/ and data folders (the flows stay this checkout's), e.g. the
state before the deletion work:  git archive da3080f bot knowledge intents translations | tar -x -C /tmp/before
Prints, per table, the cells that hold the deleted resident's data before and after, and the other resident's after.
Exit status 1 when anything of the deleted resident remains. SQLite by default (a temporary file); every loop is
bounded; all traffic stays on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import tempfile
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


class Capture(logging.Handler):
    """Every record of every logger, formatted with its traceback and extra fields."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.texts: list[tuple[str, str]] = []
        self.formatter_ = logging.Formatter()

    def emit(self, record: logging.LogRecord) -> None:
        text = record.getMessage()
        if record.exc_info:
            text += "\n" + self.formatter_.formatException(record.exc_info)
        text += "\n" + (record.exc_text or "") + " ".join(f"{k}={v!s}" for k, v in vars(record).items())
        self.texts.append((record.levelname, text))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", help="a database to create the schema in (default: a temporary SQLite)")
    parser.add_argument("--code", type=Path, default=ROOT, help="the checkout whose bot/ and data to run")
    parser.add_argument("--dump", type=Path, help="write every table after the deletion to this JSON file")
    args = parser.parse_args()
    sys.path[:0] = [str(args.code.resolve()), str(ROOT)]  # bot/ from --code; tests/ from this checkout

    from bot.answering.assembly import build_bot, load_data
    from bot.settings import Settings
    from bot.storage.store import upgrade
    from tests.conftest import channel_app  # also keeps argostranslate's folders in a temporary place
    from tests.fakes import FakeAPI
    from tests.payloads import LINE_SECRET as SECRET
    from tests.residents import (
        Town,
        derived_from_words,
        dump,
        install_tiny_models,
        live_through_everything,
        reminders_and_announcements,
        resident,
    )

    work = Path(tempfile.mkdtemp(prefix="tomoni-sweep-"))
    url = args.database_url or f"sqlite:///{work / 'sweep.sqlite'}"
    cleanup = None
    if url.startswith("postgresql"):
        url, cleanup = _fresh_postgres(url)
    try:
        upgrade(url)
        capture = Capture()
        root = logging.getLogger()
        root.addHandler(capture)
        root.setLevel(logging.DEBUG)
        logging.getLogger("sqlalchemy.engine").setLevel(logging.INFO)
        settings = Settings(database_url=url, secret_key="sweep", auto_migrate=False, data_dir=args.code.resolve())
        bot = build_bot(settings, load_data(args.code.resolve()))
        install_tiny_models(bot, work)
        fake = FakeAPI()
        try:
            with channel_app(settings, bot, line_channel_secret=SECRET, line_channel_access_token="t",
                             line_api_base_url=fake.url) as app:
                town = Town(app, bot, fake)
                town.log_in()
                gone, kept = resident("A", "1"), resident("B", "2")
                for r in (gone, kept):
                    live_through_everything(town, r, kept if r is gone else gone)
                    r.user_id = town.user_id(r)
                reminders_and_announcements(town, [gone, kept])
                before = dump(bot.store.engine)
                for r, other in ((gone, kept), (kept, gone)):
                    r.derived = derived_from_words(before, r, other)
                records_before = len(capture.texts)
                town.send(gone, "delete my data")
                town.send(gone, postback="privacy:delete-yes", wait=False)
                done = bot.catalog.get("en", "ui", "delete_done")
                fake.wait_for(lambda: any(c["json"]["messages"][0]["text"] == done
                                          for c in fake.calls("/v2/bot/message/reply")), timeout=20)
                town.wait_delivered()
                after = dump(bot.store.engine)
        finally:
            fake.close()
            root.removeHandler(capture)
        report = _report(before, after, gone.needles(kept), kept.needles(gone))
        needles = gone.needles(kept) + kept.needles(gone)
        leaking = [(level, text) for level, text in capture.texts if any(n in text for n in needles)]
        print(f"code: {args.code}   database: {url.split(':')[0]}   log records: {len(capture.texts)} "
              f"({records_before} before the deletion)")
        print(report["table"])
        print(f"\ndeleted resident: {report['left']} cell(s) in {len(report['tables_left'])} table(s) still hold their "
              f"data {sorted(report['tables_left'])}")
        print(f"other resident: data found in {sorted(report['kept_tables'])}")
        by_level: dict[str, int] = {}
        for level, _ in leaking:
            by_level[level] = by_level.get(level, 0) + 1
        print(f"log records holding a resident's words or ids: {len(leaking)} of {len(capture.texts)} "
              f"(by level: {by_level or 'none'})")
        if args.dump:
            args.dump.write_text(json.dumps(after, ensure_ascii=False, indent=1, default=str))
            print(f"every table after the deletion: {args.dump}")
        return 1 if report["left"] else 0
    finally:
        if cleanup:
            cleanup()


def _report(before: dict[str, list[dict[str, Any]]], after: dict[str, list[dict[str, Any]]], gone: list[str],
            kept: list[str]) -> dict[str, Any]:
    def cells(tables: dict[str, list[dict[str, Any]]], needles: list[str]) -> dict[str, set[tuple[int, str]]]:
        out: dict[str, set[tuple[int, str]]] = {}
        for name, rows in tables.items():
            for i, row in enumerate(rows):
                for column, value in row.items():
                    if value is not None and any(n in str(value) for n in needles):
                        out.setdefault(name, set()).add((i, column))
        return out

    b, a, k = cells(before, gone), cells(after, gone), cells(after, kept)
    lines = [f"{'table':<26}{'rows':>6}{'before':>9}{'after':>8}{'other':>8}  columns still holding the deleted "
             "resident's data"]
    for name in sorted(after):
        columns = sorted({c for _, c in a.get(name, set())})
        lines.append(f"{name:<26}{len(after[name]):>6}{len(b.get(name, ())):>9}{len(a.get(name, ())):>8}"
                     f"{len(k.get(name, ())):>8}  {', '.join(columns)}")
    return {"table": "\n".join(lines), "left": sum(len(v) for v in a.values()), "tables_left": set(a),
            "kept_tables": set(k)}


def _fresh_postgres(base: str) -> tuple[str, Any]:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"tomoni_sweep_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return make_url(base).set(database=name).render_as_string(hide_password=False), drop


if __name__ == "__main__":
    sys.exit(main())
