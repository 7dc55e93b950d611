"""The eighth native review (en, ja, zh, vi, id): vocabulary of the eighth round that misfired in everyday messages,
narrowed, and the plain ways of saying a danger that the new words had been reading as something else. Each sentence
is written here, not taken from an evaluation set; each case failed before the review (docs/reviews/<lang>-8.md)."""

from __future__ import annotations

import pytest


def _concepts(bot, text: str) -> set[str]:
    return {f.entry.key for f in bot.read(text).finds}


# zh `sexual`: bare 摸她/摸我 is also a parent feeling a child's forehead for fever.
@pytest.mark.parametrize("text", [
    "女儿发烧了，摸她额头很烫，晚上可以打什么电话？",
    "孩子发烧，我摸她头很烫，要去医院吗？",
])
def test_feeling_a_childs_forehead_is_no_sexual_harm(say, text) -> None:
    reply = say(text, user=text)
    assert reply.intent == "consultation.medical" and not reply.handoff, reply.text


@pytest.mark.parametrize("text", ["老板经常摸我，我该怎么办？", "同事总是摸我，我不想去上班了"])
def test_groping_told_plainly_stays_a_crisis(say, text) -> None:
    reply = say(text, user=text)
    assert reply.intent == "crisis" and reply.handoff, reply.text


# ja and zh `recovered`: "while playing" (遊んでいる時に, 在玩的时候) tells when the fall happened, not that it is over.
@pytest.mark.parametrize("text", [
    "子どもが公園で遊んでいる時に転んで頭を打った。吐いている。",
    "孩子在玩的时候从床上摔下来，头撞到了，吐了，打哪个电话？",
])
def test_a_fall_while_playing_with_vomiting_stays_an_emergency(say, text) -> None:
    assert say(text, user=text).intent == "emergency"


@pytest.mark.parametrize("text", [
    "子どもが転んで頭を打ったけど、もう泣き止んで遊んでいる。病院に行ったほうがいい？",
    "我女儿刚才从沙发上摔下来，哭完了现在在玩，要打电话问谁？",
])
def test_a_fall_over_and_the_child_playing_again_is_the_advice_lines(say, text) -> None:
    reply = say(text, user=text)
    assert reply.intent == "consultation.medical" and not reply.handoff, reply.text


# ja `lost`: 見つからない is also a garbage station (or a job) not found.
def test_a_garbage_station_not_found_is_the_station_answer(say) -> None:
    reply = say("ごみステーションが見つからない", user="st")
    assert reply.intent == "garbage.rules" and not reply.handoff, reply.text


# ja and en `work_trouble`: a deduction from pay as such is also the ordinary tax withholding.
@pytest.mark.parametrize("text", [
    "住民税が給料から引かれていますが、いくらですか？",
    "resident tax is deducted from my salary, how much is it?",
])
def test_tax_taken_from_pay_is_no_work_trouble(say, text) -> None:
    assert say(text, user=text).entry != "consultation.job.labour"


@pytest.mark.parametrize("text", [
    "会社に給料から勝手にお金を引かれています。どこに相談できますか",
    "my company deducts money from my salary without explaining, where can I ask?",
])
def test_pay_docked_by_the_company_stays_work_trouble(say, text) -> None:
    assert say(text, user=text).entry == "consultation.job.labour"


# vi and zh `vital_ok`: "still conscious / can still talk" must not be read inside "no longer conscious / cannot talk".
@pytest.mark.parametrize("text", ["bố tôi ngã, không còn tỉnh, có nên gọi xe cấp cứu không?",
                                  "奶奶摔倒了，不会说话了，需要叫救护车吗？"])
def test_a_function_lost_is_no_function_working(bot, say, text) -> None:
    assert "vital_ok" not in _concepts(bot, text)
    assert say(text, user=text).intent == "emergency"


@pytest.mark.parametrize("text", ["ba em sốt cao, vẫn còn tỉnh, có cần gọi xe cứu thương không",
                                  "爸爸发高烧，意识清醒，还能说话，要叫救护车吗？"])
def test_a_function_still_working_stays_the_advice_lines(say, text) -> None:
    assert say(text, user=text).intent == "consultation.medical"


# en `lost` read "lost consciousness" and "can't find my child" as a lost wallet (the desk); plain English danger words.
@pytest.mark.parametrize("text", [
    "my father lost consciousness after he fell",
    "I can't find my child at the park",
    "my baby isn't breathing",
    "he doesn't breathe",
    "my husband fell and he doesn't move",
    "I don't know if he is breathing, he fell from the ladder",
])
def test_plain_english_danger_is_an_emergency(say, text) -> None:
    assert say(text, user=text).intent == "emergency"


def test_a_lost_wallet_stays_with_the_desk(say) -> None:
    assert say("I lost my wallet, what should I do?", user="w").intent != "emergency"


# id: "sampah bahasa Mandarin" (garbage [calendar] in Chinese) is no typo of "sampah bahaya" (hazardous garbage).
def test_a_calendar_language_in_indonesian_is_no_hazardous_garbage(say) -> None:
    reply = say("ada kalender sampah bahasa Mandarin?", user="kal")
    assert reply.entry == "garbage.schedule.languages", reply.text
