"""A collection calendar with dates, for tests only: the shipped one is a sample, which shows no date anywhere.

The towns of knowledge/garbage/areas.yaml (with their districts and the district rules) get calendar groups with
rules of every kind. Used by the `dated_calendar` fixture and by tests/residents.py (reminders need dates).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import yaml

from bot.answering.calendar import Calendar, load
from bot.settings import ROOT

GROUPS: dict[str, dict[str, Any]] = {
    "central": {
        "burnable": {"weekly": ["mon", "thu"]}, "plastic": {"weekly": ["wed"]},
        "cans": {"nth": [["tue", 2], ["tue", 4]]}, "bottles": {"nth": [["tue", 1], ["tue", 3]]},
        "non_burnable": {"nth": [["fri", 1]]}, "hazardous": {"nth": [["fri", 3]]},
        "resources": {"every_other": {"from": "2026-04-04", "day": "sat"}}, "oversized": {"nth": [["sat", 3]]},
    },
    "sakai": {
        "burnable": {"weekly": ["tue", "fri"]}, "plastic": {"weekly": ["thu"]},
        "cans": {"nth": [["wed", 1], ["wed", 3]]}, "bottles": {"nth": [["wed", 2], ["wed", 4]]},
        "non_burnable": {"nth": [["mon", 2]]}, "hazardous": {"nth": [["mon", 4]]},
        "resources": {"every_other": {"from": "2026-04-11", "day": "sat"}}, "oversized": {"nth": [["sat", 2]]},
    },
    "akabori": {
        "burnable": {"weekly": ["mon", "thu"]}, "plastic": {"weekly": ["tue"]},
        "cans": {"nth": [["wed", 2], ["wed", 4]]}, "bottles": {"nth": [["wed", 1], ["wed", 3]]},
        "non_burnable": {"nth": [["fri", 2]]}, "hazardous": {"nth": [["fri", 4]]},
        "resources": {"every_other": {"from": "2026-04-04", "day": "sat"}}, "oversized": {"nth": [["sat", 4]]},
    },
    "azuma": {  # no oversized rule: a category the calendar has no data for
        "burnable": {"weekly": ["wed", "sat"]}, "plastic": {"weekly": ["mon"]},
        "cans": {"nth": [["thu", 1], ["thu", 3]]}, "bottles": {"nth": [["thu", 2], ["thu", 4]]},
        "non_burnable": {"nth": [["tue", 1]]}, "hazardous": {"nth": [["tue", 3]]},
        "resources": {"dates": ["2026-12-05", "2026-12-19", "2027-01-09", "2027-01-23"]},
    },
}
TOWN_GROUP = {"sakai-hiratsuka": "sakai", "sakai-shimamura": "sakai", "imaizumi": "central", "showa": "central",
              "akabori-imai": "akabori", "azuma-obokata": "azuma"}


def write(folder: Path, holidays: str = "collect") -> Path:
    """knowledge/garbage (copied) with a dated calendar in `folder`; returns the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "knowledge/garbage/items.csv", folder / "items.csv")
    areas = yaml.safe_load((ROOT / "knowledge/garbage/areas.yaml").read_text(encoding="utf-8"))
    areas["sample"] = False
    for town, area in areas["areas"].items():
        area["group"] = TOWN_GROUP[town]
    calendar = {"source": "ise-gomi-dictionary", "confidence": "M", "sample": False,
                "closed": ["12-31", "01-01", "01-02", "01-03"], "holidays": holidays, "groups": GROUPS}
    (folder / "areas.yaml").write_text(yaml.safe_dump(areas, allow_unicode=True), encoding="utf-8")
    (folder / "calendar.yaml").write_text(yaml.safe_dump(calendar, allow_unicode=True), encoding="utf-8")
    return folder


def dated(folder: Path, holidays: str = "collect") -> Calendar:
    """The dated test calendar, loaded."""
    return load(write(folder, holidays))
