"""The knowledge base: validation that names file and entry, and the date-aware look-ups."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bot.answering import knowledge
from bot.answering.assembly import load_data


def test_shipped_knowledge_is_valid(data) -> None:
    assert data.kb.errors == []
    assert len(data.kb.items) >= 90
    assert {i.category for i in data.kb.items.values()} == set(knowledge.CATEGORIES)


def test_errors_name_the_file_and_the_entry(data_copy: Path) -> None:
    root = data_copy
    items = root / "knowledge/garbage/items.csv"
    items.write_text(items.read_text(encoding="utf-8").replace("futon,Futon,布団,oversized", "futon,Futon,布団,sofa-ish"),
                     encoding="utf-8")
    life = root / "knowledge/life.yaml"
    life.write_text(life.read_text(encoding="utf-8").replace("source: aozora-fare", "source: nowhere"), encoding="utf-8")
    with pytest.raises(knowledge.DataError) as err:
        load_data(root)
    text = str(err.value)
    assert "knowledge/garbage/items.csv: futon: unknown category 'sofa-ish'" in text
    assert "knowledge/life.yaml: aozora_bus: unknown source 'nowhere'" in text


def test_missing_translation_and_unknown_concept_are_reported(data_copy: Path) -> None:
    root = data_copy
    vi = root / "translations/vi.yaml"
    lines = [ln for ln in vi.read_text(encoding="utf-8").splitlines() if not ln.strip().startswith("life.bus:")]
    vi.write_text("\n".join(lines) + "\n", encoding="utf-8")
    es = root / "intents/es.yaml"
    es.write_text(es.read_text(encoding="utf-8").replace("\nconcepts:\n", "\nconcepts:\n  gomi_typo: [x]\n", 1),
                  encoding="utf-8")
    with pytest.raises(knowledge.DataError) as err:
        load_data(root)
    assert "translations/vi.yaml: answers.life.bus: missing" in str(err.value)
    assert "intents/es.yaml: concept 'gomi_typo' is not known" in str(err.value)


CENTER = {"days": ["mon", "tue", "wed", "thu", "fri"], "closed_nth_weekdays": [["wed", 1], ["wed", 3]],
          "closed_holidays": True, "closed_dates": ["12-29", "12-30", "12-31", "01-01", "01-02", "01-03"]}


@pytest.mark.parametrize(("day", "is_open"), [
    (dt.date(2026, 11, 30), True),    # Monday
    (dt.date(2026, 12, 2), False),    # 1st Wednesday
    (dt.date(2026, 12, 9), True),     # 2nd Wednesday
    (dt.date(2026, 12, 16), False),   # 3rd Wednesday
    (dt.date(2026, 11, 23), False),   # Labour Thanksgiving Day (a Monday holiday)
    (dt.date(2026, 12, 29), False),   # year-end closure (a Tuesday)
    (dt.date(2027, 1, 4), True),      # first working day of 2027
    (dt.date(2026, 12, 5), False),    # Saturday
])
def test_desk_opening_days(day: dt.date, is_open: bool) -> None:
    assert knowledge.desk_open(CENTER, day) is is_open


def test_next_open_day_skips_the_year_end() -> None:
    assert knowledge.next_open_day(CENTER, dt.date(2026, 12, 28)) == dt.date(2027, 1, 4)


def test_class_term_states() -> None:
    terms = [{"start": dt.date(2027, 1, 10), "end": dt.date(2027, 3, 14)},
             {"start": dt.date(2026, 9, 6), "end": dt.date(2026, 11, 15)}]
    assert knowledge.class_term(terms, dt.date(2026, 10, 1)) == ("running", terms[1])
    assert knowledge.class_term(terms, dt.date(2026, 11, 29)) == ("next", terms[0])
    assert knowledge.class_term(terms, dt.date(2027, 4, 1)) == ("unknown", terms[0])
