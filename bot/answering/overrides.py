"""What staff change at run time, kept in the database over the shipped defaults of knowledge/.

knowledge/desks.yaml ships the desk's hours and weekday languages; an admin's edits are stored in the `settings`
table and laid over the file's values, so an upgrade (`git pull`) never meets a locally edited data file, and every
process picks up an edit within seconds (Bot.refresh_knowledge compares `stamp` between checks, which also covers
suggestions approved in another process).
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from sqlalchemy import func, select

from ..storage.models import Setting, Suggestion, utcnow
from ..storage.store import Store
from .knowledge import Knowledge

# The facts staff may edit, and which of their fields (the others stay the file's: place, source, confidence).
EDITABLE: dict[str, tuple[str, ...]] = {
    "multicultural_center": ("open", "close", "closed_dates", "closed_nth_weekdays", "closed_holidays"),
    "weekday_languages": ("verified", "mon", "tue", "wed", "thu", "fri"),
}


def load(store: Store) -> dict[str, Any]:
    """Every stored setting: key -> value."""
    with store.session() as s:
        return {row.key: json.loads(row.value) for row in s.scalars(select(Setting))}


def save(store: Store, key: str, value: Any, staff_id: int | None) -> None:
    """Store one setting (replacing the previous value)."""
    with store.session() as s:
        row = s.get(Setting, key) or Setting(key=key)
        row.value, row.updated_by, row.updated_at = json.dumps(value, ensure_ascii=False), staff_id, utcnow()
        s.add(row)


def reset(store: Store, key: str) -> None:
    """Forget a stored setting: the shipped default applies again."""
    with store.session() as s:
        row = s.get(Setting, key)
        if row is not None:
            s.delete(row)


def fact_key(name: str) -> str:
    """The settings key of an editable fact."""
    return f"facts.{name}"


def apply(kb: Knowledge, values: dict[str, Any]) -> Knowledge:
    """The knowledge with stored edits laid over the editable facts (a new object; `kb` is not changed)."""
    facts = dict(kb.facts)
    for name, fields in EDITABLE.items():
        saved = values.get(fact_key(name))
        if isinstance(saved, dict) and name in facts:
            facts[name] = {**facts[name], **{k: v for k, v in saved.items() if k in fields}}
    return dataclasses.replace(kb, facts=facts)


def stamp(store: Store) -> tuple[Any, ...]:
    """Changes when a setting is saved or reset, or a suggestion approved, in any process."""
    with store.session() as s:
        settings = s.execute(select(func.count(), func.max(Setting.updated_at))).one()
        approved = s.execute(select(func.count(), func.max(Suggestion.decided_at))
                             .where(Suggestion.status == "approved")).one()
    return (*settings, *approved)
