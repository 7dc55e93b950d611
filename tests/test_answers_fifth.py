"""Answers to the whole question (issue 13, fifth round): every part of a two-part question answered or a tap away,
facts given where a person would only repeat them, danger kept for danger, the situation the resident names used."""


def test_a_second_item_too_long_to_answer_on_its_own_line_is_a_button(say) -> None:
    reply = say("Where does used frying oil go, and what about empty PET bottles?")
    named = {reply.entry, *(c.payload.removeprefix("item:") for c in reply.choices)}
    assert {"cooking-oil", "pet-bottle"} <= named
    three = say("Pet bottle caps and the labels: with the bottle or separately?", user="b")
    named = {three.entry, *(c.payload.removeprefix("item:") for c in three.choices)}
    assert {"pet-bottle-cap", "pet-bottle-label"} <= named  # a third thing named is offered too
