"""Lexical search in PostgreSQL, ranked as SQLite's FTS5 ranks: BM25 over the `tsvector`
columns (schema.py) with FTS5's parameters, and its "common terms" cost guard.

PostgreSQL's own ts_rank weighs how often and where a word occurs, not how rare it is, nor a
row's length in words; with it, passages full of a common word outranked the one with the rare
word asked for, and answers moved between backends. BM25 from how often each word occurs in
the row (read back from ts_rank, see _TF) and the row's word count puts them back in FTS5's
order.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from retrieval.storage.store import COMMON_ROWS, RANK_WINDOW, fts_terms

# How often the word occurs in the row, read back from ts_rank: for one word in a row whose
# positions all carry the default weight (0.1), ts_rank is 0.1 * H(tf) / zeta(2) with
# H(n) = sum of 1/j^2 for j <= n, and zeta(2) - H(n) is close to 1 / (n + 0.5). That is
# exact for every count a row holds (up to the 256 positions a tsvector keeps a word) and
# cheaper than unnesting every candidate's tsvector.
_TF = "round(1 / (1.6449340668482264 - 16.449340668482264 * ts_rank(c.tsv, %s::tsquery)) - 0.5)"
# BM25's length normalisation K = k1 * (1 - b + b * words / mean words) with FTS5's k1, b,
# once a row, in floating point (a literal times an integer column is NUMERIC arithmetic;
# the products are exact either way, so the scores are the same to the bit)
_K = "1.2 * (0.25 + 0.75 * words::float8 / %s) AS k"

Query = Callable[[str, Sequence[Any]], list[tuple[Any, ...]]]


class FullTextSearch:
    """Full-text search over one database: `query(sql, params)` runs a read, `generation()`
    says when the cached word counts are out of date."""

    def __init__(self, query: Query, generation: Callable[[], int]) -> None:
        self._all = query
        self.generation = generation
        # generation -> (table, lexeme) -> rows holding it, capped; and table -> (rows, mean)
        self._term_counts: dict[int, dict[tuple[str, str], int]] = {}
        self._table_sizes: dict[int, dict[str, tuple[int, float]]] = {}
        self._lexeme_cache: dict[str, list[str]] = {}  # question word -> its lexemes

    def lexical(self, table: str, text: str, k: int) -> list[int]:
        """Ids of the best full-text matches in `table` (quotes or chunks), best first.

        BM25 with FTS5's parameters (k1 1.2, b 0.75, its idf). The "common terms" guard is
        SQLite's: words in more than COMMON_ROWS rows are left out when rarer words are there;
        a question of common words only needs all of them (AND), ranked among the newest
        RANK_WINDOW such rows.
        """
        lexemes = self._lexemes(fts_terms(text))
        if not lexemes:
            return []
        gen = self.generation()
        counts = self._rows_with(table, lexemes, gen)
        rare = [lex for lex in lexemes if counts[lex] <= COMMON_ROWS]
        words = rare or lexemes
        rows, mean = self._table_size(table, gen)
        idf = [max(math.log((rows - counts[w] + 0.5) / (counts[w] + 0.5)), 1e-6) for w in words]
        match = (" | " if rare else " & ").join(_quoted(w) for w in words)
        found = f"SELECT id, tsv, {_K} FROM {table} WHERE tsv @@ %s::tsquery"
        if not rare:
            found += f" ORDER BY id DESC LIMIT {RANK_WINDOW}"
        # A term per word, written out (a sub-select per row, unnesting the words, took a
        # third of the time), each word's tf * (k1 + 1) / (tf + K) as (k1 + 1) * (1 - K /
        # (tf + K)), so a row's tf is read from ts_rank once.
        terms = " + ".join(f"%s * 2.2 * (1 - c.k / ({_TF} + c.k))" for _ in words)
        sql = f"SELECT c.id FROM ({found}) c ORDER BY ({terms}) DESC, c.id LIMIT %s"
        params: list[Any] = [max(mean, 1.0), match]
        for w, f in zip(words, idf, strict=True):
            params += [f, _quoted(w)]
        params.append(k)
        return [int(r[0]) for r in self._all(sql, params)]

    def _lexemes(self, terms: list[str]) -> list[str]:
        """The search configuration's lexemes of the question's words, each once, in order
        (a word the parser splits, like "a_b", gives each part)."""
        todo = [t for t in terms if t not in self._lexeme_cache]
        if todo:
            rows = self._all(
                "SELECT t, ARRAY(SELECT lexeme FROM unnest(to_tsvector('whosaid', t))) "
                "FROM unnest(%s::text[]) t",
                (todo,),
            )
            if len(self._lexeme_cache) > 50_000:
                self._lexeme_cache.clear()
            self._lexeme_cache.update((str(r[0]), list(r[1])) for r in rows)
        out = [lex for t in terms for lex in self._lexeme_cache.get(t, [])]
        return list(dict.fromkeys(out))

    def _rows_with(self, table: str, lexemes: list[str], gen: int) -> dict[str, int]:
        """How many rows hold each word, counted up to COMMON_ROWS + 1 (cached per
        generation); the words not cached yet are counted in one query."""
        counts = self._term_counts.get(gen)
        if counts is None or len(counts) > 50_000:
            counts = {}
            self._term_counts = {gen: counts}
        todo = [lex for lex in lexemes if (table, lex) not in counts]
        if todo:
            rows = self._all(
                f"SELECT l, (SELECT COUNT(*) FROM (SELECT 1 FROM {table} "
                f"WHERE tsv @@ l::tsquery LIMIT {COMMON_ROWS + 1}) t) "
                "FROM unnest(%s::text[]) l",
                ([_quoted(lex) for lex in todo],),
            )
            found = dict(zip(todo, (int(r[1]) for r in rows), strict=True))
            counts.update(((table, lex), n) for lex, n in found.items())
        return {lex: counts[(table, lex)] for lex in lexemes}

    def _table_size(self, table: str, gen: int) -> tuple[int, float]:
        """(rows, mean words a row), once per generation; the mean over at most the first
        20,000 rows, which is every row of a small store."""
        sizes = self._table_sizes.setdefault(gen, {})
        if len(self._table_sizes) > 1:
            self._table_sizes = {gen: sizes}
        if table not in sizes:
            row = self._all(
                f"SELECT (SELECT COUNT(*) FROM {table}), "
                f"(SELECT AVG(words) FROM (SELECT words FROM {table} ORDER BY id LIMIT 20000) t)",
                (),
            )[0]
            sizes[table] = (int(row[0]), float(row[1] or 1.0))
        return sizes[table]


def _quoted(lexeme: str) -> str:
    """A lexeme as a tsquery operand, taken as it is (no parsing, no stemming)."""
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"
