"""A parsed document's tokens and text, built once and shared by the passes that walk it.

spaCy makes a new Token object on every `for t in doc` and every `doc[i]`, and rebuilds
`doc.text` on every access; the extraction passes walk a document about ten times. They
share one list instead (the last document asked about is kept; a parse is never changed
after the pipeline, and a document of another length is read afresh).
"""

from __future__ import annotations

from spacy.tokens import Doc, Token

_last: tuple[Doc, list[Token], str] | None = None


def _entry(doc: Doc) -> tuple[Doc, list[Token], str]:
    global _last
    last = _last
    if last is not None and last[0] is doc and len(last[1]) == len(doc):
        return last
    toks = list(doc)
    entry = (doc, toks, "".join(t.text_with_ws for t in toks))
    _last = entry
    return entry


def doc_tokens(doc: Doc) -> list[Token]:
    """`list(doc)`, shared: do not change the list."""
    return _entry(doc)[1]


def doc_text(doc: Doc) -> str:
    """`doc.text`, built once."""
    return _entry(doc)[2]
