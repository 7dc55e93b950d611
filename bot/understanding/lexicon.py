"""The words residents type, loaded once from intents/<lang>.yaml, and the search for them in a message.

Every entry (a concept word, an item name, a category name, a language name) is folded once at load time and indexed
by its first word, so finding all entries in a message costs a few dictionary look-ups per word plus one fuzzy
look-up for long words. Entries in scripts written without spaces (Japanese, Chinese, Thai, Korean, Myanmar) are
found as substrings. Overlapping finds are settled by length: the longer wins ("fire extinguisher" hides "fire").
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from rapidfuzz import process
from rapidfuzz.distance import OSA

from .text import Token, fold, has_cjk, tokens

_DEVANAGARI = re.compile(r"[\u0900-\u097f]")
_SENTENCE_END = re.compile(r"[!?。！？]|\.\s")  # a full stop followed by a space ("2.5 m" is one measure)
KINDS = ("concept", "item", "category", "lang_name", "area")
AREA_LANG = "area"  # the pseudo-language of town names (they are the same in every language)
# Endings a typed word may add to an entry word: plurals (s, es), Indonesian -nya/-ku/-mu, the Tagalog linker -ng.
# Anything else ("robo" + "t") is another word.
_SUFFIXES = {"s", "es", "nya", "ku", "mu", "ng", "2"}  # "2": Indonesian chat plural, botol2 = botol-botol
EXACT = 0.95  # finds of at least this quality are exact or explicit stem matches; below: plurals and typos


@dataclass(frozen=True)
class Entry:
    """One phrase of a language file: what it names (kind + key) and its folded words."""

    kind: str
    key: str
    lang: str
    phrase: str
    words: tuple[str, ...]
    wildcard: bool = False

    @property
    def cjk(self) -> bool:
        return has_cjk(self.phrase)


@dataclass(frozen=True)
class Find:
    """An entry found in a message, with its character span in the folded text and a quality in 0..1."""

    entry: Entry
    start: int
    end: int
    quality: float

    @property
    def length(self) -> int:
        return self.end - self.start


@dataclass
class LanguageFile:
    """What one intents/<lang>.yaml holds besides its entries."""

    lang: str
    hints: set[str] = field(default_factory=set)
    examples: dict[str, list[str]] = field(default_factory=dict)


def _max_edits(word: str) -> int:
    return 0 if len(word) < 6 else (1 if len(word) < 10 else 2)


def word_quality(want: str, got: str, wildcard: bool = False, lang: str = "",
                 known_in: frozenset[str] = frozenset()) -> float:
    """How well a typed word `got` matches an entry word `want` of language `lang` (0 = not at all).

    known_in: the languages that have `got` itself as a one-word entry or hint. Such a word is never read as a typo,
    and as a plural only within its own language ("bottles" is a plural of "bottle", but Spanish "botar" is not
    a plural of Portuguese "bota", nor "basura" "basu" + suffix).
    """
    if got == want:
        return 1.0
    if wildcard or _DEVANAGARI.match(want):
        return 0.97 if got.startswith(want) and len(want) >= 2 else 0.0
    if known_in and lang not in known_in:
        return 0.0
    if len(want) >= 4 and got.startswith(want) and got[len(want):] in _SUFFIXES:
        return 0.93  # plural or short suffix: bottle -> bottles (kept only for the message's language, like typos)
    if known_in:
        return 0.0
    edits = _max_edits(want)
    if edits and abs(len(got) - len(want)) <= edits and got[0] == want[0]:
        d = OSA.distance(want, got, score_cutoff=edits)
        if d <= edits:
            return 0.9 - 0.05 * d
    return 0.0


class Lexicon:
    """All entries of all language files, indexed for search."""

    def __init__(self, files: Iterable[LanguageFile], entries: Iterable[Entry]) -> None:
        self.files = {f.lang: f for f in files}
        self.entries: list[Entry] = []
        self._by_first: dict[str, list[Entry]] = defaultdict(list)
        self._cjk: list[Entry] = []
        self._cjk_by_char: dict[str, list[tuple[int, Entry]]] = defaultdict(list)  # first character -> entries
        self._known_words: dict[str, frozenset[str]] = {}
        self._negations: dict[str, frozenset[str]] = {}
        self.name_words: set[str] = set()  # one-word language names ("nepali", "tagalog"): no function words
        for f in self.files.values():
            for hint in f.hints:
                self._know(hint, f.lang)
        for entry in entries:
            self.add(entry)
        self._long_firsts: list[str] = []
        self._refresh()

    def negations(self, lang: str | None) -> frozenset[str]:
        """The words (space-joined) of one language's `negation` concept, computed once per language."""
        key = str(lang)
        if key not in self._negations:
            self._negations[key] = frozenset(" ".join(e.words) for e in self.entries
                                             if e.kind == "concept" and e.key == "negation" and e.lang == lang)
        return self._negations[key]

    def add(self, entry: Entry) -> None:
        """Index one more entry (used at load time and for approved examples)."""
        self.entries.append(entry)
        self._negations = {}  # (an approved entry may be one: recomputed)
        if len(entry.words) == 1 and not entry.wildcard:
            self._know(entry.words[0], entry.lang)
            if entry.kind == "lang_name":
                self.name_words.add(entry.words[0])
        if entry.cjk:
            self._cjk_by_char[entry.phrase[:1]].append((len(self._cjk), entry))
            self._cjk.append(entry)
        elif entry.words:
            self._by_first[entry.words[0]].append(entry)

    def known_in(self, word: str) -> frozenset[str]:
        """The languages that have this folded word as a one-word entry or a hint."""
        return self._known_words.get(word, frozenset())

    def _know(self, word: str, lang: str) -> None:
        self._known_words[word] = self._known_words.get(word, frozenset()) | {lang}

    def _refresh(self) -> None:
        self._long_firsts = sorted(w for w in self._by_first if len(w) >= 6 and not _DEVANAGARI.match(w))

    def find(self, folded: str, fuzzy_langs: set[str] | None = None) -> list[Find]:
        """Every entry present in the folded text, overlaps settled (longest wins, equal spans all kept).

        fuzzy_langs: when given (the message's language and English), plural and typo finds, and short one-word finds,
        are kept only for entries of these languages: a word one letter away from a word of another language, or a
        short word of another language, is more often a word of the message's own language.
        """
        return self.select(self.find_raw(folded), fuzzy_langs)

    @staticmethod
    def select(raw: list[Find], fuzzy_langs: set[str] | None = None, sure: bool = True) -> list[Find]:
        """Settle raw finds; with `fuzzy_langs`, other languages keep only their exact, distinctive finds.

        sure: the language is known with confidence; when it is not and nothing of the likely languages was found
        (one romaji word the detector took for German), every find is kept."""
        if fuzzy_langs is not None:
            kept = [f for f in raw if f.entry.lang in fuzzy_langs or f.entry.kind == "area"
                    or (f.quality >= EXACT and _distinctive(f.entry))]
            raw = kept if kept or sure else raw
        return settle(raw)

    def find_raw(self, folded: str) -> list[Find]:
        """Every entry present in the folded text, overlaps not settled."""
        return self._find_words(tokens(folded), folded) + self._find_cjk(folded)

    def _find_cjk(self, folded: str) -> list[Find]:
        # Residents put spaces between Japanese words ("本 捨てたい", "ひと たおれた"): search a copy without the
        # spaces that stand between two characters of these scripts, and map the finds back.
        # Every such entry has a character of these scripts: a text without one has none of them. Otherwise only
        # the entries that begin with the character at each position are tried (not all 13,000 at every message).
        if not has_cjk(folded):
            return []
        compact, where = _compact(folded)
        hits = []
        for start, ch in enumerate(compact):
            for order, entry in self._cjk_by_char.get(ch, ()):
                if compact.startswith(entry.phrase, start):
                    hits.append((order, start, entry))
        hits.sort(key=lambda hit: (hit[0], hit[1]))  # entry order, as before: overlaps are settled in that order
        return [Find(entry, where[start], where[start + len(entry.phrase) - 1] + 1, 1.0) for _, start, entry in hits]

    def _candidates(self, word: str) -> set[str]:
        keys = {word} | {word[:k] for k in range(2, len(word))}
        # A word some entry knows as it is written is not a typo of another word.
        if len(word) >= 6 and not has_cjk(word) and word not in self._known_words:
            edits = _max_edits(word)
            for hit, _score, _ in process.extract(word, self._long_firsts, scorer=OSA.distance,
                                                 score_cutoff=edits, limit=None):
                keys.add(hit)
        return {k for k in keys if k in self._by_first}

    def _find_words(self, toks: list[Token], folded: str) -> list[Find]:
        out = []
        # where a sentence ends between two words: a phrase is never read across it ("bị gãy bánh. Xe to": a broken
        # wheel, then "the stroller is big", not "bánh xe", a tyre)
        ends = {i for i in range(1, len(toks)) if _SENTENCE_END.search(folded, toks[i - 1].end, toks[i].start)}
        for i, tok in enumerate(toks):
            for key in self._candidates(tok.text):
                for entry in self._by_first[key]:
                    if any(i < j < i + len(entry.words) for j in ends):
                        continue
                    found = _match_at(entry, toks, i, self._known_words)
                    if found:
                        out.append(found)
        return out


def _compact(folded: str) -> tuple[str, list[int]]:
    """The text without spaces between two CJK/kana/Thai characters, and each kept character's original index."""
    chars: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(folded):
        if ch == " " and chars and has_cjk(chars[-1]) and i + 1 < len(folded) and has_cjk(folded[i + 1]):
            continue
        chars.append(ch)
        where.append(i)
    return "".join(chars), where


def _distinctive(entry: Entry) -> bool:
    """Long enough to mean the same in a message of another language ("ban" is Indonesian 'tyre' but Vietnamese
    'you'; "sodai gomi" is sodai gomi everywhere). Language names always count ("japani ma jawaf dinus")."""
    return entry.kind in ("lang_name", "area") or entry.cjk or len(entry.words) > 1 or len(entry.phrase) >= 8


def _match_at(entry: Entry, toks: list[Token], i: int, known: dict[str, frozenset[str]]) -> Find | None:
    if i + len(entry.words) > len(toks):
        return None
    worst = 1.0
    for j, want in enumerate(entry.words):
        last = j == len(entry.words) - 1
        got = toks[i + j].text
        q = word_quality(want, got, wildcard=entry.wildcard and last, lang=entry.lang,
                         known_in=known.get(got, frozenset()))
        if q == 0.0:
            return None
        worst = min(worst, q)
    return Find(entry, toks[i].start, toks[i + len(entry.words) - 1].end, worst)


def settle(finds: list[Find]) -> list[Find]:
    """Drop finds that lie inside a longer find; keep the best quality for the same entry and span."""
    best: dict[tuple[int, int, str, str], Find] = {}  # one find per span and entry key and language
    for f in finds:
        k = (f.start, f.end, f.entry.kind, f.entry.key + "\0" + f.entry.lang)
        if k not in best or f.quality > best[k].quality:
            best[k] = f
    ordered = sorted(best.values(), key=lambda f: -f.length)
    kept: list[Find] = []
    for f in ordered:
        if any(k.start <= f.start and f.end <= k.end and k.length > f.length and _hides(k, f) for k in kept):
            continue
        kept.append(f)
    kept = [f for f in kept if not _straddles(f, kept)]
    return sorted(kept, key=lambda f: (f.start, -f.length))


_KANA = re.compile(r"[\u3040-\u309f\u30fc]+")


def _straddles(f: Find, finds: list[Find]) -> bool:
    """A kana entry that begins inside one word found and ends inside the next is read across a word boundary:
    "しにそう" (about to die) in "べんごし|に|そうだん" (consult a lawyer). Kana has no spaces, so the words found on
    both sides decide; a kana entry with a found word on one side only is kept."""
    if not (f.entry.cjk and _KANA.fullmatch(f.entry.phrase)):
        return False
    left = any(k.start < f.start < k.end < f.end for k in finds)
    right = any(f.start < k.start < f.end < k.end for k in finds)
    return left and right


def _hides(outer: Find, inner: Find) -> bool:
    """A longer find hides the finds inside it, except that a figure of speech ("itapon ang kutsilyo", "菜刀怎么扔",
    "this heat is killing me") hides only the scary concepts, never the garbage item it names."""
    if outer.entry.kind == "concept" and outer.entry.key in GRADING:
        return False  # "took out the battery" says the danger is over; the battery is still the item
    if outer.entry.kind == "concept" and inner.entry.kind == "concept" and inner.entry.key in GRADING:
        return False  # "needs an ambulance" names the ambulance a doubt may be about
    return not (outer.entry.kind == "concept" and outer.entry.key == "figure" and inner.entry.kind != "concept")


# The words that grade danger (bot/understanding/matching.py: a doubt about the ambulance, a mild or denied sign, harm
# told as ongoing, an alarm word that only tells a feeling, a danger over, a fire word) lie across the other words:
# they never hide a word found inside them and are never hidden by one. So do the two that grade a crisis told
# without its keywords (intents/rules.yaml): how long it has gone on ("every day", "for weeks"), a wish ("I hope")
# and a farewell ("thank you for everything", which is still a thanks). And those of bot/understanding/grading.py:
# a denial of violence ("nobody", "không ai"), someone entering the home (a landlord who came in while one was out)
# a worry about a thing to throw away ("afraid it will cut", "怕"), a feeling told ("I feel like", "只想"), and a
# danger told over ("the ambulance came", "警察来了": `ended`).
GRADING = frozenset({"doubt", "ambulance", "mild", "vital", "negation", "ongoing", "weak_alarm", "over",
                     "fire_word", "persistent", "wish", "farewell", "nobody", "entered",
                     "worry", "feeling", "recovered", "unanswered", "laugh", "strain",
                     "dying", "vital_ok", "ended"})


def make_entry(kind: str, key: str, lang: str, phrase: Any) -> Entry | None:
    """An entry from a phrase as written in a data file (None for an empty one)."""
    text = fold(str(phrase)).strip()
    wildcard = text.endswith("*")
    text = text.rstrip("*").strip()
    if not text:
        return None
    if has_cjk(text):
        text = _compact(text)[0]  # "ぬすみに はいられ" is searched in the message without its spaces, so is the entry
    words = tuple(t.text for t in tokens(text))
    return Entry(kind, key, lang, text, words, wildcard)


def load_language_file(path: Path) -> tuple[LanguageFile, list[Entry]]:
    """Read one intents/<lang>.yaml into its entries."""
    # libyaml's safe loader: the same result as yaml.safe_load, about 8 times faster (loading was most of start-up)
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader) or {}
    lang = str(data.get("language") or path.stem)
    info = LanguageFile(lang, {fold(str(h)) for h in data.get("hints") or []},
                        {str(k): [str(x) for x in v or []] for k, v in (data.get("examples") or {}).items()})
    entries: list[Entry] = []
    sections = (("concept", data.get("concepts")), ("item", data.get("items")), ("category", data.get("categories")))
    for kind, section in sections:
        for key, phrases in (section or {}).items():
            for phrase in phrases or []:
                e = make_entry(kind, str(key), lang, phrase)
                if e:
                    entries.append(e)
    for phrase in data.get("names") or []:
        e = make_entry("lang_name", lang, lang, phrase)
        if e:
            entries.append(e)
    return info, entries


def load(folder: Path) -> Lexicon:
    """Load every language file of intents/ (concepts.yaml and rules.yaml are not language files), and the safety
    vocabulary of intents/safety/<lang>.yaml (danger and crisis words) and the materials of intents/materials/<lang>.yaml
    (what an unlisted item is made of)."""
    files, entries = [], []
    for path in sorted(folder.glob("*.yaml")):
        if path.stem in ("concepts", "rules"):
            continue
        info, found = load_language_file(path)
        files.append(info)
        entries.extend(found)
    for sub in ("safety", "materials"):  # kept apart so that they are written and reviewed apart
        for path in sorted((folder / sub).glob("*.yaml")):
            _info, found = load_language_file(path)
            entries.extend(found)
    return Lexicon(files, entries)
