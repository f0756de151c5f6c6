"""Words a page scrape glued together: "the Harbor Gazettereported on Monday".

A scrape that drops the space between a link and the word after it leaves one token of a
name and a speech verb, so the sentence has no verb of saying and no speaker. The pipeline
component below splits such a token in two before the tagger sees it, without touching the
text (the two tokens simply have no space between them), so every offset holds.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc

from retrieval.language.people import words
from retrieval.language.verbs import SPEECH_VERBS, inflections

# What a glued tail may be: a speech verb inflected ("reported", "says", "writing") or a
# document the speaker issued ("...Journalreport said"). Never a bare stem, so "Gainsay" or
# "Newsletter" stay whole.
_TAILS = inflections(SPEECH_VERBS, ("s", "ed", "ing")) | words("report statement editorial")
# Words that make a real compound with a verb after them: "Overstated", "Misreported".
_PREFIXES = words("over under mis re un out up down fore counter cross with inter")
COMPONENT = "whosaid_glued"  # the pipeline component's name
_GLUED = re.compile(r"([A-Z][a-z]{3,}|[A-Z&]{2,})([a-z]{4,})")


def glued_split(word: str) -> int | None:
    """Where a capitalised word glued to a speech word splits ("Journalreported" -> 7)."""
    m = _GLUED.fullmatch(word)
    if m is None:
        return None
    for cut in range(len(word) - 4, 2, -1):
        head, tail = word[:cut], word[cut:]
        if tail in _TAILS and head.lower() not in _PREFIXES and head[-1:].isalpha():
            return cut
    return None


@Language.component(COMPONENT)
def split_glued(doc: Doc) -> Doc:
    """Split tokens glued by a scrape into their name and their speech word."""
    found = [(t, cut) for t in doc if t.is_alpha and (cut := glued_split(t.text)) is not None]
    if found:
        with doc.retokenize() as retokenizer:
            for t, cut in found:
                retokenizer.split(t, [t.text[:cut], t.text[cut:]], heads=[(t, 1), (t, 1)])
    return doc
