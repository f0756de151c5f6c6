"""The engine with the real models, real SQLite and real FAISS on a temp data dir."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from retrieval.engine import Engine
from retrieval.errors import StoreError
from retrieval.speakers import saved
from retrieval.storage.store import CHUNKS, EMBEDDINGS, fts_query
from tests.articleserver import ArticleServer
from tests.conftest import SEEDS


def test_seed_is_indexed_with_chunks_quotes_and_vectors(seeded_engine: Engine) -> None:
    stats = seeded_engine.stats()
    assert stats["articles"] == 1
    assert stats["chunks"] >= 5 and stats["quotes"] >= 20 and stats["speakers"] >= 8
    assert stats["vectors"] == stats["chunks"] + stats["quotes"]
    # 8-bit codes: a byte a dimension plus the id (fp32 would be four times the codes)
    assert stats["vectors"] * 384 < stats["index_bytes"] < stats["vectors"] * 384 * 2
    [info] = seeded_engine.articles()
    assert info.title == "Attorney General Jeff Sessions: 'I Will Recuse Myself' If Necessary"
    assert info.source == "NBC News"


def test_stored_text_drops_page_furniture_and_keeps_the_story(seeded_engine: Engine) -> None:
    [info] = seeded_engine.articles()
    text = seeded_engine.store.article_text(info.id)
    assert text is not None
    assert "IE 11 is not supported" not in text
    assert "Getty Images" not in text
    assert "Related:" not in text
    assert "'I Will Recuse Myself'" in text
    assert "nothingburger" in text
    for q in seeded_engine.quotes(info.id):
        assert text[q.start : q.end] == q.text


def test_chunks_are_searchable_by_meaning(seeded_engine: Engine) -> None:
    query = seeded_engine.embed(["step aside from the inquiry into Moscow's election meddling"])
    hits = seeded_engine.search_vectors("chunk", query[0], 3)
    assert hits and hits[0].score > 0.3
    rows = [
        seeded_engine.store.conn.execute(
            f"SELECT text FROM {CHUNKS} WHERE id=?", (h.ref_id,)
        ).fetchone()[0]
        for h in hits
    ]
    assert any("recus" in r.lower() for r in rows)


def test_vector_hits_carry_the_exact_cosine(seeded_engine: Engine) -> None:
    """The index holds 8-bit codes, and hits are re-scored with the store's vectors (8-bit
    codes kept at their length, storage.codec): a stored text finds itself at 1.0 within
    their rounding, and the order is the re-scored order."""
    text = seeded_engine.store.conn.execute(f"SELECT text FROM {CHUNKS} LIMIT 1").fetchone()[0]
    hits = seeded_engine.search_vectors("chunk", seeded_engine.embed([text])[0], 5)
    assert hits[0].score == pytest.approx(1.0, abs=2e-4)
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_several_searches_at_once_find_what_each_finds_alone(
    seeded_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`search_many` (who-said's quote and passage searches, side by side) gives the hits of
    each search alone, and reads the store's vectors for all their candidates at once; they
    are kept for the generation, so the same searches again read none."""
    a, b = seeded_engine.embed(["a mistake from the start", "recuse myself"])
    wanted = [("quote", a, 5), ("chunk", a, 3), ("quote", b, 4), ("chunk", b, 0)]
    alone = [seeded_engine.search_vectors(kind, q, k) for kind, q, k in wanted]
    store = seeded_engine.store
    reads = []
    monkeypatch.setattr(
        store, "vector_rows", lambda vids, read=store.vector_rows: reads.append(vids) or read(vids)
    )
    monkeypatch.setattr(seeded_engine.vectors, "_rows", {})  # as if nothing were kept yet
    assert seeded_engine.search_many(wanted) == alone
    assert alone[0] and alone[1] and alone[3] == [] and len(reads) == 1
    assert seeded_engine.search_many(wanted) == alone and len(reads) == 1


def test_search_among_a_subset_of_vectors(seeded_engine: Engine) -> None:
    conn = seeded_engine.store.conn
    vids = [
        r[0] for r in conn.execute(f"SELECT vid FROM {EMBEDDINGS} WHERE kind='quote' ORDER BY vid")
    ]
    query = seeded_engine.embed(["a mistake"])[0]
    some = vids[::3]
    found = seeded_engine.search_among("quote", query, some, 4)
    assert len(found) == 4 and {vid for vid, _ in found} <= set(some)
    _, vecs = seeded_engine.store.vectors("quote", 384)
    exact = sorted((float(v @ query) for v in vecs[::3]), reverse=True)[:4]
    assert [s for _, s in found] == pytest.approx(exact, abs=1e-5)
    assert seeded_engine.search_among("quote", query, [], 4) == []


def test_search_among_is_exact_over_hnsw_too(
    seeded_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """HNSW filtered to a few of its nodes would miss most of them: they are all scored."""
    from retrieval.storage import vectors

    monkeypatch.setattr(vectors, "HNSW_THRESHOLD", 10)
    for path in seeded_copy.glob("*.faiss"):
        path.unlink()
    engine = Engine(seeded_copy)
    assert engine._sync()["quote"].is_hnsw
    vids, vecs = engine.store.vectors("quote", 384)
    query = engine.embed(["a mistake"])[0]
    found = engine.search_among("quote", query, [int(v) for v in vids[1::4]], 3)
    exact = sorted((float(v @ query) for v in vecs[1::4]), reverse=True)[:3]
    assert [s for _, s in found] == pytest.approx(exact, abs=1e-5)


def test_chunks_are_searchable_by_words(seeded_engine: Engine) -> None:
    match = fts_query("nothingburger")
    rows = seeded_engine.store.conn.execute(
        f"SELECT c.text FROM chunks_fts f JOIN {CHUNKS} c ON c.id = f.rowid "
        "WHERE chunks_fts MATCH ?",
        (match,),
    ).fetchall()
    assert len(rows) == 1 and "nothingburger" in rows[0][0]


def test_reindexing_the_same_text_adds_nothing(seeded_copy: Path) -> None:
    engine = Engine(seeded_copy)
    before = engine.stats()
    gen = engine.store.generation()
    report = engine.ingest([str(SEEDS)])
    assert report.added == [] and len(report.unchanged) == 1
    assert engine.stats() == before and engine.store.generation() == gen


def test_a_changed_version_of_a_source_replaces_the_old(tmp_path: Path, data_dir: Path) -> None:
    path = tmp_path / "story.txt"
    path.write_text('Mayor Dana Ruiz said the plan was "a mistake from the start."\n')
    engine = Engine(data_dir)
    first = engine.ingest([str(path)])
    path.write_text('Mayor Dana Ruiz said the plan was "a triumph for the city."\n')
    second = engine.ingest([str(path)])
    assert len(first.added) == 1 and len(second.replaced) == 1
    [info] = engine.articles()
    assert info.id == second.replaced[0]
    texts = [q.text for q in engine.quotes(info.id)]
    assert any("triumph" in t for t in texts) and not any("mistake" in t for t in texts)
    hits = engine.search_vectors("quote", engine.embed(["a mistake from the start"])[0], 5)
    assert all(h.article_id == info.id for h in hits)


def test_remove_and_reindex(seeded_copy: Path) -> None:
    engine = Engine(seeded_copy)
    [info] = engine.articles()
    counts = engine.stats()
    report = engine.reindex()
    assert report.replaced == [info.id]
    after = engine.stats()
    assert {k: after[k] for k in ("articles", "chunks", "quotes", "vectors")} == {
        k: counts[k] for k in ("articles", "chunks", "quotes", "vectors")
    }
    assert engine.remove(info.id)
    assert not engine.remove(info.id)
    assert engine.stats()["articles"] == 0
    assert engine.search_vectors("chunk", engine.embed(["Sessions"])[0], 5) == []


def test_a_loaded_engine_reads_the_speakers_at_load_and_after_its_writes_not_at_questions(
    seeded_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = Engine(seeded_copy)
    reads: list[int] = []
    every_row = engine.store.speaker_rows

    def counted() -> object:
        reads.append(engine.store.generation())
        return every_row()

    monkeypatch.setattr(engine.store, "speaker_rows", counted)
    engine.load_behind().join()  # `load`, on the thread a serving process starts it on
    # the speakers' tables, loaded at load from the file the ingest saved (speakers.saved)
    assert reads == [] and saved.is_saved(seeded_copy, engine.store.generation())
    assert engine.ask("What did Cruz say?").answers
    assert engine.ask("Who said it was a nothingburger?").answers
    assert reads == []  # the questions used them
    [info] = engine.articles()
    assert engine.remove(info.id)
    assert len(reads) == 1  # rebuilt from the rows by the write that changed the store...
    assert saved.is_saved(seeded_copy, engine.store.generation())  # ... and saved
    assert not engine.ask("What did Cruz say?").answers
    assert len(reads) == 1


def test_a_loaded_engine_names_articles_without_reading_them_at_questions(
    seeded_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`load` reads every article's title and address once; answers naming them (the
    article of each quote, the other outlets that carry it) read none at question time."""
    engine = Engine(seeded_copy)
    engine.load()
    reads: list[str] = []
    for name in ("article_ref", "article_refs"):
        method = getattr(engine.store, name)
        monkeypatch.setattr(
            engine.store, name, lambda *a, _n=name, _m=method: (reads.append(_n), _m(*a))[1]
        )
    result = engine.ask("What did Cruz say?")
    assert result.answers and result.answers[0].article.title
    assert reads == []
    engine.close()


def test_faiss_cache_is_rebuilt_when_missing_or_corrupt(seeded_copy: Path) -> None:
    files = sorted(seeded_copy.glob("*.faiss"))
    assert [p.name.split("-")[0] for p in files] == ["chunk", "quote"]
    files[0].unlink()
    files[1].write_bytes(b"garbage")
    engine = Engine(seeded_copy)
    hits = engine.search_vectors("quote", engine.embed(["nothingburger"])[0], 1)
    assert hits
    assert len(list(seeded_copy.glob("*.faiss"))) == 2


def test_index_files_of_an_older_format_are_rebuilt(seeded_copy: Path) -> None:
    """A store written before the quantised index (fp32 `IndexFlatIP` files) keeps working:
    the files are replaced by the current format, built from SQLite, on first use."""
    import faiss

    engine = Engine(seeded_copy)
    gen = engine.store.generation()
    for kind in ("chunk", "quote"):
        ids, vecs = engine.store.vectors(kind, 384)
        old = faiss.IndexIDMap2(faiss.IndexFlatIP(384))
        old.add_with_ids(vecs, ids)
        faiss.write_index(old, str(seeded_copy / f"{kind}-{gen}.faiss"))
    hits = engine.search_vectors("quote", engine.embed(["nothingburger"])[0], 1)
    assert hits and hits[0].score > 0.3
    for kind in ("chunk", "quote"):
        index = faiss.read_index(str(seeded_copy / f"{kind}-{gen}.faiss"))
        assert isinstance(faiss.downcast_index(index.index), faiss.IndexScalarQuantizer)
        assert index.ntotal == len(engine.store.vectors(kind, 384)[0])


def test_a_store_built_with_another_model_asks_for_reindex(
    seeded_copy: Path, tmp_path: Path
) -> None:
    from tests.conftest import HashEmbedder

    story = tmp_path / "story.txt"
    story.write_text('Mayor Dana Ruiz said the plan was "a mistake from the start."\n')
    engine = Engine(seeded_copy, embedder=HashEmbedder(384))
    with pytest.raises(StoreError, match="reindex"):
        engine.ingest([str(story)])
    with pytest.raises(StoreError, match="reindex"):
        engine.search_vectors("quote", engine.embed(["a mistake"])[0], 3)
    assert engine.reindex().replaced
    assert engine.search_vectors("quote", engine.embed(["a mistake"])[0], 3)


def test_url_ingest_from_a_loopback_server(data_dir: Path) -> None:
    page = (
        "<html><head><title>Harbor plan approved</title></head><body><article>"
        "<h1>Harbor plan approved</h1>"
        "<p>The city council approved the harbor plan on Monday after a long debate "
        "that ran late into the night and drew a large crowd of residents.</p>"
        '<p>"This is a good day for the waterfront," Councilwoman Rita Okafor said '
        "after the vote. She added that work would begin in the spring.</p>"
        "<p>Opponents said the plan would raise rents for the small businesses that "
        "line the harbor, and promised to keep pressing the council for changes.</p>"
        "</article></body></html>"
    )
    server = ArticleServer()
    server.add("/harbor", page)
    with server as base:
        refused = Engine(data_dir).ingest([base + "/harbor"])
        assert refused.added == [] and "loopback" in refused.failed[0][1]
        engine = Engine(data_dir, allow_private_urls=True)
        report = engine.ingest([base + "/harbor"])
    assert len(report.added) == 1, report.failed
    [info] = engine.articles()
    assert info.url == base + "/harbor" and info.title == "Harbor plan approved"
    assert any(q.speaker == "Rita Okafor" for q in engine.quotes(info.id))


def test_freed_heap_memory_goes_back_to_the_os() -> None:
    """What a large transient step frees (here 1 KB blocks, one in 50 kept so the heap cannot
    shrink from the top) stays resident until `release_free_memory` hands it back."""
    import sys

    from retrieval.storage.heap import release_free_memory

    if not sys.platform.startswith("linux"):
        pytest.skip("glibc only")

    def rss() -> int:
        status = Path("/proc/self/status").read_text()
        return int(next(ln for ln in status.splitlines() if ln.startswith("VmRSS:")).split()[1])

    release_free_memory()
    blocks = [bytes(1024) + bytes([i % 256]) for i in range(150_000)]
    kept = blocks[::50]
    del blocks
    before = rss()
    assert release_free_memory()
    assert before - rss() > 50_000  # KB: most of the ~150 MB freed
    assert len(kept) == 3000


def test_long_articles_are_written_in_smaller_batches(
    tmp_path: Path, data_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A batch holds its articles' chunk and quote vectors together, so long articles are
    written a few at a time, not sixteen."""
    import retrieval.engine
    from tests.conftest import HashEmbedder
    from tests.newsgen import long_article

    for i in range(4):
        (tmp_path / f"long{i}.txt").write_text(long_article(3_000, seed=i), encoding="utf-8")
    monkeypatch.setattr(retrieval.engine, "BATCH_CHARS", 5_000)
    engine = Engine(data_dir, embedder=HashEmbedder(384))
    sizes: list[int] = []
    write = engine._write
    monkeypatch.setattr(
        engine, "_write", lambda arts, rep, exs: (sizes.append(len(arts)), write(arts, rep, exs))
    )
    report = engine.ingest([str(tmp_path)])
    assert len(report.added) == 4
    assert sizes == [2, 2]


def _quote_rows(engine: Engine) -> list[tuple[object, ...]]:
    return [tuple(r) for r in engine.store.conn.execute("SELECT * FROM quotes ORDER BY id")]


def test_ingest_on_several_processes_stores_what_one_process_stores(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With an embedder given to the engine, worker processes parse the next batches while
    this one embeds and writes: the quotes, their order and the vectors are those of the
    serial path, and reindex uses them too."""
    import retrieval.engine
    import retrieval.extraction.parallel
    from tests.conftest import HashEmbedder

    monkeypatch.setattr(retrieval.engine, "BATCH", 2)  # 2 workers, each several batches
    pools: list[int] = []
    pool_class = retrieval.extraction.parallel.WorkerPool

    def counted(workers: int, *args: object) -> object:
        pools.append(workers)
        return pool_class(workers, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(retrieval.extraction.parallel, "WorkerPool", counted)
    articles = SEEDS.parent / "tests" / "qa" / "articles"
    n = len(list(articles.glob("*.txt")))
    serial = Engine(tmp_path / "one", embedder=HashEmbedder(384), ingest_workers=1)
    parallel = Engine(tmp_path / "two", embedder=HashEmbedder(384), ingest_workers=2)
    assert len(serial.ingest([str(articles)]).added) == n
    assert pools == []
    assert len(parallel.ingest([str(articles)]).added) == n
    assert pools == [2]
    assert _quote_rows(parallel) == _quote_rows(serial)
    vectors = "SELECT kind, ref_id, vec FROM embeddings ORDER BY kind, ref_id, vid"
    assert [tuple(r) for r in parallel.store.conn.execute(vectors)] == [
        tuple(r) for r in serial.store.conn.execute(vectors)
    ]
    parallel.reindex()
    serial.reindex()
    assert pools == [2, 2]
    # reindex takes the articles in the order they were added (timestamps, which may tie):
    # compare by content, without the row and speaker ids that follow that order
    assert sorted((r[1], *r[3:]) for r in _quote_rows(parallel)) == sorted(
        (r[1], *r[3:]) for r in _quote_rows(serial)
    )


def test_quotes_of_files_on_several_processes_are_the_serial_ones(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import retrieval.engine
    from retrieval.engine import extract

    monkeypatch.setattr(retrieval.engine, "BATCH", 2)
    files = sorted(str(p) for p in (SEEDS.parent / "tests" / "qa" / "articles").glob("*.txt"))
    assert len(files) >= 4
    assert extract(files, workers=2) == extract(files, workers=1)


def test_workers_parse_and_embed_whole_batches_with_the_engines_own_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each worker parses and embeds its batch on one core: the same quotes and the same
    vectors, byte for byte, as one process."""
    import retrieval.engine

    monkeypatch.setattr(retrieval.engine, "BATCH", 2)
    articles = SEEDS.parent / "tests" / "qa" / "articles"
    n = len(list(articles.glob("*.txt")))
    serial = Engine(tmp_path / "one", ingest_workers=1)
    parallel = Engine(tmp_path / "two", ingest_workers=2)
    assert len(serial.ingest([str(articles)]).added) == n
    assert len(parallel.ingest([str(articles)]).added) == n
    assert _quote_rows(parallel) == _quote_rows(serial)
    vectors = "SELECT kind, ref_id, vec FROM embeddings ORDER BY kind, ref_id, vid"
    assert [tuple(r) for r in parallel.store.conn.execute(vectors)] == [
        tuple(r) for r in serial.store.conn.execute(vectors)
    ]
    assert parallel.ask("What did Okafor say about the plaza?").answers[0].speaker == "Diane Okafor"


def test_the_cache_patched_at_ingest_holds_what_a_rebuild_from_the_store_holds(
    tmp_path: Path,
) -> None:
    """Ingest adds its vectors to the open cache; the store keeps them as 8-bit codes. The
    cache must hold the stored vectors, not the embedder's, or it would pick other
    candidates than a process that rebuilt its cache from the store."""
    from tests.conftest import HashEmbedder
    from tests.reliability.harness import same_vectors

    folder = tmp_path / "in"
    folder.mkdir()
    for i in range(3):
        (folder / f"note{i}.txt").write_text(
            f"Ferry notice {i}\n\n"
            f'"The {i} o\'clock crossing leaves from pier {i + 4}," said Harbourmaster '
            f"Ilse Varga{i}. The timetable for pier {i + 4} changes next week.\n",
            encoding="utf-8",
        )

    class Dense(HashEmbedder):
        """Hash vectors turned by a fixed rotation: every coordinate a real-valued one, as
        a model's are (the 8-bit codes then differ from the floats)."""

        turn = np.linalg.qr(np.random.default_rng(7).normal(size=(384, 384)))[0]

        def embed(self, texts: list[str]) -> np.ndarray:
            return (super().embed(texts) @ self.turn).astype(np.float32)

    engine = Engine(tmp_path / "data", embedder=Dense(384))
    engine.search_vectors("chunk", np.zeros((1, 384), dtype=np.float32), 1)  # cache open
    engine.ingest([str(folder)])
    for kind in ("chunk", "quote"):
        index = engine.vectors.indexes[kind]
        assert index.generation == engine.store.generation(), "patched, not rebuilt"
        assert same_vectors(index.index, engine.store.conn, kind), kind  # type: ignore[attr-defined]
    engine.close()
