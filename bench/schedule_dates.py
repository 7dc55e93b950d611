"""Collection-day honesty: over questions residents ask about collection days (in several languages, one named
district, one named town), how many replies show a date, and how many name a town the resident never named.

    .venv/bin/python bench/schedule_dates.py [--code DIR]

--code DIR runs the questions on another checkout's bot/ and data folders, e.g. the state before:
    mkdir -p /tmp/before && git archive bdd4002 bot knowledge intents translations | tar -x -C /tmp/before
Residents ask on Thursday 3 December 2026 at 20:00 (city time); a date is any day of the next 90 written as the bot
writes dates in the reply's language. With the shipped calendar (a sample) the honest figure is 0 for both.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
QUESTIONS = [("en", ["what goes out tomorrow?"]), ("en", ["when is plastic collected?"]),
             ("en", ["when do I put out batteries?"]), ("en", ["next oversized garbage day?"]),
             ("en", ["境平塚", "when do I put out batteries?"]),
             ("en", ["I live in Akabori, which day do I put out used batteries?"]),
             ("en", ["when is clothing collected?"]), ("vi", ["Khi nào đổ rác nhựa?"]),
             ("ja", ["明日は 何の ごみの 日？"]), ("pt", ["quando é a coleta de plástico?"]),
             ("ja", ["電池は いつ 出す？"]), ("es", ["¿cuándo sacan las pilas?"]),
             ("ja", ["赤堀に住んでいます。電池は何曜日？"]), ("zh", ["电池什么时候扔？"]),
             ("id", ["baterai dibuang kapan?"])]
NEVER_NAMED = "赤堀今井町"  # the town "Akabori" was once taken for


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--code", type=Path, default=ROOT, help="a checkout's folder (bot/ and the data folders)")
    args = parser.parse_args()
    sys.path[:0] = [str(args.code.resolve())]
    try:
        from bot.answering.assembly import build_bot, load_data
    except ImportError:  # a checkout from before the modules moved into folders
        from bot.core import build_bot, load_data  # type: ignore[no-redef]
    from bot.messages import Inbound
    from bot.settings import Settings

    work = tempfile.mkdtemp(prefix="tomoni-dates-")
    settings = Settings(database_url=f"sqlite:///{work}/dates.sqlite", data_dir=args.code.resolve())
    bot = build_bot(settings, load_data(args.code.resolve()))
    now = dt.datetime(2026, 12, 3, 20, 0, tzinfo=ZoneInfo("Asia/Tokyo"))
    replies = dated = misnamed = 0
    for n, (_lang, messages) in enumerate(QUESTIONS):
        for text in messages:
            reply = bot.handle(Inbound(channel="test", user_id=f"q{n}", text=text), now=now)
            if reply is None:
                continue
            days = [bot.renderer.date(reply.reply_language, now.date() + dt.timedelta(days=d)) for d in range(90)]
            replies += 1
            dated += any(day in reply.text for day in days)
            misnamed += NEVER_NAMED in reply.text and "赤堀今井" not in text
    print(f"replies showing a collection date: {dated}/{replies}; naming a town never named: {misnamed}/{replies}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
