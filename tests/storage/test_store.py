"""The SQLite store: atomic writes, identity by content hash and source, removal, FTS."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pytest

from retrieval.errors import StoreError
from retrieval.storage import codec, transfer
from retrieval.storage.interfaces import TextCache
from retrieval.storage.store import (
    CHUNKS,
    DDL_VERSION,
    EMBEDDINGS,
    KIND_CODES,
    PAGE_SIZE,
    Prepared,
    Store,
    content_hash,
    fts_query,
    sql_functions,
    stored_text,
)
from retrieval.types import Article, Extraction, Quote, Speaker
from tests.conftest import HashEmbedder
from tests.storage.test_store_contract import _plain

TEXT = 'Mayor Dana Ruiz said the budget was "balanced at last." The council disagreed.'


def _prep(text: str = TEXT, source_key: str = "/tmp/a.txt") -> Prepared:
    emb = HashEmbedder(16)
    start = text.index("balanced")
    end = text.index('."') + 1
    quote = Quote(
        text=text[start:end],
        start=start,
        end=end,
        kind="mixed",
        speaker="Dana Ruiz",
        speaker_mention="Mayor Dana Ruiz",
        cue="said",
        context_start=0,
        context_end=text.index(" The council"),
    )
    ex = Extraction(
        [quote],
        [
            Speaker("Dana Ruiz", aliases=["Ruiz"], roles=["Mayor"], quoted=True, mentions=1),
            Speaker("Lee Park", quoted=False, mentions=1),
        ],
    )
    chunks = [(0, 0, len(text), text)]
    chash = content_hash(text)
    return Prepared(
        Article(text=text, source_key=source_key, title="Budget"),
        chash[:12],
        chash,
        ex,
        chunks,
        emb.embed([text]),
        emb.embed([quote.text]),
    )


def test_put_is_idempotent_and_replaces_a_changed_source(tmp_path: Path) -> None:
    store = Store(tmp_path)
    g0 = store.generation()
    first = store.put_article(_prep())
    assert first.status == "added" and len(first.chunk_vids) == 1 and len(first.quote_vids) == 1
    assert store.put_article(_prep()).status == "unchanged"
    assert store.generation() == g0 + 1
    changed = _prep(TEXT.replace("disagreed", "agreed"))
    second = store.put_article(changed)
    assert second.status == "replaced"
    assert sorted(second.removed_vids) == sorted(first.chunk_vids + first.quote_vids)
    assert store.counts() == {"articles": 1, "chunks": 1, "quotes": 1, "speakers": 1, "vectors": 2}
    [quote] = store.article_quotes(second.article_id)
    assert quote.speaker == "Dana Ruiz"


def test_remove_deletes_everything_derived(tmp_path: Path) -> None:
    store = Store(tmp_path)
    result = store.put_article(_prep())
    assert store.remove_article("nope") is None
    assert sorted(store.remove_article(result.article_id) or []) == sorted(
        result.chunk_vids + result.quote_vids
    )
    assert store.counts() == dict.fromkeys(
        ("articles", "chunks", "quotes", "speakers", "vectors"), 0
    )
    conn = store.conn
    for table in ("chunks_fts", "quotes_fts", "aliases", "article_speakers", "speakers"):
        assert conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0] == 0


def test_article_texts_are_unpacked_once_per_generation_and_never_outlive_it(
    tmp_path: Path,
) -> None:
    """Answering reads the same articles again and again: the store keeps their unpacked
    text while the generation holds, and a write by another process (a new generation)
    stops a removed article from being served."""
    store, other = Store(tmp_path), Store(tmp_path)
    aid = store.put_article(_prep()).article_id
    assert store.article_text(aid) == TEXT
    queries: list[str] = []
    store.conn.set_trace_callback(queries.append)
    assert store.article_text(aid) == TEXT
    assert [q.text for q in store.quotes_by_ids([1])] == ["balanced at last."]
    assert not [q for q in queries if "FROM articles" in q]
    other.remove_article(aid)
    assert store.article_text(aid) is None
    store.conn.set_trace_callback(None)


def test_the_text_cache_keeps_the_most_recent_texts_within_its_bound() -> None:
    cache = TextCache(max_chars=10)
    cache.put(1, "a", "12345")
    cache.put(1, "b", "12345")
    assert cache.get(1, "a") == "12345"  # now the most recent
    cache.put(1, "c", "123")
    assert (cache.get(1, "a"), cache.get(1, "b"), cache.get(1, "c")) == ("12345", None, "123")
    assert cache.get(2, "a") is None  # another generation
    cache.put(2, "d", "1")
    assert (cache.get(2, "a"), cache.get(2, "d")) == (None, "1")


def test_a_failed_write_leaves_nothing(tmp_path: Path) -> None:
    store = Store(tmp_path)
    bad = _prep()
    bad.quote_vecs = np.zeros((0, 16), dtype=np.float32)  # one quote, no vector: zip fails
    with pytest.raises(ValueError):
        store.put_article(bad)
    assert store.counts()["articles"] == 0 and store.generation() == 0


def test_quotes_and_fts_round_trip(tmp_path: Path) -> None:
    store = Store(tmp_path)
    aid = store.put_article(_prep()).article_id
    [q] = store.article_quotes(aid)
    assert q.speaker == "Dana Ruiz" and TEXT[q.start : q.end] == q.text
    match = fts_query('balanced" OR * NEAR(--')
    assert match is not None
    hits = store.conn.execute(
        "SELECT rowid FROM chunks_fts WHERE chunks_fts MATCH ?", (match,)
    ).fetchall()
    assert len(hits) == 1
    assert fts_query("?!* --") is None


def _put_each(store: Store, texts: list[str], tag: str) -> list[int]:
    """Each text as a one-passage article, in order; the id of each one's chunk."""
    ids = []
    for i, text in enumerate(texts):
        store.put_article(_plain(text, f"/tmp/{tag}{i}.txt"))
        ids.append(max(store.chunk_spans(range(1, 100))))
    return ids


def test_lexical_search_leaves_very_common_words_out_of_a_common_words_query(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """bm25 counts every row holding each word it ranks by: a common word in more than
    VERY_COMMON of the rows is left out when another common word remains, and words that are
    all very common give the newest rows holding them, unranked."""
    monkeypatch.setattr("retrieval.storage.store.COMMON_ROWS", 2)
    monkeypatch.setattr("retrieval.storage.store.VERY_COMMON", 0.5)
    store = Store(tmp_path)
    texts = [
        "The harbor harbor harbor.",  # the best bm25 match for "harbor", and the oldest
        "A quiet harbor at dawn with gulls.",
        "The ferry left at noon without its captain on board.",  # "ferry", no "harbor"
        "Boats in the harbor and a long wait for the pilot.",
        "The harbor master spoke of tides and of the season.",
        "The ferry came into the harbor late on Sunday evening.",
        "Rain over the harbor for most of the afternoon there.",
        "Nets dried along the harbor wall until the evening.",
        "The ferry and the harbor both closed early on Monday.",
    ]
    ids = _put_each(store, texts, "p")

    # "harbor" is in 8 of the last 8 rows (very common), "ferry" in 3 of the last 7: the
    # query needs only "ferry" (the passage without "harbor" is found too)
    assert sorted(store.lexical("chunk", "harbor ferry", 10)) == [ids[2], ids[5], ids[8]]
    # only very common words: the newest rows holding them, not bm25's shortest first
    assert store.lexical("chunk", "harbor", 3) == [ids[8], ids[7], ids[6]]
    assert store.lexical("chunk", "harbor", 9)[-1] == ids[0]


# "harbor" (or "harbors", the same stem) in rows 0, 2, 4, 5; "ferry" in 1, 2; "pier" in 3
HARBOR = [
    "The harbor at dawn.",
    "A ferry at noon.",
    "The harbor wall and the ferry.",
    "Gulls over the pier.",
    "A harbor pilot waited.",
    "Rain on the harbors.",
]


def test_common_words_read_ahead_spare_counting_and_change_no_search(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`load_common_words` reads which words are in more than COMMON_ROWS rows from FTS5's
    vocabulary: at that generation a search counts the rows of none of its rare words
    (recognised by FTS5's own stems: "harbors" is "harbor") and finds what counting found;
    after a write the store counts again until it reads them anew."""
    monkeypatch.setattr("retrieval.storage.store.COMMON_ROWS", 2)
    store = Store(tmp_path)
    _put_each(store, HARBOR, "c")
    asked = ["harbors ferry", "harbor pier gulls", "the harbor", "pilot_wall", "harbor_pilot"]
    counted = {(kind, a): store.lexical(kind, a, 5) for kind in ("chunk", "quote") for a in asked}
    store._term_counts.clear()
    store.load_common_words()
    assert store._common[store.generation()]["chunks_fts"] == {"harbor", "the"}
    spent: list[str] = []
    real = store._term_stats
    monkeypatch.setattr(store, "_term_stats", lambda t, w: spent.append(w) or real(t, w))
    for (kind, a), ids in counted.items():
        assert store.lexical(kind, a, 5) == ids
    # only words all of whose stems are common are counted ("the harbor": the newest rows)
    assert set(spent) <= {"harbor", "harbors"}
    store.put_article(_plain("The harbor again.", "/tmp/c9.txt"))
    spent.clear()
    store.lexical("chunk", "ferry", 5)
    assert spent == ["ferry"]


def test_term_counts_are_those_of_the_newest_rows_holding_the_word(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A word's (rows holding it, up to COMMON_ROWS + 1; their share of the span of ids they
    lie in), counted in SQLite: the newest COMMON_ROWS + 1 of them when there are more."""
    monkeypatch.setattr("retrieval.storage.store.COMMON_ROWS", 2)
    store = Store(tmp_path)
    ids = _put_each(store, HARBOR, "t")
    # "harbor" in rows 0, 2, 4, 5: the newest three (5, 4, 2) span ids[2]..ids[5]
    assert store._term_stats("chunks_fts", "harbor") == (3, 3 / (ids[5] - ids[2] + 1))
    assert store._term_stats("chunks_fts", "ferry") == (2, 2 / (ids[2] - ids[1] + 1))
    assert store._term_stats("chunks_fts", "pier") == (1, 1.0)
    assert store._term_stats("chunks_fts", "absent") == (0, 0.0)


def test_an_unusable_data_dir_is_a_store_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StoreError):
        Store(blocker)
    garbage = tmp_path / "g"
    garbage.mkdir()
    (garbage / "whosaid.db").write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(StoreError):
        Store(garbage)


def test_readers_see_committed_state_only(tmp_path: Path) -> None:
    store = Store(tmp_path)
    reader = sqlite3.connect(tmp_path / "whosaid.db")
    with store.write() as conn:
        conn.execute("INSERT INTO meta VALUES ('probe', '1')")
        assert reader.execute("SELECT COUNT(*) FROM meta WHERE key='probe'").fetchone()[0] == 0
    assert reader.execute("SELECT COUNT(*) FROM meta WHERE key='probe'").fetchone()[0] == 1


def test_vectors_stream_in_batches_and_a_wrong_dimension_is_a_store_error(tmp_path: Path) -> None:
    store = Store(tmp_path)
    for n in range(5):
        store.put_article(_prep(TEXT + f" Edition {n}.", source_key=f"/tmp/{n}.txt"))
    batches = list(store.vector_batches("chunk", 16, first=2, size=2))
    assert [len(ids) for ids, _ in batches] == [2, 2, 1]
    ids, vecs = store.vectors("chunk", 16)
    assert store.vector_count("chunk") == 5 and vecs.shape == (5, 16)
    assert np.array_equal(np.concatenate([b[0] for b in batches]), ids)
    rows = store.vector_rows([int(ids[0])])
    kind, _, _, blob = rows[int(ids[0])]
    assert kind == "chunk" and np.array_equal(codec.decode(blob), vecs[0])
    with pytest.raises(StoreError, match="reindex"):
        list(store.vector_batches("chunk", 32))


# before DDL steps 7 and 8: an aliases table, quotes with their text, quotes_fts reading it
OLD_QUOTES = """
CREATE TABLE aliases_old (
    alias TEXT NOT NULL COLLATE NOCASE,
    speaker_id INTEGER NOT NULL REFERENCES speakers(id),
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE
);
INSERT INTO aliases_old SELECT alias, speaker_id, article_id FROM aliases;
DROP VIEW aliases;
ALTER TABLE aliases_old RENAME TO aliases;
UPDATE quotes SET text = (
    SELECT whosaid_span(a.text, quotes.start, quotes."end") FROM articles a
    WHERE a.id = quotes.article_id
) WHERE text = '';
DROP TABLE quotes_fts;
CREATE VIRTUAL TABLE quotes_fts USING fts5(
    text, content='quotes', content_rowid='id', tokenize='porter unicode61'
);
INSERT INTO quotes_fts (quotes_fts) VALUES ('rebuild');
UPDATE meta SET value = '6' WHERE key = 'ddl_version';
"""

# the embeddings rows before DDL step 4: the kind by name and the article id
OLD_VECTORS = (
    OLD_QUOTES
    + """
CREATE TABLE embeddings_old (
    vid INTEGER PRIMARY KEY, kind TEXT NOT NULL, ref_id INTEGER NOT NULL,
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE, vec BLOB NOT NULL
);
INSERT INTO embeddings_old SELECT vid, kind, ref_id, article_id, vec FROM {EMBEDDINGS};
DROP TABLE embeddings;
ALTER TABLE embeddings_old RENAME TO embeddings;
CREATE INDEX embeddings_ref ON embeddings(kind, ref_id);
UPDATE meta SET value = '3' WHERE key = 'ddl_version';
""".replace("{EMBEDDINGS}", EMBEDDINGS)
)

OLD_LAYOUT = (
    OLD_VECTORS
    + """
ALTER TABLE chunks ADD COLUMN text TEXT NOT NULL DEFAULT '';
UPDATE chunks SET text = (
    SELECT substr(whosaid_text(a.text), chunks.start + 1, chunks."end" - chunks.start)
    FROM articles a WHERE a.id = chunks.article_id
);
DROP TABLE chunks_fts;
DROP TABLE quotes_fts;
CREATE VIRTUAL TABLE chunks_fts USING fts5(text, tokenize='porter unicode61');
CREATE VIRTUAL TABLE quotes_fts USING fts5(text, tokenize='porter unicode61');
INSERT INTO chunks_fts (rowid, text) SELECT id, text FROM chunks;
INSERT INTO quotes_fts (rowid, text) SELECT id, text FROM quotes;
CREATE INDEX embeddings_kind ON embeddings(kind, vid);
CREATE INDEX embeddings_article ON embeddings(article_id);
UPDATE meta SET value = '2' WHERE key = 'ddl_version';
"""
)


def _layout(path: Path) -> tuple[list[str], list[str], str]:
    conn = sqlite3.connect(path / "whosaid.db")
    try:
        columns = [r[1] for r in conn.execute("PRAGMA table_info(chunks)")]
        indexes = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='index'")]
        fts = conn.execute("SELECT sql FROM sqlite_master WHERE name='chunks_fts'").fetchone()[0]
    finally:
        conn.close()
    return columns, indexes, fts


def _searches(store: Store) -> list[list[int]]:
    return [store.lexical(k, w, 5) for k in ("chunk", "quote") for w in ("budget", "balanced")]


def test_the_text_is_stored_once_and_an_older_store_is_converted(tmp_path: Path) -> None:
    """Chunks are offsets into the article and the full-text tables keep no copy; a store
    written with the copies (ddl 2) is converted when opened for writing, and searches alike."""
    store = Store(tmp_path)
    first = store.put_article(_prep())
    other = TEXT.replace("budget", "harbour plan").replace("Ruiz", "Okafor")
    store.put_article(_prep(other, "/tmp/b.txt"))
    columns, indexes, fts = _layout(tmp_path)
    assert "text" not in columns and "embeddings_article" not in indexes and "content=''" in fts
    before = _searches(store)
    vectors = store.vectors("chunk", 16)
    store.close()
    conn = sqlite3.connect(tmp_path / "whosaid.db")
    sql_functions(conn)
    conn.executescript(OLD_LAYOUT)
    conn.close()
    assert "text" in _layout(tmp_path)[0]
    reader = Store(tmp_path, read_only=True)  # the old layout still serves readers
    assert _searches(reader) == before
    reader.close()

    store = Store(tmp_path)
    columns, indexes, fts = _layout(tmp_path)
    assert "text" not in columns and "content=''" in fts
    assert not {"embeddings_kind", "embeddings_article"} & set(indexes)
    assert _searches(store) == before
    got = store.vectors("chunk", 16)
    assert got[0].tolist() == vectors[0].tolist() and np.array_equal(got[1], vectors[1])
    # removal gives the text back to the contentless index, which stays consistent
    assert store.remove_article(first.article_id)
    assert store.lexical("chunk", "budget", 5) == []
    for table in ("chunks_fts", "quotes_fts"):
        store.conn.execute(f"INSERT INTO {table} ({table}) VALUES ('integrity-check')")
    assert store.counts()["chunks"] == 1


def _vector_layout(path: Path) -> list[str]:
    conn = sqlite3.connect(path / "whosaid.db")
    try:
        return [r[1] for r in conn.execute("PRAGMA table_info(embeddings)")]
    finally:
        conn.close()


def test_a_vector_row_holds_a_kind_code_and_an_older_store_is_converted(tmp_path: Path) -> None:
    """Vectors are stored without their article id and with their kind as a small integer;
    a store with the names and ids (ddl 3) serves readers as it is, is converted when opened
    for writing, and reads, copies and removes alike."""
    store = Store(tmp_path)
    other = TEXT.replace("budget", "harbour plan").replace("Ruiz", "Okafor")
    preps = [_prep(), _prep(other, "/tmp/b.txt")]
    for prep in preps:  # the quote's sentence has a vector of its own (kind context)
        prep.context_vecs = {0: HashEmbedder(16).embed([prep.article.text[:50]])[0]}
    first, second = (store.put_article(prep) for prep in preps)
    assert _vector_layout(tmp_path) == ["vid", "kind", "ref_id", "vec"]
    kinds = {r[0] for r in store.conn.execute("SELECT DISTINCT kind FROM embeddings")}
    assert kinds == {KIND_CODES["chunk"], KIND_CODES["quote"], KIND_CODES["context"]}

    def seen(s: Store) -> tuple[object, ...]:
        vids = first.chunk_vids + first.quote_vids + second.quote_vids
        quote_ids = [q.id for q in s.first_quotes(100)]
        return (
            s.vectors("chunk", 16)[0].tolist(),
            s.vectors("quote", 16)[0].tolist(),
            s.vector_count("quote"),
            s.vector_rows(vids),
            s.vector_fields(vids),
            s.vectors_by_ref("context", quote_ids),
            s.quote_stub_rows(["Dana Ruiz"]),
            s.counts(),
            list(s.table_rows("embeddings", transfer.TABLES["embeddings"])),
        )

    before = seen(store)
    assert {row[2] for row in before[3].values()} == {first.article_id, second.article_id}
    store.close()
    conn = sqlite3.connect(tmp_path / "whosaid.db")
    sql_functions(conn)
    conn.executescript(OLD_VECTORS)
    conn.close()
    assert "article_id" in _vector_layout(tmp_path)
    reader = Store(tmp_path, read_only=True)  # the old layout still serves readers
    assert seen(reader) == before
    reader.close()

    store = Store(tmp_path)
    assert _vector_layout(tmp_path) == ["vid", "kind", "ref_id", "vec"]
    assert seen(store) == before
    assert sorted(store.remove_article(first.article_id) or []) == sorted(
        first.chunk_vids + first.quote_vids
    )
    left = {r[0] for r in store.conn.execute(f"SELECT DISTINCT article_id FROM {EMBEDDINGS}")}
    assert left == {second.article_id}


def test_a_copy_keeps_the_vectors_kind_and_article(tmp_path: Path) -> None:
    """storage/transfer.py hands vectors over with their kind by name and their article, as
    the other backends keep them; this layout stores the code and derives the article."""
    source = Store(tmp_path / "a")
    prep = _prep()
    prep.context_vecs = {0: HashEmbedder(16).embed([TEXT[:50]])[0]}
    source.put_article(prep)
    target = Store(tmp_path / "b")
    report = transfer.copy_store(source, target)
    assert report.rows["embeddings"] == source.counts()["vectors"] + source.counts()["quotes"]
    assert transfer.checksum(target) == transfer.checksum(source)
    raw = "SELECT vid, kind, ref_id, vec FROM embeddings ORDER BY vid"
    assert target.conn.execute(raw).fetchall() == source.conn.execute(raw).fetchall()


def test_the_article_text_is_compressed_and_an_older_store_is_converted(tmp_path: Path) -> None:
    """articles.text holds the text zlib-compressed; a store with plain texts (ddl 4) serves
    readers as it is and is converted when opened for writing; chunks, quotes' contexts,
    searches and copies see the same plain text throughout."""
    store = Store(tmp_path)
    first = store.put_article(_prep())
    other = TEXT.replace("budget", "harbour plan").replace("Ruiz", "Okafor")
    store.put_article(_prep(other, "/tmp/b.txt"))
    raw = "SELECT typeof(text), text FROM articles ORDER BY id"
    kinds = {r[0] for r in store.conn.execute(raw)}
    assert kinds == {"blob"}

    def seen(s: Store) -> tuple[object, ...]:
        return (
            s.article_text(first.article_id),
            [a.text for a in s.all_articles()],
            s.conn.execute(f"SELECT id, text FROM {CHUNKS} ORDER BY id").fetchall(),
            _searches(s),
            list(s.table_rows("articles", transfer.TABLES["articles"])),
            list(s.table_rows("chunks", transfer.TABLES["chunks"])),
        )

    before = seen(store)
    assert before[0] == TEXT and sorted(before[1]) == sorted([TEXT, other])
    store.close()
    conn = sqlite3.connect(tmp_path / "whosaid.db")
    sql_functions(conn)
    conn.execute("UPDATE articles SET text = whosaid_text(text)")
    conn.execute("UPDATE meta SET value = '4' WHERE key = 'ddl_version'")
    conn.commit()
    conn.close()
    reader = Store(tmp_path, read_only=True)
    assert {r[0] for r in reader.conn.execute(raw)} == {"text"}
    assert [tuple(r) for r in seen(reader)[2]] == [tuple(r) for r in before[2]]
    assert seen(reader)[:2] + seen(reader)[3:] == before[:2] + before[3:]
    reader.close()

    store = Store(tmp_path)
    rows = store.conn.execute(raw).fetchall()
    assert {r[0] for r in rows} == {"blob"} and sorted(stored_text(r[1]) for r in rows) == sorted(
        [TEXT, other]
    )
    assert seen(store)[:2] + seen(store)[3:] == before[:2] + before[3:]
    assert store.remove_article(first.article_id)  # the contentless index gets its text back
    for table in ("chunks_fts", "quotes_fts"):
        store.conn.execute(f"INSERT INTO {table} ({table}) VALUES ('integrity-check')")
    target = Store(tmp_path / "copy")
    transfer.copy_store(store, target)
    assert target.all_articles() == store.all_articles()


OLD_SPEAKERS = (
    OLD_QUOTES
    + """
CREATE TABLE article_speakers_old (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    speaker_id INTEGER NOT NULL REFERENCES speakers(id),
    roles TEXT NOT NULL, aliases TEXT NOT NULL,
    quoted INTEGER NOT NULL, mentions INTEGER NOT NULL,
    PRIMARY KEY (article_id, speaker_id)
);
INSERT INTO article_speakers_old SELECT * FROM article_speakers;
DROP TABLE article_speakers;
ALTER TABLE article_speakers_old RENAME TO article_speakers;
CREATE INDEX article_speakers_speaker ON article_speakers(speaker_id);
CREATE INDEX aliases_alias ON aliases(alias);
UPDATE meta SET value = '5' WHERE key = 'ddl_version';
"""
)


def test_article_speakers_has_no_rowid_and_an_older_store_is_converted(tmp_path: Path) -> None:
    """article_speakers is its primary key (no rowid, no second copy of the keys) and nothing
    indexes aliases by alias (nothing looks them up); a store with both (ddl 5) serves readers
    as it is and is converted when opened for writing, reading and removing alike."""
    store = Store(tmp_path)
    first = store.put_article(_prep())
    other = TEXT.replace("budget", "harbour plan").replace("Ruiz", "Okafor")
    second = store.put_article(_prep(other, "/tmp/b.txt"))

    def layout() -> tuple[str, list[str]]:
        conn = sqlite3.connect(tmp_path / "whosaid.db")
        try:
            sql = conn.execute("SELECT sql FROM sqlite_master WHERE name='article_speakers'")
            names = conn.execute("SELECT name FROM sqlite_master WHERE type='index'")
            return str(sql.fetchone()[0]), [r[0] for r in names]
        finally:
            conn.close()

    def seen(s: Store) -> tuple[object, ...]:
        return (
            [tuple(r) for r in s.speaker_rows()],
            s.counts(),
            list(s.table_rows("article_speakers", transfer.TABLES["article_speakers"])),
            list(s.table_rows("aliases", transfer.TABLES["aliases"])),
        )

    sql, indexes = layout()
    assert "WITHOUT ROWID" in sql and "aliases_alias" not in indexes
    before = seen(store)
    store.close()
    conn = sqlite3.connect(tmp_path / "whosaid.db")
    sql_functions(conn)
    conn.executescript(OLD_SPEAKERS)
    conn.close()
    sql, indexes = layout()
    assert "WITHOUT ROWID" not in sql and "aliases_alias" in indexes
    reader = Store(tmp_path, read_only=True)
    assert seen(reader) == before
    reader.close()

    store = Store(tmp_path)
    sql, indexes = layout()
    assert "WITHOUT ROWID" in sql and "aliases_alias" not in indexes
    assert "article_speakers_speaker" in indexes
    assert seen(store) == before
    assert store.remove_article(first.article_id)
    assert {r["article_id"] for r in store.speaker_rows()} == {second.article_id}


SENTENCE = 'Mayor Dana Ruiz said the budget was "balanced at last," and "fair to all." The council'


def _two_quotes_one_sentence() -> Prepared:
    """Two quotes of one sentence (one sentence vector), and a third whose stored words are
    not the article's at its offsets (kept as they are)."""
    text = SENTENCE + " disagreed."
    emb = HashEmbedder(16)
    end = text.index(" The council")

    def quote(words: str, start: int, ctx: tuple[int, int]) -> Quote:
        return Quote(
            text=words, start=start, end=start + len(words), kind="direct",
            speaker="Dana Ruiz", speaker_mention="Mayor Dana Ruiz", cue="said",
            context_start=ctx[0], context_end=ctx[1],
        )  # fmt: skip

    quotes = [
        quote("balanced at last,", text.index("balanced"), (0, end)),
        quote("fair to all.", text.index("fair"), (0, end)),
        quote("the council disagreed.", end + 1, (end + 1, len(text))),
    ]
    chash = content_hash(text)
    sentence, last = emb.embed([text[:end], text[end + 1 :]])
    return Prepared(
        Article(text=text, source_key="/tmp/s.txt", title="Budget"),
        chash[:12],
        chash,
        Extraction(quotes, [Speaker("Dana Ruiz", aliases=["Ruiz", "the mayor"], quoted=True)]),
        [(0, 0, len(text), text)],
        emb.embed([text]),
        emb.embed([q.text for q in quotes]),
        {0: sentence, 1: sentence, 2: last},
    )


def test_a_quote_is_offsets_and_a_sentence_vector_once_and_an_older_store_is_converted(
    tmp_path: Path,
) -> None:
    """A quote's text is read from its article (stored '' unless its words differ), quotes_fts
    is contentless, aliases a view of article_speakers, and a sentence's vector is stored once
    for all its quotes; a store with texts, an aliases table and a vector per quote (ddl 6)
    serves readers as it is and is converted when opened for writing: reads, searches, copies
    and removal alike."""
    store = Store(tmp_path)
    prep = _two_quotes_one_sentence()
    first = store.put_article(prep)
    store.put_article(_prep())
    raw = "SELECT text FROM quotes ORDER BY id"
    assert [r[0] for r in store.conn.execute(raw)] == ["", "", "the council disagreed.", ""]
    assert store.vector_count("context") == 2  # the test's _prep has no sentence vector

    def seen(s: Store) -> tuple[object, ...]:
        ids = [q.id for q in s.first_quotes(100)]
        return (
            [q.text for q in s.article_quotes(first.article_id)],
            s.quotes_by_ids(ids),
            s.quote_stub_rows(["Dana Ruiz"]),
            s.vectors_by_ref("context", ids),
            [s.lexical("quote", w, 5) for w in ("fair", "balanced", "disagreed", "harbour")],
            sorted(r for b in s.table_rows("quotes", transfer.TABLES["quotes"]) for r in b),
            sorted(r for b in s.table_rows("aliases", transfer.TABLES["aliases"]) for r in b),
            s.counts(),
        )

    before = seen(store)
    texts, _, _, sentence, found, _, aliases, _ = before
    assert texts == [q.text for q in prep.extraction.quotes]
    assert len(sentence) == 3 and sentence[1] == sentence[2] != sentence[3]
    assert found[:3] == [[2], [1, 4], [3]]
    assert ("the mayor", 1, first.article_id) in aliases
    store.close()
    conn = sqlite3.connect(tmp_path / "whosaid.db")
    sql_functions(conn)
    conn.executescript(OLD_QUOTES)  # and the sentence vector kept for the second quote too
    conn.execute(
        "INSERT INTO embeddings (kind, ref_id, vec) SELECT kind, 2, vec FROM embeddings "
        "WHERE kind = ? AND ref_id = 1",
        (KIND_CODES["context"],),
    )
    conn.commit()
    conn.close()
    reader = Store(tmp_path, read_only=True)
    assert next(r[0] for r in reader.conn.execute(raw)) == "balanced at last,"
    assert reader.vector_count("context") == 3
    assert seen(reader) == before
    reader.close()

    store = Store(tmp_path)
    assert [r[0] for r in store.conn.execute(raw)] == ["", "", "the council disagreed.", ""]
    assert store.vector_count("context") == 2
    layout = dict(store.conn.execute("SELECT name, sql FROM sqlite_master").fetchall())
    assert "content=''" in layout["quotes_fts"] and "VIEW" in layout["aliases"].upper()
    assert seen(store) == before
    target = Store(tmp_path / "copy")
    transfer.copy_store(store, target)
    assert seen(target) == before
    assert store.remove_article(first.article_id)
    store.conn.execute("INSERT INTO quotes_fts (quotes_fts) VALUES ('integrity-check')")
    assert store.lexical("quote", "fair", 5) == [] and store.vector_count("context") == 0
    assert [q.text for q in store.first_quotes(5)] == ["balanced at last."]


def _pages(path: Path) -> tuple[int, str]:
    conn = sqlite3.connect(path / "whosaid.db")
    try:
        size = conn.execute("PRAGMA page_size").fetchone()[0]
        mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
    finally:
        conn.close()
    return int(size), str(mode)


def test_pages_are_16_kb_and_an_older_store_is_converted_once_no_one_else_has_it_open(
    tmp_path: Path,
) -> None:
    """A new store is written in PAGE_SIZE pages (a 4 KB page held one compressed article and
    often left half of itself empty); a store of 4 KB pages (ddl 8) is converted when opened
    for writing, unless another connection has it open: then when it is next opened alone."""
    store = Store(tmp_path)
    store.put_article(_prep())
    before = (_searches(store), store.vectors("chunk", 16)[0].tolist())
    store.close()
    assert _pages(tmp_path) == (PAGE_SIZE, "wal")
    conn = sqlite3.connect(tmp_path / "whosaid.db")
    conn.execute("PRAGMA journal_mode=DELETE")
    conn.execute("PRAGMA page_size=4096")
    conn.execute("VACUUM")
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("UPDATE meta SET value = '8' WHERE key = 'ddl_version'")
    conn.commit()
    conn.close()
    assert _pages(tmp_path) == (4096, "wal")

    reader = Store(tmp_path, read_only=True)
    assert _searches(reader) == before[0]  # a reader holds the file open
    Store(tmp_path).close()
    assert _pages(tmp_path) == (4096, "wal")
    assert reader.get_meta("ddl_version") == str(DDL_VERSION)
    reader.close()

    store = Store(tmp_path)
    assert _pages(tmp_path) == (PAGE_SIZE, "wal")
    assert (_searches(store), store.vectors("chunk", 16)[0].tolist()) == before
    store.close()
