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


@pytest.mark.parametrize("text", [
    "mi sobrina me contó que el esposo de su mamá la toca, no sé qué hacer",
    "meu padrasto mexe com ela quando eu saio",
    "o tio mexe nas partes da minha filha",
    "hinahawakan ng tito niya ang anak ko sa maselang bahagi",
    "my daughter's stepdad touches her private parts",
    "ông hàng xóm sờ vào chỗ kín của bé",
    "继父经常摸我女儿的私处",
    "塾の先生が息子の下半身をさわる",
    "सौतेनी बुबाले छोरीको गुप्तांग छुन्छ",
    "ayah tiri suka pegang-pegang anak perempuan saya",
])
def test_sexual_abuse_told_with_words_of_touching_is_a_crisis(say, text) -> None:
    reply = say(text, user=text)
    assert reply.intent == "crisis" and reply.handoff
    assert reply.entry in ("crisis.child_abuse", "crisis.sexual_violence")


@pytest.mark.parametrize(("text", "intent"), [
    ("mi hija toca la guitarra con su papá, hay clases de música?", "class.children"),
    ("my daughter has a fever, her forehead was hot when I touched her", "consultation.medical"),
    ("my son touches his private parts a lot, is this normal? which doctor", "consultation.medical"),
    ("meu filho mexe com tudo, onde jogo pilhas?", "garbage.sorting"),
    ("孩子摸了电池，电池怎么扔", "garbage.sorting"),
    ("anak ko hinahawakan lagi ang cellphone, saan itatapon ang lumang cellphone?", "garbage.sorting"),
])
def test_a_touch_that_is_no_abuse_stays_what_it_is(say, text, intent) -> None:
    assert say(text, user=text).intent == intent


@pytest.mark.parametrize("text", [
    "udah ga kuat, capek banget pengen mati wkwk, btw sampah besok apa?",
    "so tired i want to die lol nobody cares about me, when is burnable garbage day",
    "cansada demais, quero morrer kkk ninguém liga pra mim, que dia é o lixo?",
    "mệt quá muốn chết haha, không còn lối thoát, mai đổ rác gì",
    "estoy tan cansada que quiero morir jaja, ya no aguanto mas, qué día es la basura?",
])
def test_a_laugh_beside_real_distress_excuses_nothing(say, text) -> None:
    reply = say(text, user=text)
    assert reply.intent == "crisis" and reply.entry == "crisis.self_harm"


def test_a_laugh_after_distress_in_the_conversation_excuses_nothing(say) -> None:
    assert say("aku capek banget sama hidup, ga ada yang peduli", user="cv").intent == "crisis"
    assert say("capek banget pengen mati wkwk, jadwal sampah plastik kapan", user="cv").intent == "crisis"


@pytest.mark.parametrize(("text", "intent"), [
    ("capek banget pengen mati wkwk, jadwal sampah plastik kapan", "garbage.schedule"),  # no distress before it
    ("so tired i could die lol, when is the bus", "life.bus"),
])
def test_a_laughed_figure_with_no_distress_is_still_a_figure(say, text, intent) -> None:
    assert say(text, user=text).intent == intent


@pytest.mark.parametrize("text", [
    "I'm dying lol this meme",
    "me muero de risa jaja",
    "mati ketawa liat meme ini wkwk",
])
def test_dying_of_laughter_raises_no_alarm(say, text) -> None:
    assert say(text, user=text).intent not in ("emergency", "crisis")


def test_a_fall_told_as_past_with_no_sign_of_danger_is_no_emergency(say) -> None:
    assert say("mi hijo se cayo en el parque ayer y se golpeo la rodilla", user="knee").intent \
        not in ("emergency", "crisis")
    assert say("mi hijo se cayó ayer y ahora no despierta", user="knee2").intent == "emergency"


@pytest.mark.parametrize("text", [
    "my father fell from the roof",
    "mi papá se cayó del techo",
    "bố em ngã từ mái nhà",
    "爸爸从屋顶摔下来了",
    "父が屋根から落ちた",
    "ayah saya jatuh dari atap",
])
def test_a_fall_from_a_height_is_danger_now(say, text) -> None:
    assert say(text, user=text).intent == "emergency"


def test_a_fall_from_a_ladder_told_as_over_is_still_a_health_question(say) -> None:
    text = "he fell from the ladder last week, he is fine now, which clinic for a checkup?"
    assert say(text, user=text).intent == "consultation.medical"


@pytest.mark.parametrize(("text", "intent"), [
    ("yung bata po sa kabilang unit araw-araw pinapalo, naririnig ko pong umiiyak", "crisis"),  # a child beaten
    ("a man follow me from the station to my apartment every night this week, im scared", "crisis"),
    ("follow us on facebook for the japanese class?", "class.japanese"),
    ("panas banget sampe mau pingsan wkwk. kipas angin yg rusak buang kemana?", "garbage.sorting"),  # laughed
    ("nilalagnat anak ko 38.5, hatinggabi na, tatawag ba ako ambulansya o may ibang number?", "consultation.medical"),
])
def test_danger_told_in_other_words_is_read_by_what_it_says(say, text, intent) -> None:
    assert say(text, user=text).intent == intent


def test_asking_for_someone_who_speaks_tagalog_after_a_crisis_is_the_desk(say) -> None:
    assert say("yung asawa ko sinasaktan ako pag lasing", user="tl-desk").intent == "crisis"
    assert say("pwede po ba ako makausap ng taong marunong mag tagalog?", user="tl-desk").intent == "consultation.desk"
