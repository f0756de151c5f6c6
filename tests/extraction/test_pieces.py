"""A long article is parsed in pieces (extraction.pieces) and reads as if it were parsed whole.

Every sentence here is invented."""

from __future__ import annotations

from itertools import pairwise

import pytest

from retrieval.extraction.extractor import extract, load_nlp
from retrieval.extraction.pieces import CONTEXT_CHARS, plan_pieces
from retrieval.types import Extraction
from tests.newsgen import long_article

OPENING = (
    "Wind farm hearing runs late\n\n"
    "State Sen. Ottilie Rathbone opened the hearing on the offshore wind farm on Monday.\n\n"
    '"We have waited long enough for this," Rathbone said.\n\n'
)
# Paragraphs that name nobody, so the full name above is far out of the next piece's context.
FILLER = [
    "The hearing room on the third floor was full by nine o'clock, and more chairs were "
    "brought in from the library next door.",
    "Copies of the environmental study, all 412 pages of it, sat in boxes by the door.",
    "Outside, a light rain fell on the harbor and on the boats tied up along the pier.",
    "The first hour went to procedure: minutes, a roll call and the order of speakers.",
    "A map of the proposed turbine field, eleven miles offshore, hung behind the dais.",
]
# Right after the cut: a surname and a role whose full name only the first piece gives, a
# pronoun, a quote split by its attribution and a quote running over two paragraphs.
AFTER_CUT = (
    "State Sen. Rathbone said the first turbines would be turning by the spring.\n\n"
    "The senator added that the last contracts had been signed in March.\n\n"
    '"The money is already in the bank," she said. "Nobody has to guess where it is."\n\n'
    '"We built this plan in public," Rathbone said, "and we will finish it in public."\n\n'
    '"Every meeting was open to anyone who wanted to come.\n\n'
    '"Every document is online for anyone to read," she said.\n\n'
)


def _filler(chars: int) -> str:
    out, i = [], 0
    while sum(len(p) for p in out) < chars:
        out.append(FILLER[i % len(FILLER)] + "\n\n")
        i += 1
    return "".join(out)


def _boundary_article() -> tuple[str, int]:
    """The article and a piece size that puts a cut inside AFTER_CUT."""
    before = OPENING + _filler(CONTEXT_CHARS + 1500)
    text = before + AFTER_CUT + _filler(3000)
    return text, len(before) + 100


@pytest.fixture(scope="module")
def nlp():  # type: ignore[no-untyped-def]
    return load_nlp()


def _rows(ex: Extraction) -> list[tuple[object, ...]]:
    return [
        (q.text, q.start, q.end, q.kind, q.speaker, q.speaker_mention, q.cue, q.how)
        for q in ex.quotes
    ]


def _groups(ex: Extraction) -> set[frozenset[int]]:
    """Which statements belong together, whatever the group numbers."""
    by: dict[object, set[int]] = {}
    for q in ex.quotes:
        by.setdefault(q.group, set()).add(q.start)
    return {frozenset(v) for v in by.values()}


def test_a_statement_across_a_cut_reads_as_in_the_whole_text(nlp) -> None:  # type: ignore[no-untyped-def]
    text, limit = _boundary_article()
    pieces = plan_pieces(text, limit)
    assert len(pieces) > 1
    cut = pieces[1].start
    assert text.index(AFTER_CUT) < cut < text.index(AFTER_CUT) + len(AFTER_CUT)
    assert text.index("Ottilie") < pieces[1].lead  # the full name is out of its context
    whole = extract(text, nlp, piece_chars=len(text))
    cut_up = extract(text, nlp, piece_chars=limit)
    assert _rows(cut_up) == _rows(whole)
    assert _groups(cut_up) == _groups(whole)
    said = {q.speaker for q in whole.quotes}
    assert said == {"Ottilie Rathbone"}
    assert {s.name for s in cut_up.speakers if s.quoted} == said
    assert any(q.start >= cut for q in whole.quotes)


def test_pieces_cover_the_text_and_cut_at_paragraphs() -> None:
    text = long_article(30_000, seed=5)
    pieces = plan_pieces(text, 4_000)
    assert pieces[0].start == 0 and pieces[-1].end == len(text)
    for a, b in pairwise(pieces):
        assert a.end == b.start
        assert text[b.start - 1] == "\n"  # a paragraph starts there
        assert text[b.start] not in "\"'\u201c"  # and does not open a quote
        assert b.lead <= b.start and a.tail >= a.end
    assert all(p.end - p.start <= 4_000 for p in pieces)
    assert plan_pieces("Short.", 4_000)[0].end == len("Short.")


def test_a_text_without_paragraphs_is_cut_at_sentence_ends() -> None:
    text = "The council met again. " * 500
    pieces = plan_pieces(text, 1_000)
    assert len(pieces) > 1
    assert all(text[p.start - 2 : p.start] == ". " for p in pieces[1:])
