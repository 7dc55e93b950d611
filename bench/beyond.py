"""Benchmark: the whole pipeline for a resident who writes a language beyond the nine (Korean), without a model, with
a model translating the answer, and with that answer's sentences already cached; a served language beside them.

    .venv/bin/python bench/beyond.py [--rounds 30] [--package-dir DIR]

Without --package-dir it builds the tiny test packages en <-> ko (random weights): the routing, sentence splitting,
fact check, cache and label costs are real, the model's time is not (a real model takes about 150 ms per short
sentence warm, reported elsewhere). With a folder of real installed packages (a deployer's server) the figures are real.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.answering.assembly import build_bot, load_data  # noqa: E402
from bot.answering.mt import discover, unpack  # noqa: E402
from bot.messages import Inbound  # noqa: E402
from bot.settings import Settings  # noqa: E402

KOREAN = ["건전지는 어디에 버려요?", "쓰레기 봉투는 어디서 사요?", "일본어 교실 있어요?", "버스 타고 싶어요", "이사했어요"]
SERVED = ["onde jogo pilhas?", "¿dónde compro bolsas de basura?", "may klase ba ng hapon?", "Khi nào đổ rác nhựa?",
          "where do I throw batteries?"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--package-dir", default=None)
    args = parser.parse_args()
    now = dt.datetime(2026, 11, 30, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=9)))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(args.package_dir) if args.package_dir else Path(tmp) / "packages"
        if not args.package_dir:
            from tests.tiny_argos import build

            for source, target in (("en", "ko"), ("ko", "en")):
                unpack(build(Path(tmp), source, target), folder)
        bot = build_bot(Settings(database_url=f"sqlite:///{tmp}/bench.sqlite"), load_data(ROOT))
        assert bot.translator is not None
        packages = {(p.source, p.target): p for p in discover(folder)}

        def run(texts: list[str], tag: str) -> list[float]:
            out = []
            for r in range(args.rounds):
                for i, text in enumerate(texts):
                    started = time.perf_counter()
                    bot.handle(Inbound(channel="bench", user_id=f"{tag}-{r}-{i}", text=text), now=now)
                    out.append((time.perf_counter() - started) * 1000)
            return out

        bot.translator.packages = {}
        rows = [("a served language (curated)", run(SERVED, "served")),
                ("Korean, no model: English answer with the Korean notice", run(KOREAN, "none"))]
        bot.translator.packages = packages
        first = []
        for i, text in enumerate(KOREAN):  # each answer's sentences through the model once (cache empty)
            started = time.perf_counter()
            bot.handle(Inbound(channel="bench", user_id=f"first-{i}", text=text), now=now)
            first.append((time.perf_counter() - started) * 1000)
        rows += [("Korean, machine translation, first time (model)", first),
                 ("Korean, machine translation, cached sentences", run(KOREAN, "cached"))]

    def p95(values: list[float]) -> float:
        return sorted(values)[int(0.95 * (len(values) - 1))]

    print(f"packages: {', '.join(sorted(p.name for p in packages.values()))} "
          f"({'tiny test models' if not args.package_dir else folder}); {args.rounds} rounds; "
          f"Python {sys.version.split()[0]}")
    print("| whole pipeline (SQLite) | p50 | p95 | n |\n|---|---|---|---|")
    for name, values in rows:
        print(f"| {name} | {statistics.median(values):.2f} ms | {p95(values):.2f} ms | {len(values)} |")


if __name__ == "__main__":
    main()
