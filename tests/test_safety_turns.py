"""Danger and crisis across the turns of one conversation, and danger told in other words (issue 11, und5): the turn
after danger now that adds a place, "still", "yes" or "hurry" is still the emergency; the turn that says help came
or the person left is no danger now (a crisis when the harm was between people); a threat by another person told
with the words of taking a life gets the violence lines, not the suicide line. Each case is phrased here, not taken
from an evaluation set (bot/answering/pipeline.py: Bot._after_emergency; the `ended` words in
intents/safety/<lang>.yaml)."""

from __future__ import annotations

import pytest

# danger now, then a turn that only adds to it
FOLLOW_UPS = [
    ("en", "he is choking her now", ["3rd floor, the apartment next to the park", "yes", "please hurry"]),
    ("en", "my neighbour collapsed and is not breathing", ["he is still on the floor", "what number?"]),
    ("pt", "meu marido está me batendo agora", ["rua das flores 12, apartamento 3", "ainda"]),
    ("es", "mi papá se cayó y no se mueve, no responde", ["calle Hirose 2-5, segundo piso", "por favor rápido"]),
    ("ja", "今、夫が娘の首をしめています", ["境町の3丁目、アパートの2階です", "まだです、早く"]),
    ("vi", "chồng chị ấy đang đánh chị ấy ngay bây giờ", ["phòng 203, ký túc xá gần ga", "vẫn còn"]),
    ("tl", "may sunog sa kusina namin ngayon!!", ["opo", "bilisan po"]),
    ("zh", "我朋友现在站在楼顶边上说要跳下去", ["还在上面", "快点"]),
    ("ne", "mero shreeman le ahile malai kutdai cha, bachaunus", ["Sakai ma, apato 2F"]),
    ("id", "tolong, teman saya jatuh dari tangga, kepalanya berdarah banyak, pingsan",
     ["di asrama dekat stasiun lantai 3", "iya dia masih di bawah tangga"]),
]


@pytest.mark.parametrize(("lang", "danger", "turns"), FOLLOW_UPS)
def test_a_turn_that_adds_to_danger_now_is_still_the_emergency(say, lang, danger, turns) -> None:
    user = f"turns-{lang}-{danger[:12]}"
    assert say(danger, user=user).intent == "emergency"
    for turn in turns:
        reply = say(turn, user=user)
        assert (reply.intent, reply.reply_language) == ("emergency", lang), turn
        assert not reply.handoff and not any(c.payload.startswith("intent:") for c in reply.choices), turn


@pytest.mark.parametrize(("danger", "over"), [
    ("he is choking her now", "police came, we are safe now"),
    ("meu marido está me batendo agora", "ok ele foi embora"),
    ("今、夫が娘の首をしめています", "警察が来ました。もう大丈夫です"),
    ("chồng chị ấy đang đánh chị ấy ngay bây giờ", "công an đến rồi, hắn đi rồi"),
    ("mero shreeman le ahile malai kutdai cha, bachaunus", "prahari aayo, u gayo"),
    ("我朋友现在站在楼顶边上说要跳下去", "警察来了，她下来了，现在安全"),
])
def test_harm_between_people_told_over_is_a_crisis(say, danger, over) -> None:
    assert say(danger, user=danger).intent == "emergency"
    reply = say(over, user=danger)
    assert reply.intent == "crisis" and reply.handoff
    assert reply.entry in ("crisis.violence_home", "crisis.self_harm", "crisis.child_abuse")


@pytest.mark.parametrize(("danger", "over", "intent"), [
    ("my son is not breathing", "the ambulance came, thank you", "greeting"),
    ("mi papá se cayó y no se mueve, no responde", "ya llegó la ambulancia, gracias", "greeting"),
    ("may sunog sa kusina namin ngayon!!", "dumating na ang bumbero, salamat po", "greeting"),
    ("tolong, teman saya jatuh dari tangga, kepalanya berdarah banyak, pingsan", "ambulans udah datang, makasih kak",
     "greeting"),
])
def test_an_accident_told_over_is_what_the_turn_says(say, danger, over, intent) -> None:
    assert say(danger, user=danger).intent == "emergency"
    assert say(over, user=danger).intent == intent


@pytest.mark.parametrize(("danger", "question", "intent"), [
    ("socorro, meu vizinho desmaiou e não responde", "onde jogo fora pilhas usadas?", "garbage.sorting"),
    ("fire in my kitchen now", "when is the japanese class?", "class.japanese"),
    ("my son is not breathing", "thank you", "greeting"),
])
def test_after_danger_now_a_new_need_is_answered_as_itself(say, danger, question, intent) -> None:
    assert say(danger, user=danger).intent == "emergency"
    assert say(question, user=danger).intent == intent


def test_a_short_turn_without_danger_before_it_is_no_emergency(say) -> None:
    assert say("where do i throw away batteries?", user="calm").intent == "garbage.sorting"
    for turn in ("yes", "3rd floor", "please hurry"):
        assert say(turn, user="calm").intent != "emergency"


def test_the_ambulance_that_came_is_no_alarm_of_its_own(say) -> None:
    assert say("the ambulance came, thank you", user="story").intent == "greeting"
    assert say("the ambulance came but he is not breathing", user="story2").intent == "emergency"


@pytest.mark.parametrize("text", [
    "mi esposo me quiere quitar la vida",
    "mi pareja me amenaza con quitarme la vida si lo dejo",
    "meu marido quer tirar minha vida",
    "my boyfriend says he will end my life if i leave",
    "chồng dọa lấy mạng em",
    "gusto akong patayin ng asawa ko",
    "suami saya mau membunuh saya",
    "mero shreeman le malai marchu bhancha",
])
def test_a_threat_by_another_person_in_the_words_of_taking_a_life_gets_the_violence_lines(say, text) -> None:
    reply = say(text, user=text)
    assert reply.intent == "crisis" and reply.entry == "crisis.violence_home"


@pytest.mark.parametrize("text", [
    "dia mau membunuh aku",
    "他想要我的命",
])
def test_a_threat_by_someone_unnamed_is_a_crisis_but_not_the_suicide_line(say, text) -> None:
    reply = say(text, user=text)
    assert reply.intent == "crisis" and reply.entry != "crisis.self_harm"


@pytest.mark.parametrize("text", [
    "me quiero quitar la vida",
    "eu quero tirar minha vida",
    "i want to end my life",
    "gusto ko nang mamatay",
    "saya mau bunuh diri",
])
def test_taking_ones_own_life_is_still_the_suicide_line(say, text) -> None:
    reply = say(text, user=text)
    assert reply.intent == "crisis" and reply.entry == "crisis.self_harm"
