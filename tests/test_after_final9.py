"""After reading final9's failures (issue 11; development from here on): danger and crisis told in words the bot
lacked, a warning sticker on a bag left behind, and an injury over told with "now". Phrased here, not copied from
the set; each failed before; the guards hold what must stay."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("text", [
    "my son's lips are turning blue and he breathes strangely",
    "ada orang nyoba buka pintu mobil saya di parkiran sekarang",
])
def test_blue_lips_or_someone_at_a_car_door_now_is_an_emergency(say, text) -> None:
    assert say(text, user=text).intent == "emergency"


@pytest.mark.parametrize("text", [
    "el vecino le grita a la niña todas las noches y ella llora",
    "楼上每天晚上都有孩子哭着喊别打了",
    "có người lạ đi theo em về nhà mấy hôm nay",
    "ek jana manche roj mero pachhi pachhi aauchha",
    "el jefe nos tiene los pasaportes y no nos deja salir",
])
def test_a_child_harmed_next_door_stalking_or_papers_held_is_a_crisis(say, text) -> None:
    reply = say(text, user=text)
    assert reply.intent == "crisis" and reply.handoff


@pytest.mark.parametrize("text", [
    "kantong sampah saya ditempelin stiker merah terus ditinggal, kenapa ya",
    "they put a yellow sticker on my garbage bag and left it, what did I do wrong?",
    "ごみ袋に黄色いシールが貼られて残されていました。何がだめ？",
])
def test_a_warning_sticker_on_a_bag_left_behind_is_the_rules(say, text) -> None:
    reply = say(text, user=text)
    assert reply.intent == "garbage.rules" and not reply.handoff


def test_an_injury_over_told_with_now_is_the_medical_lines(say) -> None:
    reply = say("minha filha caiu ontem e bateu a cabeça, tá bem agora, onde tem pediatra?", user="p")
    assert reply.intent == "consultation.medical"


@pytest.mark.parametrize("text", [
    "she is fine now but he is hitting me now",
    "meu filho bateu a cabeça agora e não acorda",
])
def test_a_danger_now_beside_a_recovery_stays_an_emergency(say, text) -> None:
    assert say(text, user=text).intent == "emergency"


def test_a_swollen_power_bank_feared_to_explode_is_a_garbage_question(say) -> None:
    reply = say("pwede ba itapon ang powerbank na lumobo? bka sumabog", user="t")
    assert reply.intent == "garbage.sorting" and reply.category == "hazardous"


@pytest.mark.parametrize("text, lang", [
    ("juta phatyo", "ne"),  # romanised Nepali verbs the detector reads as Indonesian or English
    ("card haraye, kaha banaune", "ne"),
    ("mobile bigryo", "ne"),
    ("nde aq mkpunta s klase, pde b online?", "tl"),  # Taglish text speak
])
def test_short_romanised_nepali_and_taglish_are_read_in_their_language(say, text, lang) -> None:
    assert say(text, user=text).language == lang


@pytest.mark.parametrize("text", ["my phone is broken", "ok thanks", "where is the garbage station"])
def test_plain_english_stays_english(say, text) -> None:
    assert say(text, user=text).language == "en"
