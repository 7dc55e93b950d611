"""What a thing is made of, as graded evidence beside the item named (issue 11, seventh round).

The item list names things ("bottle", "jar", "can"); residents name them with their material ("a glass jar", "kanch
ko bottle", "the plastic container with the プラ mark", "a glass vase, not a bottle"). The material said weighs on
the item found: a thing denied is not the thing asked about, a material word that is also an item's name is the
modifier of another item named beside it, and a material picks among the items a word can be.
"""

from __future__ import annotations

from .grading import gap, key
from .lexicon import Find

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
