"""Eighth native review (pt, es, tl, ne): vocabulary narrowed or completed after reading it in everyday messages."""

import pytest


# ne: bare हरायो / haraayo moved from `emergency` to `lost` (a purse lost at the station is the desk's). A person who
# has gone missing must stay an emergency: the younger brother, a little boy (बाबु), छोरो, a father with dementia.
@pytest.mark.parametrize("text", [
    "mero bhai haraayo, 5 barsa ko",
    "मेरो भाइ हरायो, ५ वर्षको छ",
    "छोरो हरायो पार्कमा",
    "मेरो बाबु हरायो",
    "mero babu haraayo",
    "मेरो बुवा हराउनुभयो, उहाँलाई बिर्सने रोग छ",
    "हजुरबुवा हराउनुभयो",
])
def test_a_missing_person_in_nepali_is_still_an_emergency(say, text) -> None:
    assert say(text, user=text).intent == "emergency"


@pytest.mark.parametrize("text", ["मेरो पर्स हरायो स्टेसनमा", "babu ko passport haraayo, ke garne?"])
def test_a_thing_lost_beside_a_person_word_is_no_emergency(say, text) -> None:
    assert say(text, user=text).intent not in ("emergency", "crisis")


# `unwanted`: a single thing said empty is as often a refill to buy (the gas cylinder) as a thing to throw away; the
# plural (bottles emptied in a story about a hospital) stays.
@pytest.mark.parametrize(("user", "text"), [
    ("es", "El balón de gas está vacío, ¿dónde compro otro?"),
    ("tl", "Ubos na ang cassette gas, saan bibili ng bago?"),
    ("ne", "ग्यास सिलिन्डर खाली भयो, कहाँ किन्ने?"),
])
def test_an_empty_cylinder_and_where_to_buy_one_is_no_garbage_answer(say, user, text) -> None:
    assert say(text, user=user).intent != "garbage.sorting"


def test_bottles_emptied_are_still_a_thing_to_throw_away(say) -> None:
    assert say("meu pai voltou do hospital, as garrafas pet estão vazias", user="pet").entry == "pet-bottle"


# es `sexual`: the preterite and "a mi hija" forms of manosear, beside "la manosea".
@pytest.mark.parametrize("text", ["El vecino manoseó a mi hija", "Le manoseaba a mi hija el vecino"])
def test_groping_told_in_the_past_is_the_sexual_violence_help(say, text) -> None:
    reply = say(text, user=text)
    assert reply.intent == "crisis" and reply.entry == "crisis.sexual_violence", reply.text
