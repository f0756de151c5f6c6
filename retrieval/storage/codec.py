"""How a vector is kept as bytes in a store: 8-bit codes with one scale per vector.

A stored vector is one tag byte, the vector's length (float32, little-endian) and `dim`
signed bytes: the codes, `round(component * 127 / max|component|)`. It decodes to the codes
scaled back to the stored length, so a unit vector stays a unit vector and only its direction
carries the rounding: 389 bytes for MiniLM's 384 dimensions instead of 1,536 as float32, and a
cosine within about 1e-4 of the float32 one (a vector against itself: 0.99995 or more), which
neither the re-scoring of the vector index's hits nor the answers' thresholds notice. Stores
written before schema 3 hold float32 bytes, whose length is a multiple of 4; a coded vector's
length never is (the tag says when one padding byte follows), so either decodes without
knowing the model. Stores keep these bytes opaque: only this module makes or reads them.
"""

from __future__ import annotations

import numpy as np

_SCALE = np.dtype("<f4")
LEVELS = 127
_TAG, _TAG_PADDED = b"\x08", b"\x09"


def encode(vec: np.ndarray) -> bytes:
    """The stored bytes of one vector."""
    return encode_many(np.asarray(vec, dtype=np.float32).reshape(1, -1))[0]


def _codes(vecs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(each row's length, the rows' 8-bit codes)."""
    m = np.asarray(vecs, dtype=np.float32).reshape(len(vecs), -1)
    top = np.max(np.abs(m), axis=1) if m.shape[1] else np.zeros(len(m), dtype=np.float32)
    scales = np.where(top > 0, top / LEVELS, 1.0).astype(np.float32)
    codes = np.clip(np.rint(m / scales[:, None]), -LEVELS, LEVELS).astype(np.int8)
    return np.linalg.norm(m, axis=1).astype(_SCALE), codes


def _scaled(codes: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Codes (rows) as vectors of the given lengths."""
    out = codes.astype(np.float32)
    norms = np.linalg.norm(out, axis=-1, keepdims=True)
    return out * (
        np.asarray(lengths, dtype=np.float32).reshape(norms.shape) / np.where(norms > 0, norms, 1.0)
    )


def as_stored(vecs: np.ndarray) -> np.ndarray:
    """The rows exactly as they decode after a round trip through the store: what a vector
    index built from the store holds, so one patched at ingest must hold the same."""
    m = np.asarray(vecs, dtype=np.float32)
    if not len(m):  # an article without quotes: reshape cannot infer -1 from no rows
        return m.reshape(0, m.shape[-1] if m.ndim > 1 else 0)
    m = m.reshape(len(m), -1)
    return np.stack([decode(blob) for blob in encode_many(m)])


def encode_many(vecs: np.ndarray) -> list[bytes]:
    """`encode` of each row of a matrix, in one pass."""
    lengths, codes = _codes(vecs)
    padded = (5 + codes.shape[1]) % 4 == 0
    tag, pad = (_TAG_PADDED, b"\x00") if padded else (_TAG, b"")
    return [tag + n.tobytes() + c.tobytes() + pad for n, c in zip(lengths, codes, strict=True)]


def is_coded(blob: bytes) -> bool:
    """8-bit codes (this format) rather than an older store's float32 bytes."""
    return len(blob) % 4 != 0


def dims(blob: bytes) -> int:
    """How many dimensions the stored bytes hold (either format)."""
    if not is_coded(blob):
        return len(blob) // 4
    return len(blob) - 5 - (blob[:1] == _TAG_PADDED)


def decode(blob: bytes) -> np.ndarray:
    """The float32 vector behind stored bytes (either format)."""
    if not is_coded(blob):
        return np.frombuffer(blob, dtype=np.float32)
    length = np.frombuffer(blob, dtype=_SCALE, count=1, offset=1)
    return _scaled(np.frombuffer(blob, dtype=np.int8, count=dims(blob), offset=5), length)


def decode_many(blobs: list[bytes]) -> list[np.ndarray]:
    """`decode` of each of many stored vectors, the coded ones of one size in one pass (the
    same values as one at a time: answering decodes a few hundred per question)."""
    out: list[np.ndarray | None] = [None] * len(blobs)
    sizes: dict[int, list[int]] = {}
    for i, blob in enumerate(blobs):
        if is_coded(blob):
            sizes.setdefault(len(blob), []).append(i)
        else:
            out[i] = decode(blob)
    for size, rows in sizes.items():
        raw = np.frombuffer(b"".join(blobs[i] for i in rows), dtype=np.uint8).reshape(-1, size)
        lengths = np.ascontiguousarray(raw[:, 1:5]).view(_SCALE).reshape(-1)
        n = dims(blobs[rows[0]])
        vecs = _scaled(raw[:, 5 : 5 + n].view(np.int8), lengths)
        for i, vec in zip(rows, vecs, strict=True):
            out[i] = vec
    return [v for v in out if v is not None]
