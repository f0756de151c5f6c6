"""Vectors as the store keeps them: 8-bit codes with a scale per vector (storage.codec)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pytest

from retrieval.storage import codec
from retrieval.storage.store import SCHEMA_VERSION, Store


def _unit(rows: int, dim: int, seed: int = 0) -> np.ndarray:
    v = np.random.default_rng(seed).normal(size=(rows, dim)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


@pytest.mark.parametrize("dim", [3, 4, 7, 16, 384])
def test_codes_keep_the_cosine_and_their_dimension(dim: int) -> None:
    vecs = _unit(40, dim)
    blobs = codec.encode_many(vecs)
    assert all(codec.is_coded(b) and codec.dims(b) == dim for b in blobs)
    decoded = np.stack([codec.decode(b) for b in blobs])
    assert np.allclose(decoded, vecs, atol=0.5 / codec.LEVELS)
    assert [codec.encode(v) for v in vecs] == blobs
    if dim == 384:
        assert len(blobs[0]) == 389  # a quarter of float32's 1,536 bytes
        queries = _unit(10, dim, seed=1)
        assert np.abs(decoded @ queries.T - vecs @ queries.T).max() < 2e-3
        assert np.allclose(np.linalg.norm(decoded, axis=1), 1.0, atol=1e-6)


@pytest.mark.parametrize("shape", [(0, 384), (0,)])
def test_no_rows_stay_no_rows(shape: tuple[int, ...]) -> None:
    # an article without quotes hands the vector index an empty block at ingest
    assert codec.as_stored(np.zeros(shape, dtype=np.float32)).shape == (
        0,
        shape[-1] if len(shape) > 1 else 0,
    )


def test_float32_bytes_of_an_older_store_still_decode() -> None:
    vec = _unit(1, 384)[0]
    old = vec.tobytes()
    assert not codec.is_coded(old) and codec.dims(old) == 384
    assert np.array_equal(codec.decode(old), vec)


def test_zero_vector_round_trips() -> None:
    assert not codec.decode(codec.encode(np.zeros(8, dtype=np.float32))).any()


def test_a_schema_2_store_is_re_encoded_when_opened_for_writing(seeded_copy: Path) -> None:
    db = sqlite3.connect(seeded_copy / "whosaid.db")
    rows = db.execute("SELECT vid, vec FROM embeddings").fetchall()
    assert rows and all(codec.is_coded(r[1]) for r in rows)
    exact = {vid: codec.decode(blob) for vid, blob in rows}
    # Make it a schema-2 store: float32 vectors.
    db.executemany(
        "UPDATE embeddings SET vec=? WHERE vid=?", [(v.tobytes(), vid) for vid, v in exact.items()]
    )
    db.execute("UPDATE meta SET value='2' WHERE key='schema_version'")
    db.commit()
    db.close()
    reader = Store(seeded_copy, read_only=True)  # reads either format, writes nothing
    assert reader.schema_version() == 2 and reader.has_context_vectors()
    reader.close()

    store = Store(seeded_copy)
    assert store.schema_version() == SCHEMA_VERSION == 3
    after = store.conn.execute("SELECT vid, vec FROM embeddings").fetchall()
    assert len(after) == len(rows) and all(codec.is_coded(r[1]) for r in after)
    for vid, blob in after:
        assert np.allclose(codec.decode(blob), exact[vid], atol=1e-6)  # the codes of ingest


def test_decoding_many_at_once_gives_the_same_vectors() -> None:
    """`decode_many` (one pass per size) equals `decode` one at a time, bit for bit, with old
    float32 rows and a zero vector among them, so scores computed from either are equal."""
    vecs = _unit(50, 384)
    vecs[3] = 0.0
    blobs = [*codec.encode_many(vecs), vecs[0].tobytes(), *codec.encode_many(_unit(3, 7))]
    many = codec.decode_many(blobs)
    assert len(many) == len(blobs)
    for blob, got in zip(blobs, many, strict=True):
        one = codec.decode(blob)
        assert np.array_equal(one, got) and float(one @ one) == float(got @ one)
