"""Benchmark: the translation service against CTranslate2 called directly, the cache, and memory per model.

    .venv/bin/python bench/translation.py [--sentences 300] [--package FILE.argosmodel]

Without --package it builds the tiny test package (random weights): the overhead ratio is meaningful, absolute
times are not (a real model is ~100x slower per sentence). With a real package (a deployer's server, online, after
`flask --app app translations install en` or from a file) the same command gives real-model figures.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.answering.catalog import load  # noqa: E402
from bot.answering.mt import MachineTranslator, discover  # noqa: E402

SENTENCES = ["when is the garbage day?", "thank you very much", "my child has a fever at night",
             "where do I throw old batteries?", "I want to talk to a person", "the bus fare is 200 yen"]


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sentences", type=int, default=300)
    parser.add_argument("--package", default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        if args.package:
            pkg = Path(args.package)
        else:
            from tests.tiny_argos import build

            pkg = build(Path(tmp), "en", "ja")
        with zipfile.ZipFile(pkg) as z:
            z.extractall(Path(tmp) / "pkgs")
        package = discover(Path(tmp) / "pkgs")[0]
        texts = [f"{SENTENCES[i % len(SENTENCES)]} {i}" for i in range(args.sentences)]

        before = rss_mb()
        package.load()
        model_mb = rss_mb() - before

        import ctranslate2
        import sentencepiece

        sp = sentencepiece.SentencePieceProcessor(model_file=str(package.path / "sentencepiece.model"))
        direct = ctranslate2.Translator(str(package.path / "model"), device="cpu", inter_threads=1, intra_threads=0)

        def raw(text: str) -> str:
            result = direct.translate_batch([sp.encode(text, out_type=str)], beam_size=2, max_decoding_length=256,
                                            replace_unknowns=True)
            return str(sp.decode(result[0].hypotheses[0]))

        service = MachineTranslator(load(ROOT / "translations"), packages=[package], memory_size=0)
        for text in texts[:20]:  # warm-up
            raw(text)
            service.translate(text, package.source, package.target)

        def timed(fn, items) -> list[float]:  # type: ignore[no-untyped-def]
            out = []
            for item in items:
                t0 = time.perf_counter()
                fn(item)
                out.append((time.perf_counter() - t0) * 1000)
            return out

        direct_ms: list[float] = []
        service_ms: list[float] = []
        for text in texts:  # interleaved, so both see the same machine state
            direct_ms += timed(raw, [text])
            service_ms += timed(lambda t: service.translate(t, package.source, package.target), [text])
        cached = MachineTranslator(load(ROOT / "translations"), packages=[package])
        for text in texts:
            cached.translate(text, package.source, package.target)
        hit_ms = timed(lambda t: cached.translate(t, package.source, package.target), texts)

    def p(values: list[float], q: float) -> float:
        return sorted(values)[int(q * (len(values) - 1))]

    ratio = statistics.median(service_ms) / statistics.median(direct_ms)
    print(f"package: {package.name} ({'tiny test model' if not args.package else pkg.name}); "
          f"{args.sentences} sentences; Python {sys.version.split()[0]}")
    print("| measure | p50 | p95 |\n|---|---|---|")
    print(f"| CTranslate2 + SentencePiece called directly | {statistics.median(direct_ms):.3f} ms | "
          f"{p(direct_ms, 0.95):.3f} ms |")
    print(f"| translation service (routing, cache look-up and store, model) | {statistics.median(service_ms):.3f} ms "
          f"| {p(service_ms, 0.95):.3f} ms |")
    print(f"| service overhead ratio (p50 service / p50 direct; goal <= 1.1) | {ratio:.2f} | |")
    print(f"| cache hit (memory) | {statistics.median(hit_ms):.4f} ms | {p(hit_ms, 0.95):.4f} ms |")
    print(f"| memory of one loaded model (peak RSS growth) | {model_mb:.0f} MB | |")


if __name__ == "__main__":
    main()
