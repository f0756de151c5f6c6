"""Words of a name or question as plain lower-case tokens, with typographic marks folded."""

from __future__ import annotations

import re

from retrieval.language.people import TITLE_ROLES

_FOLD = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u00b4": "'"})
WORD = re.compile(r"[^\W_]+(?:['\-.][^\W_]+)*\.?", re.UNICODE)


# fmt: off
STOP_WORDS = {
    "the", "a", "an", "of", "to", "in", "on", "at", "for", "about", "and", "or", "is", "was",
    "what", "who", "did", "does", "do", "say", "said", "anything", "something", "me", "tell",
    "show", "any", "all", "with", "by", "from", "has", "have", "had", "it", "that", "this",
    "please", "quotes", "quote", "comments", "remarks", "else", "more",
}
# fmt: on
# Prepositions STOP_WORDS keeps, for rules that need a question's content words only
# ("between May and July" names no subject).
# fmt: off
PREPOSITIONS = frozenset({
    "between", "since", "before", "after", "during", "until", "till", "through", "within",
    "around", "across", "among", "against", "toward", "towards", "over", "under",
})
# fmt: on


def fold(text: str) -> str:
    return text.translate(_FOLD)


def tokens(text: str) -> list[str]:
    """Lower-case word tokens; a trailing possessive and final periods are dropped."""
    out = []
    for tok in WORD.findall(fold(text).lower()):
        if tok.endswith("'s"):
            tok = tok[:-2]
        elif tok.endswith("s'"):
            tok = tok[:-1]
        tok = tok.rstrip(".") if tok not in TITLE_ROLES else tok
        if tok:
            out.append(tok)
    return out
