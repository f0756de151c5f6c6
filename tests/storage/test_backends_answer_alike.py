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
