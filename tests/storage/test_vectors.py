"""The FAISS cache: quantised exact search, removal, atomic generation-stamped files, HNSW
tombstones, rebuilding a file of an older format."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from pathlib import Path

import faiss
import numpy as np
import pytest

from retrieval.storage import vectors
from retrieval.storage.vectors import VectorIndex


def _unit(n: int, dim: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    v = rng.normal(size=(n, dim)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_two_searches_of_one_index_run_at_once_and_a_write_waits_for_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Who-said searches the quote index for two texts side by side: both are inside the
    index together, and a removal waits until they are done."""
    vecs = _unit(50, 16)
    ix = VectorIndex(16, "quote")
    ix.build(np.arange(100, 150, dtype=np.int64), vecs, generation=1)
    inside = threading.Barrier(3, timeout=10)  # broken if one search waits for the other
    leave = threading.Event()

    @contextlib.contextmanager
    def searching() -> Iterator[None]:
        inside.wait()
        leave.wait(10)
        yield

    monkeypatch.setattr(vectors, "_one_thread", searching)
    found: list[int] = []
    searches = [
        threading.Thread(target=lambda v=v: found.append(ix.search(v, 1)[0][0])) for v in vecs[:2]
    ]
    for t in searches:
        t.start()
    inside.wait()
    removal = threading.Thread(target=ix.remove, args=([100],))
    removal.start()
    removal.join(0.3)
    assert removal.is_alive()  # waiting for the searches
    leave.set()
    for t in [*searches, removal]:
        t.join(10)
    assert sorted(found) == [100, 101] and ix.ntotal == 49


def test_search_finds_the_vector_itself_and_removal_hides_it(tmp_path: Path) -> None:
    vecs = _unit(50, 16)
    ix = VectorIndex(16, "chunk")
    ix.build(np.arange(100, 150, dtype=np.int64), vecs, generation=1)
    top = ix.search(vecs[7], 3)
    # The index holds 8-bit codes: its own scores are within a step of the cosine (the
    # engine re-scores hits exactly with SQLite's fp32 vectors, see test_engine).
    assert top[0][0] == 107 and top[0][1] == pytest.approx(1.0, abs=0.01)
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


def test_vectors_take_8_bit_codes_trained_on_the_data(tmp_path: Path) -> None:
    vecs = _unit(3000, 32) * np.linspace(0.2, 1.0, 32, dtype=np.float32)  # uneven ranges
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    ix = VectorIndex(32, "chunk")
    ix.build(np.arange(3000, dtype=np.int64), vecs, generation=1)
    sq = vectors._quantiser(ix.index)
    assert sq is not None and not vectors._coarse(sq) and not ix.stale()
    assert ix.nbytes() == 3000 * (32 + 8)  # a byte a dimension plus the id
    found = ix.search(vecs[42], 5)
    exact = vecs @ vecs[42]
    assert found[0][0] == 42
    for vid, score in found:  # within a few quantisation steps of the cosine
        assert score == pytest.approx(float(exact[vid]), abs=0.01)
    widths = faiss.vector_to_array(sq.trained)[32:]
    assert widths[0] < 1.0 < widths[-1] < 2.0  # each dimension its own range, within [-1, 1]


def test_a_small_index_is_coarse_and_asks_for_a_rebuild_once_grown() -> None:
    vecs = _unit(1200, 16)
    ix = VectorIndex(16, "quote")
    ix.build(np.arange(10, dtype=np.int64), vecs[:10], generation=1)
    assert not ix.stale()  # too few vectors to train on: the unit range, fine for now
    ix.add(list(range(10, 1200)), vecs[10:])
    assert ix.stale()
    ix.build(np.arange(1200, dtype=np.int64), vecs, generation=2)
    assert not ix.stale()
    few = _unit(1200, 2)  # two dimensions: the data spans the whole unit range
    ix2 = VectorIndex(2, "quote")
    ix2.build(np.arange(1200, dtype=np.int64), few, generation=1)
    assert not ix2.stale()  # trained on data all the same: rebuilding would not help


def test_compaction_keeps_the_codes(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(vectors, "HNSW_THRESHOLD", 1000)
    vecs = _unit(1500, 16)
    ix = VectorIndex(16, "chunk")
    ix.build(np.arange(1500, dtype=np.int64), vecs, generation=1)
    assert vectors._is_hnsw(ix.index)
    before = ix.index.index.reconstruct_n(0, 1500)
    ix.remove([0])
    ix.save(tmp_path, 2)
    fresh = VectorIndex(16, "chunk")
    assert fresh.load(tmp_path, 2) and fresh.index.ntotal == 1499
    ids = faiss.vector_to_array(fresh.index.id_map)
    after = fresh.index.index.reconstruct_n(0, 1499)
    assert np.array_equal(after, before[ids])


def test_a_file_of_an_older_format_is_not_loaded(tmp_path: Path) -> None:
    """Files written before the quantised format (fp32 `IndexFlatIP`) are rebuilt from SQLite
    by the engine: `load` declines them rather than serving the old format on."""
    vecs = _unit(20, 8)
    old = faiss.IndexIDMap2(faiss.IndexFlatIP(8))
    old.add_with_ids(vecs, np.arange(20, dtype=np.int64))
    faiss.write_index(old, str(tmp_path / "chunk-4.faiss"))
    ix = VectorIndex(8, "chunk")
    assert not ix.load(tmp_path, 4) and ix.ntotal == 0


def _ivf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(vectors, "IVF_THRESHOLD", 2_000)
    monkeypatch.setattr(vectors, "IVF_LISTS", 16)
    monkeypatch.setattr(vectors, "IVF_PROBE", 4)
    monkeypatch.setattr(vectors, "IVF_TRAIN", 1_200)


def _clustered(n: int, dim: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = _unit(32, dim, seed + 1)
    v = centres[rng.integers(0, 32, n)] + 0.3 * rng.normal(size=(n, dim)).astype(np.float32)
    return (v / np.linalg.norm(v, axis=1, keepdims=True)).astype(np.float32)


def test_an_inverted_file_beyond_the_ivf_threshold(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Past IVF_THRESHOLD vectors the index scans a few k-means cells of 8-bit codes; a search
    among given ids scans every cell (exact over them); removal is in place; files reload."""
    _ivf(monkeypatch)
    vecs = _clustered(3_000, 16)
    ids = np.arange(1_000, 4_000, dtype=np.int64)
    ix = VectorIndex(16, "chunk")
    batches = [(ids[:1_200], vecs[:1_200]), (ids[1_200:], vecs[1_200:])]  # the first trains
    ix.build_batches(batches, len(ids), generation=1)
    assert vectors._is_ivf(ix.index) and not ix.stale()
    assert ix.nbytes() == 3_000 * (16 + 8) + 16 * 16 * 4
    assert ix.search(vecs[5], 1)[0][0] == 1_005
    exact = np.argsort(-(vecs @ vecs[5]))[:10] + 1_000
    found = {i for i, _ in ix.search(vecs[5], 10)}
    assert len(found & set(exact.tolist())) >= 8
    among = list(range(1_000, 4_000, 7))
    want = sorted(among, key=lambda i: -float(vecs[i - 1_000] @ vecs[5]))[:5]
    assert [i for i, _ in ix.search(vecs[5], 5, among=among)] == want
    ix.remove([1_005])
    assert all(i != 1_005 for i, _ in ix.search(vecs[5], 10)) and ix.ntotal == 2_999
    ix.save(tmp_path, 2)
    fresh = VectorIndex(16, "chunk")
    assert fresh.load(tmp_path, 2) and fresh.ntotal == 2_999 and vectors._is_ivf(fresh.index)
    assert fresh.search(vecs[6], 1)[0][0] == 1_006


def test_an_exact_index_grown_past_the_ivf_threshold_asks_for_a_rebuild(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _ivf(monkeypatch)
    vecs = _clustered(4_200, 16)
    ix = VectorIndex(16, "quote")
    ix.build(np.arange(1_500, dtype=np.int64), vecs[:1_500], generation=1)
    assert not vectors._is_ivf(ix.index) and not ix.stale()
    ix.add(list(range(1_500, 4_200)), vecs[1_500:])
    assert ix.stale()
    assert vectors.train_size(4_200) == 1_200
