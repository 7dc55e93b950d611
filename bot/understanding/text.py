"""Text clean-up and normalisation shared by language detection and matching.

Chat text arrives with full-width letters, half-width katakana, emoji, zero-width joiners and right-to-left overrides.
`clean` makes it safe to store and show; `fold` makes it comparable: NFKC, casefold, katakana -> hiragana, Latin
accents and Vietnamese tone marks dropped (residents often type without them), other combining marks kept
(Devanagari and Thai need theirs; rapidfuzz's default_process would strip them).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

MAX_CHARS = 2000  # longer messages are cut for matching (the full text is still stored)

# Zero-width characters, bidi controls and other format characters (category Cf) are removed;
# control characters except newline/tab are removed.
_STRIP_CATEGORIES = {"Cf", "Cc", "Cs", "Co", "Cn"}

_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u0e00-\u0e7f\u1000-\u109f\uac00-\ud7af]")
# A word: letters or digits together with their combining marks (Python's \w leaves out the vowel signs of
# Devanagari and Thai, which would cut "सारी" into "स" and "र"), apostrophes inside; "#7119" stays one word.
_MARKS = "".join(f"{chr(a)}-{chr(b)}" for a, b in (
    (0x0300, 0x036F), (0x0483, 0x0489), (0x0591, 0x05BD), (0x0610, 0x061A), (0x064B, 0x065F), (0x0900, 0x0903),
    (0x093A, 0x094F), (0x0951, 0x0957), (0x0962, 0x0963), (0x0981, 0x0983), (0x09BC, 0x09D7), (0x0E31, 0x0E31),
    (0x0E34, 0x0E3A), (0x0E47, 0x0E4E), (0x102B, 0x103E), (0x1056, 0x1059), (0x1AB0, 0x1AFF), (0x1DC0, 0x1DFF),
    (0x200C, 0x200D), (0x20D0, 0x20FF), (0x3099, 0x309A), (0xFE20, 0xFE2F)))
# Scripts written without spaces form their own words, so "iphone坏了" is "iphone" + "坏了".
_NOSPACE = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af\u0e00-\u0e7f\u1000-\u109f\u30fc"
_CHAR = rf"(?:(?![{_NOSPACE}])[^\W_]|[{_MARKS}])"
_WORD = re.compile(rf"#\d+|[{_NOSPACE}]+|{_CHAR}+(?:['’]{_CHAR}+)*")


def clean(text: str) -> str:
    """Remove invisible and control characters; keep the text otherwise as the resident wrote it."""
    out = []
    for ch in text:
        if ch in "\n\t":
            out.append(" ")
        elif unicodedata.category(ch) not in _STRIP_CATEGORIES:
            out.append(ch)
    return re.sub(r"\s+", " ", "".join(out)).strip()


def _is_latin(ch: str) -> bool:
    return ch.isascii() or "LATIN" in unicodedata.name(ch, "")


def _fold_char_marks(text: str) -> str:
    """Drop combining marks that sit on Latin letters (accents, Vietnamese tones); keep all others."""
    out: list[str] = []
    for ch in unicodedata.normalize("NFD", text):
        if unicodedata.combining(ch) and out and _is_latin(out[-1][-1]):
            continue
        out.append(ch)
    return unicodedata.normalize("NFC", "".join(out))


def fold(text: str) -> str:
    """Normalise text for comparison (see module docstring)."""
    s = unicodedata.normalize("NFKC", clean(text)).casefold()
    s = "".join(chr(ord(c) - 0x60) if "\u30a1" <= c <= "\u30f6" else c for c in s)
    s = s.replace("đ", "d").replace("ß", "ss")
    return _fold_char_marks(s)


def has_cjk(text: str) -> bool:
    """True when the text has kana, Han, Hangul, Thai or Myanmar characters (scripts written without spaces)."""
    return bool(_CJK.search(text))


@dataclass(frozen=True)
class Token:
    """A word of folded text with its character span."""

    text: str
    start: int
    end: int


def tokens(folded: str) -> list[Token]:
    """Split folded text into words (letters, digits and marks; #7119 stays one word)."""
    return [Token(m.group(0), m.start(), m.end()) for m in _WORD.finditer(folded)]


def word_count(folded: str) -> int:
    """Words in a message; for scripts without spaces, about one word per three characters."""
    count = 0
    for tok in tokens(folded):
        cjk = len(_CJK.findall(tok.text))
        count += (1 if cjk < len(tok.text) else 0) + (cjk + 2) // 3
    return count
