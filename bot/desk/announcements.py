"""Desk pages: write an announcement in Japanese, check every language's draft, choose the audience, send or schedule;
mark residents as key persons."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from zoneinfo import ZoneInfo

from flask import abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from ..answering import announce
from ..answering.beyond import resident_languages
from ..storage.models import Announcement, User
from ..understanding.language import SERVED
from .auth import admin_required
from .common import _bot, _channels, _deliver_now, _mt, blueprint, language_names, plain


@blueprint.get("/announcements")
@login_required
def announcements() -> Any:
    """The announcements, newest first, and the form for a new one."""
    with _bot().store.session() as s:
        items = list(s.scalars(select(Announcement).order_by(Announcement.id.desc()).limit(50)))
    return render_template("desk/announcements.html", items=items, counts={a.id: json.loads(a.counts or "{}")
                                                                             for a in items})


@blueprint.post("/announcements")
@login_required
def create_announcement() -> Any:
    """A new announcement: Japanese text, drafts in every language."""
    body = (request.form.get("body_ja") or "").strip()
    title = (request.form.get("title") or "").strip()[:200]
    if not body or not title:
        abort(400, "title and text are needed")
    bot = _bot()
    beyond = bot.beyond
    labels = {lang: beyond.label(lang, "announcement") for lang in resident_languages(bot.store)} if beyond else {}
    texts = announce.drafts(_mt(), body, labels)
    with bot.store.session() as s:
        ann = Announcement(title=title, body_ja=body, texts=json.dumps(texts, ensure_ascii=False),
                           source_url=(request.form.get("source_url") or "").strip()[:500] or None,
                           created_by=int(current_user.id))
        s.add(ann)
        s.flush()
        ann_id = ann.id
    return redirect(url_for("desk.announcement", announcement_id=ann_id))


@blueprint.get("/announcements/<int:announcement_id>")
@login_required
def announcement(announcement_id: int) -> Any:
    """Edit each language, choose the audience, preview, send or schedule."""
    bot = _bot()
    with bot.store.session() as s:
        ann = s.get(Announcement, announcement_id)
        if ann is None:
            abort(404)
        known = [str(a) for a in s.scalars(select(User.area).where(User.area.is_not(None)).distinct())]
    texts, spec = json.loads(ann.texts), json.loads(ann.audience)
    names = language_names()
    topics = {key: plain(str(label)) for key, label in (bot.catalog.get("ja", "ui", "topics") or {}).items()}
    places = {a: bot.calendar.place(a) if bot.calendar else None for a in known}  # towns and districts (赤堀地区)
    areas = [(a, place.name_ja if place else a) for a, place in places.items()]
    size = len(announce.audience(bot.store, spec, _channels()))
    return render_template("desk/announcement.html", ann=ann, texts=texts, spec=spec, languages=_languages(texts),
                           names=names,
                           topics=topics, areas=areas, size=size, counts=json.loads(ann.counts or "{}"))


@blueprint.post("/announcements/<int:announcement_id>")
@login_required
def update_announcement(announcement_id: int) -> Any:
    """Save the edited texts and audience; then send now, schedule, or only save."""
    bot = _bot()
    kind = request.form.get("audience", "all")
    if kind not in announce.AUDIENCES:
        abort(400, "unknown audience")
    spec = {"kind": kind, "value": request.form.get(f"value_{kind}") or None}
    action = request.form.get("action", "save")
    when = None
    if action == "schedule":
        try:
            when = dt.datetime.fromisoformat((request.form.get("send_at") or "").strip())
        except ValueError:
            return render_template("desk/error.html", message="送信日時を入力してください(例: 2026-12-28 09:00)。"
                                   "予約していません。"), 400
    with bot.store.session() as s:
        ann = s.get(Announcement, announcement_id)
        if ann is None or ann.status not in ("draft", "scheduled"):
            abort(409, "already sent")
        texts = json.loads(ann.texts)
        for lang in _languages(texts):
            text = (request.form.get(f"text_{lang}") or "").strip()
            old = texts.get(lang, {})
            texts[lang] = {**old, "text": text,
                           "kind": old.get("kind", "none") if text == old.get("text") else "edited"}
        ann.texts, ann.audience = json.dumps(texts, ensure_ascii=False), json.dumps(spec)
        if when is not None:
            ann.send_at = when.replace(tzinfo=ZoneInfo(bot.timezone)).astimezone(dt.UTC).replace(tzinfo=None)
            ann.status = "scheduled"
    if action == "send":
        with bot.store.session() as s:
            s.get_one(Announcement, announcement_id).status = "sending"
        announce.send(bot.store, _channels(), announcement_id)
        _deliver_now()
    return redirect(url_for("desk.announcement", announcement_id=announcement_id))


def _languages(texts: dict[str, Any]) -> list[str]:
    """The nine, then the languages beyond them that this announcement has a machine draft for."""
    return [*SERVED, *sorted(lang for lang in texts if lang not in SERVED)]


@blueprint.post("/residents/<int:user_id>/key-person")
@login_required
@admin_required
def key_person(user_id: int) -> Any:
    """Mark a resident as a key person (community), or back to a resident."""
    with _bot().store.session() as s:
        user = s.get(User, user_id)
        if user is None:
            abort(404)
        community = (request.form.get("community") or "").strip()[:64]
        user.role, user.community = ("key_person", community) if community else ("resident", None)
    return redirect(request.referrer or url_for("desk.inbox"))
