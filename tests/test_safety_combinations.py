"""A crisis told without its keywords (issue 11, fourth round): ordinary words that together are a person at risk
(intents/rules.yaml: coercive control, papers used as a threat, someone after the writer for weeks, thoughts of not
waking up, feeling a burden, giving things away with a farewell, a child with signs of harm) and danger now told by
its circumstances (a person at an edge with suicide words, pills already taken). Each case is phrased here, not taken
from an evaluation set; the guards are the same words alone in ordinary messages, which must raise no alarm."""

from __future__ import annotations

import pytest

from bot.answering.pipeline import crisis_situation


@pytest.mark.parametrize("text", [
    "my boyfriend takes my bank card every payday and locks me in when he goes to work",
    "her husband checks her phone every night and won't let her go out alone",
    "he says he will call immigration and I lose my visa if I ever leave him",
    "there is the same car behind me after every night shift, it has been three weeks",
    "sometimes i wish i could just not wake up tomorrow",
    "i'm a burden on my family, everyone would be better off without me",
    "my roommate gave away all his things and keeps saying goodbye to everyone, he won't need anything anymore",
    "the little girl upstairs has bruises on her arms and they leave her outside alone late at night",
    "夫が給料を全部取り上げて、一人で出かけるのもダメと言います",
    "元カレがブロックしても別アカで連絡してくる。もう何週間も続いてる",
    "meu marido pega meu cartão do banco e me tranca em casa",
    "mi esposo me quita el sueldo y me encierra cuando sale",
    "chồng em giữ hết lương và nhốt em trong nhà",
    "suami pegang semua gaji aku dan ngunci aku di rumah",
])
def test_ordinary_words_that_together_are_a_person_at_risk_are_a_crisis(say, text) -> None:
    reply = say(text, user=text)
    assert reply.intent == "crisis" and reply.handoff


@pytest.mark.parametrize("text", [
    "my friend is standing on the roof edge and says he wants to die",
    "she swallowed a whole box of sleeping pills and is barely breathing",
    "someone is trying to break down my door",
])
def test_danger_told_by_its_circumstances_is_an_emergency(say, text) -> None:
    assert say(text, user=text).intent == "emergency"


@pytest.mark.parametrize("text", [
    "my husband checks the electricity bill every month, where do I pay it?",  # control words, none of its forms
    "i hope it doesn't snow tomorrow, is the garbage still collected?",  # a wish, nothing about not being there
    "thank you for everything, see you next week at the class",  # a farewell alone is a thanks
    "gave away my sofa to a friend, what about the old table?",  # giving things away alone
    "every day the same bus is late, is there a timetable?",  # how long, with nothing after the writer
    "my son has a bruise from falling off his bike, should we see a doctor?",  # a child's bruise from a fall
    "thanks, you always help me",  # a "help me" inside a thanks is no cry for help
])
def test_the_same_words_alone_raise_no_alarm(say, text) -> None:
    assert say(text, user=text).intent not in {"emergency", "crisis"}


@pytest.mark.parametrize(("concepts", "situation"), [
    ({"control", "family"}, "violence_home"),
    ({"papers_threat", "family"}, "violence_home"),
    ({"control", "boss"}, "exploitation"),
    ({"pursuit", "persistent"}, "stalking"),
    ({"not_exist", "wish"}, "self_harm"),
    ({"burden", "despair"}, "self_harm"),
    ({"giveaway", "farewell"}, "self_harm"),
    ({"child", "harm_signs"}, "child_abuse"),
])
def test_a_crisis_told_without_keywords_gets_the_help_lines_of_its_situation(concepts, situation) -> None:
    assert crisis_situation(concepts) == situation


@pytest.mark.parametrize("answer", [
    "no, not right now. he went to work",
    "não, agora ele não está em casa, foi trabalhar",
    "现在没事，他去上班了",
    "hindi po, wala siya ngayon, nasa trabaho",
])
def test_the_answer_to_a_crisis_continues_it_instead_of_opening_a_topic(say, answer) -> None:
    first = say("my husband hits me when he drinks and takes my salary", user=answer)
    assert first.intent == "crisis"
    reply = say(answer, user=answer)  # "work", "now": no job question, no danger now
    assert reply.intent == "crisis" and reply.handoff


def test_after_a_crisis_a_new_need_is_answered_as_itself(say) -> None:
    assert say("my husband hits me when he drinks and takes my salary", user="c1").intent == "crisis"
    assert say("where do i throw away old batteries?", user="c1").intent == "garbage.sorting"
    assert say("thank you", user="c1").intent == "greeting"
    assert say("he is at my door now with a knife", user="c1").intent == "emergency"


def test_after_a_crisis_asking_for_a_lawyer_or_a_doctor_is_answered(say) -> None:
    assert say("my husband hits me when he drinks and takes my salary", user="c2").intent == "crisis"
    assert say("i need a lawyer for a divorce, is there free legal consultation?", user="c2").intent \
        == "consultation.legal"


@pytest.mark.parametrize("text", [
    "a man from my old job keeps waiting outside my apartment, it has been 3 weeks now",
    "my ex keeps following me, it's been two months now",
])
def test_now_after_how_long_it_has_gone_on_is_no_danger_now(say, text) -> None:
    reply = say(text, user=text)
    assert reply.intent == "crisis" and reply.handoff


def test_another_now_in_the_same_message_is_still_danger_now(say) -> None:
    text = "he has been following me for two months now and he is outside my door now"
    assert say(text, user=text).intent == "emergency"
