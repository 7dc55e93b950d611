"""Languages beyond the nine (bot.answering.beyond), as conversations: curated, machine direct (Thai: Japanese <-> Thai
packages too), machine pivot (Korean: the desk's Japanese through English), none (no model), and emergencies in a language
beyond the nine. The models are the tiny real Argos packages (tests/tiny_argos.py: random weights, so their words
are nonsense, and every file, route, cache and decoding step is real). Where a test needs a model that says something
meaningful (reading a Russian message through English), a dictionary stands in for the model: same Package interface,
fixed sentences."""

from __future__ import annotations

import json
import logging
import re
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.answering import announce, beyond
from bot.answering.mt import MachineTranslator, Package, discover, install
from bot.channels.line import LineChannel
from bot.desk import add_user
from bot.messages import Inbound
from bot.settings import ROOT
from bot.storage.models import Announcement, Message, Outbox, TranslationCache, User
from bot.understanding.language import detect

from .helpers import MONDAY, count, csrf_of
from .tiny_argos import build

PAIRS = (("en", "ko"), ("ko", "en"), ("ja", "en"), ("en", "ja"),  # Korean: the desk through English (pivot)
         ("en", "th"), ("th", "en"), ("ja", "th"), ("th", "ja"))  # Thai: Japanese <-> Thai packages too (direct)
BATTERY_KO = "건전지는 어디에 버려요?"


@pytest.fixture(scope="session")
def built_beyond(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("beyond-models")
    for source, target in PAIRS:
        build(folder, source, target)
    return folder


@pytest.fixture()
def models(built_beyond: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bot) -> MachineTranslator:
    """The tiny packages installed (Tomoni's installer, argostranslate's folder) and known to the test bot."""
    from argostranslate import settings

    folder = tmp_path / "packages"
    monkeypatch.setattr(settings, "package_data_dir", folder)
    monkeypatch.setattr(settings, "package_dirs", [folder])
    install([str(built_beyond)])
    bot.translator.packages = {(p.source, p.target): p for p in discover(folder)}
    return bot.translator


class Dictionary(Package):
    """A stand-in model that knows fixed sentences (and says which it was asked), for paths that need meaning."""

    def __init__(self, source: str, target: str, known: dict[str, str] | None = None, delay: float = 0.0,
                 error: Exception | None = None) -> None:
        super().__init__(Path("."), source, target, "dict")
        self.known, self.delay, self.error = known or {}, delay, error
        self.asked: list[str] = []

    def load(self) -> None:
        return None

    def translate(self, sentences: list[str], beam_size: int = 2) -> list[str]:
        self.asked += sentences
        time.sleep(self.delay)
        if self.error:
            raise self.error
        return [self.known.get(s, f"[{self.target}] {s}") for s in sentences]


def use(bot, *packages: Package) -> None:
    bot.translator.packages = {(p.source, p.target): p for p in packages}


def notice(bot, lang: str, key: str) -> str:
    return str(bot.beyond.notices[lang][key])


# -- coverage -----------------------------------------------------------------------------------------------------------
def test_coverage_curated_machine_direct_machine_pivot_none(models, bot) -> None:
    assert [beyond.coverage(models, code) for code in ("ja", "pt", "th", "ko", "ru")] == [
        "curated", "curated", "machine direct", "machine pivot", "none"]
    assert beyond.coverage(None, "ko") == "none"


# -- curated --------------------------------------------------------------------------------------------------------------
def test_the_nine_keep_their_curated_answers_and_never_touch_a_model(models, say) -> None:
    reply = say("onde jogo pilhas?", user="pt1")
    assert (reply.reply_language, reply.entry) == ("pt", "dry-battery")
    assert not any(c.payload.startswith("lang:") for c in reply.choices)
    assert not any(p.loaded for p in models.packages.values())


# -- machine pivot (Korean) ---------------------------------------------------------------------------------------------
def test_korean_answer_machine_translated_labelled_cached_and_switchable(models, bot, say, monkeypatch) -> None:
    reply = say(BATTERY_KO, user="ko1")
    # the English answer as a resident gets it (with the batteries' day in each district)
    english = say(kind="postback", payload="item:dry-battery", user="en-ref", preferred_language="en").text.splitlines()
    lines = reply.text.splitlines()
    assert (reply.language, reply.reply_language, reply.entry) == ("ko", "ko", "dry-battery")
    assert lines[-1] == notice(bot, "ko", "machine")  # labelled, in Korean
    assert lines[0] != english[0] and lines[0].endswith("(電池類)")  # translated; the name on the container kept
    assert english[-1] == "Source: Isesaki City notice (2025)" and english[-1] in lines  # a number lost: English
    assert [c.payload for c in reply.choices[-2:]] == ["lang:en:dry-battery", "lang:ja:dry-battery"]
    assert [c.label for c in reply.choices[-2:]] == ["English", "やさしい日本語"]

    calls: list[str] = []
    real = Package.translate
    def counted(self: Package, sentences: list[str], beam_size: int = 2) -> list[str]:
        calls.extend(sentences)
        return real(self, sentences, beam_size)

    monkeypatch.setattr(Package, "translate", counted)
    assert say(BATTERY_KO, user="ko2").text == reply.text and calls == []  # the cache: no model at all
    other = MachineTranslator(bot.catalog, bot.store, list(models.packages.values()))  # another process
    assert other.translate(english[0].split(". ")[0] + ".", "en", "ko").kind == "cache"

    back = say(kind="postback", payload="lang:en:dry-battery", user="ko1")  # the reviewed English, from now on
    assert back.reply_language == "en" and back.text.splitlines()[1:] == english
    assert notice(bot, "ko", "machine") not in say(BATTERY_KO, user="ko1").text
    easy = say(kind="postback", payload="lang:ja:dry-battery", user="ko2")
    assert easy.reply_language == "ja" and "電池" in easy.text


def test_korean_desk_two_way_through_english(models, bot, app) -> None:
    bot.handle(Inbound(channel="line", user_id="Uko", text="상담원과 이야기하고 싶어요"), now=MONDAY)
    with bot.store.session() as s:
        user = s.scalars(select(User).where(User.external_id == "Uko")).one()
        ticket_id = s.scalar(select(Message.ticket_id).where(Message.user_id == user.id, Message.direction == "in"))
    assert user.language == "ko" and ticket_id
    client = app.test_client()
    _login(client, bot)
    page = client.get(f"/desk/tickets/{ticket_id}").get_data(as_text=True)
    assert "機械翻訳なし" not in page
    token = csrf_of(page)
    preview = client.post(f"/desk/tickets/{ticket_id}/preview", data={"japanese": "ありがとう", "csrf_token": token})
    body = preview.get_json()
    assert (body["language"], body["kind"]) == ("ko", "machine") and body["text"]  # ja -> en -> ko


# -- machine direct (Thai) ------------------------------------------------------------------------------------------------
def test_thai_answer_machine_translated_and_the_desk_direct(models, bot, say) -> None:
    reply = say("ขอบคุณ", user="th1")
    assert reply.language == "th" and reply.text.splitlines()[-1] == notice(bot, "th", "machine")
    assert [c.payload for c in reply.choices[-2:]] == ["lang:en", "lang:ja"]  # nothing to show again: switch only
    assert models.route("ja", "th") == [models.packages[("ja", "th")]]


# -- none -----------------------------------------------------------------------------------------------------------------
def test_without_a_model_the_english_answer_with_the_notice_in_their_language(say, bot) -> None:
    reply = say("Où jeter les piles ?", user="fr1")
    assert reply.language == "fr" and reply.text.splitlines()[0] == notice(bot, "fr", "english")
    assert reply.text.splitlines()[1].startswith("Dry-cell battery")
    arabic = say("أين أرمي البطاريات؟", user="ar1")  # no notice written for Arabic: today's English line
    assert arabic.language == "ar" and arabic.text.splitlines()[0] == bot.renderer.answer(
        "language.unsupported", "en", MONDAY.date(), language="ar", reply_language="en").text


# -- emergencies and crises ---------------------------------------------------------------------------------------------
def test_an_emergency_in_korean_is_answered_at_once_without_any_model(models, bot, say, monkeypatch) -> None:
    def broken(self, sentences, beam_size=2):
        raise RuntimeError("a model that would never answer")

    monkeypatch.setattr(Package, "translate", broken)
    reply = say("불이야! 도와주세요", user="ko3")
    lines = reply.text.splitlines()
    assert reply.intent == "emergency" and lines[0] == notice(bot, "ko", "emergency")
    assert lines[1] == bot.renderer.answer("emergency", "en", MONDAY.date()).text
    assert lines[2] == bot.renderer.answer("emergency", "ja", MONDAY.date()).text
    assert not any(p.loaded for p in models.packages.values())


def test_a_crisis_read_through_english_is_answered_in_english_and_japanese_only(bot, say) -> None:
    reading = Dictionary("ru", "en", {"Я хочу умереть": "I want to die"})
    answering = Dictionary("en", "ru")
    use(bot, reading, answering)
    reply = say("Я хочу умереть", user="ru1")
    assert reply.intent == "crisis" and reply.handoff
    text, _ = bot.renderer.crisis("en", "self_harm")
    japanese, _ = bot.renderer.crisis("ja", "self_harm")
    assert reply.text == "\n".join([notice(bot, "ru", "emergency"), text, japanese])
    assert answering.asked == []  # the answer never went through a model


# -- reading through English --------------------------------------------------------------------------------------------
def test_a_message_no_vocabulary_reads_is_read_through_english_and_never_worse(bot, say, app) -> None:
    use(bot, Dictionary("ru", "en", {"Куда выбрасывать батарейки?": "Where do I throw away batteries?"}),
        Dictionary("en", "ru"))
    reply = say("Куда выбрасывать батарейки?", user="ru2")
    assert (reply.language, reply.intent, reply.entry) == ("ru", "garbage.sorting", "dry-battery")
    assert reply.text.startswith("[ru] ") and reply.text.splitlines()[-1] == notice(bot, "ru", "machine")
    unknown = say("Абракадабра", user="ru3")  # the model cannot help: read as today (handed to the desk)
    assert unknown.intent == "unknown" and unknown.handoff
    out = app.test_cli_runner().invoke(args=["explain", "Куда выбрасывать батарейки?"]).output
    assert "english:  Where do I throw away batteries?" in out and "item:     dry-battery" in out


def test_a_slow_or_failing_model_is_not_waited_for_and_logged_without_the_words(bot, say, caplog) -> None:
    words = "Куда выбрасывать батарейки?"
    use(bot, Dictionary("ru", "en", {words: "Where do I throw away batteries?"}, delay=2.0))
    bot.beyond.read_seconds = 0.05
    caplog.set_level(logging.INFO)
    started = time.perf_counter()
    assert say(words, user="ru4").intent == "unknown" and time.perf_counter() - started < 1.5
    use(bot, Dictionary("ru", "en", error=RuntimeError(words)), Dictionary("en", "ko", error=RuntimeError(words)))
    assert say(words, user="ru5").intent == "unknown"
    reply = say(BATTERY_KO, user="ko4")  # the answer's model fails: the English answer with the Korean notice
    assert reply.text.splitlines()[0] == notice(bot, "ko", "english")
    logged = [r for r in caplog.records if r.name == beyond.log.name]
    assert {r.getMessage() for r in logged} == {
        "a message's machine translation was too slow; read without it",
        "machine translation of a message failed; read without it",
        "machine translation of an answer failed; answered in English"}
    assert words not in caplog.text and BATTERY_KO not in caplog.text
    assert {getattr(r, "error", None) for r in logged} >= {"RuntimeError"}


def test_a_residents_words_read_through_english_are_deleted_with_their_data(bot, say) -> None:
    words = "Куда выбрасывать батарейки?"
    use(bot, Dictionary("ru", "en", {words: "Where do I throw away batteries?"}))
    say(words, user="ru6")
    assert count(bot, TranslationCache, source="ru") == 1
    say(kind="postback", payload="privacy:delete-yes", user="ru6")
    assert count(bot, TranslationCache, source="ru") == 0


# -- the association's figures, announcements, data files -------------------------------------------------------------
def test_status_and_desk_figures_list_the_languages_residents_wrote_in(models, bot, say, app) -> None:
    for user, text in (("k1", BATTERY_KO), ("k2", "감사합니다"), ("t1", "ขอบคุณ"), ("r1", "Привет"),
                       ("p1", "onde jogo pilhas?")):
        say(text, user=user)
    bot.handle(Inbound(channel="cli", user_id="tester", text=BATTERY_KO), now=MONDAY)  # test traffic: not counted
    rows = {r.language: r for r in beyond.seen(bot.store, models)}
    assert {k: (r.residents, r.coverage) for k, r in rows.items()} == {
        "ko": (2, "machine pivot"), "th": (1, "machine direct"), "ru": (1, "none"), "pt": (1, "curated")}
    assert (rows["ko"].answers, rows["ko"].reading, rows["ko"].desk) == ("direct", "direct", "pivot")
    out = app.test_cli_runner().invoke(args=["translations", "status"]).output
    assert re.search(r"^ko\s+2\s+machine pivot\s+direct\s+direct\s+pivot", out, re.M), out
    assert re.search(r"^ru\s+1\s+none\s+none\s+none\s+none", out, re.M), out
    client = app.test_client()
    _login(client, bot)
    page = client.get("/desk/stats").get_data(as_text=True)
    assert "韓国語" in page and "機械翻訳(英語から。窓口の日本語は英語を経由)" in page
    assert "翻訳モデルなし(英語で回答)" in page


def test_announcements_reach_korean_residents_translated_labelled_with_the_english(models, bot, app) -> None:
    with bot.store.session() as s:
        s.add_all([User(channel="line", external_id="Uko", language="ko"),
                   User(channel="line", external_id="Upt", language="pt")])
    client = app.test_client()
    token = _login(client, bot)
    res = client.post("/desk/announcements", data={"title": "年末", "body_ja": "ごみの日は変わります。",
                                                   "csrf_token": token})
    ann_id = int(res.headers["Location"].rsplit("/", 1)[1])
    page = client.get(f"/desk/announcements/{ann_id}").get_data(as_text=True)
    assert 'name="text_ko"' in page and "英語の文を添えて" in page
    with bot.store.session() as s:
        ann = s.get_one(Announcement, ann_id)
        texts = json.loads(ann.texts)
        texts["en"] = {"text": "Garbage days change.", "kind": "edited"}
        ann.texts, ann.status = json.dumps(texts), "sending"
    assert texts["ko"]["kind"] == "machine" and texts["ko"]["label"] == notice(bot, "ko", "announcement")
    announce.send(bot.store, {"line": LineChannel("s", "t", "http://127.0.0.1:9")}, ann_id)
    with bot.store.session() as s:
        bodies = {row.recipient: row.body for row in s.scalars(select(Outbox))}
    korean = json.loads(bodies['["Uko"]'])["text"].split("\n")
    assert korean == [notice(bot, "ko", "announcement"), texts["ko"]["text"], "———", "Garbage days change."]
    assert json.loads(bodies['["Upt"]'])["text"] == "ごみの日は変わります。"  # the nine as before: no model, Japanese


def test_notice_files_are_checked(tmp_path: Path) -> None:
    folder = tmp_path / "translations" / "beyond"
    folder.mkdir(parents=True)
    (folder / "en.yaml").write_text((ROOT / "translations/beyond/en.yaml").read_text(encoding="utf-8"))
    (folder / "ko.yaml").write_text("meta: {language: kr}\nbeyond:\n  machine: '{x} 기계'\n  hello: hi\n")
    errors = beyond.check(tmp_path / "translations")
    assert errors == ["translations/beyond/ko.yaml: meta.language should be 'ko'",
                      "translations/beyond/ko.yaml: beyond.machine: one line of text without placeholders",
                      "translations/beyond/ko.yaml: beyond.hello: not one of machine, announcement, english, emergency"]
    assert beyond.check(ROOT / "translations") == []


@pytest.mark.parametrize(("text", "lang"), [
    ("Где выбросить батарейки?", "ru"), ("Батарейг хаана хаях вэ? Өнөөдөр", "mn"), ("Куди викинути ці батарейки?", "uk"),
    ("بیٹری کہاں پھینکوں؟", "ur"), ("باتری را کجا بیندازم؟", "fa"), ("أين أرمي البطاريات؟", "ar"),
    ("ব্যাটারি কোথায় ফেলব?", "bn"), ("බැටරි කොහෙද දමන්නේ?", "si"), ("건전지", "ko"), ("फोहोर कहिले फाल्ने?", "ne"),
])
def test_scripts_of_languages_beyond_the_nine_are_detected(text: str, lang: str, data) -> None:
    assert detect(text, data.lexicon).lang == lang


# -- helpers -------------------------------------------------------------------------------------------------------------
def _login(client, bot) -> str:
    """Log a staff member in; returns a CSRF token for the next form."""
    add_user(bot.store, "sato", "correct horse battery")
    token = csrf_of(client.get("/desk/login").get_data(as_text=True))
    client.post("/desk/login", data={"username": "sato", "password": "correct horse battery", "csrf_token": token})
    return csrf_of(client.get("/desk/announcements").get_data(as_text=True))
