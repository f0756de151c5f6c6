"""Shared fixtures: a clean environment per test, a data dir each, the seed indexed once."""

from __future__ import annotations

import hashlib
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"
SEED = SEEDS / "000_b0c62a38ccee3fea.txt"
# shared/ sits beside the checkout (../shared); CI lays it out the same way.
SHARED = ROOT.parent / "shared"

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


class HashEmbedder:
    """A deterministic bag-of-words embedder for fast unit tests (no model, no meaning)."""

    def __init__(self, dim: int = 64) -> None:
        self.name = f"hash-{dim}"
        self.dim = dim

    def embed(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in text.lower().split():
                digest = hashlib.blake2b(word.encode(), digest_size=4).digest()
                out[row, int.from_bytes(digest, "little") % self.dim] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms == 0, 1.0, norms)


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No SLACK_*/WHOSAID_* from the developer's shell, and no .env from the cwd."""
    for key in list(os.environ):
        if key.startswith(("SLACK_", "WHOSAID_")):
            monkeypatch.delenv(key)
    monkeypatch.chdir(tmp_path)


@pytest.fixture(autouse=True)
def no_loading_left_behind() -> Iterator[None]:
    """A test's engines loading behind (`Engine.load_behind`, whose warm-up questions read on
    the shared reading threads) are done before the next test, whose reads would otherwise
    find those threads taken."""
    yield
    for thread in threading.enumerate():
        if thread.name == "whosaid-load":
            thread.join(timeout=120)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    path.mkdir()
    return path


@pytest.fixture(scope="session")
def seeded_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir with seeds/ indexed by the real models, built once per session."""
    from retrieval.engine import Engine

    path = tmp_path_factory.mktemp("seeded")
    engine = Engine(path)
    report = engine.ingest([str(SEEDS)])
    engine.close()
    assert report.failed == [] and len(report.added) == 1
    return path


@pytest.fixture(scope="session")
def seeded_engine(seeded_dir: Path) -> Iterator[object]:
    """A shared read-only engine over the seeded data dir."""
    from retrieval.engine import Engine

    engine = Engine(seeded_dir)
    yield engine
    engine.close()


@pytest.fixture
def seeded_copy(seeded_dir: Path, tmp_path: Path) -> Path:
    """A private copy of the seeded data dir that a test may change."""
    dest = tmp_path / "seeded"
    shutil.copytree(seeded_dir, dest)
    return dest


@pytest.fixture(scope="session")
def postgres_admin_url() -> Iterator[str]:
    """A real PostgreSQL server for the session (see tests/pgserver.py); skipped only where
    the machine has no server binaries and CI is not set (CI installs them)."""
    from tests.pgserver import URL_ENV, PostgresServer, server_bin_dir

    if os.environ.get(URL_ENV):
        yield os.environ[URL_ENV]
        return
    bin_dir = server_bin_dir()
    if bin_dir is None:
        if os.environ.get("CI"):
            pytest.fail("no PostgreSQL server binaries (set WHOSAID_PG_BIN)")
        pytest.skip("no PostgreSQL server binaries on this machine")
    with PostgresServer(bin_dir) as server:
        yield server.admin_url


@pytest.fixture
def postgres_url(postgres_admin_url: str) -> Iterator[str]:
    """An empty database of its own for one test, dropped afterwards."""
    from tests.pgserver import drop_database, new_database

    url = new_database(postgres_admin_url)
    yield url
    drop_database(postgres_admin_url, url)
