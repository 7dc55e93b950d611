"""Language detection alone, on labelled sets: the share of messages whose detected language is the label.

    .venv/bin/python eval/language_check.py eval/blind/blind-phone.jsonl eval/blind/blind-mixed.jsonl ...

Each message is judged on its own (no conversation, no sticky language), with the vocabulary of intents/.
Prints one line per set, the total, and the most frequent confusions (label -> detected)."""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.understanding import language, lexicon  # noqa: E402


def main(paths: list[str]) -> None:
    lex = lexicon.load(ROOT / "intents")
    total = right = 0
    confusions: Counter[tuple[str, str | None]] = Counter()
    for path in paths:
        n = ok = 0
        for line in open(path, encoding="utf-8"):
            case = json.loads(line)
            if case.get("lang") not in language.SERVED:
                continue
            got = language.detect(case["text"], lex).lang
            n, ok = n + 1, ok + (got == case["lang"])
            if got != case["lang"]:
                confusions[(case["lang"], got)] += 1
        print(f"{path:45s} {ok}/{n} = {100 * ok / max(n, 1):.1f} %")
        total, right = total + n, right + ok
    print(f"{'all':45s} {right}/{total} = {100 * right / max(total, 1):.1f} %")
    print("confusions:", ", ".join(f"{a}->{b} {c}" for (a, b), c in confusions.most_common(10)))


if __name__ == "__main__":
    main(sys.argv[1:])
