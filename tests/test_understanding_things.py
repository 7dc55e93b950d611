"""Things told the way residents tell them (issue 11, eighth round): an empty paint can is the can, not the paint; a
knife wrapped in newspaper is the knife; a food package with the プラ mark is the package; clothes that no longer fit
the wearer are no size for the bag; incense sticks are no light bulb; a bicycle's registration or a traffic fine is
no bicycle to throw away. Phrased here, not taken from an evaluation set; each failed before the change
(intents/materials/<lang>.yaml `wrapped`, `emptied`; the item empty-paint-can; matching.EMPTIED, MARKABLE)."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("text", [
    "ペンキの缶を捨てたい。中はからっぽで乾いています",
    "kaleng cat sudah kosong dan kering, buangnya gimana",
    "the paint can is completely empty and dry, how do I throw it away?",
    "lata de tinta vazia, onde jogo?",
])
def test_an_empty_paint_can_is_the_can(say, text) -> None:
    reply = say(text, user=text)
    assert reply.intent == "garbage.sorting" and reply.category == "non_burnable"
    assert "empty-paint-can" in (reply.entry or "")


def test_paint_left_over_is_still_not_collected(say) -> None:
    reply = say("ペンキが半分余っています。どう捨てる？", user="p")
    assert reply.category == "not_collected"


@pytest.mark.parametrize("text", [
    "old kitchen knife, wrapped in newspaper, which garbage?",
    "kitchen ko chakku newspaper ma bereko chha, kasari phalne",
    "dao bếp cũ gói giấy báo rồi, bỏ rác gì",
    "包丁を新聞紙で包んで捨てたい",
])
def test_a_knife_wrapped_in_newspaper_is_the_knife(say, text) -> None:
    reply = say(text, user=text)
    assert reply.intent == "garbage.sorting" and reply.category == "non_burnable"


def test_old_newspapers_are_still_newspapers(say) -> None:
    assert say("old newspapers, how to throw away", user="n").category == "resources"


def test_a_food_package_with_the_plastic_mark_is_plastic_packaging(say) -> None:
    reply = say("bolsa de comida de gato vacía, tiene la marca プラ, en qué basura", user="f")
    assert reply.intent == "garbage.sorting" and reply.category == "plastic"


def test_clothes_that_no_longer_fit_are_clothes(say) -> None:
    reply = say("quần áo cũ mặc không vừa nữa, vứt thế nào", user="c")
    assert reply.intent == "garbage.sorting" and reply.category == "resources"


def test_incense_sticks_are_no_light_bulb(say) -> None:
    reply = say("dhup batti ko khali box kagaj ko, kasari phalne", user="d")
    assert reply.intent == "garbage.sorting" and reply.category == "resources"


@pytest.mark.parametrize("text", [
    "中古の自転車の防犯登録はどうやるの？",
    "gue kena tilang naik sepeda, bayar dendanya gimana",
])
def test_a_bicycles_registration_or_a_fine_is_no_garbage(say, text) -> None:
    reply = say(text, user=text)
    assert not reply.intent.startswith("garbage.")
