"""Checking and importing the data folders: `flask --app app check-data`, `check-facts`, `calendar import-5374`."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from .. import factcheck
from ..answering import catalog, knowledge
from ..answering.assembly import load_data
from ..answering.knowledge import DataError
from ..answering.rendering import Renderer, over_budget, uncaveated
from ..import5374 import ImportError5374, write
from ..understanding.language import SERVED

commands = AppGroup("data", help="Checking the data.")  # its commands are added to `flask` itself
calendar = AppGroup("calendar", help="Garbage collection calendars.")


@commands.command("check-facts")
@click.option("--notes", "notes_dir", default="", help="Folder of the research notes (default: docs/facts).")
def check_facts(notes_dir: str) -> None:
    """Check knowledge/ against the research notes in docs/facts/: prints 'ok' or every mismatch."""
    root = current_app.config["TOMONI"].data_dir
    errors = factcheck.check(knowledge.load(root / "knowledge"), Path(notes_dir) if notes_dir else root / "docs/facts")
    for line in errors:
        click.echo(line)
    if errors:
        click.echo(f"{len(errors)} mismatch(es)")
        sys.exit(1)
    click.echo("ok")


@commands.command("check-data")
@click.option("--lengths", "length_langs", default="", help="Also check the length budget: 'all' or 'vi,pt'.")
def check_data(length_langs: str) -> None:
    """Check knowledge/, intents/ and translations/: prints 'ok' or every error with its file and entry."""
    root = current_app.config["TOMONI"].data_dir
    errors: list[str] = []
    try:
        load_data(root)
    except DataError as exc:
        errors = str(exc).splitlines()
    renderer = None if errors else Renderer(knowledge.load(root / "knowledge"), catalog.load(root / "translations"))
    if renderer:  # every weak fact and office is said with "please confirm", in every language
        errors += [p for lang in SERVED for p in uncaveated(renderer, lang, dt.date(2026, 12, 7))]
    if length_langs and renderer:
        langs = SERVED if length_langs == "all" else tuple(length_langs.split(","))
        for day in (dt.date(2026, 12, 7), dt.date(2026, 12, 29)):
            errors += [p for lang in langs for p in over_budget(renderer, lang, day) if p not in errors]
    for line in errors:
        click.echo(line)
    if errors:
        click.echo(f"{len(errors)} error(s)")
        sys.exit(1)
    click.echo("ok")


@calendar.command("import-5374")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
def calendar_import(folder: Path) -> None:
    """Load a calendar published in the 5374.jp CSV format into knowledge/garbage (areas.yaml, calendar.yaml)."""
    try:
        count = write(folder, current_app.config["TOMONI"].data_dir / "knowledge" / "garbage")
    except (ImportError5374, KeyError, ValueError, IndexError) as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"{count} areas imported; run `flask --app app check-data` and restart the bot")
