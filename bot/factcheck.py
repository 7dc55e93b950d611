"""Checks knowledge/ against the research notes it was written from (docs/facts/): `flask check-facts`.

The notes are the fact sheets the knowledge base rests on (isesaki-facts.md, its December 2026 verification, the
crisis-line research and the item list). Every phone number, link, date and confidence that residents are shown must
be traceable to them, so that an editor who changes a number without a source, raises a confidence or adds a date the
source never gave is stopped by CI. What is checked:
- every phone number in contacts, facts and crisis lines appears in the notes;
- every source link appears in the notes (a site's home page is allowed as the link of a document found on it);
- a full `date` of a source appears in the notes (as 2025-04-04, 4 Apr 2025, or in its link as 2025/04/04);
  a `year` appears on a line with the source's link;
- confidence H is never given to an inference or an unverified fact, and an unverified or inferred item is L;
- each garbage item's category is the notes' category, with the later corrections the verification makes
  (batteries → hazardous, April 2025 notice);
- a contact the verification says not to give (Hello Work's address and phone) is not given.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path
from typing import Any

from .answering.knowledge import Knowledge

PHONE = re.compile(r"(?:#\d{4}|\b0\d{1,4}-\d{1,4}-\d{3,4}\b)")
# Corrections of the item list made by later notes: item id -> (category, the note that says so).
LATER = {
    "dry-battery": ("hazardous", "verification row 7"),
    "button-battery": ("hazardous", "verification row 8"),
    "rechargeable-battery": ("hazardous", "verification row 9"),
    "mobile-battery": ("hazardous", "verification row 10"),
}
WEAK_TAGS = ("INFERRED", "UNVERIFIED")
NOT_TO_GIVE = {"hellowork": ("phone", "address")}  # verification row 23: "Do not give this address or number"


def _digits(text: str) -> str:
    return re.sub(r"[^0-9#]", "", text)


def check(kb: Knowledge, notes_dir: Path) -> list[str]:
    """Every mismatch between knowledge/ and the notes, one line each (empty when they agree)."""
    notes = "\n".join(p.read_text(encoding="utf-8") for p in sorted(notes_dir.glob("*.md")))
    digits = _digits(notes)
    lines = notes.splitlines()
    errors: list[str] = []
    errors += _phones(kb, digits)
    errors += _sources(kb, notes, lines)
    errors += _confidence(kb)
    errors += _items(kb, notes_dir / "garbage-items.csv")
    for cid, fields in NOT_TO_GIVE.items():
        for name in fields:
            if kb.contacts.get(cid, {}).get(name):
                errors.append(f"contacts.yaml: {cid}: {name} is unverified and must not be given (verification)")
    return errors


def _phones(kb: Knowledge, digits: str) -> list[str]:
    errors = []
    places: list[tuple[str, Any]] = [(f"contacts.yaml: {k}", v) for k, v in kb.contacts.items()]
    places += [(f"facts: {k}", v) for k, v in kb.facts.items()]
    places += [(f"crisis.yaml: {k}", v) for k, v in kb.crisis_lines.items()]
    for where, record in places:
        for phone in PHONE.findall(_text(record)):
            if _digits(phone) not in digits:
                errors.append(f"{where}: phone {phone} is not in docs/facts/")
    return errors


def _text(value: Any) -> str:
    if isinstance(value, dict):
        return " ".join(_text(v) for k, v in value.items() if k not in ("source", "url"))
    if isinstance(value, list):
        return " ".join(_text(v) for v in value)
    return str(value)


def _sources(kb: Knowledge, notes: str, lines: list[str]) -> list[str]:
    errors = []
    for sid, src in kb.sources.items():
        url = str(src.get("url") or "").strip()
        bare = re.sub(r"^https?://", "", url).rstrip("/")
        if url and bare not in notes:
            errors.append(f"sources: {sid}: link {url} is not in docs/facts/")
        date = src.get("date")
        if date and not any(f in notes for f in _date_forms(date)):
            errors.append(f"sources: {sid}: date {date} is not given in docs/facts/")
        year = src.get("year")
        if year and bare:
            near = [ln for ln in lines if bare in ln or (len(bare) > 30 and bare[:30] in ln)]
            if not any(str(year) in ln for ln in near):
                errors.append(f"sources: {sid}: year {year} is not on a line of docs/facts/ with its link")
    return errors


def _date_forms(date: Any) -> tuple[str, ...]:
    """How the notes may write a date: 2025-04-04, 4 Apr 2025, 4 April 2025; a month alone: 2015-01, Jan 2015."""
    text = date.isoformat() if isinstance(date, dt.date) else str(date)
    if len(text) == 4:
        return (text,)
    if len(text) == 7:
        month = dt.date.fromisoformat(text + "-01")
        return text, f"{month:%b} {month.year}", f"{month:%B} {month.year}"
    day = dt.date.fromisoformat(text)
    return text, f"{day.day} {day:%b} {day.year}", f"{day.day} {day:%B} {day.year}", f"{day:%Y/%m/%d}"


def _confidence(kb: Knowledge) -> list[str]:
    errors = []
    records = [(f"contacts.yaml: {k}", v) for k, v in kb.contacts.items()]
    records += [(f"facts: {k}", v) for k, v in kb.facts.items()]
    records += [(f"items.csv: {i.id}", {"source": i.source, "confidence": i.confidence}) for i in kb.items.values()]
    for where, rec in records:
        tag = kb.sources.get(str(rec.get("source")), {}).get("tag")
        if tag in WEAK_TAGS and rec.get("confidence") != "L":
            errors.append(f"{where}: confidence {rec.get('confidence')} on a {tag} source: must be L")
    return errors


def _items(kb: Knowledge, path: Path) -> list[str]:
    if not path.exists():
        return [f"{path}: missing"]
    with path.open(newline="", encoding="utf-8") as f:
        noted = {row["id"]: row["category"] for row in csv.DictReader(f)}
    errors = []
    for item in kb.items.values():
        want, why = LATER.get(item.id, (noted.get(item.id), "garbage-items.csv"))
        if want is None:
            continue  # an item the notes do not list (split out later, e.g. e-cigarettes): its own source decides
        if item.category != want:
            errors.append(f"items.csv: {item.id}: category {item.category}, the notes say {want} ({why})")
    return errors
