"""The consultation desk with the Flask client: login, rules, replies through the outbox, escaping."""

from __future__ import annotations

import logging
import re
import time

import pytest
from sqlalchemy import select

from bot.desk import add_user
from bot.storage.models import Message, Outbox, StaffUser, Ticket

from .helpers import MONDAY, count, csrf_of, log_in, login_form
from .payloads import line_body, line_post, text_event


def test_every_desk_page_needs_a_login(desk_app) -> None:
    client = desk_app.test_client()
    for path in ("/desk/", "/desk/tickets/1", "/desk/tickets/1/answer?key=life.bus"):
        res = client.get(path)
        assert res.status_code == 302 and "/desk/login" in res.headers["Location"]
    assert client.get("/desk/inbox/rows").status_code == 401  # the inbox's own polling: the page then reloads
    token = csrf_of(client.get("/desk/login").get_data(as_text=True))  # a session, but nobody logged in
    res = client.post("/desk/tickets/1/reply", data={"text": "x", "csrf_token": token})
    assert res.status_code == 302 and "/desk/login" in res.headers["Location"]


def test_login_is_slowed_down_after_failed_attempts(desk_app, bot) -> None:
    known = desk_app.test_client()
    assert login_form(known).status_code == 302  # this browser has logged into the account before
    client = desk_app.test_client()
    for _ in range(5):
        assert login_form(client, "wrong password!").status_code == 401
    slowed = login_form(client)  # the right password, but too soon, from a browser the account never used
    assert slowed.status_code == 401 and "しばらく待って" in slowed.get_data(as_text=True)
    assert login_form(known).status_code == 302  # never a lock: the staff member's own browser gets in
    assert login_form(desk_app.test_client(), username="nobody").status_code == 401  # tests/test_desk_security.py: more


@pytest.mark.real_password_hashing
def test_passwords_are_hashed_and_short_ones_refused(bot) -> None:
    from bot.desk import auth

    add_user(bot.store, "admin1", "a long enough password", "admin")
    with bot.store.session() as s:
        stored = s.scalars(select(StaffUser.password_hash)).one()
    assert "a long enough password" not in stored and stored.startswith("scrypt:")  # werkzeug's default
    assert auth.dummy_hash().split("$")[0] == stored.split("$")[0]  # unknown usernames cost the same
    user, _ = auth.authenticate(bot.store, "admin1", "a long enough password")
    assert user is not None
    with pytest.raises(ValueError):
        add_user(bot.store, "x", "short")


def test_forms_need_the_csrf_token(staff, hand_off, bot) -> None:
    ticket = hand_off("my landlord keeps my deposit")
    assert staff.client.post(f"/desk/tickets/{ticket}/reply", data={"text": "hello"}).status_code == 400
    assert staff.client.post(f"/desk/tickets/{ticket}/reply", data={"text": "hello", "csrf_token": "forged"}
                             ).status_code == 400
    assert count(bot, Outbox, origin="staff") == 0
    assert staff.post(f"/desk/tickets/{ticket}/reply", text="hello").status_code == 302  # with the token: sent


def test_the_whole_desk_path(staff, hand_off, desk_app, bot, fake) -> None:
    ticket = hand_off("my landlord keeps my deposit, what can I do?")
    inbox = staff.page("/desk/")
    assert f"#{ticket}" in inbox and "英語" in inbox
    page = staff.page(f"/desk/tickets/{ticket}")
    assert "my landlord keeps my deposit" in page
    # a curated answer, in the resident's language, can be inserted
    answer = staff.get(f"/desk/tickets/{ticket}/answer?key=consultation.legal").get_json()
    assert answer["language"] == "en" and "lawyer" in answer["text"].lower()
    # with its full references for staff: the source, its year or date, the link and how sure the fact is
    assert answer["sources"] and all(s["label"] and s["confidence"] for s in answer["sources"])
    assert any(s["url"].startswith("https://") for s in answer["sources"])
    assert 'id="sources"' in page
    # the staff reply goes out through the outbox as a push, and the page shows it was sent
    res = staff.post(f"/desk/tickets/{ticket}/reply", text="Please come to the desk on Monday.")
    assert res.status_code == 302
    assert fake.wait_for(lambda: any(c["json"]["messages"][0]["text"] == "Please come to the desk on Monday."
                                     for c in fake.calls("/v2/bot/message/push")))
    # while a staff member is talking with the resident the bot stays silent; the messages go to the ticket
    replies_before = len(fake.calls("/v2/bot/message/"))
    line_post(desk_app.test_client(), line_body(text_event("hello? anyone?", event_id="01J000000000000000000000Z2")))
    assert fake.wait_for(lambda: count(bot, Message, ticket_id=ticket, direction="in") == 2)
    assert fake.wait_for(lambda: count(bot, Message, processed=False) == 0)
    time.sleep(0.3)
    assert len(fake.calls("/v2/bot/message/")) == replies_before
    assert "送信済み" in staff.page(f"/desk/tickets/{ticket}")
    with bot.store.session() as s:
        row = s.scalars(select(Outbox).where(Outbox.origin == "staff")).one()
    assert row.status == "sent"
    # closing returns the resident to the bot, told in their language
    assert staff.post(f"/desk/tickets/{ticket}/close").status_code == 302
    closed = bot.catalog.get("en", "ui", "ticket_closed")
    assert fake.wait_for(lambda: any(c["json"]["messages"][0]["text"] == closed
                                     for c in fake.calls("/v2/bot/message/push")))
    line_post(desk_app.test_client(), line_body(text_event("where do I throw batteries?",
                                                           event_id="01J000000000000000000000Z3")))
    assert fake.wait_for(lambda: any("batter" in c["json"]["messages"][0]["text"].lower()
                                     for c in fake.calls("/v2/bot/message/reply")))


def test_a_failed_staff_reply_waits_in_the_outbox_and_the_page_says_so(staff, hand_off, bot, fake) -> None:
    from bot.storage.models import utcnow

    ticket = hand_off("my landlord keeps my deposit")
    fake.fail("/v2/bot/message/push", 503)
    assert staff.post(f"/desk/tickets/{ticket}/reply", text="We will call you.").status_code == 302
    assert fake.wait_for(lambda: [c["status"] for c in fake.calls("/v2/bot/message/push")] == [503])

    def staff_row() -> Outbox:
        with bot.store.session() as s:
            return s.scalars(select(Outbox).where(Outbox.origin == "staff")).one()

    assert fake.wait_for(lambda: staff_row().attempts == 1 and staff_row().status == "pending")
    assert "送信待ち(再試行)" in staff.page(f"/desk/tickets/{ticket}")  # waiting for its retry (2 s later)
    with bot.store.session() as s:  # time passes: the retry is due
        s.get_one(Outbox, staff_row().id).next_attempt_at = utcnow()
    assert fake.wait_for(lambda: staff_row().status == "sent")
    assert "送信済み" in staff.page(f"/desk/tickets/{ticket}")  # never lost
    assert [c["status"] for c in fake.calls("/v2/bot/message/push")] == [503, 200]


@pytest.mark.parametrize("hostile", ['<script>alert("x")</script>', '"><img src=x onerror=alert(1)>',
                                     "\u202eevil\u202c <b>bold</b>"])
def test_resident_text_is_escaped_everywhere(staff, hand_off, hostile) -> None:
    ticket = hand_off(f"I want to talk to a real person {hostile}")
    for path in ("/desk/", "/desk/inbox/rows", f"/desk/tickets/{ticket}"):
        html = staff.page(path)
        assert "real person" in html, path  # the message is on the page, escaped
        assert "<script>alert" not in html and "<img src=x" not in html and "<b>bold</b>" not in html


def test_a_language_without_machine_translation_is_said(staff, hand_off) -> None:
    ticket = hand_off("मलाई मान्छेसँग कुरा गर्नु छ")
    page = staff.page(f"/desk/tickets/{ticket}")
    assert "ネパール語の機械翻訳はありません" in page and "機械翻訳なし" in staff.page("/desk/")


def test_no_resident_text_in_logs_at_info(staff, hand_off, caplog) -> None:
    caplog.set_level(logging.INFO)
    secret = "my-visa-number-AB1234567"
    ticket = hand_off(f"I want to talk to a real person, {secret}")
    assert secret in staff.page(f"/desk/tickets/{ticket}")  # the staff see it; the logs do not
    assert caplog.records  # the webhook, the worker and the desk logged
    assert not any(secret in record.getMessage() or secret in str(record.__dict__) for record in caplog.records)


def test_cli_add_user(runner, bot) -> None:
    result = runner.invoke(args=["desk", "add-user", "suzuki", "--role", "admin", "--password", "another good password"])
    assert result.exit_code == 0, result.output
    assert runner.invoke(args=["desk", "add-user", "suzuki", "--password", "another good password"]).exit_code != 0
    assert runner.invoke(args=["desk", "change-user", "suzuki", "--role", "staff", "--deactivate"]).exit_code == 0
    with bot.store.session() as s:
        user = s.scalars(select(StaffUser).where(StaffUser.username == "suzuki")).one()
        assert (user.role, user.active) == ("staff", False)
        old_hash = user.password_hash
    changed = runner.invoke(args=["desk", "change-user", "suzuki", "--new-password"],
                            input="a brand new password\na brand new password\n")
    assert changed.exit_code == 0, changed.output
    with bot.store.session() as s:
        assert s.scalars(select(StaffUser.password_hash).where(StaffUser.username == "suzuki")).one() != old_hash
    assert runner.invoke(args=["desk", "change-user", "nobody", "--activate"]).exit_code != 0


def test_a_suggestion_approved_by_an_admin_teaches_the_matcher(staff, admin, hand_off, desk_app, bot, fake) -> None:
    from bot.understanding.text import fold

    question = "qual é o horário do ônibus circular aozora no feriado"
    assert bot.matcher._from_examples(fold(question)).intent != "life.bus"  # not an example yet
    ticket = hand_off("quero falar com uma pessoa")
    line_post(desk_app.test_client(), line_body(text_event(question, event_id="01J000000000000000000000S2")))
    assert fake.wait_for(lambda: count(bot, Message, ticket_id=ticket, direction="in") == 2)
    with bot.store.session() as s:
        message_id = s.scalars(select(Message.id).where(Message.text == question)).one()
    staff.post(f"/desk/tickets/{ticket}/suggest", message_id=message_id, answer="life.bus")
    assert staff.get("/desk/suggestions").status_code == 403  # admins only
    page = admin.page("/desk/suggestions")
    assert question in page
    found = re.search(r"/desk/suggestions/(\d+)/approve", page)
    assert found
    admin.post(f"/desk/suggestions/{found.group(1)}/approve")
    assert "提案はありません" in admin.page("/desk/suggestions")
    assert bot.matcher._from_examples(fold(question)).intent == "life.bus"  # the approved question is an example now


def test_figures_count_without_personal_text(staff, hand_off) -> None:
    ticket = hand_off("my landlord keeps my deposit, what can I do?")
    assert staff.post(f"/desk/tickets/{ticket}/reply", text="Please call us.").status_code == 302
    html = staff.page("/desk/stats")
    assert "相談の件数: 1" in html and "英語" in html and "大家・家主" in html  # the concept, not the words
    assert "deposit" not in html and "landlord" not in html and "Please call us" not in html and "数字" not in html


def git_status() -> str:
    """`git status --porcelain` of the repository the tests run in ('' outside a git checkout)."""
    import subprocess

    from bot.settings import ROOT

    done = subprocess.run(["git", "status", "--porcelain", "--untracked-files=all"], cwd=ROOT, capture_output=True,
                          text=True, check=False)
    return done.stdout if done.returncode == 0 else ""


HOURS_FORM = {"open": "9:00", "close": "17:00", "closed_dates": "12/29, 12-30, 12月31日", "nth_wed_1": "on",
              "closed_holidays": "on", "mon_vi": "on", "thu_vi": "on", "tue_pt": "on", "verified": "on"}


def test_an_admin_edits_hours_in_the_database_and_the_files_stay_as_shipped(staff, admin, bot, settings, data) -> None:
    from bot.answering.assembly import build_bot
    from bot.messages import Inbound
    from bot.settings import ROOT

    shipped = (ROOT / "knowledge/desks.yaml").read_bytes()
    before = git_status()
    other = build_bot(settings, data)  # another process
    assert staff.get("/desk/admin/hours").status_code == 403
    page = admin.page("/desk/admin/hours")
    assert "水曜日" in page and "第1" in page and "wed1" not in page and "12/29" in page
    for bad in ({"open": "25:99"}, {"closed_dates": "13/45"}, {"open": "18:00"}):
        shown = admin.post("/desk/admin/hours", **{**HOURS_FORM, **bad}).get_data(as_text=True)
        assert 'role="alert"' in shown
    assert admin.post("/desk/admin/hours", **HOURS_FORM).status_code == 302
    assert (ROOT / "knowledge/desks.yaml").read_bytes() == shipped and git_status() == before
    saved = admin.page("/desk/admin/hours")
    assert "データベースに保存" in saved and "12/29, 12/30, 12/31" in saved

    def ask(b, text: str, user: str) -> str:
        reply = b.handle(Inbound(channel="test", user_id=user, text=text), now=MONDAY)
        return str(reply.text) if reply else ""

    hours_question = "quầy tư vấn cho người nước ngoài mở cửa mấy giờ?"
    assert "9:00" in ask(bot, hours_question, "v1") and "Thứ" in ask(bot, hours_question, "v1")
    assert bot.renderer.language_days("vi", "vi") in ask(bot, "tôi muốn nói chuyện với người thật", "v2")
    other._checked = 0.0
    assert "9:00" in ask(other, hours_question, "v3")  # within seconds in every process
    assert "9:00" in ask(build_bot(settings, data), hours_question, "v5")  # and in a process started later
    # back to the shipped defaults
    admin.post("/desk/admin/hours", action="reset")
    assert "8:30" in ask(bot, hours_question, "v4") and "最初の設定" in admin.page("/desk/admin/hours")


def test_a_ticket_that_does_not_exist_is_404(staff) -> None:
    assert staff.get("/desk/tickets/999").status_code == 404
    assert staff.get("/desk/tickets/999/answer?key=life.bus").status_code == 404
    assert staff.post("/desk/tickets/999/reply", text="x").status_code == 404
    assert staff.post("/desk/tickets/999/preview", japanese="x").status_code == 404


def test_an_approved_phrasing_wins_over_the_rules_in_every_process(bot, say, settings, data) -> None:
    from bot.answering.assembly import build_bot
    from bot.messages import Inbound
    from bot.storage.models import Suggestion

    question = "my boss says the bus is free"
    assert say(question).intent == "life.bus"  # a rule decides
    other = build_bot(settings, data)  # another process, started before the approval
    with bot.store.session() as s:
        s.add(Suggestion(text=question, language="en", intent="consultation.job", answer="consultation.job",
                         status="approved", decided_at=MONDAY.replace(tzinfo=None)))
        s.add(Suggestion(text="help fire fire", language="en", intent="life.bus", answer="life.bus", status="approved",
                         decided_at=MONDAY.replace(tzinfo=None)))
    bot.learn()
    again = say("My boss says the bus is FREE!", user="u2")  # the same phrasing, typed differently
    assert again.intent == "consultation.job" and again.entry == "consultation.job"
    assert say("help fire fire", user="u3").intent == "emergency"  # danger is never taught away
    assert say("my boss says the bus is free on sundays", user="u4").intent == "life.bus"  # only that phrasing
    other._checked = 0.0  # its next check (every few seconds) finds the approval in the database
    reply = other.handle(Inbound(channel="test", user_id="u5", text=question), now=MONDAY)
    assert reply and reply.intent == "consultation.job"


def test_without_a_model_japanese_is_never_sent_as_the_residents_language(staff, hand_off, bot, fake) -> None:
    ticket = hand_off("I want to talk to a real person about my rent")
    page = staff.page(f"/desk/tickets/{ticket}")
    assert "英語への機械翻訳はできません" in page and "やさしい日本語で送る" in page and "英語で直接書く" in page
    japanese = "月曜日に窓口に来てください。"
    preview = staff.post(f"/desk/tickets/{ticket}/preview", japanese=japanese).get_json()
    assert preview["kind"] == "none" and preview["text"] == "" and "できません" in preview["message"]
    for text in (japanese, "げつようびに きてください", f"  {japanese}\n"):  # unchanged, or kana, in the English box
        res = staff.post(f"/desk/tickets/{ticket}/reply", text=text, japanese=japanese, mode="direct")
        assert res.status_code == 400 and "送信していません" in res.get_data(as_text=True)
    assert count(bot, Outbox, origin="staff") == 0
    # easy Japanese, said to be Japanese in the resident's language
    staff.post(f"/desk/tickets/{ticket}/reply", text=japanese, japanese=japanese, mode="easy_ja")
    label = bot.catalog.get("en", "desk", "easy_japanese_label")
    assert fake.wait_for(lambda: any(c["json"]["messages"][0]["text"] == f"{label}\n{japanese}"
                                     for c in fake.calls("/v2/bot/message/push")))
    # written in the resident's language, with a Japanese place name in it
    staff.post(f"/desk/tickets/{ticket}/reply", text="Please come to 伊勢崎市役所 on Monday.", japanese=japanese,
               mode="direct")
    assert fake.wait_for(lambda: any(c["json"]["messages"][0]["text"] == "Please come to 伊勢崎市役所 on Monday."
                                     for c in fake.calls("/v2/bot/message/push")))
    with bot.store.session() as s:
        assert [m.language for m in s.scalars(select(Message).where(Message.staff_id.is_not(None)))] == ["ja", "en"]
    assert "やさしい日本語で送信" in staff.page(f"/desk/tickets/{ticket}")


def test_a_closed_ticket_takes_no_reply(staff, hand_off, bot) -> None:
    ticket = hand_off("my landlord keeps my deposit")
    assert staff.post(f"/desk/tickets/{ticket}/close").status_code == 302
    res = staff.post(f"/desk/tickets/{ticket}/reply", text="One more thing.")
    assert res.status_code == 409 and "終了しています" in res.get_data(as_text=True)
    assert staff.post(f"/desk/tickets/{ticket}/close").status_code == 409
    assert count(bot, Message, text="One more thing.") == 0


def test_every_desk_post_needs_the_csrf_token(admin, desk_app) -> None:
    posts = [r for r in desk_app.url_map.iter_rules() if r.rule.startswith("/desk/") and "POST" in (r.methods or ())]
    assert len(posts) >= 12
    for rule in posts:
        path = rule.rule.replace("<int:ticket_id>", "1").replace("<int:suggestion_id>", "1").replace(
            "<int:user_id>", "1").replace("<int:announcement_id>", "1").replace("<decision>", "approve")
        res = admin.client.post(path, data={"text": "x"})
        assert res.status_code == 400 and "フォームの有効期限" in res.get_data(as_text=True), path


def test_sessions_are_revocable_and_expire(admin, desk_app, bot, monkeypatch) -> None:
    from flask.testing import FlaskClient

    from bot.desk import auth

    assert admin.get("/desk/suggestions").status_code == 200
    auth.change_account(bot.store, "boss", role="staff")  # demoted: the next request knows
    assert admin.get("/desk/suggestions").status_code == 403 and admin.get("/desk/").status_code == 200
    auth.change_account(bot.store, "boss", active=False)  # deactivated: out at once
    assert admin.get("/desk/").status_code == 302
    # logout ends the session on the server: the old cookie no longer works
    staff = log_in(desk_app)
    cookie = staff.client.get_cookie("session")
    assert cookie is not None and staff.get("/desk/").status_code == 200
    assert staff.post("/desk/logout").status_code == 302
    replay: FlaskClient = desk_app.test_client()
    replay.set_cookie("session", cookie.value)
    assert replay.get("/desk/").status_code == 302
    # idle and absolute time limits; the inbox's own polling does not count as use
    assert login_form(staff.client).status_code == 302
    start = auth.clock()
    monkeypatch.setattr(auth, "clock", lambda: start + 59 * 60)
    assert staff.get("/desk/inbox/rows").status_code == 200
    monkeypatch.setattr(auth, "clock", lambda: start + 61 * 60)
    assert staff.get("/desk/inbox/rows").status_code == 401
    monkeypatch.setattr(auth, "clock", lambda: start)
    assert login_form(staff.client).status_code == 302
    for minutes in range(50, 12 * 60, 50):  # used all day long
        monkeypatch.setattr(auth, "clock", lambda m=minutes: start + m * 60)
        assert staff.get("/desk/").status_code == 200
    monkeypatch.setattr(auth, "clock", lambda: start + 12 * 3600 + 60)
    expired = staff.get("/desk/")
    assert expired.status_code == 302 and "expired=1" in expired.headers["Location"]
    assert "ログアウトしました" in staff.get(expired.headers["Location"]).get_data(as_text=True)


def test_desk_pages_speak_plain_staff_japanese_in_local_time(admin, hand_off, bot) -> None:
    import datetime as dt

    from bot.desk.common import plain, topic

    assert plain("ごみの 出(だ)し方(かた)") == "ごみの出し方"
    assert plain("コミュニティバス(あおぞら)") == "コミュニティバス(あおぞら)"  # not furigana: kept
    assert topic("fee,money_case") == "料金・お金、税金・お金の手続き"
    ticket = hand_off("I want to talk to a real person")
    with bot.store.session() as s:
        for msg in s.scalars(select(Message).where(Message.ticket_id == ticket)):
            msg.created_at = dt.datetime(2026, 12, 1, 4, 38)  # 13:38 in Isesaki
        s.get_one(Ticket, ticket).opened_at = dt.datetime(2026, 12, 1, 4, 38)
    furigana = re.compile(r"[\u4e00-\u9fff][(（][\u3041-\u309f]+[)）]")
    pages = {path: admin.page(path) for path in (
        "/desk/", f"/desk/tickets/{ticket}", "/desk/stats", "/desk/suggestions", "/desk/admin/hours",
        "/desk/announcements")}
    for path, html in pages.items():
        assert not furigana.search(html), (path, furigana.search(html))
        assert "UTC" not in html and "数字" not in html and ">?<" not in html, path
    assert "12/01 13:38" in pages[f"/desk/tickets/{ticket}"] and "12/01 13:38から" in pages["/desk/"]
    assert ">LINE<" in pages["/desk/"] and ">line<" not in pages["/desk/"]
    assert "統計" in pages["/desk/stats"] and ">mon<" not in pages["/desk/admin/hours"]
    assert "wed1" not in pages["/desk/admin/hours"] and "月曜日" in pages["/desk/admin/hours"]
