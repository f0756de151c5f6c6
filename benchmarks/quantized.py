"""The ONNX embedder in int8 (onnxruntime's dynamic quantisation) against torch, over real texts.

    python -m benchmarks.quantized STORE [--cap N]

STORE is a data dir indexed from real articles, e.g. `whosaid --data-dir STORE index
../realnews-texts/articles ../shared/quote_data/PolNeAR/dev/text`; the texts compared are the
distinct texts its ingest embedded (chunks, quotes, the sentences around quotes). Issue 16
allows int8 only if it keeps answers: its nearest neighbours among these texts must agree with
torch's (recall@10 >= 0.99), as the float32 ONNX model's do. For each variant: the smallest
and mean cosine of a text's two vectors, recall@10 against torch's neighbours, and texts/s on
one intra-op thread (as an ingest worker runs it), float32 ONNX timed in the same process.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from benchmarks.common import table

# name -> quantize_dynamic arguments (weights int8, activations quantised at run time)
VARIANTS: dict[str, dict[str, Any]] = {
    "int8, onnxruntime defaults": {},
    "int8 per channel": {"per_channel": True},
    "int8 per channel, MatMul only": {"per_channel": True, "op_types_to_quantize": ["MatMul"]},
}


def quantize(src: Path, dest: Path, options: dict[str, Any]) -> None:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    quantize_dynamic(str(src), str(dest), weight_type=QuantType.QInt8, **options)


def top10(m: np.ndarray) -> np.ndarray:
    scores = m @ m.T
    np.fill_diagonal(scores, -9.0)
    return np.argsort(-scores, axis=1)[:, :10]


def recall(a: np.ndarray, b: np.ndarray) -> float:
    """Share of b's 10 nearest neighbours (each text among the others) that a finds too."""
    return float(
        np.mean([len(set(x) & set(y)) / 10 for x, y in zip(top10(a), top10(b), strict=True)])
    )


def run(store: Path, cap: int) -> list[list[object]]:
    from benchmarks.parallel_ingest import embedded_texts
    from retrieval.storage import embedding
    from retrieval.storage.embedding import OnnxEmbedder, SentenceTransformerEmbedder

    _, texts = embedded_texts(store)
    random.Random(7).shuffle(texts)
    texts = texts[:cap]
    embedding.BATCH_THREADS = 1  # as in an ingest worker
    reference = SentenceTransformerEmbedder().embed(texts)
    fp32 = OnnxEmbedder()
    fp32.embed(["Warm up."] * 10)
    rows: list[list[object]] = []

    def measure(name: str, emb: Any) -> None:
        emb.embed(["Warm up."] * 10)
        t0 = time.perf_counter()
        vecs = emb.embed(texts)
        rate = len(texts) / (time.perf_counter() - t0)
        cos = (vecs * reference).sum(axis=1)
        rows.append([name, float(cos.min()), float(cos.mean()), recall(vecs, reference), rate])

    measure("float32 (the ingest embedder)", fp32)
    fp32.tokenizer  # noqa: B018 - reads the model's config, exporting it if need be
    src = fp32._path
    assert src is not None
    with tempfile.TemporaryDirectory() as tmp:
        for name, options in VARIANTS.items():
            dest = Path(tmp) / f"{len(rows)}.onnx"
            quantize(src, dest, options)
            emb = OnnxEmbedder()
            emb.tokenizer  # noqa: B018
            emb._path = dest  # the same tokenizer and pooling, the quantised graph
            measure(name, emb)
    for row in rows[1:]:
        row.append(float(row[4]) / float(rows[0][4]))  # type: ignore[arg-type]
    rows[0].append(1.0)
    return rows


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("store", type=Path)
    ap.add_argument("--cap", type=int, default=2000, help="texts compared (a random sample)")
    args = ap.parse_args(argv)
    rows = run(args.store, args.cap)
    print(
        table(
            [
                "ONNX model",
                "min cosine vs torch",
                "mean cosine",
                "recall@10 vs torch",
                "texts/s (1 thread)",
                "× float32",
            ],
            rows,
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
