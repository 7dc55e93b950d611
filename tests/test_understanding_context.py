"""One strong word, context from the turn before, baby things and landmarks (issue 11, und6): messages written for
these tests in several languages, never the evaluation sets' sentences."""

from __future__ import annotations

import pytest


# -- 1. one strong word: "hospital" or "work" told around a thing to throw away ----------------------------------------
@pytest.mark.parametrize(("text", "category"), [
    ("the clinic gave my dad an aluminium walker, he doesn't need it anymore, it is 1.1 m tall", "oversized"),
    ("ông em ra viện rồi, cái gậy bằng nhôm không dùng nữa, vứt thế nào", "non_burnable"),
    ("mi abuela salió del hospital, el bastón de metal ya no lo usa, cómo lo tiro", "non_burnable"),
    ("galing ospital si lolo, yung bakal na tungkod hindi na ginagamit, saan itatapon", "non_burnable"),
])
def test_a_thing_no_longer_needed_from_the_hospital_is_garbage_by_its_material(say, text: str, category: str) -> None:
    reply = say(text, user=text)
    assert (reply.intent, reply.category, reply.handoff) == ("garbage.sorting", category, False)


@pytest.mark.parametrize(("text", "category"), [
    ("妈妈出院了，医院给的玻璃瓶都空了", "bottles"),
    ("pulang dari rumah sakit, botol kaca obatnya sudah kosong", "bottles"),
    ("meu pai voltou do hospital, as garrafas pet estão vazias", "resources"),
])
def test_an_item_said_empty_or_unwanted_is_its_sorting_whatever_the_hospital(say, text: str, category: str) -> None:
    reply = say(text, user=text)
    assert (reply.intent, reply.category) == ("garbage.sorting", category)


@pytest.mark.parametrize("text", [
    "my child has a fever tonight, which hospital is open?",
    "mi bebé tiene fiebre, a qué hospital voy?",
    "anak saya demam, rumah sakit mana yang buka malam ini?",
])
def test_a_real_medical_question_with_hospital_stays_medical(say, text: str) -> None:
    assert say(text, user=text).intent == "consultation.medical"


@pytest.mark.parametrize(("text", "intent"), [
    ("kyoushitsu wa doyoubi mo arimasu ka? heijitsu wa shigoto desu", "class.japanese"),
    ("I work nights, by what time must the garbage be out?", "garbage.rules"),
])
def test_a_work_word_told_as_the_reason_leaves_the_question_to_its_topic(say, text: str, intent: str) -> None:
    assert say(text, user=text).intent == intent


@pytest.mark.parametrize("text", [
    "I need a job, where is Hello Work?", "shigoto wo sagashite imasu", "仕事を探しています", "tìm việc làm ở đâu",
    "busco trabajo en Isesaki",
])
def test_a_real_job_question_stays_job(say, text: str) -> None:
    assert say(text, user=text).intent == "consultation.job"


def test_a_length_is_a_size_only_beside_a_thing_and_at_a_things_length(say) -> None:
    fan = say("a standing fan from work, 1.3 m tall, where do I throw it?", user="fan")
    assert (fan.intent, fan.category) == ("garbage.sorting", "oversized")
    assert say("the clinic is 500m from the station, is it open on Sunday?", user="far").intent != "garbage.oversized"


# -- 2. context from the turn before: a part or a state of the item just answered --------------------------------------
@pytest.mark.parametrize(("first", "then"), [
    ("how do I throw away a glass jar?", "and the lid?"),
    ("¿cómo tiro un frasco de vidrio?", "y la tapa?"),
    ("como jogo fora um pote de vidro?", "e a tampa?"),
    ("lọ thủy tinh vứt thế nào?", "còn cái nắp?"),
    ("玻璃瓶怎么扔？", "那盖子呢？"),
    ("toples kaca buang di mana?", "kalau tutupnya?"),
])
def test_the_lid_after_a_glass_jar_is_asked_metal_or_plastic(say, first: str, then: str) -> None:
    say(first, user=first)
    reply = say(then, user=first)
    assert reply.intent == "garbage.sorting" and not reply.handoff
    assert {c.payload for c in reply.choices} >= {"item:metal-cap", "item:plastic-cap"}
    assert reply.category != "bottles"


def test_the_cap_after_a_pet_bottle_is_its_cap_and_a_lid_named_with_its_material_is_that_lid(say) -> None:
    say("onde jogo garrafa pet?", user="pet")
    assert say("e a tampa?", user="pet").entry == "pet-bottle-cap"
    say("¿cómo tiro un frasco de vidrio?", user="jar")
    assert say("y la tapa de metal?", user="jar").entry == "metal-cap"
    say("how do I throw away a glass jar?", user="en-jar")
    assert say("and the metal cap?", user="en-jar").category == "non_burnable"


@pytest.mark.parametrize(("first", "then"), [
    ("mau buang lampu neon, masih utuh", "kalau yang sudah pecah?"),
    ("how do I throw away a fluorescent tube?", "and a broken one?"),
    ("bóng đèn huỳnh quang vứt thế nào?", "còn cái đã vỡ?"),
])
def test_a_broken_one_after_an_item_is_the_broken_kind(say, first: str, then: str) -> None:
    say(first, user=first)
    reply = say(then, user=first)
    assert (reply.intent, reply.entry, reply.category) == ("garbage.sorting", "broken-fluorescent-tube", "non_burnable")


def test_broken_without_an_item_before_is_not_a_guess(say) -> None:
    assert say("and a broken one?", user="nothing-before").entry is None


# -- 4. baby and child things to throw away --------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "category"), [
    ("my son stopped using his plastic feeding bottle, which bag?", "burnable"),
    ("mamadeira de plástico do bebê, não usamos mais, que lixo é?", "burnable"),
    ("哺乳瓶はなにごみ？", "burnable"),
    ("ano gagawin ko sa car seat ng baby, hindi na ginagamit", "oversized"),
    ("cái ghế ô tô của con không dùng nữa, vứt thế nào", "oversized"),
])
def test_baby_things_to_throw_away_are_garbage_not_a_child_topic(say, text: str, category: str) -> None:
    reply = say(text, user=text)
    assert (reply.intent, reply.category) == ("garbage.sorting", category)


# -- 5. a place named by a landmark -------------------------------------------------------------------------------------
@pytest.mark.parametrize(("first", "text", "district"), [
    ("when is burnable garbage day?", "near Isesaki station", "伊勢崎地区"),
    ("rác cháy được thứ mấy?", "nhà em gần ga Sakai", "境地区"),
    ("sampah plastik hari apa?", "dekat stasiun isesaki", "伊勢崎地区"),
])
def test_a_station_named_after_a_district_gives_the_district_after_a_day_question(say, first: str, text: str,
                                                                                 district: str) -> None:
    say(first, user=text)
    reply = say(text, user=text)
    assert reply.intent == "garbage.schedule" and not reply.handoff
    assert district in reply.text


def test_a_station_of_no_district_gives_none(say) -> None:
    say("when is burnable garbage day?", user="near")
    assert "地区" not in say("near the station", user="near").text


# -- 3. a thing the list does not have, its material not said: asked back ------------------------------------------------
@pytest.mark.parametrize(("text", "lang", "made_of"), [
    ("how do I throw away an old gizmotron?", "en", "Plastic"),
    ("cómo tiro un cascanueces viejo?", "es", "Plástico"),
    ("purano blorfex kasari phalne", "ne", "प्लास्टिक"),
])
def test_an_unlisted_thing_of_no_material_said_is_asked_its_material(say, text: str, lang: str, made_of: str) -> None:
    reply = say(text, user=text)
    assert (reply.intent, reply.category, reply.handoff, reply.reply_language) == ("garbage.sorting", None, False, lang)
    payloads = [c.payload for c in reply.choices]
    assert {"material:metal", "material:plastic_material", "material:big"} <= set(payloads)
    assert "intent:human" in payloads and made_of in [c.label for c in reply.choices]


@pytest.mark.parametrize(("payload", "category"), [
    ("material:metal", "non_burnable"), ("material:plastic_material", "burnable"), ("material:paper", "resources"),
    ("material:big", "oversized"),
])
def test_the_material_chosen_places_the_thing(say, payload: str, category: str) -> None:
    say("how do I throw away an old gizmotron?", user=payload)
    reply = say(kind="postback", payload=payload, user=payload)
    assert (reply.intent, reply.category, reply.handoff) == ("garbage.sorting", category, False)


def test_a_material_said_or_a_general_question_is_not_asked_back(say) -> None:
    assert say("how do I throw away an old metal gizmotron?", user="m").category == "non_burnable"
    assert say("how do I throw away garbage?", user="g").intent == "garbage.rules"


# -- 6. other classes found in the blind sets ---------------------------------------------------------------------------
@pytest.mark.parametrize("text", [
    "cuchillo de cocina viejo, como lo tiro?", "oiga como boto un cuchillo de cocina, lo envolví en periódico",
    "kitchen knife, how do I throw it away safely?",
])
def test_a_knife_to_throw_away_is_the_knife_item(say, text: str) -> None:
    reply = say(text, user=text)
    assert (reply.intent, reply.entry, reply.category) == ("garbage.sorting", "knife-scissors", "non_burnable")


@pytest.mark.parametrize("text", [
    "a man with a kitchen knife is at my door now", "hay un hombre con un cuchillo de cocina aquí ahora",
])
def test_a_knife_with_danger_now_stays_an_emergency(say, text: str) -> None:
    assert say(text, user=text).intent == "emergency"


def test_a_sorting_question_in_japanese_is_not_read_as_varnish(say) -> None:
    """"どこに すてますか" holds "にす" (ニス, varnish, a liquid) once the spaces between kana are gone."""
    reply = say("あかちゃんの ミルクの かんは どこに すてますか", user="milk")
    assert (reply.intent, reply.category) == ("garbage.sorting", "cans")


def test_broken_in_tagalog_is_no_typo_of_a_court_hearing(say) -> None:
    reply = say("sirang baso", user="tl")
    assert (reply.intent, reply.category) == ("garbage.sorting", "non_burnable")


@pytest.mark.parametrize(("first", "then", "category"), [
    ("vứt cái lọ thủy tinh đựng dưa muối thế nào", "à không, em nhầm, là cái bình cắm hoa bằng thủy tinh", "non_burnable"),
    ("how do I throw away a frying pan?", "sorry, I meant the wooden cutting board", "burnable"),
])
def test_a_thing_corrected_right_after_a_sorting_answer_is_placed_by_its_material(say, first: str, then: str,
                                                                                 category: str) -> None:
    say(first, user=first)
    reply = say(then, user=first)
    assert (reply.intent, reply.category, reply.handoff) == ("garbage.sorting", category, False)


@pytest.mark.parametrize(("text", "category"), [
    ("meu pai saiu do hospital e deixou revistas velhas, pode pôr no shigen gomi?", "resources"),
    ("o jornal velho vai no shigen gomi?", "resources"),
])
def test_portuguese_no_is_in_the_not_a_denial(say, text: str, category: str) -> None:
    reply = say(text, user=text)
    assert (reply.intent, reply.category) == ("garbage.sorting", category)


@pytest.mark.parametrize("text", [
    "nawala ang wallet ko sa supermarket, pupunta ba ako sa pulis?", "dompet saya hilang di stasiun, lapor ke mana?",
    "財布を落としました。どうすればいい？", "perdí mi bolsa en el tren, a dónde voy?",
])
def test_a_thing_lost_goes_to_the_desk_not_to_its_garbage_category(say, text: str) -> None:
    reply = say(text, user=text)
    assert (reply.intent, reply.handoff) == ("unknown", True)


@pytest.mark.parametrize(("text", "intent"), [
    ("i lost the garbage calendar, when is plastic day?", "garbage.schedule"),
    ("perdí mi trabajo, dónde busco otro?", "consultation.job"),
    ("I got lost, where is the consultation desk?", "consultation.desk"),
])
def test_lost_beside_another_topic_keeps_that_topic(say, text: str, intent: str) -> None:
    assert say(text, user=text).intent == intent


def test_leftover_said_of_a_liquid_is_no_food(say) -> None:
    """"leftover" is a word of its own, not a typo of "leftovers" (food waste): the liquid left over is the thing."""
    reply = say("some leftover kerosene in a plastic tank, how do I get rid of the kerosene?", user="k")
    assert (reply.intent, reply.category) == ("garbage.sorting", "not_collected")
    assert say("leftover rice, which bag?", user="r").category == "burnable"
