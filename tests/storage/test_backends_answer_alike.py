"""The same answers from SQLite and from PostgreSQL: the seed and the own QA questions give
the same top-3 (speaker, quote) pairs and the same abstentions on both backends, although
their lexical indexes (FTS5, PostgreSQL full-text search) are different engines. Real models,
a real server."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from retrieval.engine import Engine
from retrieval.types import AskResult
from tests.conftest import SEEDS

QA = Path(__file__).resolve().parents[1] / "qa"
SEED_QUESTIONS = Path(__file__).resolve().parents[3] / "shared/eval/seed_questions.jsonl"


def _questions() -> list[str]:
    out = [json.loads(line)["question"] for line in (QA / "questions.jsonl").open()]
    if SEED_QUESTIONS.exists():
        out += [json.loads(line)["question"] for line in SEED_QUESTIONS.open()]
    return out


def _top3(result: AskResult) -> tuple[bool, list[str], list[tuple[str | None, str]]]:
    pairs = [(a.speaker, a.quote) for a in result.answers[:3]]
    return result.abstained, result.speakers, pairs


@pytest.fixture(scope="module")
def both(
    postgres_admin_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Engine, Engine]]:
    """The QA articles and the seed indexed into SQLite, copied into PostgreSQL."""
    from tests.pgserver import drop_database, new_database

    url = new_database(postgres_admin_url)
    sqlite = Engine(tmp_path_factory.mktemp("alike"))
    report = sqlite.ingest([str(QA / "articles"), str(SEEDS)])
    assert report.failed == []
    sqlite.migrate(url)
    pg = Engine(tmp_path_factory.mktemp("alike-cache"), database_url=url, read_only=True)
    yield sqlite, pg
    pg.close()
    sqlite.close()
    drop_database(postgres_admin_url, url)


def test_the_same_top_answers_on_both_backends(both: tuple[Engine, Engine]) -> None:
    sqlite, pg = both
    questions = _questions()
    differ = [
        (q, _top3(a), _top3(b))
        for q in questions
        if _top3(a := sqlite.ask(q)) != _top3(b := pg.ask(q))
    ]
    assert len(questions) >= 150 and differ == []


def test_the_seed_indexed_straight_into_postgres_answers_as_sqlite_does(
    seeded_engine: Engine, postgres_url: str, tmp_path: Path
) -> None:
    """The PostgreSQL write path itself (not a copy): ingest the seed there."""
    pg = Engine(tmp_path, database_url=postgres_url)
    try:
        assert len(pg.ingest([str(SEEDS)]).added) == 1
        assert pg.stats()["quotes"] == seeded_engine.stats()["quotes"]
        for q in ["what did Chaffetz say?", "who said nothingburger?", "who is Kislyak?"]:
            assert _top3(pg.ask(q)) == _top3(seeded_engine.ask(q))
    finally:
        pg.close()


def test_on_a_busy_machine_postgres_full_text_runs_beside_the_embedding(
    seeded_engine: Engine, postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL ranks full-text matches in its own process: a who-said and a free-text
    question send those queries from other threads even when every core here is busy, and
    answer as SQLite does; SQLite's FTS5 runs on this process's cores, so in turn there."""
    import threading

    from retrieval.storage import interfaces

    pg = Engine(tmp_path, database_url=postgres_url)
    try:
        assert len(pg.ingest([str(SEEDS)]).added) == 1
        monkeypatch.setattr(interfaces, "_a_core_is_free", lambda: False)
        for engine, beside in ((pg, True), (seeded_engine, False)):
            threads: list[int] = []
            monkeypatch.setattr(engine.store, "lexical", _noting_thread(engine.store, threads))
            for q in ["who said nothingburger?", "what was said about the investigation?"]:
                assert _top3(engine.ask(q)) == _top3(seeded_engine.ask(q))
            main = threading.get_ident()
            assert threads and all((t != main) == beside for t in threads), engine.store
    finally:
        pg.close()


def _noting_thread(store: object, threads: list[int]) -> Callable[[str, str, int], list[int]]:
    """The store's full-text search, noting the thread each call runs in."""
    import threading

    search = store.lexical  # type: ignore[attr-defined]

    def lexical(kind: str, text: str, k: int) -> list[int]:
        threads.append(threading.get_ident())
        return list(search(kind, text, k))

    return lexical


def test_reads_that_only_query_postgres_go_side_by_side(
    seeded_engine: Engine, postgres_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A question not asked before reads the quotes and the passages its searches found, and
    the quotes' own and their sentences' vectors: two pairs of independent round trips, each
    pair sent side by side on PostgreSQL (even with every core busy), and the same answers."""

    from retrieval.answers.search import Searcher
    from retrieval.answers.similarity import dense_scores
    from retrieval.storage import interfaces

    writer = Engine(tmp_path / "w", database_url=postgres_url)
    assert len(writer.ingest([str(SEEDS)]).added) == 1
    writer.close()
    monkeypatch.setattr(interfaces, "_a_core_is_free", lambda: False)
    pg = Engine(tmp_path / "r", database_url=postgres_url, read_only=True)
    try:
        first = _entered_before(pg.store, "quotes_by_ids", "chunk_spans")
        q = "who said nothingburger?"
        assert _top3(pg.ask(q)) == _top3(seeded_engine.ask(q))
        assert first and len(set(first)) == 2  # two threads
    finally:
        pg.close()
    pg = Engine(tmp_path / "r2", database_url=postgres_url, read_only=True)  # nothing read yet
    try:
        s = Searcher(pg)
        quotes = s.all_quotes(6)
        kinds = _entered_before(pg.store, "vectors_by_ref", "vectors_by_ref", "quote")
        scores = dense_scores(s, "an inquiry into the contracts", quotes)
        assert len(scores) == len(quotes) and len(set(kinds)) == 2
    finally:
        pg.close()


def _entered_before(
    store: object, first: str, then: str, first_arg: str | None = None
) -> list[int]:
    """Wrap `store.first` and `store.then` (the `first_arg` call of a method wrapped twice):
    `then` waits until `first` has started (briefly, where the two run in turn anyway); the
    threads each ran in are noted, `first`'s then `then`'s."""
    import threading

    entered = threading.Event()
    threads: list[int] = []
    f, t = getattr(store, first), getattr(store, then)

    def is_first(args: tuple[object, ...]) -> bool:
        return first_arg is None or (bool(args) and args[0] == first_arg)

    def wrapped_first(*args: object) -> object:
        if first_arg is not None and not is_first(args):
            return wrapped_then(*args)
        threads.insert(0, threading.get_ident())
        entered.set()
        return f(*args)

    def wrapped_then(*args: object) -> object:
        entered.wait(5)
        threads.append(threading.get_ident())
        return t(*args)

    setattr(store, first, wrapped_first)
    if first != then:
        setattr(store, then, wrapped_then)
    return threads
