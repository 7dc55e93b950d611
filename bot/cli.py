"""Command-line commands: `flask --app app ask|chat|check-data|db-upgrade`."""

from __future__ import annotations

import json
import logging
import sys
import uuid
from pathlib import Path
from typing import Any, TextIO

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from .messages import Inbound, Reply
from .pipeline import Bot

log = logging.getLogger(__name__)


def _bot() -> Bot:
    from . import current_bot

    return current_bot(current_app)


def ask_one(text: str, user: str | None = None, lang: str | None = None, payload: str | None = None,
            desk: bool = False) -> Reply:
    """Send one message as a resident of the `cli` channel and return the bot's reply. A handoff opens a desk
    ticket only with `desk` (or TOMONI_TEST_TICKETS=1): test traffic stays out of the residents' inbox."""
    inbound = Inbound(channel="cli", user_id=user or f"anon-{uuid.uuid4().hex}", kind="postback" if payload else "text",
                      text=text, payload=payload, preferred_language=lang, meta={"desk": True} if desk else {})
    reply = _bot().handle(inbound)
    if reply is None:  # nothing to say (another worker had it): still one line per input
        return Reply("", None, "en", "unknown", silent=True)
    return reply


def _echo(reply: Reply) -> None:
    """The reply as a resident would read it, its choices numbered, and whether a desk ticket was opened."""
    click.echo(reply.text)
    for number, choice in enumerate(reply.choices, 1):
        click.echo(f"  {number}. {choice.label}")
    if reply.handoff and not reply.ticket_id:
        click.echo("  (test: no desk ticket was opened; --desk or TOMONI_TEST_TICKETS=1 opens one)")


def _jsonl(stream: TextIO, out: TextIO, desk: bool = False) -> None:
    for number, line in enumerate(stream, 1):
        if not line.strip():
            continue
        case: Any = None
        try:
            case = json.loads(line)
            reply = ask_one(str(case.get("text", "")), case.get("user"), case.get("lang"), desk=desk)
            result = reply.as_json(case.get("id"))
        except Exception as exc:  # noqa: BLE001 - one bad line never stops the run; the error is written for it
            bad_input = isinstance(exc, (ValueError, TypeError))  # not JSON, or not an object: say why
            if not bad_input:
                log.exception("ask --jsonl: line %d failed", number)
            result = {"id": case.get("id") if isinstance(case, dict) else None,
                      "error": f"line {number}: {exc if bad_input else type(exc).__name__}"}
        out.write(json.dumps(result, ensure_ascii=False) + "\n")
        out.flush()


def clock_round(app: Flask) -> None:
    """One round of the clock: due reminders, due announcements, then the outbox."""
    from . import current_bot, current_runtime
    from .announce import run_due
    from .reminders import send_due

    bot = current_bot(app)
    reminders_sent = send_due(bot.store, bot.calendar, bot.renderer, str(bot.kb.value("garbage_rules.deadline")),
                              bot.now()) if bot.calendar else 0
    announcements_sent = run_due(bot.store)
    current_runtime(app).deliverer.deliver_due()
    click.echo(f"{bot.now():%Y-%m-%d %H:%M} reminders {reminders_sent}, announcements {announcements_sent}")


def register(app: Flask) -> None:
    """Add the commands to the app."""

    @app.cli.command("ask")
    @click.argument("text", required=False, default="")
    @click.option("--json", "as_json", is_flag=True, help="print one JSON object (CONTRACT.md)")
    @click.option("--jsonl", is_flag=True, help="read JSON lines on stdin, write one JSON object per line")
    @click.option("--user", default=None, help="a user id, to continue a conversation")
    @click.option("--lang", default=None, help="the user's preferred language")
    @click.option("--desk", is_flag=True, help="a handoff opens a real desk ticket (test traffic does not, by default)")
    def ask(text: str, as_json: bool, jsonl: bool, user: str | None, lang: str | None, desk: bool) -> None:
        """Ask the bot as a resident would (same pipeline and storage as LINE and Messenger)."""
        if jsonl:
            _jsonl(sys.stdin, sys.stdout, desk)
            return
        reply = ask_one(text, user, lang, desk=desk)
        if as_json:
            click.echo(json.dumps(reply.as_json(None), ensure_ascii=False))
        else:
            _echo(reply)

    @app.cli.command("chat")
    @click.option("--user", default=None, help="continue as this user")
    @click.option("--lang", default=None, help="start in this language")
    @click.option("--desk", is_flag=True, help="a handoff opens a real desk ticket (test traffic does not, by default)")
    def chat(user: str | None, lang: str | None, desk: bool) -> None:
        """Talk to the bot in the terminal; choices are numbered (type the number). Ctrl-D ends."""
        user = user or f"chat-{uuid.uuid4().hex[:8]}"
        choices: list[Any] = []
        click.echo("Tomoni chat: type a message (exit or Ctrl-D to quit).")
        while True:
            try:
                line = input("> ").strip()
            except (EOFError, KeyboardInterrupt):
                click.echo()
                return
            if line.lower() in ("exit", "quit"):
                return
            if line.isdigit() and 0 < int(line) <= len(choices):
                reply = ask_one("", user, lang, payload=choices[int(line) - 1].payload, desk=desk)
            else:
                reply = ask_one(line, user, lang, desk=desk)
            lang = None
            _echo(reply)
            choices = reply.choices

    @app.cli.command("explain")
    @click.argument("text")
    def explain(text: str) -> None:
        """Show how the bot reads a message: words found, language evidence, the rule that decided."""
        from . import language
        from .text import fold

        bot = _bot()
        folded = fold(text)
        raw = bot.lexicon.find_raw(folded)
        detection = language.detect(text, bot.lexicon, bot.lexicon.select(raw))
        finds = bot.lexicon.select(raw, detection.vocabulary_languages(), detection.sure)
        click.echo(f"folded:   {folded}")
        click.echo(f"language: {detection.lang} ({detection.confidence:.2f}, {detection.method})")
        for f in finds:
            click.echo(f"  found {folded[f.start:f.end]!r:24} -> {f.entry.kind} {f.entry.key} "
                       f"[{f.entry.lang}: {f.entry.phrase!r}] q={f.quality:.2f}")
        u = bot.matcher.understand(folded, finds)
        click.echo(f"intent:   {u.intent} (answer {u.answer_key}, {u.method}, confidence {u.confidence})")
        click.echo(f"item:     {u.item} category: {u.category} options: {[o.payload for o in u.options]}")

    @app.cli.command("check-facts")
    @click.option("--notes", "notes_dir", default="", help="Folder of the research notes (default: docs/facts).")
    def check_facts(notes_dir: str) -> None:
        """Check knowledge/ against the research notes in docs/facts/: prints 'ok' or every mismatch."""
        from . import factcheck, knowledge

        root = app.config["TOMONI"].data_dir
        errors = factcheck.check(knowledge.load(root / "knowledge"), Path(notes_dir) if notes_dir else root / "docs/facts")
        for line in errors:
            click.echo(line)
        if errors:
            click.echo(f"{len(errors)} mismatch(es)")
            sys.exit(1)
        click.echo("ok")

    @app.cli.command("check-data")
    @click.option("--lengths", "length_langs", default="", help="Also check the length budget: 'all' or 'vi,pt'.")
    def check_data(length_langs: str) -> None:
        """Check knowledge/, intents/ and translations/: prints 'ok' or every error with its file and entry."""
        import datetime as dt

        from . import knowledge, translation
        from .core import load_data
        from .knowledge import DataError
        from .language import SERVED
        from .rendering import Renderer, over_budget

        root = app.config["TOMONI"].data_dir
        errors: list[str] = []
        try:
            load_data(root)
        except DataError as exc:
            errors = str(exc).splitlines()
        if length_langs:
            langs = SERVED if length_langs == "all" else tuple(length_langs.split(","))
            renderer = Renderer(knowledge.load(root / "knowledge"), translation.load(root / "translations"))
            for day in (dt.date(2026, 12, 7), dt.date(2026, 12, 29)):
                errors += [p for lang in langs for p in over_budget(renderer, lang, day) if p not in errors]
        for line in errors:
            click.echo(line)
        if errors:
            click.echo(f"{len(errors)} error(s)")
            sys.exit(1)
        click.echo("ok")

    @app.cli.command("worker")
    def worker() -> None:
        """Process webhook events and deliver the outbox (the Procfile's `worker`; uses REDIS_URL when set)."""
        from . import current_runtime
        runtime = current_runtime(app)
        click.echo(f"worker: channels {sorted(runtime.channels) or 'none'}, queue {type(runtime.work).__name__}, "
                   f"{runtime.threads} threads")
        runtime.new_worker().run()

    @app.cli.command("line-richmenu")
    @click.option("--images", type=click.Path(file_okay=False, path_type=Path), default=None,
                  help="a folder of <lang>.png images (2500x1686); plain tiles without one")
    def line_richmenu(images: Path | None) -> None:
        """Install one LINE rich menu per language (alias tomoni-<lang>); English is the default menu."""
        from . import current_runtime
        from .channels.line_menu import install
        from .language import SERVED

        runtime = current_runtime(app)
        if "line" not in runtime.channels:
            raise click.ClickException("LINE is off: set LINE_CHANNEL_SECRET and LINE_CHANNEL_ACCESS_TOKEN")
        ids = install(runtime.channels["line"], runtime.bot.catalog, list(SERVED), images)
        for lang, menu_id in ids.items():
            click.echo(f"{lang}: {menu_id}")

    desk = AppGroup("desk", help="Consultation desk accounts.")
    app.cli.add_command(desk)

    @desk.command("add-user")
    @click.argument("username")
    @click.option("--role", type=click.Choice(["staff", "admin"]), default="staff")
    @click.password_option(help="asked for when not given")
    def desk_add_user(username: str, role: str, password: str) -> None:
        """Create a desk account (the password is stored hashed)."""
        from sqlalchemy.exc import IntegrityError

        from .desk import add_user

        try:
            add_user(_bot().store, username, password, role)
        except (ValueError, IntegrityError) as exc:
            raise click.ClickException(str(exc).splitlines()[0]) from exc
        click.echo(f"desk user {username!r} ({role}) created")

    @desk.command("change-user")
    @click.argument("username")
    @click.option("--role", type=click.Choice(["staff", "admin"]), default=None, help="a new role")
    @click.option("--deactivate", "active", flag_value=False, default=None, help="no more logins; sessions end")
    @click.option("--activate", "active", flag_value=True, help="allow logins again")
    @click.option("--new-password", is_flag=True, help="asks for a new password; every session of the account ends")
    def desk_change_user(username: str, role: str | None, active: bool | None, new_password: bool) -> None:
        """Change a desk account: role, (de)activation, password. Takes effect on the account's next request."""
        from .desk.auth import change_account

        password = click.prompt("New password", hide_input=True, confirmation_prompt=True) if new_password else None
        try:
            change_account(_bot().store, username, role=role, active=active, password=password)
        except ValueError as exc:
            raise click.ClickException(str(exc)) from exc
        click.echo(f"desk user {username!r} changed")

    translations = AppGroup("translations", help="Offline machine translation (Argos) and translators' drafts.")
    app.cli.add_command(translations)

    @translations.command("install")
    @click.argument("sources", nargs=-1, required=True)
    def translations_install(sources: tuple[str, ...]) -> None:
        """Install Argos packages: .argosmodel files, folders of them, or language codes (online servers)."""
        from . import mt

        try:
            for name in mt.install(list(sources)):
                click.echo(f"installed {name}")
        except (RuntimeError, FileNotFoundError) as exc:
            raise click.ClickException(str(exc)) from exc

    @translations.command("status")
    def translations_status() -> None:
        """Per language: curated coverage, machine drafts, and machine translation to and from Japanese."""
        from .language import SERVED
        from .mt import MachineTranslator
        from .translation import REFERENCE, _flat
        from .translation import load as load_catalog

        settings = app.config["TOMONI"]
        catalog = load_catalog(settings.data_dir / "translations")
        service = MachineTranslator(catalog)
        ref = {k for k in _flat({k: v for k, v in catalog.texts[REFERENCE].items() if k != "meta"})}
        click.echo(f"{'language':10} {'curated':>8} {'drafts':>7}  {'ja -> lang':10} {'lang -> ja':10}")
        for code in SERVED:
            data = catalog.texts.get(code, {})
            have = ref & set(_flat({k: v for k, v in data.items() if k != "meta"}))
            drafts = len((data.get("meta") or {}).get("machine_drafts") or [])
            curated = 100 * (len(have) - drafts) / len(ref)
            click.echo(f"{code:10} {curated:7.0f}% {drafts:7d}  {service.coverage('ja', code):10} "
                       f"{service.coverage(code, 'ja'):10}")
        click.echo(f"installed packages: {', '.join(sorted(p.name for p in service.packages.values())) or 'none'}")

    @translations.command("draft")
    @click.argument("lang")
    def translations_draft(lang: str) -> None:
        """Fill the keys missing in translations/<lang>.yaml with machine drafts, marked for review."""
        from .drafts import draft
        from .mt import MachineTranslator
        from .translation import load as load_catalog

        folder = app.config["TOMONI"].data_dir / "translations"
        try:
            keys = draft(folder, lang, MachineTranslator(load_catalog(folder)))
        except RuntimeError as exc:
            raise click.ClickException(str(exc)) from exc
        click.echo(f"{len(keys)} machine draft(s) written to translations/{lang}.yaml (meta.machine_drafts)")

    @translations.command("reviewed")
    @click.argument("lang")
    @click.argument("keys", nargs=-1)
    def translations_reviewed(lang: str, keys: tuple[str, ...]) -> None:
        """Mark machine drafts as reviewed (all of the language's, or the keys given, e.g. answers.life.bus)."""
        from .drafts import mark_reviewed

        done = mark_reviewed(app.config["TOMONI"].data_dir / "translations", lang, list(keys))
        click.echo(f"{len(done)} draft(s) marked reviewed")


    calendar = AppGroup("calendar", help="Garbage collection calendars.")
    app.cli.add_command(calendar)

    @calendar.command("import-5374")
    @click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
    def calendar_import(folder: Path) -> None:
        """Load a calendar published in the 5374.jp CSV format into knowledge/garbage (areas.yaml, calendar.yaml)."""
        from .import5374 import ImportError5374, write

        try:
            count = write(folder, app.config["TOMONI"].data_dir / "knowledge" / "garbage")
        except (ImportError5374, KeyError, ValueError, IndexError) as exc:
            raise click.ClickException(str(exc)) from exc
        click.echo(f"{count} areas imported; run `flask --app app check-data` and restart the bot")

    @app.cli.command("clock")
    @click.option("--every", type=int, default=0, help="repeat every N seconds (the Procfile's clock process)")
    def clock(every: int) -> None:
        """Send due reminders and scheduled announcements, then deliver the outbox. With --every, a database error
        in a round is logged and the loop goes on (waiting longer after each failed round, up to --every)."""
        import time as _time

        from .worker import pause

        failures = 0
        while True:
            try:
                clock_round(app)
                failures = 0
            except Exception as exc:
                if not every:
                    raise
                failures += 1
                log.error("clock round failed; going on", extra={"error": type(exc).__name__, "failures": failures})
                _time.sleep(min(pause(failures), every))
                continue
            if not every:
                return
            _time.sleep(every)

    @app.cli.command("retention")
    @click.option("--days", type=int, default=None, help="override TOMONI_RETENTION_DAYS")
    def retention(days: int | None) -> None:
        """Empty conversation text and delete translation caches older than the retention age (run daily by cron)."""
        from .privacy import retain

        counts = retain(_bot().store, days or app.config["TOMONI"].retention_days)
        click.echo(", ".join(f"{k}: {v}" for k, v in counts.items()))

    @app.cli.command("db-upgrade")
    def db_upgrade() -> None:
        """Apply the database migrations (run once per release; SQLite does it at start-up)."""
        from .store import upgrade

        upgrade(app.config["TOMONI"].database_url)
        click.echo("database is up to date")
