"""Benchmark: start-up time, memory after start, and the latency of one answer in process.

    .venv/bin/python bench/core_latency.py [--cases ../shared/eval/dev.jsonl] [--rounds 5]

Prints a Markdown table for docs/evaluation.md. "understand" is language + intent + item + rendering without storage;
"handle" is the whole pipeline with SQLite writes (a fresh temporary database), as a channel would call it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.answering.assembly import build_bot, load_data  # noqa: E402
from bot.messages import Inbound  # noqa: E402
from bot.settings import ROOT, Settings  # noqa: E402
from bot.understanding.language import detect  # noqa: E402
from bot.understanding.text import fold  # noqa: E402


def rss_mb() -> float:
    """Peak resident memory of this process in MB (Linux reports KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def pct(values: list[float], p: float) -> float:
    """The p-th percentile (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", default=str(ROOT.parent / "shared/eval/dev.jsonl"))
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    texts = [json.loads(line)["text"] for line in Path(args.cases).read_text(encoding="utf-8").splitlines() if line]

    base = rss_mb()
    t0 = time.perf_counter()
    data = load_data(ROOT)
    t1 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        bot = build_bot(Settings(database_url=f"sqlite:///{tmp}/bench.sqlite"), data)
        t2 = time.perf_counter()
        after_start = rss_mb()
        now = dt.datetime(2026, 11, 30, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=9)))

        understand: list[float] = []
        for _ in range(args.rounds):
            for text in texts:
                s = time.perf_counter()
                folded = fold(text)
                finds = bot.lexicon.find(folded)
                detect(text, bot.lexicon, finds)
                u = bot.matcher.understand(folded, finds)
                bot.renderer.answer(u.answer_key, "en", now.date(), item=u.item, category=u.category)
                understand.append((time.perf_counter() - s) * 1000)
        handle: list[float] = []
        for r in range(args.rounds):
            for i, text in enumerate(texts):
                s = time.perf_counter()
                bot.handle(Inbound(channel="bench", user_id=f"u{r}-{i}", text=text), now=now)
                handle.append((time.perf_counter() - s) * 1000)

    print(f"cases: {len(texts)} x {args.rounds} rounds; Python {sys.version.split()[0]}")
    print("| measure | value |\n|---|---|")
    print(f"| load data (knowledge, {len(bot.lexicon.entries)} vocabulary entries, rules, translations) | {t1 - t0:.2f} s |")
    print(f"| build bot (migrations, detector model, examples) | {t2 - t1:.2f} s |")
    print(f"| peak RSS before / after start | {base:.0f} MB / {after_start:.0f} MB |")
    for name, values in (("understand + render (no storage)", understand), ("handle (whole pipeline, SQLite)", handle)):
        print(f"| {name}: p50 / p95 / max | {statistics.median(values):.2f} / {pct(values, 95):.2f} / "
              f"{max(values):.2f} ms |")


if __name__ == "__main__":
    main()
