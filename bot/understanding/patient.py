"""How old the person who is ill is, read from a number and a word of age (issue 11, eighth round).

The advice lines differ by age: #8000 for children, #7119 for about 15 and older. Residents tell the age in a few
words, often as the answer to "how old is the child?" ("ele tem 5 anos", "4岁男孩", "bé trai 3 tuổi ạ", "u 22 barsa
ko", "my son, 4 years", "息子です、4歳"): a number followed by the word for years (or months: a baby) in one of the nine
languages, read from the folded text like a measured size. A number of hours, degrees or yen is no age.
"""

from __future__ import annotations

import re

ADULT_AGE = 15  # #7119 from about 15; #8000 below

# Digits of any script (Devanagari १२ too: int() reads them) or Chinese numerals up to 99.
_CN = "一二两兩三四五六七八九十"
_NUMBER = rf"(\d{{1,3}}|[{_CN}]{{1,3}})"
# Words of age after the number, folded (accents and tones dropped, katakana as hiragana).
_YEARS = (r"years?|yrs?|y/o|year-old|years-old|anos?|aninhos?|anitos?|tuoi|taon|taong|anyos|tahun|thn"
          r"|barsa\w*|barsha\w*|bars|varsha\w*|saal|sal|वर्ष\S*|बर्ष\S*|बर्स\S*|साल\S*")
_MONTHS = r"months?|mos?|meses|mes|thang|buwan|bulan|bln|mahina\w*|महिना\S*"
_CJK_YEARS = r"歳|才|さい|岁|歲|周岁|週歲"
_CJK_MONTHS = r"か月|かげつ|ゖ月|个月|個月"
_AGE = re.compile(
    rf"(?<![\d.,:]){_NUMBER}\s*(?:-\s*)?(?:(?P<cjk_y>{_CJK_YEARS})|(?P<cjk_m>{_CJK_MONTHS})"
    rf"|(?P<y>(?:{_YEARS}))(?![^\W\d_])|(?P<m>(?:{_MONTHS}))(?![^\W\d_]))")
_AGED = re.compile(r"\bage[d]?\s+(\d{1,3})\b")
_BARE = re.compile(r"(?<![\d.,:#])\d{1,2}(?![\d.,:%])")
BARE_WORDS = 4  # "she is 16", "16", "tem 3": a number this short after "how old?" is the age


def _number(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    digits = {c: i for i, c in enumerate("〇一二三四五六七八九")} | {"两": 2, "兩": 2}
    if "十" in text:
        tens, _, ones = text.partition("十")
        value = (digits.get(tens, 0) if tens else 1) * 10 + (digits.get(ones, 0) if ones else 0)
        return value if all(c in digits for c in tens + ones) else None
    return digits.get(text) if len(text) == 1 else None


def patient_age(folded: str, words: int | None = None) -> int | None:
    """The first age told in a folded message, in whole years (a baby of some months is 0), or None. Given the
    message's word count, a lone number in a message of at most BARE_WORDS words ("she is 16") counts as well: only
    for a reply to a medical question."""
    for m in _AGE.finditer(folded):
        value = _number(m.group(1))
        if value is None:
            continue
        if m.group("cjk_m") or m.group("m"):
            return 0 if value < 24 else value // 12
        return value if value < 120 else None
    aged = _AGED.search(folded)
    if aged:
        return int(aged.group(1))
    numbers = _BARE.findall(folded)
    if words is not None and words <= BARE_WORDS and len(numbers) == 1:
        return int(numbers[0])
    return None
