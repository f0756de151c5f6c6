"""The store contract, run against SQLite and against a real PostgreSQL server: writes,
identity, removal, the reads answering makes, lexical search with its cost guard, vectors,
following state, the missing-store error, and copying between the two (whosaid migrate)."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from retrieval.engine import open_store
from retrieval.errors import StoreError
from retrieval.storage import codec, interfaces
from retrieval.storage.feeds import FeedStore
from retrieval.storage.interfaces import ArticleStore, in_parallel
from retrieval.storage.postgres.schema import SCHEMA_STEP
from retrieval.storage.store import Prepared, content_hash
from retrieval.storage.transfer import checksum, copy_store
from retrieval.types import Article, Extraction, Quote, Speaker
from tests.conftest import HashEmbedder

TEXT = (
    'Mayor Dana Ruiz said the budget was "balanced at last." The council disagreed. '
    '"We will see," said Lee Park, "when the ferries run late again."'
)


def _quote(text: str, words: str, speaker: str, group: int | None = None) -> Quote:
    start = text.index(words)
    return Quote(
        text=words,
        start=start,
        end=start + len(words),
        kind="direct",
        speaker=speaker,
        speaker_mention=speaker,
        cue="said",
        group=group,
        context_start=0,
        context_end=len(text),
    )


def _prep(text: str = TEXT, source_key: str = "/tmp/a.txt") -> Prepared:
    emb = HashEmbedder(16)
    quotes = [_quote(text, "balanced at last.", "Dana Ruiz")] if "balanced" in text else []
    if "We will see" in text:
        quotes += [
            _quote(text, "We will see,", "Lee Park", group=1),
            _quote(text, "when the ferries run late again.", "Lee Park", group=1),
        ]
    ex = Extraction(
        quotes,
        [
            Speaker("Dana Ruiz", aliases=["Ruiz"], roles=["Mayor"], quoted=True, mentions=1),
            Speaker("Lee Park", quoted="We will see" in text, mentions=1),
        ],
    )
    half = len(text) // 2
    chunks = [(0, 0, half, text[:half]), (1, half, len(text), text[half:])]
    chash = content_hash(text)
    return Prepared(
        Article(text=text, source_key=source_key, title="Budget", published="2024-05-02"),
        chash[:12],
        chash,
        ex,
        chunks,
        emb.embed([c[3] for c in chunks]),
        emb.embed([q.text for q in quotes]),
        {0: emb.embed([text])[0]},
    )


@pytest.fixture(params=["sqlite", "postgres"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ArticleStore]:
    url = request.getfixturevalue("postgres_url") if request.param == "postgres" else None
    opened = open_store(tmp_path / "data", url)
    yield opened
    opened.close()


def test_put_is_idempotent_and_replaces_a_changed_source(store: ArticleStore) -> None:
    g0 = store.generation()
    first = store.put_article(_prep())
    assert first.status == "added" and len(first.chunk_vids) == 2 and len(first.quote_vids) == 3
    assert store.put_article(_prep()).status == "unchanged"
    assert store.generation() == g0 + 1
    assert store.find_article("/tmp/a.txt", content_hash(TEXT)) == (first.article_id,) * 2
    second = store.put_article(_prep(TEXT.replace("disagreed", "agreed")))
    assert second.status == "replaced" and store.generation() == g0 + 2
    assert sorted(second.removed_vids) == sorted(first.chunk_vids + first.quote_vids)
    assert store.counts() == {"articles": 1, "chunks": 2, "quotes": 3, "speakers": 2, "vectors": 5}
    assert [q.speaker for q in store.article_quotes(second.article_id)] == [
        "Dana Ruiz",
        "Lee Park",
        "Lee Park",
    ]


def test_remove_deletes_everything_derived(store: ArticleStore) -> None:
    result = store.put_article(_prep())
    assert store.remove_article("nope") is None
    removed = store.remove_article(result.article_id) or []
    assert sorted(removed) == sorted(result.chunk_vids + result.quote_vids)
    assert store.counts() == dict.fromkeys(
        ("articles", "chunks", "quotes", "speakers", "vectors"), 0
    )
    assert list(store.speaker_rows()) == [] and store.lexical("quote", "balanced", 5) == []
    assert store.vector_count("context") == 0


def test_a_failed_write_leaves_nothing(store: ArticleStore) -> None:
    bad = _prep()
    bad.quote_vecs = np.zeros((0, 16), dtype=np.float32)  # quotes without vectors: zip fails
    with pytest.raises(ValueError):
        store.put_article(bad)
    assert store.counts()["articles"] == 0 and store.generation() == 0


def test_the_reads_answering_makes(store: ArticleStore) -> None:
    aid = store.put_article(_prep()).article_id
    rows = [dict(r) for r in store.speaker_rows()]
    assert [(r["article_id"], r["name"], r["quoted"]) for r in rows] == [
        (aid, "Dana Ruiz", 1),
        (aid, "Lee Park", 1),
    ]
    assert store.article_count() == 1 and store.article_titles() == [(aid, "Budget")]
    assert store.article_dates() == [(aid, "2024-05-02")]
    assert store.article_refs([aid, "nope"])[aid].title == "Budget"
    park = store.quotes_by_speakers(["Lee Park"])
    assert [q.text for q in park] == ["We will see,", "when the ferries run late again."]
    assert park[0].skind == "person" and park[0].group == 1
    assert store.quotes_in_group(aid, 1) == park
    assert store.quotes_by_ids([park[1].id, park[0].id]) == park
    assert [q.text for q in store.quotes_between(aid, 0, TEXT.index(" The council"))] == [
        "balanced at last."
    ]
    assert len(store.first_quotes(2)) == 2
    stubs = store.quote_stub_rows(["Dana Ruiz"])
    assert [(s[2], s[5]) for s in stubs] == [("Dana Ruiz", "balanced at last.")]
    assert stubs[0][6] is not None  # its vector id
    vecs = store.vectors_by_ref("quote", [s[0] for s in stubs])
    assert codec.decode(vecs[stubs[0][0]]).shape == (16,)
    assert list(store.vectors_by_ref("context", [stubs[0][0]])) == [stubs[0][0]]
    spans = store.chunk_spans(list(range(1, 10)))
    assert sorted(spans.values()) == [(aid, 0, len(TEXT) // 2), (aid, len(TEXT) // 2, len(TEXT))]
    assert store.top_speakers("2000-01-01", 5)[0] == ("Lee Park", 2, 1)
    assert store.quoted_speakers([aid]) == 2


def test_quotes_of_one_sentence_share_its_stored_vector(store: ArticleStore) -> None:
    """A sentence's vector is stored once, with its first quote; every quote in it reads it,
    and removal takes it with the article."""
    prep = _prep()
    prep.context_vecs = {i: prep.context_vecs[0] for i in range(3)}  # one sentence, 3 quotes
    aid = store.put_article(prep).article_id
    assert store.vector_count("context") == 1
    ids = [q.id for q in store.quotes_by_speakers(["Dana Ruiz", "Lee Park"])]
    vecs = store.vectors_by_ref("context", ids)
    assert sorted(vecs) == sorted(ids) and len(set(vecs.values())) == 1
    want = codec.as_stored(prep.context_vecs[0].reshape(1, -1))[0]
    assert codec.decode(vecs[ids[0]]).tolist() == want.tolist()
    store.remove_article(aid)
    assert store.vector_count("context") == 0 and store.vectors_by_ref("context", ids) == {}


def _plain(text: str, source_key: str) -> Prepared:
    """A one-passage article without quotes."""
    chash = content_hash(text)
    return Prepared(
        Article(text=text, source_key=source_key),
        chash[:12],
        chash,
        Extraction([], []),
        [(0, 0, len(text), text)],
        HashEmbedder(16).embed([text]),
        np.zeros((0, 16), dtype=np.float32),
    )


def test_lexical_search_stems_ranks_and_keeps_its_cost_guard(
    store: ArticleStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.put_article(_prep())  # its second passage: "...when the ferries run late again."
    store.put_article(_plain("The ferry ran late and the ferry ran empty; ferries again.", "b"))
    store.put_article(_plain("Nobody said anything about boats.", "c"))

    def texts(ids: list[int]) -> list[str]:
        return [_text(store, span) for span in store.chunk_spans(ids).values()]

    # "ferry" finds "ferries" too (both stemmers); the passage saying it three times is first
    hits = store.lexical("chunk", "Which ferry?", 10)
    assert len(hits) == 2 and texts(hits[:1]) == [
        "The ferry ran late and the ferry ran empty; ferries again."
    ]
    assert store.lexical("chunk", "?!* --", 10) == []  # no words, no query
    assert store.lexical("quote", 'balanced" OR * NEAR(', 10) != []  # operators are words here
    # a word in more rows than COMMON_ROWS is left out when a rarer one is asked with it
    monkeypatch.setattr("retrieval.storage.store.COMMON_ROWS", 1)
    monkeypatch.setattr("retrieval.storage.postgres.lexical.COMMON_ROWS", 1)
    store.put_article(_plain("One more ferry, and a waitress.", "d"))  # a new generation
    assert texts(store.lexical("chunk", "ferry waitress", 10)) == [
        "One more ferry, and a waitress."
    ]
    # a question of common words only needs all of them
    both = texts(store.lexical("chunk", "ferry late", 10))
    assert len(both) == 2 and all("ferr" in t and "late" in t for t in both)


def _text(store: ArticleStore, span: tuple[str, int, int]) -> str:
    aid, start, end = span
    return (store.article_text(aid) or "")[start:end]


def test_vectors_stream_in_batches_and_a_wrong_dimension_is_a_store_error(
    store: ArticleStore,
) -> None:
    result = store.put_article(_prep())
    parts = list(store.vector_batches("chunk", 16, first=1, size=1))
    assert [len(ids) for ids, _ in parts] == [1, 1]
    assert [int(ids[0]) for ids, _ in parts] == result.chunk_vids
    rows = store.vector_rows(result.quote_vids)
    assert {r[0] for r in rows.values()} == {"quote"} and len(rows) == 3
    with pytest.raises(StoreError, match="run `whosaid reindex`"):
        list(store.vector_batches("chunk", 8))


def test_vector_fields_are_the_article_and_the_quotes_speaker(store: ArticleStore) -> None:
    """What a Milvus collection filters on (retrieval/storage/milvus/index.py)."""
    result = store.put_article(_prep())
    fields = store.vector_fields(result.chunk_vids + result.quote_vids + [10**9])
    assert [fields[v] for v in result.chunk_vids] == [(result.article_id, -1)] * 2
    ruiz, park, park_again = (fields[v] for v in result.quote_vids)
    assert {ruiz[0], park[0]} == {result.article_id}
    assert park == park_again and -1 < ruiz[1] != park[1] > -1
    assert 10**9 not in fields


def test_replace_all_swaps_every_article(store: ArticleStore) -> None:
    store.put_article(_prep())
    before = store.generation()
    store.replace_all([_prep()], "model-b")
    assert store.generation() == before + 1 and store.get_meta("embedding_model") == "model-b"
    assert store.counts()["quotes"] == 3 and len(list(store.speaker_rows())) == 2


def test_an_id_read_before_a_write_never_names_another_row_after_it(
    store: ArticleStore,
) -> None:
    """Answering reads ids first (a speaker's quote list cached for its generation, a vector
    search) and rows later; a reindex or a removal in between must leave such an id naming
    the same row or none. SQLite on its own would count again from the largest id left."""
    first = store.put_article(_prep())
    seen_quotes = {q.id for q in store.quotes_between(first.article_id, 0, len(TEXT))}
    seen_vids = set(first.chunk_vids + first.quote_vids)
    store.replace_all([_prep()], "model-b")  # every row written again
    quotes = {q.id for q in store.quotes_between(first.article_id, 0, len(TEXT))}
    assert quotes and not quotes & seen_quotes
    assert store.quotes_by_ids(sorted(seen_quotes)) == []
    seen_quotes |= quotes
    store.remove_article(first.article_id)  # the newest rows go
    again = store.put_article(_prep(TEXT.replace("disagreed", "agreed"), "/tmp/b.txt"))
    assert not {q.id for q in store.quotes_between(again.article_id, 0, len(TEXT))} & seen_quotes
    assert not set(again.chunk_vids + again.quote_vids) & seen_vids
    assert [q.speaker for q in store.quotes_by_ids(sorted(seen_quotes))] == []


def test_the_vector_ids_of_a_time_window(store: ArticleStore) -> None:
    """What a time-scoped question searches among: the chunk or quote vectors of its
    articles (context vectors are never searched)."""
    first = store.put_article(_prep())
    other = store.put_article(_prep(TEXT.replace("disagreed", "agreed"), "/tmp/b.txt"))
    assert sorted(store.vector_ids_in("chunk", [first.article_id])) == sorted(first.chunk_vids)
    assert sorted(store.vector_ids_in("quote", [other.article_id])) == sorted(other.quote_vids)
    both = store.vector_ids_in("quote", [first.article_id, other.article_id, "nope"])
    assert sorted(both) == sorted(first.quote_vids + other.quote_vids)
    assert store.vector_ids_in("chunk", []) == [] == store.vector_ids_in("chunk", ["nope"])


def test_feeds_and_the_lease(store: ArticleStore, tmp_path: Path) -> None:
    feeds = FeedStore(store)
    row, created = feeds.add("https://d.example/feed.xml", "Desk")
    assert created and not feeds.add("https://d.example/feed.xml", None)[1]
    feeds.item_done(row.id, "https://d.example/1", "abc")
    feeds.item_failed(row.id, "https://d.example/2", "gone")
    assert feeds.settled(row.id, ["https://d.example/1", "https://d.example/2"]) == {
        "https://d.example/1"
    }
    feeds.polled(row.id, next_poll=5.0, etag="e1")
    got = feeds.get(row.id)
    assert got is not None and got.items == 1 and got.etag == "e1" and feeds.due(4.0) == []
    assert feeds.take_lease("poll", "one", 60) and not feeds.take_lease("poll", "two", 60)
    assert feeds.take_lease("poll", "one", 60)  # the holder renews it
    feeds.release_lease("poll", "one")
    assert feeds.take_lease("poll", "two", 60)
    assert feeds.remove(row.id) and feeds.all() == []


def test_a_database_without_a_store_is_the_missing_store_error(
    postgres_url: str, tmp_path: Path
) -> None:
    for read_only, create in ((True, True), (False, False)):
        with pytest.raises(StoreError, match=r"^no whosaid store at postgresql://.*\(index"):
            open_store(tmp_path, postgres_url, read_only=read_only, create=create)
    with pytest.raises(StoreError, match=r"^no whosaid store at "):
        open_store(tmp_path / "empty", read_only=True)
    secret = postgres_url.replace("://", "://nobody:hunter2@").replace("127.0.0.1", "127.0.0.2")
    with pytest.raises(StoreError, match=r"^cannot open the store at ") as err:
        open_store(tmp_path, secret.rsplit(":", 1)[0] + ":1/x")
    assert "hunter2" not in str(err.value)


def test_a_newer_schema_is_refused_and_reopening_migrates_nothing(
    postgres_url: str, tmp_path: Path
) -> None:
    import psycopg

    open_store(tmp_path, postgres_url).close()
    open_store(tmp_path, postgres_url).close()  # a current schema: nothing to apply
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        versions = [r[0] for r in conn.execute("SELECT version FROM schema_version")]
        assert versions == list(range(1, SCHEMA_STEP + 1))
        conn.execute("INSERT INTO schema_version (version) VALUES (99)")
    with pytest.raises(StoreError, match="newer than this whosaid knows"):
        open_store(tmp_path, postgres_url)


def test_migrate_round_trip_keeps_every_row(postgres_url: str, tmp_path: Path) -> None:
    sqlite = open_store(tmp_path / "one")
    sqlite.put_article(_prep())
    sqlite.put_article(_plain("The ferry ran late again.", "/tmp/b.txt"))
    FeedStore(sqlite).add("https://d.example/feed.xml", "Desk")
    pg = open_store(tmp_path / "cache", postgres_url)
    report = copy_store(sqlite, pg)
    assert report.rows["quotes"] == 3 and report.rows["feeds"] == 1
    with pytest.raises(StoreError, match="already holds a store"):
        copy_store(sqlite, pg)
    back = open_store(tmp_path / "two")
    again = copy_store(pg, back)
    assert again.checksum == report.checksum == checksum(back)[1]
    for one, other in ((sqlite, pg), (sqlite, back)):
        assert one.counts() == other.counts()
        for text in ("ferry", "balanced budget"):
            assert one.lexical("quote", text, 5) == other.lexical("quote", text, 5)
    # new ids go on after the copied ones (no clash with a copied row)
    assert pg.put_article(_prep(TEXT + " A third story.", "/tmp/c.txt")).status == "added"
    for s in (sqlite, pg, back):
        s.close()


def test_a_copied_store_is_analysed_and_searched_without_pending_lists(
    postgres_url: str, tmp_path: Path
) -> None:
    """After `whosaid migrate` the planner has statistics for the searched tables (without
    them a full-text match read every quote), and new rows go straight into the full-text
    indexes (no pending list for every search to read through)."""
    import psycopg

    sqlite = open_store(tmp_path / "one")
    sqlite.put_article(_prep())
    pg = open_store(tmp_path / "cache", postgres_url)
    copy_store(sqlite, pg)
    pg.put_article(_plain("The ferry ran late again.", "/tmp/b.txt"))
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        analysed = conn.execute(
            "SELECT relname FROM pg_stat_user_tables WHERE last_analyze IS NOT NULL"
        ).fetchall()
        assert {"quotes", "chunks", "embeddings"} <= {r[0] for r in analysed}
        options = conn.execute(
            "SELECT relname, reloptions FROM pg_class WHERE relname IN ('quotes_tsv', 'chunks_tsv')"
        ).fetchall()
        assert {name: opts for name, opts in options} == {
            "quotes_tsv": ["fastupdate=off"],
            "chunks_tsv": ["fastupdate=off"],
        }
        conn.execute("CREATE EXTENSION IF NOT EXISTS pgstattuple")
        for index in ("quotes_tsv", "chunks_tsv"):
            pending = conn.execute("SELECT pending_tuples FROM pgstatginindex(%s)", (index,))
            assert pending.fetchone() == (0,)
    assert pg.lexical("chunk", "ferry", 5)  # a row written after the copy is found
    sqlite.close()
    pg.close()


def test_each_process_vector_cache_follows_the_shared_database(
    postgres_url: str, tmp_path: Path
) -> None:
    """Two processes (two stores, two cache dirs) on one database: a write by one moves the
    generation, and the other's FAISS cache rebuilds from the stored vectors on next use."""
    from retrieval.storage.vector_cache import VectorCache

    writer = open_store(tmp_path / "one", postgres_url)
    reader = open_store(tmp_path / "two", postgres_url)
    first = writer.put_article(_prep())
    cache = VectorCache(reader)
    query = HashEmbedder(16).embed([TEXT[len(TEXT) // 2 :]])[0]
    top = cache.search(cache.sync(16)["chunk"], query, 1)[0]
    # the store keeps 8-bit codes (storage.codec): a vector scores 0.9999 against itself
    assert top.vid == first.chunk_vids[1] and top.score == pytest.approx(1.0, abs=2e-4)
    assert list((tmp_path / "two").glob("pg-*/*.faiss"))  # saved in its own cache dir
    other = "Harbour pilots said nothing."
    second = writer.put_article(_plain(other, "/tmp/e.txt"))
    assert not cache.current()
    query = HashEmbedder(16).embed([other])[0]
    top = cache.search(cache.sync(16)["chunk"], query, 1)[0]
    assert top.vid == second.chunk_vids[0] and top.article_id == second.article_id
    writer.close()
    reader.close()


def test_an_answer_reads_the_generation_once(store: ArticleStore, tmp_path: Path) -> None:
    """Inside `reading` (one answer) the generation is the one read on entry, even when
    another process writes meanwhile; the next answer sees the write."""
    store.put_article(_prep())
    other = open_store(tmp_path / "data", getattr(store, "url", None))  # another process
    try:
        with store.reading() as gen:
            other.put_article(_plain("Harbour pilots said nothing.", "/tmp/e.txt"))
            with store.reading() as inner:
                assert inner == gen and store.generation() == gen
        assert store.generation() == gen + 1
    finally:
        other.close()


def test_reads_an_answer_runs_beside_it_keep_its_generation(
    store: ArticleStore, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reads an answer runs in other threads (`in_parallel`) read at the answer's generation,
    not at a write another process committed since."""
    monkeypatch.setattr(interfaces, "_a_core_is_free", lambda: True)
    store.put_article(_prep())
    other = open_store(tmp_path / "data", getattr(store, "url", None))  # another process
    started = threading.Event()

    def beside() -> tuple[int, int]:
        started.set()
        return store.generation(), threading.get_ident()

    def mine() -> int:
        assert started.wait(30)  # the other call is running in a thread of its own
        return store.generation()

    try:
        with store.reading() as gen:
            other.put_article(_plain("Harbour pilots said nothing.", "/tmp/e.txt"))
            (theirs, thread), ours = in_parallel(beside, mine)
        assert thread != threading.get_ident() and theirs == ours == gen
    finally:
        other.close()


class _Queries:
    """Counts the queries psycopg sends while it is open."""

    def __enter__(self) -> _Queries:
        import psycopg

        self.count, self.saved = 0, psycopg.Cursor.execute

        def counted(cur: object, *args: object, **kwargs: object) -> object:
            self.count += 1
            return self.saved(cur, *args, **kwargs)  # type: ignore[arg-type]

        psycopg.Cursor.execute = counted  # type: ignore[method-assign,assignment]
        return self

    def __exit__(self, *exc: object) -> None:
        import psycopg

        psycopg.Cursor.execute = self.saved  # type: ignore[method-assign]


def test_passages_and_quotes_come_with_what_answering_reads_next(
    postgres_url: str, tmp_path: Path
) -> None:
    """On PostgreSQL a passage lookup brings the quotes within each passage and its article,
    and a quote lookup its article: answering reads them next without a query each."""
    writer = open_store(tmp_path / "w", postgres_url)
    aid = writer.put_article(_prep()).article_id
    writer.close()
    expected = open_store(tmp_path / "sqlite")
    expected.put_article(_prep())
    store = open_store(tmp_path / "r", postgres_url)
    try:
        spans = store.chunk_spans(list(range(1, 10)))
        park = store.quotes_by_speakers(["Lee Park"])
        with _Queries() as queries:
            within = {span: store.quotes_between(*span) for span in spans.values()}
            texts = {a: store.article_text(a) for a, _, _ in spans.values()}
            refs = store.article_refs([aid])
        assert queries.count == 0
        assert {s: [q.text for q in qs] for s, qs in within.items()} == {
            s: [q.text for q in expected.quotes_between(*s)] for s in spans.values()
        }
        assert texts == {aid: TEXT} and refs[aid].title == "Budget"
        fresh = open_store(tmp_path / "f", postgres_url)
        fresh.quotes_by_ids([q.id for q in park])
        with _Queries() as queries:
            assert fresh.article_text(aid) == TEXT and fresh.article_ref(aid) is not None
        assert queries.count == 0
        fresh.close()
    finally:
        store.close()
        expected.close()


def test_passages_read_again_at_one_generation_cost_no_query(
    postgres_url: str, tmp_path: Path
) -> None:
    """On PostgreSQL the passages a question finds (and their quotes) are kept for the
    generation, as quotes by id are: asking again sends no query; a write empties them."""
    store = open_store(tmp_path / "r", postgres_url)
    try:
        store.put_article(_prep())
        spans = store.chunk_spans([2, 1, 99])
        with _Queries() as queries:
            assert store.chunk_spans([1, 2, 99]) == spans and list(spans) == [1, 2]
            within = [store.quotes_between(*span) for span in spans.values()]
        assert queries.count == 0 and [q.text for qs in within for q in qs]
        store.put_article(_plain("Harbour pilots said nothing.", "/tmp/e.txt"))
        with _Queries() as queries:
            assert store.chunk_spans([1, 2]) == spans
        assert queries.count == 2  # the passages with their quotes, then their article
    finally:
        store.close()
