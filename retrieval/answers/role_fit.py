"""Which holders of a role a qualifier fits, read from the articles they are quoted in.

"The Herons' owner" is the team owner of the story about the Herons; "the Lakeview coach"
is not the coach the story introduces as "Ridgefield coach Sam Pellino", even though his sentence
names Lakeview; "the Bayport Gulls manager" is not a manager whose story never names the
Gulls. A qualifier fits a holder in an article when each of its names is in a sentence that
names the holder, in the article's title, opening paragraph or source ("Harbor City Ledger"),
each of its common words at least in such a paragraph, and the words that introduce the
holder give no other qualifier of their own. A place fits its people: "Russia" is found in
"Russian".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from retrieval.language.people import TITLE_ROLES
from retrieval.language.tokens import STOP_WORDS, fold, tokens

__all__ = ["fitting_holders", "same_word"]

# the words right before a name: a capitalised qualifier, then the role ("Ridgefield coach ")
_OWN_QUALIFIER = re.compile(
    r"(?P<q>(?:[A-Z][\w'\u2019.&\-]*\s+)+)(?P<role>(?:[a-z][\w\-]*\s+){1,3})$"
)
_SENTENCE_END = re.compile(r"[.!?][\"'\u201d\u2019)]*\s+|\n")
# a place and its people: "Iran" / "Iranian", "Russia" / "Russian"
_DEMONYM_TAIL = 3


def _words(text: str) -> set[str]:
    return {t for t in tokens(text) if t not in STOP_WORDS}


def same_word(want: str, have: str) -> bool:
    if want == have:
        return True
    short, long_ = sorted((want, have), key=len)
    return len(short) >= 4 and long_.startswith(short) and len(long_) - len(short) <= _DEMONYM_TAIL


def _holds(want: set[str], have: set[str]) -> bool:
    return all(any(same_word(w, h) for h in have) for w in want)


def _sentence(text: str, start: int, end: int) -> tuple[int, int]:
    ends = [m.end() for m in _SENTENCE_END.finditer(text, 0, start)]
    after = _SENTENCE_END.search(text, end)
    return (ends[-1] if ends else 0), (after.start() if after else len(text))


def _paragraph(text: str, start: int, end: int) -> tuple[int, int]:
    lo = text.rfind("\n", 0, start) + 1
    hi = text.find("\n", end)
    return lo, (len(text) if hi < 0 else hi)


def _namings(text: str, names: Sequence[str]) -> list[tuple[str, str, str]]:
    """(words before the name in its sentence, the sentence, the paragraph) for each place
    a name is written."""
    out = []
    for name in names:
        for m in re.finditer(rf"(?<![\w]){re.escape(name)}(?![\w])", text):
            lo, hi = _sentence(text, m.start(), m.end())
            plo, phi = _paragraph(text, m.start(), m.end())
            out.append((text[lo : m.start()], text[lo:hi], text[plo:phi]))
    return out


LEDE_WORDS = 12  # the first paragraph this long opens the story (shorter: page furniture)


def _lede(text: str) -> str:
    """The story's first paragraph: what it is about ('following the Orioles' win')."""
    return next((p for p in text.split("\n") if len(p.split()) >= LEDE_WORDS), "")


def _ties(
    s: Any, aid: str, name: str, want: Qualifier, role_words: set[str], acts: bool = False
) -> bool:
    """Whether the article ties the holder `name` to the qualifier."""
    info = s.speaker(name)
    text = fold(s.text(aid))
    written = sorted({name, *(info.aliases if info else ())}, key=len, reverse=True)
    near: set[str] = set()  # the sentences that name the holder
    around: set[str] = set()  # their paragraphs
    for before, sentence, paragraph in _namings(text, [w for w in written if len(w) > 2]):
        own = None if acts else _OWN_QUALIFIER.search(before)
        if own and tokens(own.group("role"))[-1:] and tokens(own.group("role"))[-1] in role_words:
            # "Agency head Curtis Mbeki" qualifies with a word of the question ("venues agency")
            mine = _words(own.group("q")) - set(TITLE_ROLES)
            if mine and not any(same_word(w, h) for w in want.all for h in mine):
                return False  # introduced with a qualifier of its own, another one
        near |= _words(sentence)
        around |= _words(paragraph)
    ref = s.ref(aid)
    if ref is not None:
        near |= _words(f"{ref.title or ''} {ref.source or ''}")
    near |= _words(_lede(text))
    # A name ("West Virginia") must be where the holder is named: a paragraph can name the
    # other team too. A common word ("the venues agency") may be in the paragraph.
    want = want.as_written_in(text)
    return _holds(want.proper, near) and _holds(want.common, near | around)


@dataclass(frozen=True)
class Qualifier:
    proper: set[str]  # words written with a capital: a team, a place, an organisation
    common: set[str]

    @property
    def all(self) -> set[str]:
        return self.proper | self.common

    def as_written_in(self, text: str) -> Qualifier:
        """A word typed in lower case ("west virginia's coach") is a name where the article
        writes it only with a capital."""
        names = {
            w
            for w in self.common
            if re.search(rf"(?<![\w]){re.escape(w.capitalize())}(?![\w])", text)
            and not re.search(rf"(?<![\w]){re.escape(w)}(?![\w])", text)
        }
        return Qualifier(self.proper | names, self.common - names) if names else self

    @classmethod
    def read(cls, words: str) -> Qualifier:
        proper = {t for w in words.split() if w[:1].isupper() for t in _words(w)}
        return cls(proper, _words(words) - proper)


def fitting_holders(
    s: Any, names: Sequence[str], words: str, within: set[str] | None = None, acts: bool = False
) -> list[str]:
    """The names (holders of one role) that the qualifier `words` fits in an article that
    quotes them (among `within`, when given: a large archive's articles that hold the words).
    `acts`: the words tell what the holder did ("the coach who called the keeper"), so a
    qualifier the story introduces them with ("Riverton coach") does not rule them out."""
    want = Qualifier.read(words)
    if not want.all:
        return []
    out = []
    for name in names:
        info = s.speaker(name)
        if info is None:
            continue
        role_words = {t for rs in info.roles.values() for r in rs for t in tokens(r)}
        arts = info.quoted_in if within is None else info.quoted_in & within
        if any(_ties(s, aid, name, want, role_words, acts) for aid in sorted(arts)):
            out.append(name)
    return out
