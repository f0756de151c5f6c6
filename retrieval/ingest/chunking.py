"""Sentence-aware chunks with offsets into the article text.

all-MiniLM-L6-v2 truncates at 256 word pieces, so a chunk packs whole sentences up to a
budget (180 by default) and never crosses a paragraph unless the paragraph is short.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

TokenCounter = Callable[[str], int]

# A sentence ends at . ! ? (optionally followed by closing quotes/brackets) before whitespace
# and a capital, digit or opening quote. Abbreviations such as "Sen." or "U.S." are guarded.
_BOUNDARY = re.compile(r"""(?<=[.!?])["'\u201d\u2019)\]]*\s+(?=["'\u201c\u2018(\[]?[A-Z0-9])""")
_ABBREV = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Gen|Lt|Col|Sgt|Capt|Adm|St|Jr|Sr|Prof|Rev|Hon|No|Vol|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|Inc|Corp|Co|Ltd|vs|etc|Calif|Minn|Mich|"
    r"Mass|Fla|Ill|Penn|Conn|Wash|Ariz|Colo|Tenn|Ky|La|Md|Mo|Nev|Okla|Ore|Va|Wis|Ala|Ark)"
    r"|\b[A-Z](?:\.[A-Z])*)\.$"
)


@dataclass(frozen=True)
class Chunk:
    seq: int
    start: int
    end: int
    text: str


def estimate_tokens(text: str) -> int:
    """A cheap, additive estimate of word pieces: a piece per word, more for long words,
    one per punctuation mark."""
    pieces = sum(1 + len(word) // 8 for word in text.split())
    return pieces + len(re.findall(r"[^\w\s]", text))


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentence (start, end) spans inside text[start:end], whitespace trimmed."""
    end = len(text) if end is None else end
    spans: list[tuple[int, int]] = []
    cursor = start
    for match in _BOUNDARY.finditer(text, start, end):
        # An abbreviation is the last word before the boundary: look at that word only, so a
        # paragraph full of "U.S." costs time in proportion to its length.
        word = match.start()
        while word > cursor and not text[word - 1].isspace():
            word -= 1
        if _ABBREV.search(text[word : match.start()]):
            continue
        spans.append((cursor, match.start()))
        cursor = match.end()
    spans.append((cursor, end))
    return [_trim(text, s, e) for s, e in spans if text[s:e].strip()]


def _trim(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    for match in re.finditer(r"[^\n]+", text):
        s, e = _trim(text, match.start(), match.end())
        if s < e:
            spans.append((s, e))
    return spans


def chunk_text(
    text: str, count_tokens: TokenCounter = estimate_tokens, budget: int = 180
) -> list[Chunk]:
    """Pack sentences into chunks of at most `budget` word pieces, with article offsets."""
    pieces: list[tuple[int, int, bool]] = []  # (start, end, starts_paragraph)
    for ps, pe in paragraph_spans(text):
        for i, (s, e) in enumerate(sentence_spans(text, ps, pe)):
            for ws, we in _split_long(text, s, e, count_tokens, budget):
                pieces.append((ws, we, i == 0 and ws == s))
    chunks: list[Chunk] = []
    cur_start: int | None = None
    cur_end = 0
    cur_tokens = 0
    for s, e, new_para in pieces:
        n = count_tokens(text[s:e])
        # Start a new chunk when the budget would overflow, or at a paragraph break once the
        # current chunk already carries some substance.
        if cur_start is not None and (
            cur_tokens + n > budget or (new_para and cur_tokens >= budget // 3)
        ):
            chunks.append(Chunk(len(chunks), cur_start, cur_end, text[cur_start:cur_end]))
            cur_start = None
        if cur_start is None:
            cur_start, cur_tokens = s, 0
        cur_end = e
        cur_tokens += n
    if cur_start is not None:
        chunks.append(Chunk(len(chunks), cur_start, cur_end, text[cur_start:cur_end]))
    return chunks


def _split_long(
    text: str, s: int, e: int, count_tokens: TokenCounter, budget: int
) -> list[tuple[int, int]]:
    """Split a sentence longer than the budget at word boundaries."""
    if count_tokens(text[s:e]) <= budget:
        return [(s, e)]
    out: list[tuple[int, int]] = []
    start = s
    last_end = s
    for match in re.finditer(r"\S+", text[s:e]):
        ws, we = s + match.start(), s + match.end()
        if last_end > start and count_tokens(text[start:we]) > budget:
            out.append((start, last_end))
            start = ws
        last_end = we
    out.append((start, last_end))
    return out
