"""Desk pages: the inbox, a ticket's conversation, and replies in the resident's language.

A reply never reaches a resident as untranslated Japanese labelled as their language: without a translation model
for the pair, staff insert a curated answer, write in the resident's language, or send easy Japanese with a line in
the resident's language that says it is Japanese (`desk.easy_japanese_label`)."""

from __future__ import annotations

import unicodedata
from typing import Any

from flask import abort, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..answering import handoff
from ..storage.models import Ticket, User, utcnow
from ..understanding.language import SERVED
from .common import _bot, _deliver_now, _mt, answer_labels, blueprint, language_names

MODES = ("machine", "curated", "direct", "easy_ja")  # how the text to send was made
KANA_SHARE = 0.2  # a text with this share of kana among its letters is Japanese


@blueprint.get("/")
@login_required
def inbox() -> Any:
    """Open tickets, the longest waiting first; the list refreshes itself."""
    return render_template("desk/inbox.html", rows=handoff.inbox(_bot().store, _mt()), now=utcnow(),
                           names=language_names())


@blueprint.get("/inbox/rows")
@login_required
def inbox_rows() -> Any:
    """The inbox rows alone (the page fetches them every few seconds)."""
    return render_template("desk/_rows.html", rows=handoff.inbox(_bot().store, _mt()), now=utcnow(),
                           names=language_names())


@blueprint.get("/tickets/<int:ticket_id>")
@login_required
def ticket(ticket_id: int) -> Any:
    """A conversation: each resident message with its Japanese translation, staff replies with their state."""
    _resident(ticket_id)  # 404 for a ticket that does not exist
    return _page(ticket_id)


def _page(ticket_id: int, error: str | None = None, form: dict[str, str] | None = None, status: int = 200) -> Any:
    bot, mt = _bot(), _mt()
    tkt, user, lines = handoff.conversation(bot.store, mt, ticket_id)
    lang = resident_language(user)
    label = str(bot.catalog.get(lang, "desk", "easy_japanese_label") or "")
    return render_template("desk/ticket.html", ticket=tkt, user=user, lines=lines, lang=lang, names=language_names(),
                           answers=sorted(answer_labels().items(), key=lambda kv: kv[1]), error=error,
                           form=form or {}, easy_label=label, easy_label_ja=str(
                               bot.catalog.get("ja", "desk", "easy_japanese_label") or ""),
                           coverage=mt.coverage("ja", lang), coverage_in=mt.coverage(lang, "ja")), status


@blueprint.post("/tickets/<int:ticket_id>/preview")
@login_required
def preview(ticket_id: int) -> Any:
    """The staff member's Japanese, translated into the resident's language (to check and edit before sending).
    Without a model the answer says so and carries no text: Japanese is never offered as the translation."""
    lang = resident_language(_resident(ticket_id))
    result = _mt().translate(request.form.get("japanese", ""), "ja", lang)
    if result.kind == "none":
        return jsonify(text="", kind="none", language=lang,
                       message=f"{language_names().get(lang, lang)}への機械翻訳はできません(翻訳モデルが入っていません)。")
    return jsonify(text=result.text, kind=result.kind, language=lang)


@blueprint.get("/tickets/<int:ticket_id>/answer")
@login_required
def curated_answer(ticket_id: int) -> Any:
    """A curated answer of the knowledge base, in the resident's language."""
    bot = _bot()
    key = request.args.get("key", "")
    if key not in bot.kb.answers:
        abort(404)
    lang = resident_language(_resident(ticket_id))
    now = bot.now()
    return jsonify(text=bot.renderer.answer(key, lang, now.date(), now.time()).text, language=lang,
                   sources=references(bot.kb, key))


CONFIDENCE_JA = {"H": "確か", "M": "おおむね確か", "L": "未確認(住民には「確認してください」と添えています)"}


def references(kb: Any, key: str) -> list[dict[str, str]]:
    """The full references of a curated answer, for staff: every fact's source (label, year or date, link) and how
    sure the fact is, so that what is sent can be checked at its source."""
    seen: dict[str, dict[str, str]] = {}
    for name in kb.answers.get(key, {}).get("facts") or []:
        fact = kb.facts.get(name) or {}
        source_id = str(fact.get("source") or "")
        src = kb.sources.get(source_id) or {}
        if not src or source_id in seen:
            continue
        seen[source_id] = {"label": str(src.get("label") or source_id), "url": str(src.get("url") or ""),
                           "when": str(src.get("date") or src.get("year") or ""),
                           "confidence": CONFIDENCE_JA.get(str(fact.get("confidence") or ""), "")}
    return list(seen.values())


@blueprint.post("/tickets/<int:ticket_id>/reply")
@login_required
def send_reply(ticket_id: int) -> Any:
    """Send the checked text through the channel's outbox: in the resident's language, or easy Japanese said to be
    Japanese. Refused for a closed ticket, and for unchanged Japanese in the box of the resident's language."""
    tkt, user = _ticket(ticket_id)
    form = {k: (request.form.get(k) or "").replace("\r\n", "\n").strip() for k in ("text", "japanese", "mode")}
    text, lang = form["text"][:5000], resident_language(user)
    if tkt.status != "open":
        return _page(ticket_id, "この相談は終了しています。送信していません。", form, 409)
    if not text:
        return _page(ticket_id, "送信する文が空です。", form, 400)
    sent_as = lang
    if lang != "ja" and form["mode"] == "easy_ja":
        label = _bot().catalog.get(lang, "desk", "easy_japanese_label")
        text, sent_as = f"{label}\n{text}", "ja"
    elif lang != "ja" and is_japanese(text, form["japanese"]):
        name = language_names().get(lang, lang)
        return _page(ticket_id, f"送信していません: {name}の欄に日本語がそのまま入っています。{name}に翻訳する、"
                                f"定型の回答を入れる、{name}で書く、「やさしい日本語で送る」のどれかにしてください。",
                     form, 400)
    handoff.reply(_bot().store, ticket_id, text, sent_as, int(current_user.id))
    _deliver_now()
    return redirect(url_for("desk.ticket", ticket_id=ticket_id))


@blueprint.post("/tickets/<int:ticket_id>/close")
@login_required
def close(ticket_id: int) -> Any:
    """Close the ticket and return the resident to the bot (told in their language)."""
    bot = _bot()
    tkt, user = _ticket(ticket_id)
    if tkt.status != "open":
        return _page(ticket_id, "この相談はすでに終了しています。", status=409)
    lang = resident_language(user)
    handoff.close(bot.store, ticket_id, bot.renderer.ui(lang, "ticket_closed"), lang, int(current_user.id))
    _deliver_now()
    return redirect(url_for("desk.inbox"))


def is_japanese(text: str, japanese: str) -> bool:
    """Whether a text meant for a resident in another language is Japanese: the staff's Japanese unchanged, or a
    text written in kana (Chinese has none; a Japanese address in a translated text stays under the share)."""
    def norm(s: str) -> str:
        return "".join(unicodedata.normalize("NFKC", s).split())

    if japanese and norm(text) == norm(japanese):
        return True
    letters = [ch for ch in text if ch.isalpha()]
    kana = sum(1 for ch in letters if "\u3041" <= ch <= "\u30ff")
    return bool(letters) and kana / len(letters) >= KANA_SHARE


def _ticket(ticket_id: int) -> tuple[Ticket, User]:
    """A ticket and its resident (404 when there is no such ticket)."""
    found = handoff.resident(_bot().store, ticket_id)
    if found is None:
        abort(404)
    return found


def _resident(ticket_id: int) -> User:
    return _ticket(ticket_id)[1]


def resident_language(user: Any) -> str:
    """The language replies to this resident are written in (English when theirs is not served)."""
    return str(user.language) if user.language in SERVED else "en"
