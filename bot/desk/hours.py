"""Admin page: the desk's opening hours, closures and which counsellor language is on which weekday.

knowledge/desks.yaml ships the defaults; what an admin saves here is stored in the database (bot.overrides) and laid
over them, so the data file never changes on the server and upgrades (`git pull`) stay clean. Every process picks
up a change within seconds (Bot.refresh_knowledge)."""

from __future__ import annotations

import re
from typing import Any

from flask import redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..answering import overrides
from ..answering.knowledge import WEEKDAYS
from ..understanding.language import SERVED
from .auth import admin_required
from .common import _bot, blueprint, language_names

TIME = re.compile(r"^([01]?\d|2[0-3]):[0-5]\d$")
DAY = re.compile(r"^(0?[1-9]|1[0-2])\s*[-/月]\s*(0?[1-9]|[12]\d|3[01])\s*日?$")  # 12/29, 12-29, 12月29日
WORKDAYS = WEEKDAYS[:5]
NTH = range(1, 6)


@blueprint.route("/admin/hours", methods=["GET", "POST"])
@login_required
@admin_required
def hours() -> Any:
    """Show and save the desk's hours and weekday languages (or go back to the shipped defaults)."""
    bot = _bot()
    errors: list[str] = []
    if request.method == "POST":
        if request.form.get("action") == "reset":
            for name in overrides.EDITABLE:
                overrides.reset(bot.store, overrides.fact_key(name))
            _reload()
            return redirect(url_for("desk.hours", saved="reset"))
        values, errors = read(request.form)
        if not errors:
            for name, value in values.items():
                overrides.save(bot.store, overrides.fact_key(name), value, int(current_user.id))
            _reload()
            return redirect(url_for("desk.hours", saved=1))
    center, table = bot.kb.facts["multicultural_center"], bot.kb.facts["weekday_languages"]
    stored = overrides.load(bot.store)
    edited = any(overrides.fact_key(name) in stored for name in overrides.EDITABLE)
    closed = {(str(d), int(n)) for d, n in center.get("closed_nth_weekdays") or []}
    dates = ", ".join(f"{int(d[:2])}/{int(d[3:])}" for d in center.get("closed_dates") or [])
    return render_template("desk/hours.html", center=center, table=table, weekdays=WORKDAYS, nth=NTH, closed=closed,
                           dates=dates, languages=SERVED, names=language_names(), errors=errors, edited=edited,
                           saved=request.args.get("saved"))


def _reload() -> None:
    """This process at once (the others within seconds): the files, with what is stored over them."""
    _bot().reload_knowledge()


def read(form: Any) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """The two facts' editable fields from the form, or the errors to show (in staff Japanese)."""
    opening, closing = form.get("open", "").strip(), form.get("close", "").strip()
    raw_dates = [d.strip() for d in re.split(r"[,、,\s]+", form.get("closed_dates", "")) if d.strip()]
    errors = [f"時刻は 8:30 のように書いてください: {t or '(空)'}" for t in (opening, closing) if not TIME.match(t)]
    errors += [f"休みの日は 12/29 のように書いてください: {d}" for d in raw_dates if not DAY.match(d)]
    if errors:
        return {}, errors
    if _minutes(opening) >= _minutes(closing):
        return {}, ["閉まる時刻は開く時刻より後にしてください。"]
    dates = []
    for d in raw_dates:
        month, day = DAY.match(d).groups()  # type: ignore[union-attr]
        dates.append(f"{int(month):02d}-{int(day):02d}")
    center = {"open": opening, "close": closing, "closed_dates": sorted(set(dates)),
              "closed_nth_weekdays": [[wd, n] for wd in WORKDAYS for n in NTH if form.get(f"nth_{wd}_{n}") == "on"],
              "closed_holidays": form.get("closed_holidays") == "on"}
    table: dict[str, Any] = {wd: [c for c in SERVED if form.get(f"{wd}_{c}") == "on"] for wd in WORKDAYS}
    table["verified"] = form.get("verified") == "on"
    return {"multicultural_center": center, "weekday_languages": table}, []


def _minutes(hhmm: str) -> int:
    hours, minutes = hhmm.split(":")
    return int(hours) * 60 + int(minutes)
