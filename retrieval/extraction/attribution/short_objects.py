"""Two-word objects that are still a statement: "denounced the annexation", "lambasting
Trump's plan", "promised a veto". A speech verb's object reports what was said of it even
when it is short; a shorter object, or a two-word one under a verb of knowing or seeing
("the appeal was heard by a judge"), a non-speech verb ("released the returns") or a purpose
infinitive ("marched to protest police brutality") or a clause of time ("as she welcomed
the guests"), reports no statement.
"""

from __future__ import annotations

from spacy.tokens import Token

from retrieval.language.verbs import COGNITION_VERBS, SPEECH_VERBS

# Fewer words than this make no statement at all; this many need a speech verb's object.
MIN_WORDS = 3
SHORT_OBJECT_WORDS = 2


def too_short(cue: Token, n_words: int, by_object: bool) -> bool:
    """Whether content of `n_words` words is too short to be a statement for this cue."""
    if n_words >= MIN_WORDS:
        return False
    return n_words < SHORT_OBJECT_WORDS or not short_object_cue(cue, by_object)


def short_object_cue(cue: Token, by_object: bool) -> bool:
    """A speech verb (not a verb of knowing) whose object is the content, said by its own
    subject rather than as the purpose of another act ("to protest X")."""
    lemma = cue.lemma_.lower()
    if not by_object or lemma not in SPEECH_VERBS or lemma in COGNITION_VERBS:
        return False
    purpose = cue.dep_ in ("advcl", "xcomp", "relcl", "acl") and any(
        c.dep_ == "aux" and c.lower_ == "to" for c in cue.children
    )
    # "As Lopez welcomed the guests, ...": a clause of time or condition tells when
    occasion = cue.dep_ == "advcl" and any(c.dep_ == "mark" for c in cue.children)
    return not (purpose or occasion)
