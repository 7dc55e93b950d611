"""Danger that is over or was never to a person (issue 11, eighth round): an injury already over asked about with a
doctor or an advice line, a function said to be working beside a doubt about the ambulance, a thing that burnt out, a
pet that died; and a small thing of a usually big kind that fits the bag. Each case is phrased here, not taken from an
evaluation set; the new readings failed before the change, and the guards beside them hold the line they must not
cross (bot/understanding/grading.py: past_injury; bot/understanding/matching.py: _doubt_over_ambulance,
_danger_over, material_category; the words in intents/safety/<lang>.yaml: `vital_ok`, `recovered`, `figure`)."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("text", [
    # a fall now over (a word that it is over stands for a word of the past)
    "我女儿刚才从沙发上摔下来，哭完了现在在玩，要打电话问谁？",
    "娘がベッドから落ちたけど、もう泣き止んだ。どこに電話して聞けばいい？",
    "anakku jatuh dari kursi tadi tapi udah gpp, mau tanya dokter ke mana?",
    "con bé ngã xe đạp chảy máu đầu gối, giờ cầm máu rồi, muốn đi khám ở đâu",
    # a function said to be working next to a doubt about the ambulance
    "suami demam tinggi 40, masih sadar, perlu ambulans gak?",
    "my dad has a high fever and shivering, still conscious, should i call an ambulance?",
    "ba em sốt cao run người, vẫn tỉnh táo, có cần gọi xe cứu thương không",
])
def test_an_injury_over_or_a_function_said_working_is_a_question_for_the_advice_lines(say, text) -> None:
    reply = say(text, user=text)
    assert reply.intent == "consultation.medical" and not reply.handoff


@pytest.mark.parametrize("text", [
    "suami demam tinggi, tidak sadar, perlu ambulans gak?",  # the function denied: danger
    "not sure if he is still conscious, should i call an ambulance?",  # doubted: danger
    "kakek masih sadar tapi tidak bisa napas, perlu ambulans gak?",  # another sign beside the working one
    "我女儿从楼梯上摔下来，现在叫不醒",  # a fall and no answer now
    "con bé ngã, chảy máu không cầm được, có cần gọi cấp cứu không",  # bleeding that cannot be stopped
])
def test_a_function_denied_or_another_sign_keeps_the_emergency(say, text) -> None:
    assert say(text, user=text).intent == "emergency"


@pytest.mark.parametrize("text", [
    "el foco del baño se quemó",
    "tubo fluorescente quemado, se quemo ayer",
])
def test_a_listed_thing_that_burnt_out_is_no_fire(say, text) -> None:
    reply = say(text, user=text)
    assert reply.intent == "garbage.sorting"


@pytest.mark.parametrize("text", ["se quemo la cocina", "el calentador se quemo y hay humo", "se está quemando la estufa"])
def test_a_fire_told_with_a_burning_word_stays_an_emergency(say, text) -> None:
    assert say(text, user=text).intent == "emergency"


def test_a_pet_that_died_is_no_emergency_but_a_person_still_is(say) -> None:
    reply = say("se murió mi gatito, su plato de plástico en qué basura va?", user="pet")
    assert reply.intent == "garbage.sorting"
    assert say("mi abuelo se murio, no respira", user="person").intent == "emergency"


@pytest.mark.parametrize("text, category", [
    ("a small wooden bird cage, fits in the bag. which garbage?", "burnable"),
    ("cái lồng chim bằng tre nhỏ, bỏ vừa túi, rác gì", "burnable"),
    ("small metal pet cage, fits the bag, how to throw away", "non_burnable"),
])
def test_a_small_thing_of_a_big_kind_that_fits_the_bag_goes_by_its_material(say, text, category) -> None:
    reply = say(text, user=text)
    assert reply.intent == "garbage.sorting" and reply.category == category


def test_a_big_thing_of_that_kind_stays_oversized(say) -> None:
    reply = say("big wooden bird cage, 1 metre, how to throw away", user="big")
    assert reply.intent == "garbage.sorting" and reply.category == "oversized"


@pytest.mark.parametrize("text", [
    "自転車のライトの電池、どうやって捨てますか",  # X の Y: the last thing named
    "cycle ko light ko battery kasari phalne",
    "the battery of the bike light, how to throw away",  # Y of X: the first
    "la pila de la linterna, donde la boto",
    "pin của đèn xe đạp vứt sao",
])
def test_of_two_things_joined_by_a_possessive_the_head_is_asked_about(say, text) -> None:
    reply = say(text, user=text)
    assert reply.intent == "garbage.sorting" and reply.category == "hazardous"


def test_romaji_how_to_throw_away_is_no_kitchen_knife(say) -> None:
    # "houhou" (a way) is one letter from "houchou" (a kitchen knife): the phrase "suteru houhou" is read whole
    reply = say("kuruma no battery suteru houhou oshiete", user="r")
    assert reply.intent == "garbage.sorting" and reply.category == "not_collected"


@pytest.mark.parametrize("text", [
    "I don't live in Isesaki, I live in Ota. when is plastic day",
    "à em ko ở Isesaki, em ở Ota. rác nhựa ở Ota thứ mấy",
    "私は伊勢崎じゃなくて太田に住んでいます。プラごみは何曜日？",
])
def test_isesaki_denied_beside_another_city_is_that_citys_question(say, text) -> None:
    reply = say(text, user=text)
    assert reply.intent == "unknown" and reply.handoff


def test_isesaki_said_and_another_city_denied_is_isesakis_question(say) -> None:
    assert say("I live in Isesaki, not Ota. when is plastic day", user="i").intent == "garbage.schedule"
