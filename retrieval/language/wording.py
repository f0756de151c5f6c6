"""Word families and folded wording of article spans: what lexical matching compares.

A crude stemmer is enough here: it only has to put "recusal", "recused" and "recusing" in one
family for overlap scores. Article ids are content hashes, so the per-span caches can never go
stale and are shared by every question and thread.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable

from retrieval.language.tokens import STOP_WORDS, fold

__all__ = ["norm", "span_norm", "span_stems", "stems"]

Text = str | Callable[[], str]  # an article's text, or how to read it


def _text(text: Text) -> str:
    return text if isinstance(text, str) else text()


_SUFFIXES = ("ations", "ation", "ings", "ing", "ies", "ied", "ed", "es", "s", "ly", "al")


def _stem(word: str) -> str:
    """A crude word family: 'recusal', 'recuse', 'recused' and 'recusing' all give 'recus'."""
    for suf in _SUFFIXES:
        if len(word) > len(suf) + 3 and word.endswith(suf):
            word = word[: -len(suf)]
            break
    return word[:-1] if len(word) > 4 and word.endswith("e") else word


def stems(text: str) -> set[str]:
    """Content-word stems: what lexical overlap is measured on."""
    # a possessive's "s" is no word ("BlackBerry's CEO" would match any "it's")
    words = re.findall(r"[^\W_]+", _POSSESSIVE_S.sub("", fold(text).lower()))
    return {_stem(w) for w in words if w not in STOP_WORDS and w not in _MORE_STOP}


_POSSESSIVE_S = re.compile(r"(?<=\w)'s\b")


_MORE_STOP = {
    "he", "she", "they", "his", "her", "their", "its", "we", "i", "you", "be", "been", "are",
    "were", "will", "would", "not", "no", "but", "if", "as", "so", "than", "then", "there",
    "who", "whom", "which", "when", "where", "how", "why", "can", "could", "should", "just",
    "very", "also", "up", "out", "into", "about", "think", "thinks", "called", "call",
}  # fmt: skip


# Stems of article spans, shared by every question. Article ids are content hashes, so an
# entry can never go stale; the benchmark profile had stems() at a third of ask() time.
_STEMS: dict[tuple[str, int, int], frozenset[str]] = {}
_STEMS_LOCK = threading.Lock()
_STEMS_MAX = 200_000


def span_stems(article_id: str, text: Text, start: int, end: int) -> frozenset[str]:
    """Stems of text[start:end]; `text` may be a loader, called only when not cached."""
    key = (article_id, start, end)
    found = _STEMS.get(key)
    if found is None:
        found = frozenset(stems(_text(text)[start:end]))
        with _STEMS_LOCK:
            if len(_STEMS) >= _STEMS_MAX:
                _STEMS.clear()
            _STEMS[key] = found
    return found


# Folded words of article spans (the context "who said" looks for the exact phrase in), kept
# like _STEMS.
_NORMS: dict[tuple[str, int, int], str] = {}


def span_norm(article_id: str, text: Text, start: int, end: int) -> str:
    """Folded words of text[start:end]; `text` may be a loader, as for span_stems."""
    key = (article_id, start, end)
    found = _NORMS.get(key)
    if found is None:
        found = norm(_text(text)[start:end])
        with _STEMS_LOCK:
            if len(_NORMS) >= _STEMS_MAX:
                _NORMS.clear()
            _NORMS[key] = found
    return found


def norm(text: str) -> str:
    return re.sub(r"[^\w]+", " ", fold(text).lower()).strip()
