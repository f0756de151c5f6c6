"""The speakers' tables (`merging.SpeakerRoster`) saved beside the store, one file per store
generation, as the FAISS cache is.

Building them reads every (article, speaker) row and merges names across articles: about 1 s
at 100k chunks, which a one-shot `whosaid ask` paid before its first answer. A process that
writes the data dir saves them for the generation it built them at; any process loads that
file instead of building them again (a few times faster).

The tables are a function of the speaker rows and of the code that merges them: the file is
named after the generation and starts with a stamp of that code (this folder, retrieval/language,
retrieval/types.py, the Python version), so a changed rule never reads an older file. Files are
written under a temporary name and renamed; older generations' files are removed. The data dir
is trusted as the store in it is: whoever can write these files can change every answer anyway.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import pickle
import re
import sys
import threading
from pathlib import Path

from retrieval.speakers.merging import SpeakerRoster

_HEADER = b"whosaid-speakers "
_NAME = re.compile(r"^speakers-(\d+)\.pickle$")


@functools.cache
def code_stamp() -> bytes:
    """A digest of the code the tables depend on."""
    root = Path(__file__).resolve().parent.parent  # retrieval/
    files = sorted([*(root / "speakers").glob("*.py"), *(root / "language").glob("*.py")])
    digest = hashlib.sha256(sys.version.encode())
    for path in [*files, root / "types.py"]:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest().encode()


def path_for(data_dir: Path, generation: int) -> Path:
    return data_dir / f"speakers-{generation}.pickle"


def _stamp() -> bytes:
    return _HEADER + code_stamp() + b"\n"


def is_saved(data_dir: Path, generation: int) -> bool:
    """Whether this generation's tables are saved by this code (the file's stamp only)."""
    try:
        with path_for(data_dir, generation).open("rb") as f:
            return f.readline() == _stamp()
    except OSError:
        return False


def load(data_dir: Path, generation: int) -> SpeakerRoster | None:
    """The tables saved for this generation by this code; None when there are none (or the
    file is unreadable, or another code's: the caller builds them from the store)."""
    try:
        with path_for(data_dir, generation).open("rb") as f:
            if f.readline() != _stamp():
                return None
            roster = pickle.load(f)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ImportError, ValueError):
        return None
    return roster if isinstance(roster, SpeakerRoster) else None


def save(roster: SpeakerRoster, data_dir: Path, generation: int) -> None:
    """Write the tables of `generation` atomically and drop older generations' files."""
    path = path_for(data_dir, generation)
    tmp = data_dir / f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp"
    try:
        with tmp.open("wb") as f:
            f.write(_stamp())
            pickle.dump(roster, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
    for old in data_dir.glob("speakers-*.pickle"):
        m = _NAME.match(old.name)
        if m and int(m.group(1)) < generation:
            with contextlib.suppress(FileNotFoundError):
                old.unlink()
