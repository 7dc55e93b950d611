"""What a thing is made of, as graded evidence beside the item named (issue 11, seventh round).

The item list names things ("bottle", "jar", "can"); residents name them with their material ("a glass jar", "kanch
ko bottle", "the plastic container with the プラ mark", "a glass vase, not a bottle"). The material said weighs on
the item found: a thing denied is not the thing asked about, a material word that is also an item's name is the
modifier of another item named beside it, and a material picks among the items a word can be.
"""

from __future__ import annotations

import re

from .grading import gap, key
from .lexicon import Entry, Find

NEGATION_AFTER = frozenset({"ja", "ne"})  # languages whose "not" follows the word it denies
DENIAL_GAP = 1  # "not a bottle": at most one word between the denial and the thing it denies
# What things are made of (not what kind of thing they are: "taper" is a container and a plastic product at once).
MATTER = frozenset({"metal", "wood", "plastic_material", "glass", "ceramic", "cloth", "rubber_leather", "paper"})


def _inside(f: Find, g: Find) -> bool:
    return g.start <= f.start and f.end <= g.end


def _denied(folded: str, f: Find, negations: list[Find]) -> bool:
    for n in negations:
        if _inside(n, f) or _inside(f, n):
            continue
        after = n.entry.lang in NEGATION_AFTER
        if (n.start >= f.end if after else n.end <= f.start) and gap(folded, n, f) <= DENIAL_GAP:
            return True
    return False


def denied_things(folded: str, finds: list[Find], materials: frozenset[str]) -> list[Find]:
    """"A glass vase (not a bottle)", "飲み物の瓶ではありません": an item or category denied by the word next to it is
    not the thing asked about. Only when something else is left to place it by (another item, or a material or kind
    said): a lone denied item stays (a question back is better than nothing)."""
    negations = [f for f in finds if key(f) == "negation"]
    if not negations:
        return finds
    finds = [f for f in finds if not (key(f) == "plastic_mark" and _denied(folded, f, negations))]  # "no プラ mark"
    things = [f for f in finds if f.entry.kind in ("item", "category")]
    denied = [f for f in things if _denied(folded, f, negations)]
    if not denied:
        return finds
    spans = {(f.start, f.end) for f in denied}
    left = [f for f in finds if (f.start, f.end) not in spans]
    if not any(f.entry.kind == "item" or key(f) in materials for f in left):
        return finds
    return [f for f in finds if not (f.entry.kind in ("item", "category") and (f.start, f.end) in spans)]


AREA_DENIAL_GAP = 2  # "em ko ở Isesaki", "I don't live in Isesaki", "no vivo en Isesaki"


def denied_area(folded: str, finds: list[Find]) -> list[Find]:
    """"Not in Isesaki, I live in Ota: when is plastic collected?": an area denied beside another city named is not
    where the resident lives (the other city is; its rules are not in the knowledge base)."""
    if not any(key(f) == "other_city" for f in finds):
        return finds
    negations = [f for f in finds if key(f) == "negation"]
    areas = [f for f in finds if f.entry.kind == "area"]
    denied = set()
    for a in areas:
        for n in negations:
            after = n.entry.lang in NEGATION_AFTER
            if (n.start >= a.end if after else n.end <= a.start) and gap(folded, n, a) <= AREA_DENIAL_GAP:
                denied.add((a.start, a.end))
    return [f for f in finds if not (f.entry.kind == "area" and (f.start, f.end) in denied)] if denied else finds


def material_modifiers(finds: list[Find]) -> list[Find]:
    """"kanch ko jar" (a glass jar), "ガラスの瓶": a word that names a material and an item at once ("kanch", glass,
    is also broken glass) is the material of the other item named beside it, not a second thing."""
    said = [(f.start, f.end) for f in finds if key(f) in MATTER]
    if not said:
        return finds
    modifiers = {(f.start, f.end) for f in finds if f.entry.kind == "item" and (f.start, f.end) in said}
    if not modifiers or not any(f.entry.kind == "item" and (f.start, f.end) not in modifiers for f in finds):
        return finds
    return [f for f in finds if not (f.entry.kind == "item" and (f.start, f.end) in modifiers)]


def said_outside(finds: list[Find], items: list[Find], materials: frozenset[str]) -> set[str]:
    """The materials said in a message outside the words of the items found ("plastic bottle" names no material of
    its own beside the PET bottle)."""
    return {key(f) for f in finds if key(f) in materials and not any(_inside(f, i) for i in items)}


# A size said in numbers ("90cm", "1.2m", "1 metro", "cao 1m3", "1米5", "一米多", "30センチ"): a thing at least this
# long does not fit a designated bag (a 45 L bag is about 65 x 80 cm; the city counts what does not fit as oversized);
# one at most this long does. Between the two the number says nothing, and beyond the last it is a distance ("500 m
# from here"), not a thing.
BIG_CM, SMALL_CM, THING_CM = 80, 30, 500
_CJK_DIGITS = {"一": 1, "两": 2, "二": 2, "三": 3, "四": 4, "五": 5}
_CENTIMETRES = ("cm", "cms", "centim", "せんち", "公分", "厘米")
_SIZE = re.compile(
    r"(?<![\w.,])(\d+(?:[.,]\d+)?|[一两二三四五])\s*"
    r"(cms?|centimet(?:er|re|ro)s?|せんち|公分|厘米|mts?|mets?|meters?|metres?|metros?|m|米(?!饭)|めーとる|めーたー|"
    r"मिटर|miter|mitar)(\d{1,2}(?!\d))?(?![a-z])")


def measured_size(folded: str, finds: list[Find], things: frozenset[str] = frozenset()) -> list[Find]:
    """The size a message gives in numbers, as the concept `big` or `small` on the number's own characters; only
    beside a thing named (an item, or one of `things`: what it is made of or what kind of thing it is), and not when
    a size word already says it."""
    present = {key(f) for f in finds}
    if not ("item" in present or present & things) or present & {"big", "small"}:
        return finds
    for m in _SIZE.finditer(folded):
        number, unit, rest = m.group(1), m.group(2), m.group(3)
        value = float(_CJK_DIGITS.get(number) or number.replace(",", "."))
        centimetres = unit.startswith(_CENTIMETRES)
        cm = value if centimetres else value * 100
        if rest and not centimetres:
            cm += int(rest) * (10 if len(rest) == 1 else 1)  # "1m2", "1米5": one metre twenty, one metre fifty
        concept = "big" if BIG_CM <= cm <= THING_CM else "small" if cm <= SMALL_CM else None
        if concept:
            entry = Entry("concept", concept, "xx", m.group(0), (m.group(0),))
            return finds + [Find(entry, m.start(), m.end(), 1.0)]
    return finds
