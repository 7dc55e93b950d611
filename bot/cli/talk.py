"""Talking to the bot from a terminal: `flask --app app ask`, `chat` and `explain` (how a message is read)."""

from __future__ import annotations

import json
import logging
import sys
import uuid
from typing import Any, TextIO

import click
from flask import current_app
from flask.cli import AppGroup

from ..answering.pipeline import Bot
from ..current import current_bot
from ..messages import Inbound, Reply

log = logging.getLogger(__name__)
commands = AppGroup("talk", help="Talking to the bot.")  # its commands are added to `flask` itself


def _bot() -> Bot:
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


@commands.command("ask")
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


@commands.command("chat")
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


@commands.command("explain")
@click.argument("text")
def explain(text: str) -> None:
    """Show how the bot reads a message: words found, language evidence, the rule that decided."""
    reading = _bot().read(text)
    folded, detection, finds, u = reading.folded, reading.detection, reading.finds, reading.understanding
    click.echo(f"folded:   {folded}")
    click.echo(f"language: {detection.lang} ({detection.confidence:.2f}, {detection.method})")
    for f in finds:
        click.echo(f"  found {folded[f.start:f.end]!r:24} -> {f.entry.kind} {f.entry.key} "
                   f"[{f.entry.lang}: {f.entry.phrase!r}] q={f.quality:.2f}")
    click.echo(f"intent:   {u.intent} (answer {u.answer_key}, {u.method}, confidence {u.confidence})")
    click.echo(f"item:     {u.item} category: {u.category} options: {[o.payload for o in u.options]}")
