"""Chunks: whole sentences, offsets into the text, under the model's word-piece budget."""

from __future__ import annotations

import itertools

import pytest

from retrieval.ingest.chunking import chunk_text, estimate_tokens, sentence_spans
from tests.conftest import SEED

TEXT = (
    'Sen. Maria Ortiz said on Tuesday that the bridge would reopen. "We are not there yet," '
    "she said. The U.S. Department of Transportation declined to comment.\n\n"
    "Officials expect a decision by Friday. Dr. Lee disagreed!\n"
)


def test_sentences_respect_abbreviations() -> None:
    spans = sentence_spans(TEXT)
    sentences = [TEXT[s:e] for s, e in spans]
    assert sentences[0].startswith("Sen. Maria Ortiz") and sentences[0].endswith("reopen.")
    assert any(s.startswith("The U.S. Department") for s in sentences)
    assert sentences[-1] == "Dr. Lee disagreed!"


@pytest.mark.parametrize("budget", [20, 60, 180])
def test_chunks_are_substrings_within_budget(budget: int) -> None:
    text = SEED.read_text(encoding="utf-8")
    chunks = chunk_text(text, budget=budget)
    assert chunks
    for c in chunks:
        assert text[c.start : c.end] == c.text
        assert estimate_tokens(c.text) <= budget or len(c.text.split()) == 1
    assert [c.seq for c in chunks] == list(range(len(chunks)))
    assert all(a.end <= b.start for a, b in itertools.pairwise(chunks))


def test_a_sentence_longer_than_the_budget_is_split_at_words() -> None:
    text = " ".join(f"word{i}" for i in range(400)) + "."
    chunks = chunk_text(text, budget=50)
    assert len(chunks) > 5
    assert all(not c.text.startswith(" ") and not c.text.endswith(" ") for c in chunks)
    assert "".join(c.text for c in chunks).replace(" ", "") == text.replace(" ", "")


def test_empty_text_has_no_chunks() -> None:
    assert chunk_text("") == []
    assert chunk_text("   \n\n ") == []
