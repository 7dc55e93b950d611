"""Build tiny but valid Argos packages offline (SentencePiece + a CTranslate2 transformer with random weights).

The translations are nonsense; the files, the installer, the loading and the decoding are the real ones.
After ../shared/notes/offline-translation.md (1.4), without the optional MiniSBD model.
"""

from __future__ import annotations

import io
import json
import random
import zipfile
from pathlib import Path

import numpy as np

_SEED = ["hello", "thank you", "when is the garbage day?", "ゴミの日はいつですか", "相談したいです",
         "onde jogo pilhas?", "¿cuándo es el día de la basura?", "Khi nào đổ rác nhựa?", "Saan ko itatapon ang baterya?",
         "垃圾什么时候扔？", "फोहोर कहिले फाल्ने?", "Kapan hari sampah?", "日本語教室", "obrigado", "salamat po"]


def _sentencepiece(path: Path) -> list[str]:
    import sentencepiece as spm

    rnd, buf = random.Random(0), io.BytesIO()
    corpus = [" ".join(rnd.choice(_SEED) for _ in range(rnd.randint(1, 3))) for _ in range(400)]
    spm.SentencePieceTrainer.train(sentence_iterator=iter(corpus), model_writer=buf, vocab_size=256,
                                   hard_vocab_limit=False, character_coverage=1.0, minloglevel=2, num_threads=1)
    path.write_bytes(buf.getvalue())
    sp = spm.SentencePieceProcessor(model_file=str(path))
    return [sp.id_to_piece(i) for i in range(sp.get_piece_size())]


def _ct2_model(model_dir: Path, vocab: list[str], d: int = 16, ffn: int = 32) -> None:
    from ctranslate2.specs import transformer_spec

    rng = np.random.default_rng(0)

    def w(*shape: int) -> np.ndarray:
        return (rng.standard_normal(shape) * 0.1).astype(np.float32)

    def ln(s) -> None:
        s.gamma, s.beta = np.ones(d, np.float32), np.zeros(d, np.float32)

    def lin(s, o: int, i: int) -> None:
        s.weight, s.bias = w(o, i), np.zeros(o, np.float32)

    spec = transformer_spec.TransformerSpec.from_config(num_layers=(1, 1), num_heads=2)
    size, enc, dec = len(vocab), spec.encoder, spec.decoder
    enc.embeddings[0].weight, dec.embeddings.weight = w(size, d), w(size, d)
    ln(enc.layer_norm)
    ln(dec.layer_norm)
    lin(dec.projection, size, d)
    dec.projection.bias[vocab.index("</s>")] = 3.0  # else random weights decode to the maximum length
    for layer in list(enc.layer) + list(dec.layer):
        ln(layer.self_attention.layer_norm)
        lin(layer.self_attention.linear[0], 3 * d, d)
        lin(layer.self_attention.linear[1], d, d)
        ln(layer.ffn.layer_norm)
        lin(layer.ffn.linear_0, ffn, d)
        lin(layer.ffn.linear_1, d, ffn)
    for layer in dec.layer:
        ln(layer.attention.layer_norm)
        lin(layer.attention.linear[0], d, d)
        lin(layer.attention.linear[1], 2 * d, d)
        lin(layer.attention.linear[2], d, d)
    spec.register_source_vocabulary(vocab)
    spec.register_target_vocabulary(vocab)
    spec.validate()
    spec.optimize()
    spec.save(str(model_dir))


def build(out_dir: Path, from_code: str, to_code: str, version: str = "0.0.1", target_prefix: str = "") -> Path:
    """A .argosmodel file translating from_code -> to_code."""
    name = f"translate-{from_code}_{to_code}"
    root = out_dir / "src" / name
    (root / "model").mkdir(parents=True, exist_ok=True)
    vocab = _sentencepiece(root / "sentencepiece.model")
    _ct2_model(root / "model", vocab)
    meta = {"package_version": version, "argos_version": "1.0", "type": "translate", "from_code": from_code,
            "from_name": from_code, "to_code": to_code, "to_name": to_code}
    if target_prefix:
        meta["target_prefix"] = target_prefix
    (root / "metadata.json").write_text(json.dumps(meta))
    pkg = out_dir / f"{name}.argosmodel"
    with zipfile.ZipFile(pkg, "w", zipfile.ZIP_DEFLATED) as z:
        for p in sorted(root.rglob("*")):
            z.write(p, p.relative_to(root.parent))
    return pkg
