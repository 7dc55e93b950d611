"""Admin page: the desk's opening hours, closures and which counsellor language is on which weekday.

They stay data in knowledge/desks.yaml (edited round-trip, comments kept): an editor can change the file, an admin
the page; every process reloads it within seconds (Bot.refresh_knowledge)."""

from __future__ import annotations

import re
from typing import Any

from flask import current_app, redirect, render_template, request, url_for
from flask_login import login_required

from ..knowledge import WEEKDAYS
from ..knowledge import load as load_knowledge
from ..language import SERVED
from . import _bot, blueprint
from .auth import admin_required

FACTS = "desks.yaml"
TIME = re.compile(r"^([01]?\d|2[0-3]):[0-5]\d$")
DAY = re.compile(r"^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")
NTH = re.compile(r"^(mon|tue|wed|thu|fri|sat|sun)([1-5])$")


def _path() -> Any:
    return current_app.config["TOMONI"].data_dir / "knowledge" / FACTS


@blueprint.route("/admin/hours", methods=["GET", "POST"])
@login_required
@admin_required
def hours() -> Any:
    """Show and save the desk's hours and weekday languages."""
    bot = _bot()
    errors: list[str] = []
    if request.method == "POST":
        errors = _save(request.form)
        if not errors:
            bot.kb = bot.renderer.kb = load_knowledge(_path().parent)
            return redirect(url_for("desk.hours", saved=1))
    center, table = bot.kb.facts["multicultural_center"], bot.kb.facts["weekday_languages"]
    names = {c: str(n) for c, n in (bot.catalog.get("ja", "ui", "language_names") or {}).items()}
    return render_template("desk/hours.html", center=center, table=table, weekdays=WEEKDAYS[:5], languages=SERVED,
                           names=names, errors=errors, saved=request.args.get("saved"))


def _save(form: Any) -> list[str]:
    from ruamel.yaml import YAML

    opening, closing = form.get("open", "").strip(), form.get("close", "").strip()
    dates = [d.strip() for d in form.get("closed_dates", "").split(",") if d.strip()]
    nths = [n.strip() for n in form.get("closed_nth", "").split(",") if n.strip()]
    errors = [f"時刻の形式が違います: {t}" for t in (opening, closing) if not TIME.match(t)]
    errors += [f"休みの日の形式(MM-DD)が違います: {d}" for d in dates if not DAY.match(d)]
    errors += [f"第n曜日の形式(例 wed1)が違います: {n}" for n in nths if not NTH.match(n)]
    if errors:
        return errors
    y = YAML()
    y.preserve_quotes = True
    path = _path()
    data = y.load(path.read_text(encoding="utf-8"))
    center, table = data["facts"]["multicultural_center"], data["facts"]["weekday_languages"]
    center["open"], center["close"] = opening, closing
    center["closed_dates"] = dates
    center["closed_nth_weekdays"] = [[NTH.match(n).group(1), int(NTH.match(n).group(2))] for n in nths]  # type: ignore[union-attr]
    center["closed_holidays"] = form.get("closed_holidays") == "on"
    for wd in WEEKDAYS[:5]:
        table[wd] = [code for code in SERVED if form.get(f"{wd}_{code}") == "on"]
    table["verified"] = form.get("verified") == "on"
    with path.open("w", encoding="utf-8") as f:
        y.dump(data, f)
    return []
