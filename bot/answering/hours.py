"""A weekday and a clock time the resident names ("Saturday at 11:30", "sábado às 11h30", "土曜日の 11時半"), checked
against the hours of a place that are in the knowledge base: said open or closed then, instead of only the hours."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence

from ..understanding.text import fold

# "11:30", "11h30", "11時30分", "11時半", "11点半", "3pm", "14h", "2 giờ", "3 बजे"
CLOCK = re.compile(r"(?<!\d)(\d{1,2})\s*(?:(?:[:：h時点]|giờ|बजे)\s*(\d{2}|半)?|\s*(am|pm|a\.m\.|p\.m\.))",
                   re.IGNORECASE)
# Indonesian writes the minutes after a dot ("jam 11.30", "pukul 9.15"), Vietnamese after a g ("11g30"): read
# only after jam/pukul (a bare "16.12" may be a date) and right after the hour's g.
DOTTED = re.compile(r"\b(?:jam|pukul|jm)\s*(\d{1,2})[.:](\d{2})(?!\d)|(?<!\d)(\d{1,2})g(\d{2})(?!\d)", re.IGNORECASE)
AT_HOUR = re.compile(r"\b(?:at|around|jam|pukul|alas|às|as|a las|lúc)\s+(\d{1,2})\b", re.IGNORECASE)  # "at 2"
# Tagalog names the part of the day after the hour: "3 ng hapon" (3 pm), "6 ng umaga" (6 am), "alas-3 ng gabi".
TL_CLOCK = re.compile(r"(?<!\d)(\d{1,2})\s+ng\s+(umaga|tanghali|hapon|gabi)\b", re.IGNORECASE)
ZH_WEEK = ("星期", "礼拜", "禮拜")  # 周六 is also written 星期六 or 礼拜六
# "12月16日", "12月16号", "ngày 16 tháng 12" (folded: without tone marks)
NUMERIC_DATE = re.compile(r"(?<!\d)(\d{1,2})\s*月\s*(\d{1,2})\s*[日号號]?|ngay\s*(\d{1,2})\s*thang\s*(\d{1,2})(?!\d)")
DIGITS = {ord(c): str(i) for i, c in enumerate("०१२३४५६७८९")}  # Devanagari digits
DAY_STARTS = 8  # an hour named below this, without "am", is read as the afternoon


def named_weekday(text: str, names: Sequence[Sequence[str]]) -> int | None:
    """The weekday (0 = Monday) named in the message, from lists of weekday names (one list per language)."""
    folded = fold(text)
    for week in names:
        for i, name in enumerate(week):
            stem = fold(str(name)).split("-")[0]  # segunda(-feira)
            if stem.endswith("曜日"):
                stem = stem.removesuffix("日")  # 土曜(日); never 周日, whose 周 alone is "week" (每周, 周末)
            stems = {stem}
            if stem.startswith("周"):  # 周六 is also written 星期六 or 礼拜六; Sunday 星期天, 礼拜天, 周天
                day = stem[1:]
                stems |= {w + d for w in (*ZH_WEEK, "周") for d in ({day, "天"} if day == "日" else {day})}
            if any(s and _names(folded, s) for s in stems):
                return i
    return None


def _names(folded: str, stem: str) -> bool:
    """A weekday's name in the text: a whole word in Latin script ("thứ ba" is not inside "thứ bảy"), or its plural
    ("los domingos", "on Sundays"), anywhere in scripts written without spaces."""
    if all(ord(ch) < 0x0250 for ch in stem):
        return re.search(rf"(?<!\w){re.escape(stem)}s?(?!\w)", folded) is not None
    return stem in folded


def named_date(text: str, months: Sequence[Sequence[str]], today: dt.date) -> dt.date | None:
    """The calendar date the message names ("12月16日", "ngày 16 tháng 12", "16 de dezembro", "Dec 16", "डिसेम्बर
    १६"), on or after `today` (a day already past is next year's), from lists of month names; None when none is."""
    folded = fold(text.translate(DIGITS))
    match = NUMERIC_DATE.search(folded)
    if match:
        month, day = (int(match[1]), int(match[2])) if match[1] else (int(match[4]), int(match[3]))
        return _on_or_after(today, month, day)
    for names in months:
        for i, name in enumerate(names):
            stem = fold(str(name))
            if not stem or not stem[0].isalpha() or stem.startswith("thang"):  # 12月, tháng 12: the pattern above
                continue
            word = rf"{re.escape(stem[:3])}\w*" if stem.isascii() else re.escape(stem)  # "dec", "dez.", "dic"
            found = re.search(rf"(?<!\w){word}\.?\s*(\d{{1,2}})(?!\d)|(?<!\d)(\d{{1,2}})\s*(?:de\s+|of\s+|ng\s+)?{word}",
                              folded)
            if found:
                return _on_or_after(today, i + 1, int(found[1] or found[2]))
    return None


def _on_or_after(today: dt.date, month: int, day: int) -> dt.date | None:
    try:
        date = dt.date(today.year, month, day)
        return date if date >= today else dt.date(today.year + 1, month, day)
    except ValueError:
        return None


def named_clock(text: str) -> dt.time | None:
    """The clock time named in the message ("11:30", "11h30", "jam 11.30", "11g30", "3pm", "11時半"), or None."""
    dotted = DOTTED.search(text)
    if dotted is not None:
        hour, minute = dotted.group(1) or dotted.group(3), dotted.group(2) or dotted.group(4)
        return _afternoon(int(hour), int(minute), "")
    tagalog = TL_CLOCK.search(text)
    if tagalog is not None:
        return _afternoon(int(tagalog.group(1)), 0, "am" if tagalog.group(2).lower() == "umaga" else "pm")
    match = CLOCK.search(text)
    if match is None:
        bare = AT_HOUR.search(text)
        return _afternoon(int(bare.group(1)), 0, "") if bare else None
    hour, minute, half = int(match.group(1)), match.group(2), (match.group(3) or "").lower().replace(".", "")
    return _afternoon(hour, 30 if minute == "半" else int(minute or 0), half)


def _afternoon(hour: int, minutes: int, half: str) -> dt.time | None:
    """The time of an hour, its minutes and an am/pm ('' when none is given), or None when it is no time."""
    if (half == "pm" and hour < 12) or (not half and 1 <= hour < DAY_STARTS):
        hour += 12  # "at 3" for a place open by day is 15:00 ("下午3点", "3 da tarde")
    if hour > 23 or minutes > 59:
        return None
    return dt.time(hour, minutes)


def spans(hours: str) -> list[tuple[dt.time, dt.time]]:
    """'8:30–12:00, 13:00–16:15' -> [(8:30, 12:00), (13:00, 16:15)]."""
    out = []
    for part in str(hours).split(","):
        start, _, end = part.strip().partition("–")
        if start and end:
            out.append((clock_of(start), clock_of(end)))
    return out


def open_at(hours: str | None, at: dt.time) -> bool:
    """Whether `at` falls within the spans of `hours` (None or empty: closed that day)."""
    return bool(hours) and any(start <= at < end for start, end in spans(str(hours)))


def clock_of(value: str) -> dt.time:
    """A clock time of the knowledge base ('8:30', '17:15') as a time."""
    hour, minute = (int(x) for x in value.strip().split(":"))
    return dt.time(hour, minute)


def hhmm(at: dt.time) -> str:
    """A time as the knowledge base writes it ('8:30', '11:15'), for Renderer.clock."""
    return f"{at.hour}:{at.minute:02d}"
