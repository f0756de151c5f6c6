"""Give memory the process has freed back to the operating system (glibc only).

glibc keeps freed blocks in its heap for reuse; after one large transient allocation (the
activations of a batch embedding, the rows read to rebuild an index or a speaker table) the
heap stays at its high-water mark although the memory is free. A serving process at 100k
chunks kept 130-180 MB so. `malloc_trim(0)` returns the free pages (a few milliseconds), so it
runs after such a step, not per question.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys
from typing import Any

_libc: Any = None
if sys.platform.startswith("linux"):
    try:
        _libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        _libc.malloc_trim  # noqa: B018 - musl and other libcs lack it
    except (OSError, AttributeError):
        _libc = None


def release_free_memory() -> bool:
    """Return the heap's free pages to the OS; False where the C library cannot."""
    if _libc is None:
        return False
    return bool(_libc.malloc_trim(0))
