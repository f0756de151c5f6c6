"""The FAISS cache: exact search, removal, atomic generation-stamped files, HNSW tombstones."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from retrieval import vectors
from retrieval.vectors import VectorIndex


def _unit(n: int, dim: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    v = rng.normal(size=(n, dim)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_search_finds_the_vector_itself_and_removal_hides_it(tmp_path: Path) -> None:
    vecs = _unit(50, 16)
    ix = VectorIndex(16, "chunk")
    ix.build(np.arange(100, 150, dtype=np.int64), vecs, generation=1)
    top = ix.search(vecs[7], 3)
    assert top[0][0] == 107 and top[0][1] == pytest.approx(1.0, abs=1e-5)
    ix.remove([107])
    assert all(i != 107 for i, _ in ix.search(vecs[7], 10))
    assert ix.ntotal == 49


def test_files_are_stamped_with_the_generation(tmp_path: Path) -> None:
    vecs = _unit(10, 8)
    ix = VectorIndex(8, "quote")
    ix.build(np.arange(10, dtype=np.int64), vecs, generation=3)
    ix.save(tmp_path, 3)
    ix.add([10], _unit(1, 8, seed=1))
    ix.save(tmp_path, 4)
    assert [p.name for p in sorted(tmp_path.glob("*.faiss"))] == ["quote-4.faiss"]
    assert not list(tmp_path.glob(".*tmp"))
    fresh = VectorIndex(8, "quote")
    assert not fresh.load(tmp_path, 3)
    assert fresh.load(tmp_path, 4) and fresh.ntotal == 11


def test_hnsw_beyond_the_threshold_uses_tombstones(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(vectors, "HNSW_THRESHOLD", 100)
    vecs = _unit(300, 16)
    ix = VectorIndex(16, "chunk")
    ix.build(np.arange(300, dtype=np.int64), vecs, generation=1)
    assert vectors._is_hnsw(ix.index)
    assert ix.search(vecs[5], 1)[0][0] == 5
    ix.remove([5])
    assert all(i != 5 for i, _ in ix.search(vecs[5], 10))
    ix.save(tmp_path, 2)  # compaction drops tombstoned vectors from the file
    fresh = VectorIndex(16, "chunk")
    assert fresh.load(tmp_path, 2) and fresh.index.ntotal == 299


def test_a_corrupt_file_is_reported(tmp_path: Path) -> None:
    (tmp_path / "chunk-2.faiss").write_bytes(b"not a faiss index")
    from retrieval.errors import IndexCorruptError

    with pytest.raises(IndexCorruptError):
        VectorIndex(8, "chunk").load(tmp_path, 2)
