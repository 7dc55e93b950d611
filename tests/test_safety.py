"""Danger and crisis, as conversations: a person at risk gets help lines in their language at any hour, an urgent
desk ticket, and an answer even while staff are talking with them; figures of speech get none of it."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.answering import handoff
from bot.answering.rendering import crisis_lines
from bot.storage.models import Message, StaffUser, Ticket

from .helpers import PASSWORD, TOKYO, log_in

SATURDAY_NIGHT = dt.datetime(2026, 12, 5, 23, 30, tzinfo=TOKYO)

# One message per language and situation, in the words a resident might use (not the vocabulary's own phrases).
CRISES = [
    ("en", "I want to kill myself, I can't do this anymore", "self_harm"),
    ("en", "my husband hits me when he is drunk", "violence_home"),
    ("ja", "もう死にたい。毎日つらいです", "self_harm"),
    ("pt", "meu marido me bate quase todo dia", "violence_home"),
    ("es", "mi jefe me quitó el pasaporte y no me lo devuelve", "exploitation"),
    ("vi", "tôi không muốn sống nữa", "self_harm"),
    ("tl", "gusto ko nang mamatay, pagod na ako sa lahat", "self_harm"),
    ("zh", "我不想活了", "self_harm"),
    ("ne", "मलाई बाँच्न मन छैन", "self_harm"),
    ("id", "suami saya sering memukul saya", "violence_home"),
]


@pytest.mark.parametrize(("lang", "text", "situation"), CRISES)
def test_a_crisis_gets_help_lines_in_the_residents_language_and_an_urgent_ticket(bot, say, lang, text, situation):
    reply = say(text, user=f"c-{lang}-{situation}", at=SATURDAY_NIGHT)
    assert reply.intent == "crisis" and reply.handoff and reply.ticket_id
    assert reply.reply_language == lang and reply.entry == f"crisis.{situation}"
    assert "110" in reply.text and "119" in reply.text  # danger now comes first
    assert reply.text.startswith(bot.catalog.get(lang, "crisis", "danger_now"))
    for line_id in crisis_lines(bot.kb, situation, lang):
        line = bot.kb.crisis_lines[line_id]
        number = (line.get("phones") or {}).get(lang) or line.get("phone")
        assert number is None or str(number) in reply.text
    # ends with "the desk will contact you", never "a person will answer on the next working day"
    assert reply.text.endswith(bot.catalog.get(lang, "crisis", "desk"))
    assert any(c.payload == "tel:110" for c in reply.choices)
    with bot.store.session() as s:
        assert s.get_one(Ticket, reply.ticket_id).reason == "crisis"


def test_the_help_lines_fit_the_situation_and_prefer_the_residents_language(bot) -> None:
    kb = bot.kb
    assert "tell" in crisis_lines(kb, "self_harm", "en")  # the English lifeline for an English speaker
    assert "dv_plus" in crisis_lines(kb, "violence_home", "vi")  # chat in Vietnamese
    for situation in ("self_harm", "violence_home", "child_abuse", "sexual_violence", "stalking", "exploitation"):
        for lang in ("ja", "en", "pt", "es", "vi", "tl", "zh", "ne", "id"):
            chosen = crisis_lines(kb, situation, lang)
            assert 1 <= len(chosen) <= 3
            assert all(line_id in kb.crisis_situations[situation] for line_id in chosen)


def test_every_help_line_has_a_source_and_a_confidence(bot) -> None:
    for line_id, line in bot.kb.crisis_lines.items():
        assert line["source"] in bot.kb.sources, line_id
        assert line["confidence"] in ("H", "M", "L"), line_id


def test_an_unverified_line_is_said_with_please_confirm(bot) -> None:
    weak = [i for i, line in bot.kb.crisis_lines.items() if line.get("confidence") == "L"]
    assert weak
    text, _ = bot.renderer.crisis("en", "self_harm")
    shown_weak = [i for i in crisis_lines(bot.kb, "self_harm", "en") if i in weak]
    note = str(bot.catalog.get("en", "crisis", "confirm")).strip("()")  # inside the line's own brackets, or its own
    assert text.count(note) == len(shown_weak)


@pytest.mark.parametrize("text", [
    "this heat is killing me, when is burnable garbage day?",
    "my phone died, how do I throw away an old smartphone?",
    "I'm dying to learn Japanese, when is the class?",
    "how do I throw away a kitchen knife?",
    "where do I put an old fire extinguisher?",
])
def test_figures_of_speech_and_dangerous_sounding_garbage_are_not_alarms(say, text) -> None:
    reply = say(text)
    assert reply.intent not in ("crisis", "emergency")
    assert "110" not in reply.text


def test_danger_now_is_an_emergency_not_a_crisis(say) -> None:
    assert say("there is a man with a knife at my door right now").intent == "emergency"
    assert say("someone is breaking into my house").intent == "emergency"


def test_a_crisis_is_answered_even_while_staff_are_talking_and_every_time(bot, say) -> None:
    say("tell me a joke", user="other")  # another resident waits longer
    first = say("my landlord keeps my deposit", user="r1")
    assert first.intent == "unknown" and first.ticket_id
    with bot.store.session() as s:
        staff = StaffUser(username="sato", password_hash="-", role="staff")
        s.add(staff)
        s.flush()
        staff_id = staff.id
    handoff.reply(bot.store, first.ticket_id, "少々お待ちください", "en", staff_id=staff_id)
    quiet = say("hello?", user="r1")
    assert quiet.silent and quiet.text == "" and quiet.handoff  # a staff member is talking: the bot is silent
    for _ in range(2):  # the same crisis twice: answered twice
        crisis = say("I want to die", user="r1")
        assert crisis.intent == "crisis" and not crisis.silent and "110" in crisis.text
        assert crisis.ticket_id == first.ticket_id
    with bot.store.session() as s:
        assert s.get_one(Ticket, first.ticket_id).reason == "crisis"  # the open ticket is now urgent
    rows = handoff.inbox(bot.store, bot.translator)
    assert len(rows) == 2 and rows[0].ticket.id == first.ticket_id  # urgent first, though the other waits longer
    assert rows[0].ticket.reason == "crisis" and rows[1].ticket.reason == "unknown"


def test_the_bot_answers_what_it_knows_while_a_ticket_waits(bot, say) -> None:
    first = say("my neighbour is too noisy at night", user="w1")
    assert first.handoff
    batteries = say("where do I throw batteries?", user="w1")
    assert batteries.intent == "garbage.sorting" and batteries.category == "hazardous" and not batteries.silent
    with bot.store.session() as s:
        assert s.get_one(Message, _last_in(bot, "w1")).ticket_id == first.ticket_id  # the desk sees it too


def _last_in(bot, user: str) -> int:
    from sqlalchemy import select

    from bot.storage.models import User
    with bot.store.session() as s:
        uid = s.scalar(select(User.id).where(User.external_id == user))
        return int(s.scalar(select(Message.id).where(Message.user_id == uid, Message.direction == "in")
                            .order_by(Message.id.desc())))


@pytest.mark.parametrize("text", ["yes", "ok", "sim", "có", "oo", "はい", "hmm"])
def test_a_bare_yes_or_ok_never_opens_a_ticket(say, text) -> None:
    reply = say(text)
    assert not reply.handoff and reply.intent == "greeting"


def test_a_short_follow_up_continues_the_topic(say) -> None:
    assert say("when is burnable garbage collected?", user="f1").intent == "garbage.schedule"
    assert say("and tomorrow?", user="f1").intent == "garbage.schedule"
    assert say("where do I throw batteries?", user="f2").category == "hazardous"
    follow = say("e as garrafas pet?", user="f2")
    assert follow.intent == "garbage.sorting" and follow.category == "resources"


def test_size_and_springs_decide_the_category(say) -> None:
    assert say("how do I throw away a mattress with springs").category == "self_delivery"
    assert say("broken chair, too big for the bag, how to throw away").category == "oversized"


def test_ask_jsonl_writes_every_turn_and_never_stops(runner) -> None:
    import json

    lines = [{"id": "a", "text": "my landlord keeps my deposit", "user": "j1"},
             {"id": "b", "text": "where do I throw batteries?", "user": "j1"},
             {"id": "c", "text": "I want to die", "user": "j1"},
             {"id": "d", "text": "\ud800 broken surrogate", "user": "j2"}]
    feed = "".join(json.dumps(x) + "\n" for x in lines)
    out = runner.invoke(args=["ask", "--jsonl"], input=feed).output
    got = [json.loads(x) for x in out.splitlines() if x.startswith("{")]
    assert [g.get("id") for g in got] == ["a", "b", "c", "d"]
    assert got[1]["category"] == "hazardous" and got[2]["intent"] == "crisis"


def test_inbox_shows_the_urgent_badge(app, bot, say) -> None:
    from bot.desk import add_user

    reply = say("someone keeps following me home every night, I am scared", user="s1")
    assert reply.intent == "crisis" and reply.entry == "crisis.stalking"
    add_user(bot.store, "staff1", PASSWORD)
    staff = log_in(app, "staff1")
    inbox = staff.page("/desk/")
    assert "緊急" in inbox and 'class="urgent"' in inbox
    assert "緊急" in staff.page(f"/desk/tickets/{reply.ticket_id}")


# Pain said without the word suicide: strong pain together with "no way out / no one to talk to" is a crisis, with
# the mental-health lines; either half alone is an everyday sentence.
PAIN = [
    ("en", "i feel so hopeless lately and honestly there's nobody to talk to"),
    ("pt", "ando deprimida demais e sinceramente não aguento mais"),
    ("es", "estoy muy triste todos los días, ya no puedo más"),
    ("vi", "dạo này em tuyệt vọng lắm, không biết phải làm sao nữa"),
    ("tl", "walang pag-asa na talaga, hindi ko na kaya"),
    ("zh", "每天都很痛苦，真的撑不下去"),
    ("ne", "म धेरै निराश छु, अब सहन सक्दिन"),
    ("id", "aku putus asa, udah gak kuat lagi"),
    ("ja", "毎日つらいです。相談できる人がいない"),
]


@pytest.mark.parametrize(("lang", "text"), PAIN)
def test_pain_without_the_word_suicide_is_a_crisis(say, lang, text) -> None:
    reply = say(text, user=f"pain-{lang}")
    assert reply.intent == "crisis" and reply.entry == "crisis.self_harm" and reply.reply_language == lang


@pytest.mark.parametrize("text", ["this heat, i can't take it anymore. when is burnable day?",
                                  "estou muito triste, perdi o calendário do lixo",
                                  "もう無理、ごみの分別むずかしい"])
def test_half_of_it_is_not_a_crisis(say, text) -> None:
    assert say(text).intent != "crisis"


@pytest.mark.parametrize("text", ["un hombre está golpeando a mi hermana ahorita",
                                  "my neighbour is beating his son right now",
                                  "sinasaktan ng asawa ko ang anak namin ngayon"])
def test_someone_beaten_right_now_is_an_emergency(say, text) -> None:
    assert say(text).intent == "emergency"


@pytest.mark.parametrize(("text", "situation"), [("my neighbour beats his son, I hear it every night", "child_abuse"),
                                                 ("मेरो बच्चालाई बुबाले पिट्छ", "child_abuse"),
                                                 ("Majikan saya mengambil paspor saya", "exploitation")])
def test_abuse_told_by_anyone_gets_the_lines_for_it(say, text, situation) -> None:
    reply = say(text)
    assert reply.intent == "crisis" and reply.entry == f"crisis.{situation}"


def test_a_mattress_without_springs_is_not_asked_about(say) -> None:
    for text in ("mattress without springs", "colchão sem molas", "スプリングなしのマットレス"):
        reply = say(text, user=text)
        assert reply.category == "oversized" and not [c for c in reply.choices if c.payload.startswith("item:")]


@pytest.mark.parametrize(("text", "situation"), [
    ("meu chefe não paga o salário e me ameaça", "exploitation"),  # the employer: the labour lines
    ("有人要杀我", "general"),  # a stranger's threat is not "violence at home"
    ("my husband threatens to kill me", "violence_home"),
    ("meu marido me bate quando bebe, tenho medo dele", "violence_home"),  # "bebe" (drinks) is not a baby
    ("Wala na akong pag-asa, hindi ko na kaya", "self_harm"),
])
def test_the_lines_follow_who_is_doing_it(say, text, situation) -> None:
    reply = say(text, user=text)
    assert reply.intent == "crisis" and reply.entry == f"crisis.{situation}"


def test_a_please_check_note_joins_the_brackets_it_follows(bot) -> None:
    from bot.answering.rendering import _with_note
    assert _with_note("Yorisoi 0120 (English, Português)", "(please check)", " ") == \
        "Yorisoi 0120 (English, Português; please check)"
    assert _with_note("寄り添い 0120（中文）", "（请确认）", "") == "寄り添い 0120（中文；请确认）"
    assert _with_note("TELL 03", "(please check)", " ") == "TELL 03 (please check)"
    for lang in ("en", "zh", "pt"):
        text, _ = bot.renderer.crisis(lang, "self_harm")
        assert ") (" not in text and "）（" not in text and " （" not in text


@pytest.mark.parametrize("text", [
    "my roommate is on the edge of the roof saying he's going to jump, right now",
    "anak saya barusan menelan baterai kancing!!",
    "huele muchísimo a gas en la cocina ahorita",
    "ぬすみに はいられてる！いま いえの なかに だれか いる",  # hiragana with spaces, as residents with few kanji write
])
def test_danger_now_in_many_shapes_is_an_emergency(say, text) -> None:
    assert say(text, user=text).intent == "emergency"


@pytest.mark.parametrize("text", ["bhok le marna lagyo haha, community bus kati paisa ho?",
                                  "スマホが死んだので捨てたいです",
                                  "kelas bahasa Jepang boleh diikuti anak magang?"])
def test_exaggeration_and_double_meanings_are_not_alarms(say, text) -> None:
    assert say(text, user=text).intent not in ("emergency", "crisis")


@pytest.mark.parametrize(("text", "situation"), [
    ("the broker says i owe 800,000 yen and i can't quit until i pay", "exploitation"),  # debt bondage
    ("suami saya suka memukul kalau mabuk", "violence_home"),
    ("mọi người sẽ sống tốt hơn nếu không có em", "self_harm"),
    ("最近、駅から家まで同じ男の人がついてくる", "stalking"),
])
def test_crisis_told_without_the_obvious_words(say, text, situation) -> None:
    reply = say(text, user=text)
    assert reply.intent == "crisis" and reply.entry == f"crisis.{situation}"


@pytest.mark.parametrize("text", ["I can't quit smoking, any help?", "tôi còn nợ tiền điện tháng này",
                                  "電池がついてくるおもちゃ、なにごみ？",
                                  "stomach pain since morning not sure call ambulance or not"])
def test_everyday_sentences_with_the_same_words_are_not_a_crisis(say, text) -> None:
    assert say(text, user=text).intent not in ("crisis", "emergency")


@pytest.mark.parametrize(("text", "intent"), [
    ("Baby has fever 39 at 2am, not sure if we need ambulance. Who can I call for advice?", "consultation.medical"),
    ("nao aguento mais, queria dormir e nao acordar", "crisis"),  # a wish to die, not a person who will not wake
    ("em mệt lắm, chỉ muốn biến mất khỏi đây", "crisis"),  # 'khỏi đây' (from here) is not 'khói đầy' (smoke)
    ("my son fell from the 2nd floor balcony he is not waking up", "emergency"),
    ("ghar bhetiyena, Nepali lai dine apartment chahiyo, kaha khojne", "unknown"),  # a flat not found: no alarm
    ("o detector de fumaça começou a apitar, troquei a bateria. onde jogo a velha?", "garbage.sorting"),
])
def test_the_words_around_danger_decide(say, text, intent) -> None:
    assert say(text, user=text).intent == intent
