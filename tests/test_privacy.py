"""Residents' data: the notice, deletion on request in every language, the desk's export and delete, retention."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select

from bot.answering.privacy import retain
from bot.messages import Inbound
from bot.storage.models import Message, Suggestion, TranslationCache, User

from .helpers import ADMIN_PASSWORD, MONDAY, PASSWORD, count, log_in


@pytest.mark.parametrize(("text", "lang"), [
    ("delete my data", "en"), ("データを消してください", "ja"), ("apagar meus dados", "pt"), ("borrar mis datos", "es"),
    ("xóa dữ liệu của tôi", "vi"), ("burahin ang data ko", "tl"), ("删除我的数据", "zh"),
    ("मेरो डाटा मेटाउनुहोस्", "ne"), ("tolong hapus data saya", "id")])
def test_delete_my_data_asks_to_confirm_in_every_language(say, text: str, lang: str) -> None:
    reply = say(text, user=f"d-{lang}")
    assert reply.intent == "privacy.delete" and reply.reply_language == lang and not reply.handoff
    assert [c.payload for c in reply.choices] == ["privacy:delete-yes", "privacy:delete-no"]


def test_confirmed_deletion_removes_words_and_profile_but_keeps_counts(bot, say) -> None:
    say("onde jogo pilhas?", user="u1")
    say("my landlord keeps my deposit, call me at 090-1234-5678", user="u1")  # a ticket opens
    with bot.store.session() as s:
        s.add(Suggestion(text="onde jogo pilhas?", language="pt", intent="garbage.sorting"))
    assert say(kind="postback", payload="privacy:delete-no", user="u1").text.startswith("OK, nothing")
    done = say(kind="postback", payload="privacy:delete-yes", user="u1")
    assert done.intent == "privacy.delete" and done.reply_language == "en"  # the sticky language of u1
    from bot.storage.models import Ticket

    assert count(bot, Ticket, status="open") == 0
    with bot.store.session() as s:
        inbound = list(s.scalars(select(Message).where(Message.direction == "in")))
        user = s.scalars(select(User)).one()
    assert all(m.text == "" and m.raw is None for m in inbound)
    assert len(inbound) == 4 and {m.intent for m in inbound} >= {"unknown", "garbage.sorting"}  # counts remain
    assert user.external_id.startswith("deleted:") and user.language is None and not user.active
    assert count(bot, Suggestion) == 0
    fresh = say("hello", user="u1")  # the same platform user starts again from nothing
    assert fresh.intent == "greeting" and count(bot, User) == 2


def test_follow_shows_the_privacy_notice_with_a_delete_button(bot) -> None:
    reply = bot.handle(Inbound(channel="line", user_id="U1", kind="follow", profile_language="vi"), now=MONDAY)
    assert reply and "365" in reply.text and "xóa dữ liệu" in reply.text.lower()
    assert reply.choices[-1].payload == "privacy:delete"


def test_retention_empties_old_text_and_caches(bot, say, app) -> None:
    say("onde jogo pilhas?", user="old")
    bot.store.cache_translation("k1", "pt", "ja", "argos:test", "電池")
    with bot.store.session() as s:
        for m in s.scalars(select(Message)):
            m.created_at -= dt.timedelta(days=400)
        s.get_one(TranslationCache, "k1").created_at -= dt.timedelta(days=400)
    say("onde jogo pilhas?", user="new")
    result = app.test_cli_runner().invoke(args=["retention", "--days", "365"])
    assert "messages: 2" in result.output and "translation_cache: 1" in result.output
    with bot.store.session() as s:
        texts = [m.text for m in s.scalars(select(Message).order_by(Message.id))]
    assert texts[:2] == ["", ""] and texts[2] == "onde jogo pilhas?"
    assert retain(bot.store, 365)["messages"] == 0  # nothing more to do


def test_the_desk_exports_and_deletes_one_resident_admin_only(app, bot, say) -> None:
    from bot.desk import add_user

    say("I want to talk to a real person about my tax", user="r1")
    with bot.store.session() as s:
        user_id = s.scalars(select(User.id)).one()
    add_user(bot.store, "sato", PASSWORD)
    add_user(bot.store, "boss", ADMIN_PASSWORD, "admin")
    staff, admin = log_in(app), log_in(app, "boss", ADMIN_PASSWORD)
    assert staff.get(f"/desk/residents/{user_id}/export").status_code == 403
    exported = json.loads(admin.page(f"/desk/residents/{user_id}/export"))
    assert exported["messages"][0]["text"] == "I want to talk to a real person about my tax"
    assert staff.post(f"/desk/residents/{user_id}/delete").status_code == 403
    assert admin.post(f"/desk/residents/{user_id}/delete").status_code == 302
    again = json.loads(admin.page(f"/desk/residents/{user_id}/export"))
    assert len(again["messages"]) == len(exported["messages"]) >= 2  # kept for the counts, without their words
    assert all(m["text"] == "" for m in again["messages"]) and again["user"]["platform_id"].startswith("deleted:")


def test_a_typed_yes_or_no_after_the_delete_question_asks_again_with_the_buttons(say) -> None:
    say("データを消して", user="d1")
    again = say("いいえ", user="d1")
    assert again.intent == "privacy.delete" and "消しますか" in again.text
    assert [c.payload for c in again.choices] == ["privacy:delete-yes", "privacy:delete-no"]
    assert say("はい", user="d1").intent == "greeting"  # asked once more only: nothing deleted by a typed word
