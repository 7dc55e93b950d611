"""Normalisation: what residents type becomes comparable, and nothing invisible survives."""

from bot.understanding.text import clean, fold, tokens, word_count


def test_clean_removes_zero_width_bidi_and_control_characters() -> None:
    assert clean("ab\u200bc\u202edef\u0007 \x00g") == "abcdef g"
    assert clean("line\nbreak\ttab") == "line break tab"


def test_fold_handles_width_case_and_kana() -> None:
    assert fold("ﾍﾟｯﾄﾎﾞﾄﾙ") == fold("ペットボトル") == fold("ぺっとぼとる")
    assert fold("ＡＢＣ") == "abc"


def test_fold_drops_latin_accents_and_vietnamese_tones_only() -> None:
    assert fold("Khi nào đổ rác?") == fold("khi nao do rac?")
    assert fold("Português") == "portugues"
    # Devanagari keeps its vowel signs and virama: they change the word.
    assert fold("फाल्ने") == "फाल्ने"
    assert fold("ไม่") == "ไม่"


def test_tokens_and_word_count() -> None:
    assert [t.text for t in tokens(fold("Call #7119, now!"))] == ["call", "#7119", "now"]
    assert word_count(fold("where do I throw batteries")) == 5
    assert 2 <= word_count(fold("粗大ごみの出し方")) <= 4


def test_kanji_only_japanese_and_shared_kanji_follow_the_writer(say) -> None:
    assert say("蛍光灯", user="k1").reply_language == "ja"  # 蛍 is written only in Japanese
    say("ごみの日はいつですか", user="k2")
    assert say("避難所", user="k2").reply_language == "ja"  # characters both write: the writer's language
    say("垃圾什么时候收", user="k3")
    assert say("避難所", user="k3").reply_language == "zh"


def test_romaji_romanised_nepali_and_toneless_vietnamese_are_told_apart(bot) -> None:
    from bot.understanding import language
    cases = {"reizouko wa dou yatte sutemasu ka": "ja", "furui kasa wa nan no gomi desu ka": "ja",
             "yo purano tv kun din faalne ho": "ne", "khong biet vut rac o dau": "vi",
             "saan po pwede magtapon ng lumang electric fan": "tl", "onde jogo o lixo de vidro": "pt"}
    for text, lang in cases.items():
        assert language.detect(text, bot.lexicon).lang == lang, text
