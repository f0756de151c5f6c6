"""The parse seen through quote marks: which tokens are quoted, which verbs are speech cues,
what a cue's subject and content are, and whether a quoted stretch is a statement or a title.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterable
from dataclasses import dataclass, field

from spacy.tokens import Doc, Token

from retrieval.extraction.attribution.content import ANY_CUE, is_cue
from retrieval.extraction.marks import QuoteSpan
from retrieval.language.doctokens import doc_text, doc_tokens
from retrieval.language.people import PERSON_NOUNS, ROLE_KEYS, TITLES, words
from retrieval.language.verbs import COGNITION_VERBS, PEOPLE_NOUNS, SPEECH_VERBS
from retrieval.speakers.mentions import ORG_HEADS, np_tokens, span_text

_PEOPLE_WORDS = PERSON_NOUNS | frozenset(ROLE_KEYS) | TITLES | PEOPLE_NOUNS | ORG_HEADS

# Words before a quoted title that make it a name, not speech: on "Morning Show", of "Book".
TITLE_LEADS = words(
    "on of in titled entitled headlined called named dubbed show film book program "
    "programme series column article 's ’s"
)
# Works whose name may follow them in apposition: 'her memoir, "Salt And Stone,"'.
WORK_NOUNS = words(
    "book memoir novel film movie documentary song album show series play poem essay "
    "podcast column report study"
)
_LABEL_LINE = re.compile(
    r"(?m)^[ \t]*[\"\u201c]?([A-Z][\w.'\u2019\- ]{1,40}?)[ \t]*:[ \t]+(\S[^\n]*)$"
)
NOT_LABELS = words(
    "update note editor related image photo source read watch listen correction video "
    "clarification disclosure caption credit advertisement transcript"
)
_DASH_SIGN = re.compile(r"[ \t\xa0]*\n?[ \t\xa0]*[\u2015\u2014\u2013]+[ \t\xa0]*(?=[A-Z])")
CLAUSE_DEPS = frozenset({"ccomp", "xcomp", "advcl", "conj", "relcl", "acl", "parataxis", "csubj"})
FINITE_TAGS = frozenset({"VBD", "VBZ", "VBP", "MD"})
SMALL_WORDS = words("a an the of and or but to in on at for by with from as vs. vs")


def build_frame(doc: Doc, spans: list[QuoteSpan]) -> Frame:
    starts = [t.idx for t in doc_tokens(doc)]
    in_quote = [-1] * len(doc)
    opens, ends = [s.open_at for s in spans], [s.end for s in spans]
    k = 0
    for i, at in enumerate(starts):
        while k < len(spans) and ends[k] <= at:
            k += 1
        if k < len(spans) and opens[k] <= at < ends[k]:
            in_quote[i] = k
    frame = Frame(doc, spans, in_quote, starts=starts)
    frame.titles = {i for i in range(len(spans)) if frame.is_title(i)}
    return frame


@dataclass
class Frame:
    doc: Doc
    spans: list[QuoteSpan]
    in_quote: list[int]
    titles: set[int] = field(default_factory=set)
    starts: list[int] = field(default_factory=list)  # token start offsets, for bisect

    text: str = ""  # doc.text, built once: spaCy rebuilds it on every access
    # each token's sentence as token indices [first, end), as `Token.sent` gives it (which
    # builds a Span on every call); filled on first use
    sent_first: list[int] = field(default_factory=list)
    sent_end: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        if len(self.starts) != len(self.doc):
            self.starts = [t.idx for t in doc_tokens(self.doc)]
        self.text = doc_text(self.doc)

    def _sentences(self) -> None:
        toks = doc_tokens(self.doc)
        n = len(toks)
        first, end = [0] * n, [n] * n
        at = 0
        for i in range(1, n):
            if toks[i].is_sent_start:
                at = i
            first[i] = at
        after = n
        for i in range(n - 1, -1, -1):
            end[i] = after
            if toks[i].is_sent_start:
                after = i
        self.sent_first, self.sent_end = first, end

    def sent_bounds(self, t: Token) -> tuple[int, int]:
        """(start, end) token indices of t's sentence: `t.sent.start, t.sent.end`."""
        if not self.sent_first:
            self._sentences()
        return self.sent_first[t.i], self.sent_end[t.i]

    def sent_chars(self, t: Token) -> tuple[int, int]:
        """`t.sent.start_char, t.sent.end_char`."""
        lo, hi = self.sent_bounds(t)
        toks = doc_tokens(self.doc)
        return toks[lo].idx, toks[hi - 1].idx + len(toks[hi - 1].text)

    # --- per span ---------------------------------------------------------------------
    def inner_tokens(self, k: int) -> list[Token]:
        s = self.spans[k]
        return [t for t in self._tokens_between(s.inner_start, s.inner_end)]

    def tokens_between(self, start: int, end: int) -> list[Token]:
        return self._tokens_between(start, end)

    def _tokens_between(self, start: int, end: int) -> list[Token]:
        span = self.doc.char_span(start, end, alignment_mode="expand")
        return doc_tokens(self.doc)[span.start : span.end] if span is not None else []

    def _prev_token(self, k: int) -> Token | None:
        """The last real token before the opening mark."""
        i = bisect_left(self.starts, self.spans[k].open_at) - 1
        while i >= 0 and self.doc[i].is_space:
            i -= 1
        return self.doc[i] if i >= 0 else None

    def _lead_char(self, k: int) -> str:
        """The last non-space character before the opening mark in its sentence ('' if none)."""
        s = self.spans[k]
        text = self.text
        i = s.open_at - 1
        while i >= 0 and text[i] in " \t":
            i -= 1
        if i < 0 or text[i] == "\n":
            return ""
        tok = self._tokens_between(s.open_at, s.open_at + 1)
        if tok and self.sent_chars(tok[0])[0] > i:
            return ""
        return text[i]

    def _lead_char_before(self, t: Token) -> str:
        """The last non-space character before token t."""
        i = t.idx - 1
        while i >= 0 and self.text[i] in " \t":
            i -= 1
        return self.text[i] if i >= 0 else ""

    def is_title(self, k: int) -> bool:
        """A short Title-Case name in quotes after "on", "of", "'s" ...: a show, a book."""
        s = self.spans[k]
        inner = self.text[s.inner_start : s.inner_end].strip().rstrip(".,!?")
        words = inner.split()
        if not words or len(words) > 6:
            return False
        if not all(w[:1].isupper() or w.lower() in SMALL_WORDS for w in words):
            return False
        prev = self._prev_token(k)
        if self._lead_char(k) == "," and prev is not None and prev.i > 0:
            # 'In her 2019 memoir, "Salt And Stone," she ...': the work's name in apposition
            return self.doc[prev.i - 1].lemma_.lower() in WORK_NOUNS
        if self._lead_char(k) in (":", ",", ""):
            return False
        return prev is not None and prev.lower_ in TITLE_LEADS

    def opens_sentence(self, k: int) -> bool:
        """Quote k stands at the start of a sentence or a line."""
        return self._lead_char(k) == ""

    def has_clause(self, k: int) -> bool:
        toks = [t for t in self.inner_tokens(k) if not t.is_punct]
        if len(toks) < 3:
            return False
        if any(t.tag_ in FINITE_TAGS for t in toks):
            return True
        text = self.text[self.spans[k].inner_start : self.spans[k].inner_end].rstrip()
        return len(toks) >= 4 and text[-1:] in ".?!"

    def is_name(self, start: int, end: int) -> bool:
        """[start, end) is only a named entity (with its title), not something said."""
        toks = [t for t in self._tokens_between(start, end) if not t.is_punct]
        return bool(toks) and all(t.ent_type_ or t.pos_ == "PROPN" or t.is_stop for t in toks)

    def is_people(self, start: int, end: int) -> bool:
        """[start, end) only names people or bodies of people ("the mayor and council",
        "reporters"): the ones spoken to or of, not something said."""
        toks = [t for t in self._tokens_between(start, end) if not t.is_punct]
        heads = [t for t in toks if t.pos_ in ("NOUN", "PROPN")]
        return bool(heads) and all(
            t.is_stop
            or t.pos_ in ("DET", "CCONJ", "PRON")
            or t.ent_type_ in ("PERSON", "ORG", "NORP", "GPE")
            or t.lower_ in _PEOPLE_WORDS
            or t.lemma_.lower() in _PEOPLE_WORDS
            for t in toks
        )

    def tagged_short(self, k: int, cue: Token | None) -> bool:
        """A short quote right before its attribution: '"I would," she said.'"""
        s = self.spans[k]
        if cue is None or cue.idx < s.end or s.close_at is None:
            return False
        inner = self.text[s.inner_start : s.inner_end].rstrip()
        return inner[-1:] in ",?!" and cue.idx - s.end <= 40

    def starts_clause(self, k: int, cue: Token | None) -> bool:
        """The quote opens a statement: at sentence start, after a colon or comma, or a cue."""
        lead = self._lead_char(k)
        if lead in ("", ":", ",", "\u2014", "(", "\u2013", "-"):
            return True
        prev = self._prev_token(k)
        if prev is None:
            return True
        if self.subject_before(k):
            return False  # 'anyone who leaves early "has missed the point"': a predicate
        if prev.lemma_.lower() in SPEECH_VERBS and prev.pos_ in ("VERB", "AUX"):
            return True
        if prev.lower_ == "that" and prev.dep_ == "mark":
            return True
        if (
            prev.lower_ in ("but", "and")
            and cue is not None
            and cue.i < prev.i <= cue.i + 6
            and not any(t.pos_ in ("VERB", "AUX") for t in self.doc[cue.i + 1 : prev.i])
            and self._lead_char_before(prev) == ","
        ):
            return True  # '"A," she said, but "B."': the statement goes on after its cue
        if cue is None or prev.dep_ in ("det", "amod", "compound", "poss", "prep", "cc"):
            return False
        t = prev
        while t.i != cue.i and t.head.i != t.i:
            if t.dep_ in CLAUSE_DEPS:
                return False
            t = t.head
        return t.i == cue.i

    def subject_before(self, k: int) -> bool:
        """Quote k is the predicate of a subject written before its opening mark, so it goes
        on with a clause the writer began rather than opening one."""
        s = self.spans[k]
        toks = self.inner_tokens(k)
        inside = {t.i for t in toks}
        heads = [t for t in toks if t.head.i not in inside and not t.is_punct]
        return len(heads) == 1 and any(
            c.dep_ in ("nsubj", "nsubjpass") and c.idx < s.open_at and c.i not in inside
            for c in heads[0].children
        )

    def cue_for_span(self, k: int) -> Token | None:
        """The nearest speech verb outside quotes in the sentence(s) the quote touches."""
        s = self.spans[k]
        first = self._tokens_between(s.open_at, s.open_at + 1)
        last = self._tokens_between(max(s.open_at, s.end - 1), s.end)
        if not first or not last:
            return None
        lo, hi = self.sent_bounds(first[0])[0], self.sent_bounds(last[-1])[1]
        doc = doc_tokens(self.doc)
        # "...," he said. split off by the sentencizer: look into a short next sentence.
        inner = self.text[s.inner_start : s.inner_end].rstrip()
        gap = self.text[s.end : doc[hi].idx] if hi < len(doc) else "\n"
        if len(gap) <= 3 and "\n" not in gap and (doc[hi].is_lower or inner[-1:] in ",!?"):
            hi = self.sent_bounds(doc[hi])[1]
        best: tuple[int, Token] | None = None
        for i in range(lo, hi):
            t = doc[i]
            if not is_cue(t, self.in_quote):
                continue
            if (
                t.lemma_.lower() in COGNITION_VERBS
                and t.i > lo
                and t.idx < s.open_at
                and not any(c.dep_ == "ccomp" and self.in_quote[c.i] == k for c in t.children)
            ):
                continue
            dist = s.open_at - t.idx if t.idx < s.open_at else t.idx - s.end
            # A quote with a closing comma looks forward to its attribution.
            if t.idx < s.open_at and self.text[s.inner_end - 1 : s.inner_end] == ",":
                dist += 40
            if self._quote_between(t, k):
                dist += 200
            elif self._introduces(t, k):
                dist = 0  # 'She said: "...", adding that ...': the colon's verb introduces it
            if best is None or dist < best[0]:
                best = (dist, t)
        return best[1] if best else None

    def _introduces(self, t: Token, k: int) -> bool:
        """Cue t ends its clause with the colon that opens quote k: 'The coach said: "..."'."""
        s = self.spans[k]
        if t.idx >= s.open_at or self._lead_char(k) != ":" or t.dep_ not in ("ROOT", "conj"):
            return False  # 'the impact it said X would have: "..."' is no introduction
        between = self._tokens_between(t.idx + len(t.text), s.open_at)
        return all(b.is_punct or b.is_space or t in b.ancestors for b in between)

    def _quote_between(self, t: Token, k: int) -> bool:
        s = self.spans[k]
        a, b = (t.idx, s.open_at) if t.idx < s.open_at else (s.end, t.idx)
        return any(
            j != k and j not in self.titles and a <= o.open_at and o.end <= b
            for j, o in enumerate(self.spans)
        )

    def colon_speaker(self, k: int) -> Token | None:
        """`Name: 'quote'` (headline style): the person named before the colon."""
        if self._lead_char(k) != ":":
            return None
        prev = self._prev_token(k)
        while prev is not None and prev.is_punct and prev.i > 0:
            prev = self.doc[prev.i - 1]
        if prev is None or prev.pos_ != "PROPN":
            return None
        t = prev
        while t.head.i != t.i and t.dep_ not in ("relcl", "ROOT"):
            t = t.head
        if t.dep_ == "relcl" and t.head.pos_ == "PROPN":
            # 'Added cornerback Al X, who never lifted Y: "..."': the clause's antecedent
            # speaks, not the last name in it
            prev = t.head
        head = prev
        while head.dep_ == "compound" and head.head.i > head.i:
            head = head.head
        return head if head.ent_type_ in ("PERSON", "ORG", "") else None

    def colon_clause_verb(self, k: int) -> Token | None:
        """The main verb of the clause a colon closes right before quote k, when that clause
        is in the same sentence: 'The mayor had a one-line answer: "..."'."""
        if self._lead_char(k) != ":":
            return None
        prev = self._prev_token(k)
        while prev is not None and prev.is_punct and prev.i > 0:
            prev = self.doc[prev.i - 1]
        if prev is None:
            return None
        t = prev
        while t.head.i != t.i and t.pos_ not in ("VERB", "AUX"):
            t = t.head
        if t.pos_ not in ("VERB", "AUX") or self.in_quote[t.i] >= 0 or t.idx > prev.idx:
            return None
        return t

    def dash_speaker(self, k: int) -> Token | None:
        """A quote signed after a dash: '"..." \u2015 Jane Doe' (reader comments, vox pops)."""
        m = _DASH_SIGN.match(self.text, self.spans[k].end)
        if m is None:
            return None
        i = bisect_left(self.starts, m.end())
        toks = []
        while i < len(self.doc) and self.doc[i].pos_ == "PROPN" and "\n" not in self.doc[i].text:
            toks.append(self.doc[i])
            i += 1
        if toks and i < len(self.doc) and self.doc[i].tag_ == "POS":
            return self._owned_signer(i + 1)
        return toks[-1] if toks else None

    def _owned_signer(self, i: int) -> Token | None:
        """'"..." — Lindqvist's brother Tomas Ferrell, outside court': after a possessive
        the signer is the name that follows the owner's noun, never the owner; with no
        name there, nobody the text names."""
        doc = self.doc
        while i < len(doc) and doc[i].pos_ in ("NOUN", "ADJ") and doc[i].is_lower:
            i += 1  # "brother", "former neighbour"
        toks = []
        while i < len(doc) and doc[i].pos_ == "PROPN" and "\n" not in doc[i].text:
            toks.append(doc[i])
            i += 1
        return toks[-1] if toks else None

    def label_lines(self) -> list[tuple[Token, bool, int, int]]:
        """'PENCE: Well, look ...' (transcripts), 'Name: claim' and 'Name on topic: claim'
        (headlines).

        Returns (label head token, is a transcript, content start, content end). A label is a
        name of one to four capitalised words, never a furniture word like "Update".
        """
        out = []
        text = self.text
        for m in _LABEL_LINE.finditer(text):
            label = m.group(1).strip()
            # "Lopez on the budget: ...": the name before "on" leads in, the topic follows
            lead_in = " on " in label
            label = label.split(" on ", 1)[0] if lead_in else label
            words_ = label.split()
            if len(words_) > 4 or not all(w[:1].isupper() for w in words_):
                continue
            if any(w.lower().rstrip("\u2019's") in NOT_LABELS for w in words_):
                continue  # "Full Transcript: ...", "Watch the video: ..."
            toks = self._tokens_between(m.start(1), m.start(1) + len(label))
            if not toks:
                continue
            head = toks[-1]
            transcript = label.isupper() and len(label) > 1 and not lead_in
            if not transcript and head.ent_type_ not in ("PERSON", "ORG") and len(words_) > 1:
                continue  # one untagged word may still be a surname: "Lopez: ..."
            out.append((head, transcript, m.start(2), m.end(2)))
        return out

    def mention_text(self, head: Token, lead_in: bool = False) -> str:
        """The mention a head token stands for; a label's lead-in ends at the name ("Lopez"
        in "Lopez on the budget:")."""
        toks = np_tokens(head)
        return span_text([t for t in toks if t.i <= head.i] if lead_in else toks)

    def follows(self, k1: int, k2: int, cue: Token | None) -> bool:
        """Span k2 continues span k1: only space, or k1's own attribution, lies between."""
        a, b = self.spans[k1], self.spans[k2]
        between = self.text[a.end : b.open_at]
        if not between.strip():
            return True
        # A quote opening the next sentence may follow a longer attribution sentence:
        # '"A," X said after the hearing ended. "B."' is one statement.
        limit = 400 if self._lead_char(k2) == "" else 160
        if cue is None or not (a.end <= cue.idx < b.open_at) or len(between) > limit:
            return False
        if "\n" in between.strip():
            return False
        toks = self._tokens_between(a.end, b.open_at)
        others = [
            t
            for t in toks
            if t.i != cue.i
            and is_cue(t, self.in_quote)
            and any(c.dep_ == "nsubj" for c in t.children)  # someone else speaking
        ]
        return not others and not any(j in self.titles for j in self.spans_within(a.end, b.open_at))

    def inside_report(self, k: int, cue: Token) -> bool:
        """Quote k runs on from words before it in its clause ('she knows that "..."') and
        its cue is itself reported by another speech verb, so the quote is a piece of that
        outer statement rather than a statement of its own."""
        if self._lead_char(k) in ("", ":", ",", "\u2014", "(", "\u2013", "-"):
            return False
        if cue.idx > self.spans[k].open_at:
            return False
        if cue.dep_ in ("advcl", "conj") and is_cue(cue.head, self.in_quote, ANY_CUE):
            return False  # 'Haley said, adding "..."': the same speaker goes on
        t = cue
        while t.head.i != t.i:
            t = t.head
            if t.idx > self.spans[k].open_at:
                return False
            if is_cue(t, self.in_quote, ANY_CUE):
                return True
        return False

    def next_sentence(self, end: int, k: int) -> bool:
        """Span k opens the sentence right after the one that ends at offset `end`, with
        nothing but the rest of that sentence (its attribution) in between."""
        if self._lead_char(k) != "":
            return False
        s = self.spans[k]
        before = self._tokens_between(end - 1, end)
        first = self._tokens_between(s.open_at, s.open_at + 1)
        if (
            not before
            or not first
            or any(
                j not in self.titles and end <= o.open_at and o.end <= s.open_at
                for j, o in enumerate(self.spans)
            )
        ):
            return False
        gap = self.doc[before[-1].sent.end : first[0].sent.start]
        return all(t.is_space for t in gap) and s.open_at - end <= 400

    def other_cues(self, start: int, end: int, cue: Token | None) -> list[Token]:
        """Speech verbs with their own subject, other than `cue`, between start and end."""
        return [
            t
            for t in self._tokens_between(start, end)
            if (cue is None or t.i != cue.i)
            and is_cue(t, self.in_quote)
            and any(c.dep_ == "nsubj" for c in t.children)
        ]

    def span_at(self, pos: int) -> int | None:
        for k, s in enumerate(self.spans):
            if s.inner_start <= pos < s.inner_end:
                return k
        return None

    def minus_direct(self, start: int, end: int, direct: Iterable[int]) -> list[tuple[int, int]]:
        """[start, end) with the `direct` quote spans (and their marks) cut out."""
        pieces = [(start, end)]
        for k in direct:
            s = self.spans[k]
            out = []
            for a, b in pieces:
                if s.end <= a or s.open_at >= b:
                    out.append((a, b))
                    continue
                if a < s.open_at:
                    out.append((a, s.open_at))
                if s.end < b:
                    out.append((s.end, b))
            pieces = out
        return [(a, b) for a, b in pieces if self.text[a:b].strip()]

    def snap(self, start: int, end: int) -> tuple[int, int]:
        """Widen [start, end) to whole quotes where it cuts one near its mark."""
        for s in self.spans:
            if start <= s.open_at < end < s.end and s.end - end <= 3:
                end = s.end
            if s.open_at < start < s.end <= end and start - s.open_at <= 3:
                start = s.open_at
        return start, end

    def whole_quotes(self, start: int, end: int) -> tuple[int, int]:
        """Widen [start, end) so that it never ends or starts inside a quotation: a
        reported statement that quotes words quotes all of them."""
        for k, s in enumerate(self.spans):
            if k in self.titles or s.open_at >= end or s.end <= start:
                continue
            if start <= s.open_at and end < s.end:
                end = s.end
            elif s.open_at < start and s.end <= end:
                start = s.open_at
        return start, end

    def cut_second_report(self, start: int, end: int) -> int:
        """End a reported statement before a second speech verb joined to its main verb:
        'said the city would appeal and warned of higher fees' reports two things; and before
        a trailing 'according to' that attributes the whole sentence to someone else."""
        toks = self._tokens_between(start, end)
        inside = {t.i for t in toks}
        roots = [t for t in toks if t.head.i not in inside or t.head.i == t.i]
        for t in toks:
            if (
                t.dep_ == "conj"
                and t.pos_ == "VERB"
                and t.lemma_.lower() in SPEECH_VERBS - COGNITION_VERBS
                and t.head in roots
                and not (t.tag_ == "VBG" and t.head.tag_ == "VBG")  # "suggested X-ing and asking"
                and t.i > 0
                and self.doc[t.i - 1].lower_ in ("and", "but")
                and not any(c.dep_ in ("nsubj", "nsubjpass") for c in t.children)
                and t.idx - start > 10
            ):
                return self.doc[t.i - 1].idx
            if (
                t.tag_ == "VBG"
                and t.dep_ in ("advcl", "conj", "xcomp")
                and t.lemma_.lower() in SPEECH_VERBS - COGNITION_VERBS
                and t.i > 0
                and self.doc[t.i - 1].text == ","
                and not any(c.dep_ in ("nsubj", "nsubjpass") for c in t.children)
                and t.idx - start > 10
            ):
                # 'said she would appeal, citing the cost': the participle is the speaker's
                # second report, not part of the first
                return self.doc[t.i - 1].idx
            if (
                t.lower_ == "according"
                and is_cue(t, self.in_quote)
                and t.i > 0
                and self.doc[t.i - 1].text == ","
                and t.idx - start > 10
            ):
                # 'said she would appeal, according to her aides': the aides' attribution
                # of the sentence is not part of what she said
                return self.doc[t.i - 1].idx
        return end

    def cut_title(self, start: int, end: int) -> int:
        """End a statement before a trailing 'on "Show Title"' (a title inside it stays)."""
        for k in self.titles:
            s = self.spans[k]
            if start < s.open_at < end and not self.text[s.end : end].strip(" ,.;:\u2014-"):
                prev = self._prev_token(k)
                if prev is not None and prev.dep_ == "prep" and prev.idx > start:
                    return min(end, prev.idx)
        return end

    def spans_within(self, start: int, end: int) -> list[int]:
        return [
            k
            for k, s in enumerate(self.spans)
            if k not in self.titles and start <= s.open_at and s.end <= end + 1
        ]

    def cue_governs(self, cue: Token, k: int) -> bool:
        toks = self.inner_tokens(k)
        lo, hi = cue.left_edge.i, cue.right_edge.i
        return bool(toks) and all(lo <= t.i <= hi for t in toks)

    def context(self, start: int, end: int, cue: Token | None) -> tuple[int, int]:
        toks = self._tokens_between(start, end)
        if not toks:
            return start, end
        cs, ce = self.sent_chars(toks[0])[0], self.sent_chars(toks[-1])[1]
        if cue is not None:
            cue_cs, cue_ce = self.sent_chars(cue)
            cs, ce = min(cs, cue_cs), max(ce, cue_ce)
        return cs, ce
