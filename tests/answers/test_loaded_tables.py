"""What `Engine.load` builds for answering stays out of the cyclic collector's walks, and is
still freed when a write replaces it (answers/search.py, keep_out_of_collections)."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator
from pathlib import Path

import pytest

from retrieval.answers import search
from retrieval.engine import Engine


class _Cycle:
    def __init__(self) -> None:
        self.me = self


@pytest.fixture
def thawed() -> Iterator[None]:
    """Leave the process's collector as this test found it."""
    yield
    gc.unfreeze()
    gc.collect()


def _walked(obj: object) -> bool:
    """Whether a full collection would walk `obj` (frozen ones it does not)."""
    return gc.is_tracked(obj) and any(o is obj for o in gc.get_objects())


def test_loaded_tables_are_frozen_and_freed_when_a_write_replaces_them(
    seeded_copy: Path, thawed: None
) -> None:
    engine = Engine(seeded_copy)
    cycle = weakref.ref(_Cycle())  # garbage only a collection finds
    engine.load()
    snap = search._SNAPSHOTS[engine]
    assert not _walked(snap.speakers) and not _walked(snap.refs)
    old = weakref.ref(snap)
    answer = engine.ask("What did Cruz say?").answers[0].quote
    del snap
    [info] = engine.articles()
    assert engine.remove(info.id)  # a loaded engine rebuilds its tables after its writes
    assert old() is None  # the replaced tables were frozen, not kept
    assert cycle() is None  # frozen garbage is collected when the tables are rebuilt
    assert not engine.ask("What did Cruz say?").answers
    assert answer
    engine.close()


def test_answers_are_the_same_with_the_tables_frozen(seeded_dir: Path, thawed: None) -> None:
    questions = ["What did Cruz say?", "Who said it was a nothingburger?", "Who was quoted?"]
    cold = Engine(seeded_dir)
    before = [cold.ask(q) for q in questions]
    cold.close()
    loaded = Engine(seeded_dir)
    loaded.load()
    assert gc.get_freeze_count() > 0
    assert [loaded.ask(q) for q in questions] == before
    loaded.close()


def test_load_opens_the_reading_threads_connections_so_the_first_question_opens_none(
    seeded_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`Engine.load` starts the threads answers read beside the caller (`in_parallel`), each
    with its store connection (SQLite's are per thread): a who-said question's full-text
    searches run there, and the first one no longer starts them (~10 ms at 100k chunks)."""
    from retrieval.storage import interfaces

    monkeypatch.setattr(interfaces, "_a_core_is_free", lambda: True)  # side by side
    engine = Engine(seeded_dir)
    engine.load()
    opened = engine.store._conns._opened  # type: ignore[attr-defined]
    readers = {t.name for t, _ in opened if t.name.startswith("whosaid-read")}
    assert len(readers) == interfaces.BESIDE_THREADS
    before = len(opened)
    assert engine.ask("Who said it was a nothingburger?").answers
    assert len(opened) == before
    engine.close()
