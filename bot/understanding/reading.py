"""Reading a message: one step from its text to what it means, used by the pipeline, `flask explain` and the tests.

fold the text -> find the vocabulary's words in it -> detect its language from script and those words -> keep the
words of the likely languages -> match them to an intent and an item.
"""

from __future__ import annotations

from dataclasses import dataclass

from .language import Detection, detect
from .lexicon import Find, Lexicon
from .matching import Matcher, Understanding, vehicle_parts
from .text import fold


@dataclass(frozen=True)
class Reading:
    """How a message was read: its folded text, the words found, the language evidence and the understanding."""

    folded: str
    finds: list[Find]
    detection: Detection
    understanding: Understanding
    english: str | None = None  # a language beyond the nine read through English (bot.answering.beyond)


def read(text: str, lexicon: Lexicon, matcher: Matcher, last_intent: str | None = None) -> Reading:
    """Read one message (`last_intent`: the resident's previous intent, for follow-ups such as "and on Sunday?")."""
    folded = fold(text)
    raw = lexicon.find_raw(folded)
    detection = detect(text, lexicon, lexicon.select(raw))
    finds = _own_negations(vehicle_parts(lexicon.select(raw, detection.vocabulary_languages(), detection.sure)),
                           lexicon, detection)
    return Reading(folded, finds, detection, matcher.understand(folded, finds, last_intent))


def _own_negations(finds: list[Find], lexicon: Lexicon, detection: Detection) -> list[Find]:
    """A word that denies in another language is no denial in a message read as this one: Portuguese "no" is "in the"
    ("pode pôr no shigen gomi?"), Vietnamese "nó" is "it", not the English or Spanish "no" that would deny the thing
    after it. Denials only ever excuse (a denied sign, a thing denied), so a denial dropped errs on the side of the
    alarm or the thing named."""
    if not any(f.entry.kind == "concept" and f.entry.key == "negation" for f in finds):
        return finds
    own = lexicon.negations(detection.lang)
    if not own:
        return finds
    return [f for f in finds if not (f.entry.kind == "concept" and f.entry.key == "negation"
                                     and f.entry.lang != detection.lang and " ".join(f.entry.words) not in own)]
