"""The `NearestIndex` contract, run against each real backend: the FAISS cache (in memory,
files beside the store) and Milvus Lite (a real embedded Milvus in a .db file).

Add, remove, filtered search, generation stamps and restart: what the vector cache relies on.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from retrieval.storage.interfaces import NearestIndex
from retrieval.storage.milvus import MilvusBackend, MilvusIndex
from retrieval.storage.milvus import index as milvus_module
from retrieval.storage.vectors import VectorIndex
from tests.conftest import ROOT

DIM = 32
N = 300
# FAISS keeps 8-bit codes (the cache re-scores with the stored fp32 vectors); Milvus is exact.
TOLERANCE = {"faiss": 0.02, "milvus": 1e-5}


def _vectors(n: int = N, seed: int = 0) -> tuple[list[int], np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, DIM)).astype(np.float32)
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    return [1000 + i for i in range(n)], x


IDS, VECS = _vectors()
# what a Milvus collection filters on: the article (10 vectors an article) and the speaker
FIELDS = {vid: (f"art{i // 10}", i % 7) for i, vid in enumerate(IDS)}


def _fields(vids: object) -> dict[int, tuple[str, int]]:
    return {int(v): FIELDS[int(v)] for v in vids}  # type: ignore[attr-defined]


class Backend:
    """Opens indexes of one backend over one place, and reopens them as a new process would."""

    def __init__(self, name: str, where: Path) -> None:
        self.name = name
        self.where = where
        self.milvus: MilvusBackend | None = None

    def index(self, kind: str = "chunk") -> NearestIndex:
        if self.name == "faiss":
            return VectorIndex(DIM, kind)
        if self.milvus is None:
            self.milvus = MilvusBackend(str(self.where / "vectors.db"))
        return MilvusIndex(self.milvus, DIM, kind, _fields)

    def restart(self) -> None:
        """Let go of everything held in this process (the Milvus Lite file included)."""
        if self.milvus is not None:
            self.milvus.close()
            self.milvus = None


@pytest.fixture(params=["faiss", "milvus"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Backend]:
    b = Backend(request.param, tmp_path)
    yield b
    b.restart()


def _built(b: Backend, n: int = N, generation: int = 1) -> NearestIndex:
    ix = b.index()
    ix.build_batches([(np.array(IDS[:n]), VECS[:n])], n, generation)
    return ix


def _exact(q: np.ndarray, ids: list[int], k: int) -> list[int]:
    rows = [IDS.index(i) for i in ids]
    scores = VECS[rows] @ q
    return [ids[j] for j in np.argsort(-scores)[:k]]


def test_a_stored_vector_finds_itself_first_with_its_score(backend: Backend) -> None:
    ix = _built(backend)
    for row in (0, 17, N - 1):
        hits = ix.search(VECS[row], 5)
        assert hits[0][0] == IDS[row]
        assert hits[0][1] == pytest.approx(1.0, abs=TOLERANCE[backend.name])
        assert [s for _, s in hits] == sorted((s for _, s in hits), reverse=True)


def test_scores_are_inner_products(backend: Backend) -> None:
    ix = _built(backend)
    q = VECS[3]
    for vid, score in ix.search(q, 10):
        assert score == pytest.approx(float(VECS[IDS.index(vid)] @ q), abs=TOLERANCE[backend.name])


def test_add_after_build_is_found(backend: Backend) -> None:
    ix = _built(backend, n=N - 20)
    ix.add(IDS[N - 20 :], VECS[N - 20 :])
    assert ix.search(VECS[N - 5], 1)[0][0] == IDS[N - 5]


def test_removed_vectors_are_never_returned(backend: Backend) -> None:
    ix = _built(backend)
    gone = IDS[:50]
    ix.remove(gone)
    for row in (0, 10, 49):
        hits = ix.search(VECS[row], 20)
        assert hits and not {vid for vid, _ in hits} & set(gone)
    assert ix.search(VECS[60], 1)[0][0] == IDS[60]


def test_search_among_ids_keeps_only_those(backend: Backend) -> None:
    ix = _built(backend)
    among = IDS[100:140:3]
    q = VECS[5]
    hits = ix.search(q, 4, among=among)
    assert [vid for vid, _ in hits] == _exact(q, among, 4)
    assert ix.search(q, 4, among=[]) == []
    assert ix.search(q, 30, among=among[:2]) and len(ix.search(q, 30, among=among[:2])) == 2


def test_restart_finds_the_vectors_at_their_generation(backend: Backend, tmp_path: Path) -> None:
    ix = _built(backend, generation=7)
    ix.remove(IDS[:5])
    ix.save(tmp_path, 8)
    backend.restart()
    again = backend.index()
    assert again.load(tmp_path, 8)
    assert again.generation == 8
    assert again.search(VECS[42], 1)[0][0] == IDS[42]
    assert not {vid for vid, _ in again.search(VECS[2], 20)} & set(IDS[:5])


def test_an_index_behind_the_store_does_not_load(
    backend: Backend, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(milvus_module, "GRACE_S", 0.0)  # no writer is following the store
    ix = _built(backend, generation=3)
    ix.save(tmp_path, 3)
    backend.restart()
    assert not backend.index().load(tmp_path, 4)  # the store moved on: rebuild from it
    assert not backend.index("quote").load(tmp_path, 3)  # nothing of that kind stored yet


def test_a_rebuild_replaces_what_was_there(backend: Backend, tmp_path: Path) -> None:
    ix = _built(backend, generation=1)
    ix.build_batches([(np.array(IDS[200:]), VECS[200:])], N - 200, 2)
    assert ix.generation == 2
    hits = ix.search(VECS[0], 50)
    assert {vid for vid, _ in hits} <= set(IDS[200:])


# -- Milvus only: the fields a collection filters on ------------------------------------------
@pytest.fixture
def milvus(tmp_path: Path) -> Iterator[MilvusIndex]:
    b = Backend("milvus", tmp_path)
    ix = _built(b)
    assert isinstance(ix, MilvusIndex)
    yield ix
    b.restart()


def test_milvus_search_within_articles(milvus: MilvusIndex) -> None:
    q = VECS[0]
    hits = milvus.search(q, 5, articles=["art3", "art7"])
    allowed = [vid for vid in IDS if FIELDS[vid][0] in {"art3", "art7"}]
    assert [vid for vid, _ in hits] == _exact(q, allowed, 5)


def test_milvus_search_by_speaker_and_ids_together(milvus: MilvusIndex) -> None:
    q = VECS[9]
    among = IDS[:150]
    hits = milvus.search(q, 3, among=among, speakers=[2])
    allowed = [vid for vid in among if FIELDS[vid][1] == 2]
    assert [vid for vid, _ in hits] == _exact(q, allowed, 3)
    assert milvus.search(q, 3, speakers=[]) == []


def test_milvus_searches_several_vectors_in_one_call(milvus: MilvusIndex) -> None:
    queries = [VECS[2], VECS[40], VECS[2]]
    one_by_one = [milvus.search(q, 6) for q in queries]
    together = milvus.search_batch(queries, 6)
    # the same hits; a score may differ in its last bits (a matrix product, not one per row)
    assert [[v for v, _ in h] for h in together] == [[v for v, _ in h] for h in one_by_one]
    for hits, alone in zip(together, one_by_one, strict=True):
        assert [s for _, s in hits] == pytest.approx([s for _, s in alone], abs=1e-6)
    assert [[vid for vid, _ in hits] for hits in one_by_one] == [_exact(q, IDS, 6) for q in queries]
    assert milvus.search_batch([], 6) == []
    assert milvus.search_batch(queries[:1], 0) == [[]]


def test_milvus_a_collection_a_writer_is_following_is_used_as_it_is(
    milvus: MilvusIndex, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Shared by processes: one just behind the store but touched by a writer is used (and
    checked again later); one behind and untouched past the grace is reloaded."""
    milvus.save(tmp_path, 5)
    other = MilvusIndex(milvus.backend, DIM, "chunk", _fields)
    milvus.touch()  # a writer is about to move the store to 6
    assert other.load(tmp_path, 6) and other.generation == 5
    milvus.advance(5, 6)
    assert other.load(tmp_path, 6) and other.generation == 6
    milvus.advance(5, 7)  # the stamp moves on only from the generation it mirrors
    assert other.load(tmp_path, 6) and other.generation == 6
    monkeypatch.setattr(milvus_module, "GRACE_S", 0.0)
    assert not other.load(tmp_path, 7)


def test_milvus_lite_file_serves_one_process_at_a_time(tmp_path: Path) -> None:
    """A second client in this process shares the embedded server; another process is refused
    with one clear error until this one lets go of the file."""
    path = str(tmp_path / "v.db")
    other = [
        sys.executable,
        "-c",
        f"from retrieval.storage.milvus import MilvusBackend as M; M({path!r})",
    ]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    first = MilvusBackend(path)
    second = MilvusBackend(path)
    second.close()  # the file stays held while `first` is open
    try:
        assert second.uri == first.uri
        refused = subprocess.run(other, capture_output=True, text=True, env=env, timeout=120)
        assert refused.returncode != 0
        assert "StoreError: cannot open Milvus" in refused.stderr
        assert "another process" in refused.stderr
        assert "DataDirLockedError" not in refused.stderr  # no library traceback
    finally:
        first.close()
    assert subprocess.run(other, env=env, timeout=120).returncode == 0


def test_milvus_refuses_a_lite_path_without_db(tmp_path: Path) -> None:
    from retrieval.errors import StoreError

    with pytest.raises(StoreError, match=r"\.db"):
        MilvusBackend(str(tmp_path / "vectors"))


# -- Milvus only: an inverted file once a collection is large ---------------------------------
@pytest.fixture
def inverted(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[MilvusIndex]:
    """A collection built past the (lowered) threshold: 4 cells a segment, 1 scanned."""
    monkeypatch.setattr(milvus_module, "IVF_THRESHOLD", 100)
    monkeypatch.setattr(milvus_module, "IVF_LISTS", 4)
    monkeypatch.setattr(milvus_module, "IVF_PROBE", 1)
    b = Backend("milvus", tmp_path)
    ix = _built(b, generation=3)
    assert isinstance(ix, MilvusIndex)
    ix.save(tmp_path, 3)
    yield ix
    b.restart()


def test_milvus_builds_an_inverted_file_past_the_threshold(inverted: MilvusIndex) -> None:
    """Every row is indexed before the first search, and an unfiltered search scans the
    probed cells only: one of four cannot hold all of the exact 40 nearest of 300 vectors
    spread evenly."""
    info = inverted._index()
    assert inverted.inverted and info["index_type"] == "IVF_FLAT"
    assert info["indexed_rows"] == N and not info.get("pending_index_rows")
    q = VECS[11]
    hits = [vid for vid, _ in inverted.search(q, 40)]
    assert hits[0] == IDS[11]
    assert set(hits) != set(_exact(q, IDS, 40))


def test_milvus_filtered_search_on_an_inverted_file_scans_every_cell(
    inverted: MilvusIndex, tmp_path: Path
) -> None:
    """A speaker's quotes lie in every cell: a filtered search finds the exact best of
    them, also after a restart (the collection says which index it has)."""
    q = VECS[5]
    speaker = [vid for vid in IDS if FIELDS[vid][1] == 3]
    assert [vid for vid, _ in inverted.search(q, 30, speakers=[3])] == _exact(q, speaker, 30)
    within = [vid for vid in IDS if FIELDS[vid][0] in {"art2", "art20"}]
    hits = inverted.search(q, 20, articles=["art2", "art20"])
    assert [vid for vid, _ in hits] == _exact(q, within, 20)
    inverted.backend.close()
    again = MilvusIndex(MilvusBackend(str(tmp_path / "vectors.db")), DIM, "chunk", _fields)
    try:
        assert again.load(tmp_path, 3) and again.inverted
        assert [vid for vid, _ in again.search(q, 30, speakers=[3])] == _exact(q, speaker, 30)
    finally:
        again.backend.close()


def test_milvus_below_the_threshold_stays_exact(tmp_path: Path) -> None:
    b = Backend("milvus", tmp_path)
    try:
        ix = _built(b)
        assert isinstance(ix, MilvusIndex) and not ix.inverted
        assert ix._index()["index_type"] == "FLAT"
    finally:
        b.restart()


def test_milvus_lite_collection_grown_past_twice_the_threshold_is_rebuilt_inverted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    b = Backend("milvus", tmp_path)
    try:
        ix = _built(b, n=120)
        assert isinstance(ix, MilvusIndex) and not ix.inverted and not ix.stale()
        monkeypatch.setattr(milvus_module, "IVF_THRESHOLD", 100)
        monkeypatch.setattr(milvus_module, "IVF_LISTS", 4)
        assert not ix.stale()  # 120 vectors: not yet twice the threshold
        ix.add(IDS[120:], VECS[120:])
        assert ix.stale()
        ix.build_batches([(np.array(IDS), VECS)], N, 2)
        assert ix.inverted and not ix.stale()
    finally:
        b.restart()
