"""Running the service: `flask --app app worker`, `clock`, `retention`, `db-upgrade`, `line-richmenu`."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from ..answering.announce import run_due
from ..answering.privacy import retain
from ..answering.reminders import send_due
from ..current import current_bot, current_runtime
from ..storage.store import upgrade
from ..understanding.language import SERVED
from ..worker import RedisQueue, pause, run_lanes

log = logging.getLogger(__name__)
commands = AppGroup("service", help="Running the service.")  # its commands are added to `flask` itself


def clock_round(app: Flask) -> None:
    """One round of the clock: due reminders, due announcements, then the outbox."""
    bot = current_bot(app)
    reminders_sent = send_due(bot.store, bot.calendar, bot.renderer, str(bot.kb.value("garbage_rules.deadline")),
                              bot.now()) if bot.calendar else 0
    announcements_sent = run_due(bot.store, current_runtime(app).channels)
    current_runtime(app).deliverer.deliver_due()
    click.echo(f"{bot.now():%Y-%m-%d %H:%M} reminders {reminders_sent}, announcements {announcements_sent}")


@commands.command("worker")
def worker() -> None:
    """Process webhook events and deliver the outbox (the Procfile's `worker`; uses REDIS_URL when set). With Redis,
    TOMONI_WORKER_PROCESSES processes (default 2), each taking the residents of its lane."""
    runtime = current_runtime(current_app)
    lanes = runtime.work.lanes if isinstance(runtime.work, RedisQueue) else 1
    click.echo(f"worker: channels {sorted(runtime.channels) or 'none'}, queue {type(runtime.work).__name__}, "
               f"{lanes} process{'es' if lanes > 1 else ''} of {runtime.threads} threads")
    if isinstance(runtime.work, RedisQueue) and lanes > 1:
        raise SystemExit(run_lanes(runtime, runtime.work))
    runtime.new_worker().run()


@commands.command("line-richmenu")
@click.option("--images", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="a folder of <lang>.png images (2500x1686); plain tiles without one")
def line_richmenu(images: Path | None) -> None:
    """Install one LINE rich menu per language (alias tomoni-<lang>); English is the default menu."""
    from ..channels.line import LineChannel  # the LINE SDK: loaded for this command, not at every start
    from ..channels.line_menu import install  # the same

    runtime = current_runtime(current_app)
    channel = next((c for c in runtime.channels.values() if isinstance(c, LineChannel)), None)
    if channel is None:
        raise click.ClickException("LINE is off: set LINE_CHANNEL_SECRET and LINE_CHANNEL_ACCESS_TOKEN")
    ids = install(channel, runtime.bot.catalog, list(SERVED), images)
    for lang, menu_id in ids.items():
        click.echo(f"{lang}: {menu_id}")


@commands.command("clock")
@click.option("--every", type=int, default=0, help="repeat every N seconds (the Procfile's clock process)")
def clock(every: int) -> None:
    """Send due reminders and scheduled announcements, then deliver the outbox. With --every, a database error
    in a round is logged and the loop goes on (waiting longer after each failed round, up to --every)."""

    failures = 0
    while True:
        try:
            clock_round(current_app)
            failures = 0
        except Exception as exc:
            if not every:
                raise
            failures += 1
            log.error("clock round failed; going on", extra={"error": type(exc).__name__, "failures": failures})
            time.sleep(min(pause(failures), every))
            continue
        if not every:
            return
        time.sleep(every)


@commands.command("retention")
@click.option("--days", type=int, default=None, help="override TOMONI_RETENTION_DAYS")
def retention(days: int | None) -> None:
    """Empty conversation text and delete translation caches older than the retention age (run daily by cron)."""
    counts = retain(current_bot(current_app).store, days or current_app.config["TOMONI"].retention_days)
    click.echo(", ".join(f"{k}: {v}" for k, v in counts.items()))


@commands.command("db-upgrade")
def db_upgrade() -> None:
    """Apply the database migrations (run once per release; SQLite does it at start-up)."""
    upgrade(current_app.config["TOMONI"].database_url)
    click.echo("database is up to date")
