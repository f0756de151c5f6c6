"""How a vector is kept as bytes in a store: 8-bit codes with one scale per vector.

A stored vector is one tag byte, `scale` (float32, little-endian) and `dim` signed bytes,
with `vector ≈ codes * scale` and `scale = max|component| / 127`: 389 bytes for MiniLM's 384
dimensions instead of 1,536 as float32. On unit vectors the cosine it gives is within about
1e-4 of the float32 one (a component is off by at most scale/2 ≈ 0.001), which neither the
re-scoring of the vector index's hits nor the answers' thresholds notice. Stores written
before schema 3 hold float32 bytes, whose length is a multiple of 4; a coded vector's length
never is (the tag says when one padding byte follows), so either decodes without knowing the
model. Stores keep these bytes opaque: only this module makes or reads them.
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
    """(a scale per row, the rows' 8-bit codes)."""
    m = np.asarray(vecs, dtype=np.float32).reshape(len(vecs), -1)
    top = np.max(np.abs(m), axis=1) if m.shape[1] else np.zeros(len(m), dtype=np.float32)
    scales = np.where(top > 0, top / LEVELS, 1.0).astype(_SCALE)
    return scales, np.clip(np.rint(m / scales[:, None]), -LEVELS, LEVELS).astype(np.int8)


def as_stored(vecs: np.ndarray) -> np.ndarray:
    """The rows as they decode after a round trip through the store (for measuring)."""
    scales, codes = _codes(vecs)
    return codes.astype(np.float32) * scales[:, None].astype(np.float32)


def encode_many(vecs: np.ndarray) -> list[bytes]:
    """`encode` of each row of a matrix, in one pass."""
    scales, codes = _codes(vecs)
    padded = (5 + codes.shape[1]) % 4 == 0
    tag, pad = (_TAG_PADDED, b"\x00") if padded else (_TAG, b"")
    return [tag + s.tobytes() + c.tobytes() + pad for s, c in zip(scales, codes, strict=True)]


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
    scale = np.frombuffer(blob, dtype=_SCALE, count=1, offset=1)[0]
    codes = np.frombuffer(blob, dtype=np.int8, count=dims(blob), offset=5)
    return codes.astype(np.float32) * scale
