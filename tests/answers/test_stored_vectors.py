"""A question embeds nothing but its own text: the quotes' sentence vectors are stored at
ingest (embeddings kind 'context'); a store from before them falls back to the quote's own
vector until `whosaid reindex`. Real spaCy, a counting hash embedder."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np

from retrieval.engine import Engine
from retrieval.storage.store import EMBEDDINGS, KIND_CODES, SCHEMA_VERSION, Store
from tests.conftest import HashEmbedder

ARTICLE = (
    "Ferry Schedule Draws Fire\n\n"
    "The harbour board met on Tuesday to review the winter ferry timetable. "
    'Councillor Rhea Bantok said the cuts were "a mistake from the start" and that riders '
    "had not been asked. "
    '"We will put the early boat back before the first snow," said Omar Delacroix, '
    "the board's chair, after the vote.\n"
)


class CountingEmbedder(HashEmbedder):
    def __init__(self) -> None:
        super().__init__()
        self.calls: list[list[str]] = []

    def embed(self, texts: list[str]) -> np.ndarray:
        self.calls.append(list(texts))
        return super().embed(texts)


def _engine(data_dir: Path, tmp_path: Path) -> tuple[Engine, CountingEmbedder]:
    src = tmp_path / "ferry.txt"
    src.write_text(ARTICLE)
    emb = CountingEmbedder()
    engine = Engine(data_dir, embedder=emb)
    report = engine.ingest([str(src)])
    assert report.failed == [] and report.quotes >= 2
    return engine, emb


def _kinds(data_dir: Path) -> dict[str, int]:
    with sqlite3.connect(data_dir / "whosaid.db") as conn:
        rows = conn.execute(f"SELECT kind, COUNT(*) FROM {EMBEDDINGS} GROUP BY kind").fetchall()
    return {str(k): int(n) for k, n in rows}


def test_ingest_stores_a_sentence_vector_per_quote(data_dir: Path, tmp_path: Path) -> None:
    engine, emb = _engine(data_dir, tmp_path)
    kinds = _kinds(data_dir)
    quotes = engine.stats()["quotes"]
    assert kinds["quote"] == quotes and kinds["context"] == quotes
    # one embed call for the batch, each distinct text once
    assert len(emb.calls) == 1 and len(emb.calls[0]) == len(set(emb.calls[0]))
    assert engine.stats()["vectors"] == kinds["chunk"] + kinds["quote"]  # what is indexed
    assert engine.store.has_context_vectors()
    engine.close()


def test_a_who_said_question_embeds_only_itself(data_dir: Path, tmp_path: Path) -> None:
    engine, emb = _engine(data_dir, tmp_path)
    emb.calls.clear()
    result = engine.ask("who said the cuts were a mistake?")
    assert not result.abstained and result.speakers[0].endswith("Rhea Bantok")
    assert emb.calls == [["the cuts were a mistake"]]
    emb.calls.clear()
    result = engine.ask("what did Delacroix say about the early boat?")
    assert not result.abstained
    assert len(emb.calls) == 1 and len(emb.calls[0]) == 1
    engine.close()


def test_an_old_store_answers_from_quote_vectors_until_reindexed(
    data_dir: Path, tmp_path: Path
) -> None:
    engine, emb = _engine(data_dir, tmp_path)
    want = engine.ask("who said the cuts were a mistake?").speakers
    engine.close()
    # what a schema-1 store looks like: no context vectors, version 1
    with sqlite3.connect(data_dir / "whosaid.db") as conn:
        conn.execute("DELETE FROM embeddings WHERE kind=?", (KIND_CODES["context"],))
        conn.execute("UPDATE meta SET value='1' WHERE key='schema_version'")
    engine = Engine(data_dir, embedder=emb)
    assert not engine.store.has_context_vectors()  # opening it does not pretend otherwise
    emb.calls.clear()
    assert engine.ask("who said the cuts were a mistake?").speakers == want
    assert emb.calls == [["the cuts were a mistake"]]
    engine.reindex()
    assert engine.store.has_context_vectors()
    assert engine.store.schema_version() == SCHEMA_VERSION
    assert _kinds(data_dir)["context"] == engine.stats()["quotes"]
    engine.close()


def test_removing_an_article_removes_its_sentence_vectors(data_dir: Path, tmp_path: Path) -> None:
    engine, _ = _engine(data_dir, tmp_path)
    (aid,) = [a.id for a in engine.articles()]
    assert engine.remove(aid)
    assert _kinds(data_dir) == {}
    engine.close()


def test_an_empty_old_store_is_upgraded_on_open(data_dir: Path) -> None:
    Store(data_dir).close()
    with sqlite3.connect(data_dir / "whosaid.db") as conn:
        conn.execute("UPDATE meta SET value='1' WHERE key='schema_version'")
    assert Store(data_dir).has_context_vectors()


def test_stored_vectors_are_read_once_per_generation(data_dir: Path, tmp_path: Path) -> None:
    """A question compares the same quotes and re-scores the same neighbours as the one
    before it: their stored vectors are read once while the store's generation holds, and
    read again after a write."""
    engine, _ = _engine(data_dir, tmp_path)
    store = engine.store
    reads: list[str] = []
    for name in ("vectors_by_ref", "vector_rows"):
        method = getattr(store, name)

        def counted(*args: object, _name: str = name, _method: object = method) -> object:
            reads.append(_name)
            return _method(*args)  # type: ignore[operator]

        setattr(store, name, counted)
    question = "who said the cuts were a mistake?"
    first = engine.ask(question)
    assert {"vectors_by_ref", "vector_rows"} <= set(reads)
    reads.clear()
    assert engine.ask(question) == first and reads == []
    other = tmp_path / "other.txt"
    other.write_text("Weather Desk\n\nThe ferry ran late, said Nora Vance, a deckhand.\n")
    engine.ingest([str(other)])
    engine.ask(question)
    assert {"vectors_by_ref", "vector_rows"} <= set(reads)
    engine.close()


def test_the_vectors_a_search_scored_with_are_not_read_again(
    data_dir: Path, tmp_path: Path
) -> None:
    """Who-said compares every candidate with the question by its stored vectors; those the
    quote search found were scored with theirs already, so only the others are read."""
    engine, _ = _engine(data_dir, tmp_path)
    found: list[int] = []
    search_many = engine.search_many

    def searched(wanted: list) -> list:  # type: ignore[type-arg]
        hits = search_many(wanted)
        found.extend(h.ref_id for part in hits for h in part if h.kind == "quote")
        return hits

    read: list[int] = []
    vectors_by_ref = engine.store.vectors_by_ref

    def by_ref(kind: str, ids: list[int]) -> dict[int, bytes]:
        read.extend(ids if kind == "quote" else [])
        return vectors_by_ref(kind, ids)

    engine.search_many = searched  # type: ignore[method-assign]
    engine.store.vectors_by_ref = by_ref  # type: ignore[method-assign]
    result = engine.ask("who said the cuts were a mistake?")
    assert result.speakers[0].endswith("Rhea Bantok")
    assert found and not set(found) & set(read)
    engine.close()
