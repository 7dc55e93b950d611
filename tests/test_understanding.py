"""What the bot understands, as conversations in every language (messages written for these tests, not the dev set)."""

from __future__ import annotations

import importlib.util
import json

import pytest

from bot.settings import ROOT
from bot.understanding.language import SERVED

from .helpers import MONDAY


def test_every_example_of_every_language_is_understood(bot) -> None:
    """The example messages in intents/<lang>.yaml are the editors' regression set."""
    misses = []
    for lang, info in bot.lexicon.files.items():
        for intent, texts in info.examples.items():
            for text in texts:
                got = bot.read(text).understanding.intent
                if got != intent:
                    misses.append(f"intents/{lang}.yaml: {text!r}: {got}, expected {intent}")
    assert misses == []


@pytest.mark.parametrize(("text", "lang"), [
    ("Fire! my kitchen is burning", "en"), ("火事です!助けて", "ja"), ("socorro, meu filho caiu e tá sangrando muito", "pt"),
    ("ayuda!! hay un incendio en mi casa", "es"), ("cứu với, có người bị tai nạn", "vi"),
    ("tulong po may sunog sa kapitbahay", "tl"), ("着火了 快救命", "zh"), ("आगो लाग्यो, छिटो मद्दत गर्नुस्", "ne"),
    ("tolong ada kebakaran di apartemen", "id"),
])
def test_emergencies_in_every_language_get_110_and_119_first(say, text: str, lang: str) -> None:
    reply = say(text, user=f"e-{lang}")
    assert reply.intent == "emergency" and not reply.handoff
    assert reply.reply_language == lang
    assert "119" in reply.text.splitlines()[0] and "110" in reply.text


@pytest.mark.parametrize(("text", "item", "category"), [
    ("where should I throw my old frying pans?", "frying-pan", "non_burnable"),
    ("wher do i thow a brokn umbrela", "umbrella", "non_burnable"),          # typos
    ("vut pin o dau vay", "dry-battery", "hazardous"),                     # Vietnamese without tones
    ("ﾍﾟｯﾄﾎﾞﾄﾙはどうやって捨てますか", "pet-bottle", "resources"),               # half-width katakana
    ("how to dispose of a fire extinguisher", "fire-extinguisher", "not_collected"),  # not an emergency
    ("pano itapon ang lumang electric fan", "electric-fan", "non_burnable"),
    ("旧冰箱怎么扔", "refrigerator", "not_collected"),
    ("purano blorfex kasari phalne", None, None),                         # unknown words: no invented item
])
def test_items_are_found_inside_sentences(say, text: str, item: str | None, category: str | None) -> None:
    reply = say(text, user=text)
    assert (reply.intent, reply.entry, reply.category) == ("garbage.sorting", item, category)
    if item is None:  # asked back instead
        assert reply.choices and not [c for c in reply.choices if c.payload.startswith("item:")]


def test_an_item_answer_names_the_category_and_carries_source_and_confirm_lines(say) -> None:
    reply = say("where do I throw a disposable lighter?")
    lines = reply.text.splitlines()
    assert lines[0].startswith("Disposable lighter: hazardous garbage.")
    assert any(line.startswith("Not confirmed for Isesaki") and "0270-27-2732" in line for line in lines)
    assert lines[-1] == "Source: usual Gunma rule"  # no date: the source gives none
    confirmed = say("where do I throw a TV?", user="u2")
    assert "not confirmed" not in confirmed.text.lower()
    assert [c.payload for c in confirmed.choices] == ["https://www.city.isesaki.lg.jp/kurashi/kankyo/gomi/4322.html"]


def test_date_aware_answers_use_the_city_date(say) -> None:
    import datetime as dt

    from .helpers import TOKYO

    open_day = say("is the consultation desk for foreigners open today?", at=MONDAY)
    assert "Open today (Mon, 30 Nov)." in open_day.text
    first_wednesday = say("is the consultation desk for foreigners open today?", user="u2",
                          at=dt.datetime(2026, 12, 2, 9, 0, tzinfo=TOKYO))
    assert "Closed today (Wed, 2 Dec); next open: Thu, 3 Dec" in first_wednesday.text
    ja = say("日本語教室はいつですか", user="u3")
    assert "2023年5月14日" in ja.text  # no newer term published: the last one, with its year


def test_unsure_questions_offer_choices_and_the_choice_answers(bot, say) -> None:
    reply = say("hanger")  # a bare "hanger" may be metal or plastic
    assert reply.intent == "garbage.sorting"
    assert [c.payload for c in reply.choices] == ["item:metal-hanger", "item:plastic-hanger"]
    for choice in reply.choices:
        picked = say(kind="postback", payload=choice.payload)
        item = choice.payload.removeprefix("item:")
        assert (picked.intent, picked.entry, picked.category) == ("garbage.sorting", item, bot.kb.items[item].category)


@pytest.mark.parametrize("lang", SERVED)
def test_every_language_has_its_answers(bot, lang: str) -> None:
    for key in bot.kb.answers:
        text = bot.renderer.answer(key, lang, MONDAY.date(), item="futon", category="oversized", language="fr",
                                   reply_language=lang).text
        assert text and "{" not in text, (lang, key)


def test_language_switch_in_every_language(say) -> None:
    for text, lang in [("日本語でお願いします", "ja"), ("in English please", "en"), ("Português por favor", "pt"),
                       ("en español", "es"), ("Tiếng Việt", "vi"), ("Tagalog na lang po", "tl"), ("请用中文", "zh"),
                       ("नेपालीमा लेख्नुहोस्", "ne"), ("pakai bahasa Indonesia", "id")]:
        reply = say(text, user="switcher")
        assert (reply.intent, reply.reply_language) == ("language.change", lang), text


DEV = ROOT / "eval" / "dev.jsonl"


def test_dev_set_floors(runner) -> None:
    """The floors of issue 2 on the labelled development set, through the real `ask --jsonl` command (run in this
    process, on the data the session loaded) and eval/score.py's feed and scoring."""
    spec = importlib.util.spec_from_file_location("score", DEV.parent / "score.py")
    assert spec is not None and spec.loader is not None
    scorer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(scorer)
    cases = scorer.load(str(DEV))
    done = runner.invoke(args=["ask", "--jsonl"], input=scorer.feed(cases))
    assert done.exit_code == 0, done.output
    outputs = [json.loads(line) for line in done.output.splitlines() if line.startswith("{")]
    s = scorer.score(cases, outputs)["summary"]
    assert s["cases"] == len(cases) > 150 and s["missing"] == 0
    assert s["language"] >= 0.97 and s["intent"] >= 0.92 and s["category"] >= 0.95
    assert s["handoff_recall"] >= 0.9 and s["handoff_precision"] >= 0.9 and s["emergency_recall"] == 1.0


@pytest.mark.parametrize(("topic", "detail", "intent"), [
    ("japanese class for adults?", "how much does it cost?", "class.japanese"),
    ("quero entrar no seguro de saúde nacional", "o que tenho que levar?", "life.health_insurance"),
    ("有免费的日语课吗", "怎么报名?", "class.japanese"),
    ("oversized garbage, how does it work", "do i have to pay?", "garbage.oversized"),
])
def test_a_short_question_about_a_detail_continues_the_topic(say, topic: str, detail: str, intent: str) -> None:
    assert say(topic, user=topic).intent == intent
    reply = say(detail, user=topic)
    assert (reply.intent, reply.handoff) == (intent, False)
    assert say(detail, user=f"new-{topic}").intent != intent  # without a topic before, it is not that topic


@pytest.mark.parametrize(("text", "lang"), [
    ("could you answer in Spanish? my mother-in-law is from Peru and reads it", "es"),
    ("pode escrever em inglês? meu marido não lê português", "en"),
    ("tolong balas dalam bahasa Inggris ya, suami saya yang baca", "en"),
])
def test_a_language_request_with_its_reason_changes_the_language(say, text: str, lang: str) -> None:
    reply = say(text, user=text)
    assert (reply.intent, reply.reply_language) == ("language.change", lang)


def test_a_kana_entry_read_across_two_words_is_not_found(say) -> None:
    """べんごし|に|そうだん contains しにそう ("about to die"): the words on both sides decide."""
    assert say("べんごしに そうだんしたいです", user="k1").intent == "consultation.legal"
    assert say("くるしい しにそう", user="k2").intent == "emergency"


def test_a_thing_asked_about_by_its_category_is_a_sorting_question_first(say) -> None:
    """An unlisted thing with "burnable?" asks back with the sorting reading first; a category alone, or with a
    word about days, stays a calendar question."""
    reply = say("a broken pinata, burnable?", user="c1")
    assert (reply.intent, reply.category) == ("garbage.sorting", "burnable")
    assert {c.payload for c in reply.choices} >= {"intent:garbage.sorting", "intent:garbage.schedule"}
    assert say("burnable?", user="c2").intent == "garbage.schedule"
    assert say("moeru gomi wa nanyoubi?", user="c3").intent == "garbage.schedule"


@pytest.mark.parametrize("text", [
    "sou o filho do Marcos, tenho 12 anos. meu pai quer aprender japonês, quanto custa a aula?",
    "I'm writing for my mom, she wants to join the Japanese class, I'm her son. where is it?",
    "is there a japanese class? i'm not a student, i work in a factory",
    "tengo 10 años, mi mamá quiere aprender japonés los domingos, ¿dónde es la clase?",
])
def test_a_child_writing_for_a_parent_asks_about_the_adult_class(say, text: str) -> None:
    assert say(text, user=text).intent == "class.japanese"


@pytest.mark.parametrize("text", [
    "my son wants to join the kids japanese class",
    "I'm 14 and I write for my mom, my little brother is 7: is there a Japanese class for kids?",
    "escribo por mi mamá, tengo 12 años. mi hermanito de 6 no entiende japonés, ¿hay clase para niños?",
])
def test_a_child_learner_still_gets_the_childrens_class(say, text: str) -> None:
    assert say(text, user=text).intent == "class.children"


def test_the_writers_parent_hides_no_family_word(say) -> None:
    assert say("mi papá me pega todos los días", user="p").intent == "crisis"  # the parent word hides no family


@pytest.mark.parametrize("text", ["gomi??", "basura??", "垃圾??", "rác??"])
def test_a_bare_garbage_word_is_asked_back_with_the_rules_first(say, text: str) -> None:
    reply = say(text, user=text)
    payloads = [c.payload for c in reply.choices]
    assert reply.intent == "garbage.rules" and payloads[:2] == ["intent:garbage.rules", "intent:garbage.schedule"]


@pytest.mark.parametrize(("text", "intent"), [
    ("ma ta aba bachna chahanna, sabai bekar lagchha", "crisis"),  # romanised Nepali: I don't want to live
    ("i want talk with staff please", "human"),
    ("mero bhai bhakhar japan aayeko, Isesaki ma basna thaleko, ward office ma ke garnu parchha?", "life.moving"),
    ("ma part time kaam khojdai chhu, Hello Work le sahayog garchha?", "consultation.job"),
    ("any good pizza place near isesaki station?", "unknown"),  # a train station named is not the garbage station
    ("where is the garbage station for my building?", "garbage.rules"),
])
def test_phone_english_and_romanised_nepali_are_read(say, text: str, intent: str) -> None:
    assert say(text, user=text).intent == intent


def test_a_lot_of_garbage_at_once_is_brought_to_the_recycle_centre(say) -> None:
    reply = say("after moving out we have about a truckload of garbage, can it all go to the station?", user="bulk")
    assert (reply.intent, reply.category) == ("garbage.sorting", "self_delivery")


def test_a_closing_i_will_call_now_thanks_is_courtesy_and_a_registration_question_continues_the_class(say) -> None:
    assert say("sige po, tatawag na ako sa kanila. salamat!", user="tl-call").intent == "greeting"
    say("may japanese class po ba tuwing linggo?", user="tl-class")
    assert say("kailangan pa ba magparehistro?", user="tl-class").intent == "class.japanese"


# Sixth round: "entrar" into a class is no break-in; services outside the facts (a car inspection, a mosque, shipping
# a box home) go to the desk instead of being pulled onto garbage by one word. Phrased here, not from an eval set.
@pytest.mark.parametrize("text,intent", [
    ("mi abuela quiere entrar a las clases de japonés, ¿cuánto cuesta?", "class.japanese"),
    ("minha tia quer entrar nas aulas de japonês, é de graça?", "class.japanese"),
    ("how much does the shaken cost for my old car?", "unknown"),
    ("is there a mosque near isesaki for friday prayer", "unknown"),
    ("magkano magpadala ng balikbayan box pauwi?", "unknown"),
    ("车检要去哪里办，大概多少钱", "unknown"),
])
def test_a_word_of_another_sense_does_not_decide(say, text, intent) -> None:
    assert say(text, user=text).intent == intent


# Asked for someone else: the neighbour is who asks, not neighbour trouble; not speaking Japanese is context, not a
# Japanese class or a language asked for. Phrased here, not taken from an evaluation set.
@pytest.mark.parametrize("text,intent", [
    ("my neighbour from Peru wants to know if someone at city hall speaks Spanish", "consultation.desk"),
    ("asking for my neighbor: how does she get the disaster alert emails on her phone?", "life.disaster"),
    ("mi vecino es peruano y necesita que alguien le explique una carta de la alcaldía, a dónde puede ir?",
     "consultation.desk"),
    ("minha mãe vai mudar de apartamento aqui em isesaki, precisa ir no shiyakusho? ela não fala japonês",
     "life.moving"),
    ("my neighbour plays loud music every night, what can I do", "unknown"),
])
def test_asked_for_someone_else(say, text, intent) -> None:
    assert say(text, user=text).intent == intent


# Sixth round, garbage: items in another spelling or abbreviation, a qualifier that changes the item, sorting vs the
# general rules. Phrased here, not taken from an evaluation set.
@pytest.mark.parametrize("text,intent,category", [
    ("這個電子菸壞了要怎麼丟", "garbage.sorting", "shop_takeback"),  # traditional spelling
    ("đt cũ của mình hư rồi, vứt ở đâu", "garbage.sorting", "shop_takeback"),  # đt = điện thoại
    ("túi gạo bằng giấy vứt vào đâu", "garbage.sorting", "resources"),
    ("how do I throw away an empty paper rice sack", "garbage.sorting", "resources"),
    ("achar ko sisi ko botal kun gomi ho", "garbage.sorting", "bottles"),
    ("buang lampu neon yang pecah gimana", "garbage.sorting", "non_burnable"),
    ("our restaurant kitchen has lots of vegetable peel, can it go to the garbage station?", "garbage.sorting",
     "self_delivery"),
    ("古いヨガマット、たためば袋に入ります。何ごみですか", "garbage.sorting", "burnable"),
    ("すみません、聞いてもいいですか。ダウンジャケットは資源に出せますか", "garbage.sorting", "resources"),
    ("where is the resource shed in our area, where do resources go?", "garbage.rules", None),
    ("big garbage pickup, how does it work, do I have to book it?", "garbage.oversized", None),
])
def test_garbage_items_and_qualifiers(say, text, intent, category) -> None:
    reply = say(text, user=text)
    assert (reply.intent, reply.category) == (intent, category)


@pytest.mark.parametrize("first,then", [
    ("quando é o lixo de plástico?", "e na semana que vem, é o mesmo dia também?"),
    ("when is the can garbage day?", "and is it the same day next week too?"),
    ("rác nhựa thứ mấy?", "thế tuần sau cũng vậy hả chị?"),
])
def test_a_word_of_when_after_the_calendar_continues_it(say, first, then) -> None:
    say(first, user=first)
    assert say(then, user=first).intent == "garbage.schedule"


@pytest.mark.parametrize("text,intent", [
    ("does anyone know a good brazilian store in isesaki?", "unknown"),
    ("tem algum mercado brasileiro bom perto de Sakai?", "unknown"),
    ("may pinoy store ba malapit dito sa isesaki?", "unknown"),
    ("¿dónde está el lugar donde se deja la basura? acabo de mudarme aquí", "garbage.rules"),
])
def test_a_shop_from_home_is_outside_the_facts(say, text, intent) -> None:
    assert say(text, user=text).intent == intent


@pytest.mark.parametrize("text,intent", [
    ("熱があるけど、外国人だから迷惑かなと思って病院に行けない。行ってもいい?", "consultation.medical"),
    ("发烧了想去医院，因为我是外国人会不会麻烦别人?", "consultation.medical"),
    ("the landlord refused me because i'm a foreigner", "unknown"),  # discrimination told stays with the desk
])
def test_a_worry_about_being_a_bother_is_no_discrimination(say, text, intent) -> None:
    assert say(text, user=text).intent == intent


@pytest.mark.parametrize("text,intent", [
    ("is there a nepali community or a temple around isesaki? i miss home", "unknown"),
    ("có chùa việt hay hội đồng hương nào ở isesaki không ạ", "unknown"),
    ("what time does the community bus leave for the church?", "life.bus"),  # a landmark
    ("教会の前のゴミステーションはどこですか", "garbage.rules"),
])
def test_a_place_of_worship_or_a_community_is_outside_the_facts(say, text, intent) -> None:
    assert say(text, user=text).intent == intent


@pytest.mark.parametrize("text,intent", [
    ("em chưa có việc làm, tìm việc ở đâu ạ", "consultation.job"),
    ("em chưa biết ngày đổ rác nhựa", "garbage.schedule"),
])
def test_vietnamese_not_yet_is_no_pagoda(say, text, intent) -> None:
    # "chưa" (not yet) folds to the letters of "chùa" (pagoda): only the pagoda named with a word around it is one
    assert say(text, user=text).intent == intent


@pytest.mark.parametrize("follow_up", ["and the glass bottles?", "e as garrafas de vidro?"])
def test_a_kind_named_after_a_calendar_question_asks_its_day(say, follow_up) -> None:
    say("which day is burnable garbage collected?", user=follow_up)
    assert say(follow_up, user=follow_up).intent == "garbage.schedule"


@pytest.mark.parametrize("follow_up", ["and the old frying pan, which bag?", "where do glass bottles go?"])
def test_a_sorting_question_after_a_calendar_question_stays_sorting(say, follow_up) -> None:
    say("which day is burnable garbage collected?", user=follow_up)
    assert say(follow_up, user=follow_up).intent == "garbage.sorting"


@pytest.mark.parametrize("text", ["where can i buy a cheap second hand car around here",
                                  "muốn mua điện thoại cũ giá rẻ thì mua ở đâu",
                                  "onde compro um ventilador barato?"])
def test_buying_a_thing_is_shopping_for_the_desk_not_its_garbage_category(say, text) -> None:
    reply = say(text, user=text)
    assert reply.intent == "unknown" and reply.category is None


@pytest.mark.parametrize(("text", "category"), [
    ("where can i buy the designated bags for burnable garbage", None),  # the bags: where they are sold
    ("i bought a new fan, how do i throw away the old electric fan", "non_burnable"),
    ("khay nhựa đựng thịt mua ở siêu thị, đã rửa sạch, có dấu プラ", "plastic"),  # bought there: still to sort
])
def test_a_thing_bought_beside_a_garbage_question_is_still_sorted(say, text, category) -> None:
    reply = say(text, user=text)
    assert reply.intent.startswith("garbage.") and reply.category == category


@pytest.mark.parametrize("text", ["刚搬来伊势崎，旧的电熨斗坏了，扔哪一类？",
                                  "vừa chuyển đến tuần trước, cái khay kim loại cũ vứt loại rác nào?"])
def test_a_thing_to_throw_away_and_its_kind_asked_beside_a_move_is_the_things_question(say, text) -> None:
    reply = say(text, user=text)
    assert reply.intent == "garbage.sorting" and reply.category is not None, reply.text


def test_a_visa_told_beside_looking_for_work_is_the_job_question(say) -> None:
    text = "spouse visa po ako kaya pwede mag work. saan po pwede mag consult para makahanap ng trabaho?"
    assert say(text, user="sv").intent == "consultation.job"


@pytest.mark.parametrize("text", ["happy new year to the whole team!", "feliz natal e boas festas 🎄",
                                  "chúc mừng năm mới cả nhà ạ 🧧",
                                  "thank you so much for all your help this year"])
def test_the_seasons_wishes_and_a_longer_thank_you_are_greetings_not_desk_tickets(say, text) -> None:
    reply = say(text, user=text)
    assert reply.intent == "greeting" and not reply.handoff, reply.text


def test_danger_beside_a_thank_you_is_still_danger(say) -> None:
    assert say("thank you. my husband hits me every night, help", user="th").intent == "crisis"
