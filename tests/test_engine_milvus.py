"""The engine with its vectors in Milvus Lite (`vector_uri`), against the FAISS cache.

Real models, real SQLite, a real embedded Milvus. Both backends search exactly (FAISS's
candidates are re-scored with the stored fp32 vectors, Milvus's index is FLAT), so every
question must get the same answers, scores included, from the same store.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import numpy as np
import pytest

from retrieval.answers.search import Searcher
from retrieval.engine import Engine
from retrieval.storage import codec
from retrieval.storage.milvus import MilvusIndex
from retrieval.storage.milvus import index as milvus_module
from retrieval.storage.store import EMBEDDINGS
from retrieval.types import AskResult
from tests.conftest import SEEDS, SHARED

QA = Path(__file__).resolve().parent / "qa"
MARKER = 10**12
TODAY = date(2026, 1, 15)  # dated questions count from one fixed day in both engines
QUESTIONS = [json.loads(line)["question"] for line in (QA / "questions.jsonl").open() if line]
SEED_QUESTIONS = SHARED / "eval" / "seed_questions.jsonl"
if SEED_QUESTIONS.exists():
    QUESTIONS += [json.loads(line)["question"] for line in SEED_QUESTIONS.open() if line]


def _open(path: Path, uri: str = "", **kw: object) -> Engine:
    return Engine(path, vector_uri=uri, today=TODAY, **kw)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def engines(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Engine, Engine]]:
    """(FAISS, Milvus) over the same store: the Milvus one ingested it (its writes follow the
    store); the FAISS one is a copy of that store, its cache built from the stored vectors."""
    milvus_dir = tmp_path_factory.mktemp("milvus")
    milvus = _open(milvus_dir, str(milvus_dir / "vectors.db"))
    report = milvus.ingest([str(SEEDS), str(QA / "articles")])
    assert report.failed == [] and report.added
    faiss_dir = tmp_path_factory.mktemp("faiss") / "data"
    shutil.copytree(milvus_dir, faiss_dir, ignore=shutil.ignore_patterns("vectors.db"))
    faiss = _open(faiss_dir)
    yield faiss, milvus
    faiss.close()
    milvus.close()


def _shown(result: AskResult) -> tuple[object, ...]:
    return (
        result.intent,
        result.abstained,
        result.message,
        [(a.speaker, a.quote, a.article.id, round(a.score, 6)) for a in result.answers],
    )


def test_the_vectors_live_in_milvus(engines: tuple[Engine, Engine]) -> None:
    _, milvus = engines
    indexes = milvus._sync()
    assert all(isinstance(ix, MilvusIndex) for ix in indexes.values())
    for kind, ix in indexes.items():
        assert isinstance(ix, MilvusIndex) and ix.count() == milvus.store.vector_count(kind)
        assert ix.generation == milvus.store.generation()


def test_same_answers_as_faiss(engines: tuple[Engine, Engine]) -> None:
    faiss, milvus = engines
    differ = [
        q for q in QUESTIONS if _shown(faiss.ask(q, limit=5)) != _shown(milvus.ask(q, limit=5))
    ]
    assert not differ, f"{len(differ)} of {len(QUESTIONS)} differ, first: {differ[:3]}"


def test_speaker_filtered_search_is_the_same(engines: tuple[Engine, Engine]) -> None:
    """The who-said path's search among one speaker's quotes (`Engine.search_among`)."""
    faiss, milvus = engines
    vids = [
        r[0] for r in milvus.store.conn.execute(f"SELECT vid FROM {EMBEDDINGS} WHERE kind='quote'")
    ]
    query = milvus.embed(["the budget will not hold"])[0]
    for some in (vids[::2], vids[1:40:5], vids[:1]):
        got = milvus.search_among("quote", query, some, 5)
        assert got and {vid for vid, _ in got} <= set(some)
        assert got == faiss.search_among("quote", query, some, 5)


def test_several_searches_at_once_are_the_same(engines: tuple[Engine, Engine]) -> None:
    """Who-said's searches side by side (`search_many`): those of one Milvus collection with
    the same k go in one call, and find what FAISS finds and what each finds alone."""
    faiss, milvus = engines
    a, b = milvus.embed(["the budget will not hold", "we will appeal the ruling"])
    wanted = [("quote", a, 5), ("chunk", a, 3), ("quote", b, 5), ("quote", b, 4)]
    got = milvus.search_many(wanted)
    assert all(got) and got == faiss.search_many(wanted)
    assert got == [milvus.search_vectors(kind, q, k) for kind, q, k in wanted]


def test_a_time_window_searches_its_own_articles_only(engines: tuple[Engine, Engine]) -> None:
    """A time-scoped question searches the vectors of its window's articles: the k best of
    those (exact, as the brute force over them), not the archive's best that happen to fall
    in the window. Milvus filters on its article field, FAISS on the window's vector ids."""
    faiss, milvus = engines
    aids = sorted(a for a, _ in faiss.store.article_titles())
    query = faiss.embed(["the council will vote on the budget next week"])[0]
    for kind in ("chunk", "quote"):
        for window in (set(aids[:1]), set(aids[1::3]), set(aids[1:]), set(aids)):
            got = faiss.search_vectors(kind, query, 5, within=window)
            owned = faiss.store.vector_ids_in(kind, window)
            rows = faiss.store.vector_rows(owned)
            exact = sorted(
                (float(codec.decode(rows[v][3]) @ query) for v in owned),
                reverse=True,
            )[:5]
            assert got and {h.article_id for h in got} <= window
            # answering's search: a wide window takes the archive's best kept in it, a
            # narrow one searches its own; either way the window's exact best
            dense = Searcher(faiss, within=frozenset(window)).dense(kind, query, 5)
            assert [score for _, _, score in dense] == pytest.approx(exact, abs=1e-5)
            assert [h.score for h in got] == pytest.approx(exact, abs=1e-5)
            assert [h.vid for h in got] == [
                h.vid for h in milvus.search_vectors(kind, query, 5, within=window)
            ]
        assert faiss.search_vectors(kind, query, 5, within=set()) == []


def test_remove_restart_and_catch_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A removal reaches Milvus; a restart finds the collections current; writes made without
    Milvus (the store moved on) are caught up from the store on the next open."""
    articles = sorted((QA / "articles").glob("*.txt"))
    uri = str(tmp_path / "vectors.db")
    engine = _open(tmp_path, uri)
    report = engine.ingest([str(p) for p in articles[:3]])
    gone = report.added[0]
    assert engine.remove(gone)
    # a vector the store does not have: still there after the restart = nothing was rebuilt
    marker = engine.embed(["a marker"])[0]
    engine._sync()["chunk"].add([MARKER], marker.reshape(1, -1))
    engine.close()

    engine = _open(tmp_path, uri)
    indexes = engine._sync()
    assert indexes["chunk"].search(marker, 1, among=[MARKER])[0][0] == MARKER
    indexes["chunk"].remove([MARKER])
    for kind, ix in indexes.items():
        assert isinstance(ix, MilvusIndex) and ix.count() == engine.store.vector_count(kind)
    quote = engine.quotes(report.added[1])[0].text
    assert engine.ask(f'who said "{quote}"?').answers[0].article.id == report.added[1]
    engine.close()

    plain = _open(tmp_path)  # FAISS only: Milvus does not see this write
    added = plain.ingest([str(articles[3])]).added
    plain.close()

    engine = _open(tmp_path, uri)
    # just after a write a collection behind the store is taken as one a writer follows ...
    assert engine._sync()["chunk"].generation < engine.store.generation()
    monkeypatch.setattr(milvus_module, "GRACE_S", 0.0)  # ... not once the grace is over
    indexes = engine._sync()
    assert all(ix.generation == engine.store.generation() for ix in indexes.values())
    for kind, ix in indexes.items():
        assert isinstance(ix, MilvusIndex) and ix.count() == engine.store.vector_count(kind)
    quote = engine.quotes(added[0])[0].text
    assert engine.ask(f'who said "{quote}"?').answers[0].article.id == added[0]
    hits = engine.search_vectors("chunk", engine.embed([quote])[0], 50)
    assert gone not in {h.article_id for h in hits}
    engine.close()


def test_read_only_engine_never_writes_milvus(tmp_path: Path) -> None:
    """A read-only engine whose collections are behind answers from FAISS in memory."""
    articles = sorted((QA / "articles").glob("*.txt"))
    plain = _open(tmp_path)
    plain.ingest([str(articles[0])])
    plain.close()
    reader = _open(tmp_path, str(tmp_path / "vectors.db"), read_only=True)
    indexes = reader._sync()
    assert not any(isinstance(ix, MilvusIndex) for ix in indexes.values())
    vec = reader.embed(["the bus"])[0]
    assert reader.search_vectors("chunk", np.asarray(vec), 3)
    reader.close()


def test_engines_sharing_the_collections_stay_current(tmp_path: Path) -> None:
    """Two engines on one store and one Milvus (replicas of a Milvus server, in miniature):
    the writer's writes and stamps reach the reader, which never rebuilds or falls back."""
    articles = sorted((QA / "articles").glob("*.txt"))
    uri = str(tmp_path / "vectors.db")
    writer = _open(tmp_path, uri)
    writer.cache_vectors = False  # as `whosaid worker`: it still follows its writes into Milvus
    first = writer.ingest([str(articles[0])]).added[0]
    reader = _open(tmp_path, uri, read_only=True)
    indexes = reader._sync()  # written by the writer, not a FAISS fallback of the reader's
    assert all(isinstance(ix, MilvusIndex) for ix in indexes.values())
    assert all(ix.generation == reader.store.generation() for ix in indexes.values())
    marker = writer.embed(["a marker"])[0]
    indexes["chunk"].add([MARKER], marker.reshape(1, -1))  # gone if anyone rebuilds
    for article in articles[1:3]:
        added = writer.ingest([str(article)]).added[0]
        indexes = reader._sync()
        assert all(isinstance(ix, MilvusIndex) for ix in indexes.values())
        assert all(ix.generation == reader.store.generation() for ix in indexes.values())
        quote = reader.quotes(added)[0].text
        assert reader.ask(f'who said "{quote}"?').answers[0].article.id == added
    assert writer.remove(first)
    hits = reader.search_vectors("chunk", reader.embed([quote])[0], 50)
    assert first not in {h.article_id for h in hits}
    assert reader._sync()["chunk"].search(marker, 1, among=[MARKER])[0][0] == MARKER
    reader.close()
    assert writer.ask(f'who said "{quote}"?').answers  # the writer's client still works
    writer.close()


def test_reindex_rebuilds_the_collections(tmp_path: Path) -> None:
    """Reindex gives every vector a new id: the collections are loaded again at once, even
    though a writer touched them a moment ago."""
    articles = sorted((QA / "articles").glob("*.txt"))
    engine = _open(tmp_path, str(tmp_path / "vectors.db"))
    added = engine.ingest([str(articles[0])]).added[0]
    engine.reindex()
    indexes = engine._sync()
    assert all(ix.generation == engine.store.generation() for ix in indexes.values())
    quote = engine.quotes(added)[0].text
    assert engine.ask(f'who said "{quote}"?').answers[0].article.id == added
    engine.close()


def test_postgres_store_with_milvus_vectors(postgres_url: str, tmp_path: Path) -> None:
    """The scaled-out pair: PostgreSQL holds the truth, Milvus the searchable vectors."""
    articles = sorted((QA / "articles").glob("*.txt"))
    uri = str(tmp_path / "vectors.db")
    engine = Engine(tmp_path / "cache", database_url=postgres_url, vector_uri=uri, today=TODAY)
    added = engine.ingest([str(p) for p in articles[:2]]).added
    assert engine.remove(added[0])
    engine.close()
    engine = Engine(tmp_path / "cache", database_url=postgres_url, vector_uri=uri, read_only=True)
    indexes = engine._sync()
    for kind, ix in indexes.items():
        assert isinstance(ix, MilvusIndex) and ix.generation == engine.store.generation()
        assert ix.count() == engine.store.vector_count(kind)
    quote = engine.quotes(added[1])[0].text
    assert engine.ask(f'who said "{quote}"?').answers[0].article.id == added[1]
    engine.close()


def test_collections_built_as_inverted_files_answer_as_the_exact_search(
    engines: tuple[Engine, Engine], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past the threshold (lowered here) the collections are inverted files of 4 cells a
    segment, 1 scanned: the who-said path's filtered searches (a speaker's wordings, a time
    window's articles) scan every cell, so they find the exact search's best."""
    faiss, _ = engines
    data = tmp_path / "data"
    shutil.copytree(faiss.store.data_dir, data, ignore=shutil.ignore_patterns("*.faiss"))
    monkeypatch.setattr(milvus_module, "IVF_THRESHOLD", 50)
    monkeypatch.setattr(milvus_module, "IVF_LISTS", 4)
    monkeypatch.setattr(milvus_module, "IVF_PROBE", 1)
    monkeypatch.setattr(milvus_module, "LITE_STORE_SCORED", 0)  # ids filtered by Milvus too
    ivf = _open(data, str(data / "vectors.db"))
    try:
        assert all(isinstance(ix, MilvusIndex) and ix.inverted for ix in ivf._sync().values())
        aids = sorted(a for a, _ in faiss.store.article_titles())
        query = faiss.embed(["the council will vote on the budget next week"])[0]
        for kind in ("chunk", "quote"):
            for window in (set(aids[:1]), set(aids[1::3])):
                got = ivf.search_vectors(kind, query, 5, within=window)
                assert got and got == faiss.search_vectors(kind, query, 5, within=window)
        vids = [
            r[0] for r in ivf.store.conn.execute(f"SELECT vid FROM {EMBEDDINGS} WHERE kind='quote'")
        ]
        for some in (vids[::2], vids[1:200:5]):
            got_among = ivf.search_among("quote", query, some, 5)
            assert got_among == faiss.search_among("quote", query, some, 5)
    finally:
        ivf.close()
