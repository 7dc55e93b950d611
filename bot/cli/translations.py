"""Offline machine translation and translators' drafts: `flask --app app translations install|status|draft|reviewed`."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from ..answering import mt
from ..answering.catalog import REFERENCE, _flat
from ..answering.catalog import load as load_catalog
from ..answering.drafts import draft, mark_reviewed
from ..answering.mt import MachineTranslator
from ..understanding.language import SERVED

translations = AppGroup("translations", help="Offline machine translation (Argos) and translators' drafts.")


@translations.command("install")
@click.argument("sources", nargs=-1, required=True)
def translations_install(sources: tuple[str, ...]) -> None:
    """Install Argos packages: .argosmodel files, folders of them, or language codes (online servers)."""
    try:
        for name in mt.install(list(sources)):
            click.echo(f"installed {name}")
    except (RuntimeError, FileNotFoundError) as exc:
        raise click.ClickException(str(exc)) from exc

@translations.command("status")
def translations_status() -> None:
    """Per language: curated coverage, machine drafts, and machine translation to and from Japanese."""
    settings = current_app.config["TOMONI"]
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
    folder = current_app.config["TOMONI"].data_dir / "translations"
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
    done = mark_reviewed(current_app.config["TOMONI"].data_dir / "translations", lang, list(keys))
    click.echo(f"{len(done)} draft(s) marked reviewed")
