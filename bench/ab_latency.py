"""Benchmark: the whole pipeline's time per message in two checkouts of Tomoni, run side by side and interleaved.

    .venv/bin/python bench/ab_latency.py --base /tmp/tomoni-main --after . [--rounds 12] [--cases FILE]

On a shared machine a single run of bench/core_latency.py moves by 2x from one minute to the next; here both
checkouts stay loaded in their own process and take turns (base, after, after, base, ...), each turn answering every
case once on a fresh user, so both see the same load. Prints the median wall and CPU time per message of each.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve()


def worker(root: str, cases: str) -> None:
    """One checkout: build its bot, then answer every case once per line read on stdin; print the times."""
    sys.path.insert(0, root)
    try:
        from bot.answering.assembly import build_bot, load_data
    except ImportError:  # a checkout from before the modules moved into folders
        from bot.core import build_bot, load_data  # type: ignore[no-redef]
    from bot.messages import Inbound
    from bot.settings import Settings

    texts = [json.loads(line)["text"] for line in Path(cases).read_text(encoding="utf-8").splitlines() if line]
    with tempfile.TemporaryDirectory() as tmp:
        bot = build_bot(Settings(database_url=f"sqlite:///{tmp}/bench.sqlite"), load_data(Path(root)))
        now = dt.datetime(2026, 11, 30, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=9)))
        for turn, _ in enumerate(sys.stdin):
            wall, cpu = time.perf_counter(), time.process_time()
            for i, text in enumerate(texts):
                bot.handle(Inbound(channel="bench", user_id=f"u{turn}-{i}", text=text), now=now)
            print(json.dumps([(time.perf_counter() - wall) * 1000 / len(texts),
                              (time.process_time() - cpu) * 1000 / len(texts)]), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--after", default=str(HERE.parent.parent))
    parser.add_argument("--rounds", type=int, default=12)
    parser.add_argument("--cases", default=str(HERE.parent.parent.parent / "shared/eval/dev.jsonl"))
    parser.add_argument("--worker", default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.cases)
        return
    env = {**os.environ, "ARGOS_PACKAGES_DIR": tempfile.mkdtemp()}  # no models: the nine's path only
    procs = {name: subprocess.Popen([sys.executable, str(HERE), "--base", "-", "--worker", str(Path(root).resolve()),
                                     "--cases", args.cases], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                    env=env)
             for name, root in (("base", args.base), ("after", args.after))}
    times: dict[str, list[list[float]]] = {name: [] for name in procs}
    for turn in range(args.rounds):
        order = list(procs) if turn % 2 == 0 else list(reversed(procs))
        for name in order:
            proc = procs[name]
            assert proc.stdin and proc.stdout
            proc.stdin.write("go\n")
            proc.stdin.flush()
            times[name].append(json.loads(proc.stdout.readline()))
    for proc in procs.values():
        assert proc.stdin
        proc.stdin.close()
        proc.wait()
    print(f"{args.rounds} interleaved turns of {Path(args.cases).name} per checkout; Python {sys.version.split()[0]}")
    print("| checkout | wall per message, median | CPU per message, median |\n|---|---|---|")
    for name, rows in times.items():
        wall, cpu = statistics.median(r[0] for r in rows), statistics.median(r[1] for r in rows)
        print(f"| {name} | {wall:.2f} ms | {cpu:.2f} ms |")


if __name__ == "__main__":
    main()
