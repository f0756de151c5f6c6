"""Long texts parsed in pieces, so extraction time and memory grow linearly with the text.

An article up to `PIECE_CHARS` is one piece and is extracted exactly as a whole. A longer one
is cut at paragraph starts (preferring a paragraph that does not open with a quote mark, so a
quote running over paragraphs stays in one piece). Each piece is parsed with up to
`CONTEXT_CHARS` of whole paragraphs on either side, so a "he said" or "the senator added"
near a cut still sees who came before it and a quote near a cut sees what follows it; a piece
keeps only the statements that start in its own stretch. Offsets are mapped back to the whole
text, the pieces of a statement that crosses a cut keep one group, and a bare surname that a
piece could not resolve takes the full name an earlier piece gave it (the speaker book's own
rule: a surname is the fullest name with that surname mentioned most recently).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from itertools import pairwise

from retrieval.types import Extraction, Quote, Speaker

PIECE_CHARS = 50_000  # longer than nearly every news article: those are parsed whole
CONTEXT_CHARS = 2_000  # whole paragraphs parsed on either side of a piece, for context
BATCH_CHARS = 100_000  # characters parsed together (nlp.pipe), to bound the parser's memory
_QUOTE_OPENERS = "\"'\u201c\u2018\u201e\u00ab"
_PARAGRAPH = re.compile(r"\n\s*")
_SENTENCE_END = re.compile(r"[.!?][\"'\u201d\u2019)]*\s+(?=[\"'\u201c\u2018(]?[A-Z])")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class Piece:
    """text[start:end] is the piece's own stretch; text[lead:tail] is what gets parsed."""

    start: int
    end: int
    lead: int
    tail: int


def plan_pieces(text: str, limit: int = PIECE_CHARS, context: int = CONTEXT_CHARS) -> list[Piece]:
    """Cut `text` into consecutive pieces of at most `limit` characters (one piece when it
    fits), each with its context."""
    if len(text) <= limit:
        return [Piece(0, len(text), 0, len(text))]
    cuts = [0]
    while len(text) - cuts[-1] > limit:
        cuts.append(_cut(text, cuts[-1], cuts[-1] + limit))
    cuts.append(len(text))
    return [
        Piece(s, e, _lead(text, s, context), _tail(text, e, context)) for s, e in pairwise(cuts)
    ]


def _cut(text: str, start: int, hi: int) -> int:
    """Where the piece starting at `start` ends, at most at `hi`: the last paragraph start
    in its second half that does not open with a quote mark, else any paragraph start, else
    a sentence end, else a space (a text without any of them is cut hard)."""
    lo = start + (hi - start) // 2
    paragraphs = [m.end() for m in _PARAGRAPH.finditer(text, lo, hi) if m.end() < hi]
    plain = [p for p in paragraphs if text[p] not in _QUOTE_OPENERS]
    for found in (plain, paragraphs):
        if found:
            return found[-1]
    for pattern in (_SENTENCE_END, _SPACE):
        ends = [m.end() for m in pattern.finditer(text, lo, hi) if m.end() < hi]
        if ends:
            return ends[-1]
    return hi


def _lead(text: str, start: int, context: int) -> int:
    """The first paragraph start within `context` characters before `start`."""
    if start == 0:
        return 0
    m = _PARAGRAPH.search(text, max(0, start - context - 1), start)
    return m.end() if m is not None and m.end() <= start else start


def _tail(text: str, end: int, context: int) -> int:
    """The last paragraph end within `context` characters after `end`."""
    if end >= len(text):
        return len(text)
    window_end = min(len(text), end + context)
    if window_end == len(text):
        return window_end
    last = text.rfind("\n", end, window_end)
    return last if last > end else end


@dataclass
class _Merged:
    """The whole text's statements and speakers as the pieces come in."""

    quotes: list[Quote] = field(default_factory=list)
    speakers: dict[str, Speaker] = field(default_factory=dict)
    surnames: dict[str, str] = field(default_factory=dict)  # surname -> latest full name
    next_group: int = 0
    recent: dict[tuple[int, int], int] = field(default_factory=dict)  # span -> group
    reach: int = 0  # the furthest end of a statement kept so far


def merge_pieces(pieces: list[Piece], extractions: list[Extraction]) -> Extraction:
    """One extraction for the whole text from its pieces' extractions (offsets relative to
    each piece's `lead`)."""
    if len(pieces) == 1:
        return extractions[0]
    m = _Merged()
    for piece, ex in zip(pieces, extractions, strict=True):
        _merge_one(m, piece, ex)
    m.quotes.sort(key=lambda q: q.start)
    said = {q.speaker for q in m.quotes}
    speakers = []
    for sp in m.speakers.values():
        sp.quoted = sp.name in said
        if sp.kind == "person" or sp.quoted:
            speakers.append(sp)
    return Extraction(quotes=m.quotes, speakers=speakers)


def _merge_one(m: _Merged, piece: Piece, ex: Extraction) -> None:
    rename = _renames(m, ex.speakers)
    groups: dict[int, int] = {}
    shifted = [_shift(q, piece.lead) for q in ex.quotes]
    # A statement in the context before the piece that an earlier piece kept gives its
    # group to the pieces of the same statement here.
    for q in shifted:
        if q.start < piece.start and q.group is not None:
            known = m.recent.get((q.start, q.end))
            if known is not None:
                groups.setdefault(q.group, known)
    reach, recent = m.reach, {}
    for q in shifted:
        if not piece.start <= q.start < piece.end:
            continue
        if q.start < reach and q.end <= reach:
            continue  # a piece of a statement the previous piece kept whole (a hard cut)
        if q.group is not None:
            if q.group not in groups:
                groups[q.group] = m.next_group
                m.next_group += 1
            q.group = groups[q.group]
        q.speaker = rename.get(q.speaker, q.speaker) if q.speaker else q.speaker
        m.quotes.append(q)
        m.reach = max(m.reach, q.end)
        if q.group is not None and q.start >= piece.end - 2 * CONTEXT_CHARS:
            recent[(q.start, q.end)] = q.group
    m.recent = recent
    for s in ex.speakers:
        _add_speaker(m, s, rename.get(s.name, s.name))


def _shift(q: Quote, by: int) -> Quote:
    return replace(
        q,
        start=q.start + by,
        end=q.end + by,
        context_start=q.context_start + by,
        context_end=q.context_end + by,
    )


def _renames(m: _Merged, speakers: list[Speaker]) -> dict[str, str]:
    """A one-word person the piece could not tie to a full name -> the full name an earlier
    piece gave that surname."""
    full_here = {s.name.split()[-1].lower() for s in speakers if len(s.name.split()) > 1}
    out = {}
    for s in speakers:
        words = s.name.split()
        if s.kind != "person" or len(words) != 1 or words[0].lower() in full_here:
            continue
        full = m.surnames.get(words[0].lower())
        if full is not None:
            out[s.name] = full
    for s in speakers:
        words = s.name.split()
        if s.kind == "person" and len(words) > 1:
            m.surnames[words[-1].lower()] = s.name
    return out


def _add_speaker(m: _Merged, s: Speaker, name: str) -> None:
    have = m.speakers.get(name)
    if have is None:
        have = m.speakers[name] = Speaker(name=name, kind=s.kind)
    for alias in [s.name, *s.aliases]:
        if alias != name and alias not in have.aliases:
            have.aliases.append(alias)
    for role in s.roles:
        if role not in have.roles:
            have.roles.append(role)
    have.mentions += s.mentions
